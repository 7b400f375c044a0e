/**
 * What the emulator remembers to answer a request cheaply gives the answers it would work out afresh
 * (docs/decisions/0034-emulator-request-cost.md): the request log in typed-array chunks, a finished run's
 * kept answer (dropped when the run is edited), the last header and the last path, kept refusals.
 */
import * as http from "node:http"
import type { Emulator, RequestRecord } from "@authctx/emulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cachedIdentify, identify } from "../src/internal/auth.js"
import * as Model from "../src/internal/model.js"
import { RecordStore } from "../src/internal/recordStore.js"
import { call, field, roles, start } from "./support.js"

const record = (i: number): RequestRecord => ({
  seq: i + 1,
  at: 1_800_000_000_000 + i,
  method: i % 3 === 0 ? "POST" : "GET",
  path: `/api/v3/runs/run_${i % 7}`,
  route: i % 5 === 0 ? undefined : "runs.retrieve",
  status: i % 11 === 0 ? 0 : 200 + (i % 400),
  credentialKind: i % 4 === 0 ? "none" : "SecretKey",
  credential: i % 4 === 0 ? undefined : `tr_dev_${i % 2}`,
  projectRef: i % 2 === 0 ? "proj_a" : undefined,
  environment: i % 2 === 0 ? "dev" : undefined,
  branch: i % 13 === 0 ? `branch-${i}` : undefined,
  idempotencyKey: i % 17 === 0 ? `key-${i}` : undefined,
  replayed: i % 19 === 0,
  fault: i % 23 === 0 ? "status 503" : undefined,
  durationMs: i / 7
})

describe("the request log's store", () => {
  it("gives back every field of every record, in seq order, across chunks", () => {
    const store = new RecordStore()
    const count = 20_000 // more than two chunks of 8,192
    const records = Array.from({ length: count }, (_, i) => record(i))
    // pushed out of order (answers finish out of arrival order): list() sorts by seq
    for (let i = 1; i < count; i += 2) store.push(records[i] ?? record(i))
    for (let i = 0; i < count; i += 2) store.push(records[i] ?? record(i))
    expect(store.length).toBe(count)
    expect(store.list()).toEqual(records)
  })

  it("starts afresh after clear, with nothing left of what it held", () => {
    const store = new RecordStore()
    for (let i = 0; i < 10; i++) store.push(record(i))
    store.clear()
    expect(store.list()).toEqual([])
    // the same field values again after clear: the last-value shortcut must not point into the old table
    const again = [record(3), record(4), { ...record(3), seq: 100 }]
    for (const r of again) store.push(r)
    expect(store.list()).toEqual(again)
  })
})

describe("cachedIdentify's last header", () => {
  const world = Model.make(1, { queuedMs: 0, executingMs: 0 })
  const [p1, p2] = world.projectKeys
  const a = `Bearer ${p1?.environments.dev.secretKey ?? ""}`
  const b = `Bearer ${p2?.environments.prod.secretKey ?? ""}`

  it("answers each header as identify does, whatever came before it", () => {
    const cached = cachedIdentify(world.state)
    const sequence = [a, a, b, "Bearer tr_dev_unknownunknownunknown", a, undefined, b, "garbage", b, a]
    for (const header of sequence) expect(cached(header)).toEqual(identify(world.state, header))
  })
})

/** A POST declaring a body over the server's limit, sent without the body: the answer and its headers. */
const declareTooLarge = (url: string, token: string) =>
  new Promise<{ status: number | undefined; connection: string | undefined; body: string }>(
    (resolve, reject) => {
      const req = http.request(
        `${url}/api/v1/tasks/hello/trigger`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-length": String(6 * 1024 * 1024) }
        },
        (res) => {
          let body = ""
          res.setEncoding("utf8")
          res.on("data", (chunk: string) => {
            body += chunk
          })
          res.on("end", () => resolve({ status: res.statusCode, connection: res.headers.connection, body }))
        }
      )
      req.on("error", reject)
      req.flushHeaders()
    }
  )

describe("over HTTP", () => {
  let emulator: Emulator
  let dev: string
  let prod: string

  beforeAll(async () => {
    emulator = await start({ timings: { queuedMs: 0, executingMs: 0 } })
    const r = roles(emulator)
    dev = r.p1.environments.dev.secretKey
    prod = r.p1.environments.prod.secretKey
  })
  afterAll(() => emulator.stop())

  const finishedRun = async (token: string): Promise<string> => {
    const triggered = await call(emulator.url, {
      method: "POST",
      path: "/api/v1/tasks/hello/trigger",
      token,
      body: { payload: { hello: "world" } }
    })
    const id = field(triggered, "id")
    for (let i = 0; i < 200; i++) {
      const run = await call(emulator.url, { path: `/api/v3/runs/${id}`, token })
      if ((run.json as { isCompleted?: boolean }).isCompleted === true) return id
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    throw new Error(`run ${id} did not finish`)
  }

  const contentLengthMatches = (reply: { headers: Headers; text: string }) =>
    expect(reply.headers.get("content-length")).toBe(String(Buffer.byteLength(reply.text)))

  it("a finished run's kept answer is dropped when its tags or metadata change", async () => {
    const id = await finishedRun(dev)
    const first = await call(emulator.url, { path: `/api/v3/runs/${id}`, token: dev })
    const second = await call(emulator.url, { path: `/api/v3/runs/${id}`, token: dev })
    expect(second.text).toBe(first.text)
    contentLengthMatches(second)
    // a tag of multi-byte characters: the content-length counts bytes
    const tagged = await call(emulator.url, {
      method: "POST",
      path: `/api/v1/runs/${id}/tags`,
      token: dev,
      body: { tags: ["größe-✓"] }
    })
    expect(tagged.status).toBe(200)
    const afterTag = await call(emulator.url, { path: `/api/v3/runs/${id}`, token: dev })
    expect((afterTag.json as { tags: Array<string> }).tags).toEqual(["größe-✓"])
    contentLengthMatches(afterTag)
    const again = await call(emulator.url, { path: `/api/v3/runs/${id}`, token: dev })
    expect(again.text).toBe(afterTag.text)
    const updated = await call(emulator.url, {
      method: "PUT",
      path: `/api/v1/runs/${id}/metadata`,
      token: dev,
      body: { metadata: { step: 2 } }
    })
    expect(updated.status).toBe(200)
    const afterMetadata = await call(emulator.url, { path: `/api/v3/runs/${id}`, token: dev })
    expect((afterMetadata.json as { metadata: unknown }).metadata).toEqual({ step: 2 })
    contentLengthMatches(afterMetadata)
  })

  it("the last path and the last header do not answer for the next request", async () => {
    const one = await finishedRun(dev)
    const two = await finishedRun(dev)
    emulator.clearRequests()
    const sequence: ReadonlyArray<readonly [string, string, number]> = [
      [one, dev, 200],
      [one, dev, 200],
      [two, dev, 200],
      [one, prod, 404], // another environment's key: the run is not found there
      [one, "tr_dev_unknownunknownunknown", 401],
      [one, dev, 200],
      [two, prod, 404],
      [two, dev, 200]
    ]
    for (const [id, token, status] of sequence) {
      const reply = await call(emulator.url, { path: `/api/v3/runs/${id}`, token })
      expect(reply.status).toBe(status)
      contentLengthMatches(reply)
      if (status === 200) expect(field(reply, "id")).toBe(id)
    }
    const records = emulator.requests()
    expect(records.map((r) => [r.path, r.status, r.environment])).toEqual(
      sequence.map(([id, token, status]) => [
        `/api/v3/runs/${id}`,
        status,
        token === dev ? "dev" : token === prod ? "prod" : undefined
      ])
    )
    expect(records.map((r) => r.credentialKind)).toEqual(
      sequence.map(([, token]) => (token === dev || token === prod ? "SecretKey" : "invalid"))
    )
  })

  it("a kept answer given again skips nothing the request changes: a branch, a fault, another key", async () => {
    const id = await finishedRun(dev)
    const get = (token: string, extra: { branch?: string } = {}) =>
      call(emulator.url, { path: `/api/v3/runs/${id}`, token, ...extra })
    expect((await get(dev)).status).toBe(200)
    expect((await get(dev)).status).toBe(200) // given again
    // a branch header: the key acts on a branch (none by that name here), not on its own environment
    expect((await get(dev, { branch: "feature-x" })).status).toBe(401)
    const rule = emulator.faults.inject({ route: "runs.retrieve", status: 503, times: 1 })
    expect((await get(dev)).status).toBe(503)
    expect(rule.remaining()).toBe(0)
    expect((await get(prod)).status).toBe(404)
    const again = await get(dev)
    expect(again.status).toBe(200)
    expect(field(again, "id")).toBe(id)
    const last = emulator.requests().at(-1)
    expect(last).toMatchObject({
      route: "runs.retrieve",
      status: 200,
      environment: "dev",
      credentialKind: "SecretKey"
    })
    expect(last?.projectRef).toBe(roles(emulator).p1.ref)
  })

  it("kept refusals answer the same bytes every time, and a 413 still closes the connection", async () => {
    const a = await call(emulator.url, { path: "/api/v3/runs/run_x" })
    const b = await call(emulator.url, { path: "/api/v3/runs/run_x" })
    expect(a.status).toBe(401)
    expect(b.text).toBe(a.text)
    contentLengthMatches(b)
    const answer = await declareTooLarge(emulator.url, dev)
    expect(answer.status).toBe(413)
    expect(answer.connection).toBe("close")
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining("Request body too large") })
  })
})
