/**
 * Request idempotency (docs/reference/idempotency.md) over real HTTP: the same `x-trigger-request-idempotency-key` on the same route from the same
 * credential returns the first 2xx answer and creates nothing new, also across injected 500s and dropped
 * connections; and the request log has exactly one record per HTTP request the client sent.
 */
import { randomUUID } from "node:crypto"
import { request } from "node:http"
import { Schemas } from "@authctx/api"
import type { Emulator } from "@authctx/emulator"
import { Schema } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { call, fresh, type Reply, roles, type Send, start } from "./support.js"

let emulator: Emulator
let key: string
beforeAll(async () => {
  emulator = await start()
  key = roles(emulator).p1.environments.dev.secretKey
})
afterEach(() => emulator.faults.clear())
afterAll(() => emulator.stop())

const decodeList = Schema.decodeUnknownSync(Schemas.ListRunResponse)

/** The runs of a task in the key's environment. */
const runsOf = async (task: string, token = key) => {
  const reply = await call(emulator.url, {
    path: `/api/v1/runs?filter[taskIdentifier]=${encodeURIComponent(task)}&page[size]=100`,
    token
  })
  return decodeList(reply.json).data
}

const triggerSend = (task: string, idempotencyKey: string, token = key): Send => ({
  method: "POST",
  path: `/api/v1/tasks/${task}/trigger`,
  token,
  idempotencyKey,
  body: { payload: { task } }
})

/**
 * A client-side retry loop like the SDK's: the same key on every attempt, retrying on a network error and
 * on 408/409/429/5xx. Counts what it sent.
 */
const withRetries = async (send: Send, maxAttempts = 8): Promise<{ reply: Reply; sent: number }> => {
  let sent = 0
  for (;;) {
    sent++
    try {
      const reply = await call(emulator.url, send)
      const retry =
        reply.status === 408 || reply.status === 409 || reply.status === 429 || reply.status >= 500
      if (!retry || sent >= maxAttempts) return { reply, sent }
    } catch (error) {
      if (sent >= maxAttempts) throw error
    }
  }
}

/** The records of the requests a test made (by idempotency key). */
const recordsFor = (idempotencyKey: string) =>
  emulator.requests().filter((record) => record.idempotencyKey === idempotencyKey)

describe("request idempotency (docs/reference/idempotency.md)", () => {
  it("a trigger sent three times with one key creates exactly one run and answers the same each time", async () => {
    const task = fresh("thrice")
    const idempotencyKey = randomUUID()
    const replies = [
      await call(emulator.url, triggerSend(task, idempotencyKey)),
      await call(emulator.url, triggerSend(task, idempotencyKey)),
      await call(emulator.url, triggerSend(task, idempotencyKey))
    ]
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200])
    expect(new Set(replies.map((r) => r.text)).size).toBe(1)
    expect(new Set(replies.map((r) => r.headers.get("x-trigger-jwt"))).size).toBe(1)
    expect(await runsOf(task)).toHaveLength(1)
    expect(recordsFor(idempotencyKey).map((r) => r.replayed)).toEqual([false, true, true])
  })

  it("concurrent duplicates create one run", async () => {
    const task = fresh("concurrent")
    const idempotencyKey = randomUUID()
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => call(emulator.url, triggerSend(task, idempotencyKey)))
    )
    expect(new Set(replies.map((r) => r.text)).size).toBe(1)
    expect(await runsOf(task)).toHaveLength(1)
    expect(recordsFor(idempotencyKey)).toHaveLength(8)
  })

  it("a duplicate that arrives while the first is still being received waits for its answer", async () => {
    const task = fresh("slow-first")
    const idempotencyKey = randomUUID()
    const body = Buffer.from(JSON.stringify({ payload: { task } }))
    // The first request's body arrives slowly, so it holds the key while the duplicate comes in. It
    // declares its length: the trigger route refuses a body of unknown length (413), as the server does.
    const first = new Promise<string>((resolve, reject) => {
      const req = request(
        `${emulator.url}/api/v1/tasks/${task}/trigger`,
        {
          method: "POST",
          headers: {
            authorization: `Bearer ${key}`,
            "content-type": "application/json",
            "content-length": String(body.length),
            "x-trigger-request-idempotency-key": idempotencyKey
          }
        },
        (res) => {
          let text = ""
          res.setEncoding("utf8")
          res.on("data", (chunk: string) => {
            text += chunk
          })
          res.on("end", () => resolve(text))
        }
      )
      req.on("error", reject)
      req.write(body.subarray(0, 5))
      setTimeout(() => req.end(body.subarray(5)), 200)
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const second = await call(emulator.url, triggerSend(task, idempotencyKey))
    expect(second.text).toBe(await first)
    expect(await runsOf(task)).toHaveLength(1)
    const records = recordsFor(idempotencyKey)
    expect(records.map((r) => r.replayed)).toEqual([false, true])
    // the duplicate waited: it was answered after the first
    const [a, b] = records
    expect((b?.at ?? 0) + (b?.durationMs ?? 0)).toBeGreaterThanOrEqual(
      (a?.at ?? 0) + (a?.durationMs ?? 0) - 1
    )
  })

  it("is scoped to the route, the path and the credential", async () => {
    const task = fresh("scoped")
    const idempotencyKey = randomUUID()
    const other = roles(emulator).p1.environments.dev.scopedKey
    const a = await call(emulator.url, triggerSend(task, idempotencyKey))
    const b = await call(emulator.url, triggerSend(`${task}-other`, idempotencyKey))
    const c = await call(emulator.url, triggerSend(task, idempotencyKey, other))
    const ids = [a, b, c].map((r) => (r.json as { id: string }).id)
    expect(new Set(ids).size).toBe(3)
    const list = await call(emulator.url, { path: "/api/v1/runs", token: key, idempotencyKey })
    expect(list.status).toBe(200)
    expect(recordsFor(idempotencyKey).every((r) => !r.replayed)).toBe(true)
  })

  it("keeps only 2xx answers: a refused attempt does not poison the retry", async () => {
    const task = fresh("refused-first")
    const idempotencyKey = randomUUID()
    const refused = await call(emulator.url, {
      ...triggerSend(task, idempotencyKey),
      body: { options: { delay: "later" } }
    })
    expect(refused.status).toBe(400)
    const ok = await call(emulator.url, triggerSend(task, idempotencyKey))
    expect(ok.status).toBe(200)
    expect(await runsOf(task)).toHaveLength(1)
    expect(recordsFor(idempotencyKey).map((r) => [r.status, r.replayed])).toEqual([
      [400, false],
      [200, false]
    ])
  })
})

describe("retries under faults: one run, one log record per request sent", () => {
  it("injected 500s (times: 2)", async () => {
    const task = fresh("after-500s")
    const idempotencyKey = randomUUID()
    emulator.faults.inject({ route: "tasks.trigger", status: 500, times: 2 })
    const { reply, sent } = await withRetries(triggerSend(task, idempotencyKey))
    expect(reply.status).toBe(200)
    expect(sent).toBe(3)
    expect(await runsOf(task)).toHaveLength(1)
    const records = recordsFor(idempotencyKey)
    expect(records.map((r) => [r.status, r.fault, r.replayed])).toEqual([
      [500, "status 500", false],
      [500, "status 500", false],
      [200, undefined, false]
    ])
  })

  it('a connection dropped "before" the handler ran', async () => {
    const task = fresh("drop-before")
    const idempotencyKey = randomUUID()
    emulator.faults.inject({ route: "tasks.trigger", drop: "before", times: 1 })
    const { reply, sent } = await withRetries(triggerSend(task, idempotencyKey))
    expect(reply.status).toBe(200)
    expect(sent).toBe(2)
    expect(await runsOf(task)).toHaveLength(1)
    expect(recordsFor(idempotencyKey).map((r) => [r.status, r.fault, r.replayed])).toEqual([
      [0, "drop before", false],
      [200, undefined, false]
    ])
  })

  it('a connection dropped "after" the handler ran: the retry gets the cached answer', async () => {
    const task = fresh("drop-after")
    const idempotencyKey = randomUUID()
    emulator.faults.inject({ route: "tasks.trigger", drop: "after", times: 1 })
    const { reply, sent } = await withRetries(triggerSend(task, idempotencyKey))
    expect(reply.status).toBe(200)
    expect(sent).toBe(2)
    const runs = await runsOf(task)
    expect(runs).toHaveLength(1)
    expect((reply.json as { id: string }).id).toBe(runs[0]?.id)
    expect(recordsFor(idempotencyKey).map((r) => [r.status, r.fault, r.replayed])).toEqual([
      [0, "drop after", false],
      [200, undefined, true]
    ])
  })

  it("a mix of 500s, drops and latency over many logical calls: no request lost or doubled", async () => {
    emulator.clearRequests()
    emulator.faults.inject({ route: "tasks.trigger", fraction: 0.25, status: 503, shouldRetry: true })
    emulator.faults.inject({ route: "tasks.trigger", fraction: 0.15, drop: "before" })
    emulator.faults.inject({ route: "tasks.trigger", fraction: 0.15, drop: "after" })
    emulator.faults.inject({ route: "tasks.trigger", fraction: 0.2, latencyMs: 5 })
    const task = fresh("mixed")
    const calls = 40
    let sentTotal = 0
    const results = await Promise.all(
      Array.from({ length: calls }, async () => {
        const { reply, sent } = await withRetries(triggerSend(task, randomUUID()), 30)
        sentTotal += sent
        return reply
      })
    )
    emulator.faults.clear()
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(await runsOf(task)).toHaveLength(calls)
    const records = emulator.requests().filter((r) => r.route === "tasks.trigger")
    expect(records).toHaveLength(sentTotal)
    expect(new Set(records.map((r) => r.seq)).size).toBe(sentTotal)
    expect(records.some((r) => r.fault === "drop after")).toBe(true)
    expect(records.some((r) => r.fault === "drop before")).toBe(true)
    const all = emulator.requests().map((r) => r.seq)
    expect(all).toEqual([...all].sort((a, b) => a - b))
  })
})
