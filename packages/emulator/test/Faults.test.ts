/**
 * Fault injection over real HTTP: injected statuses with their retry headers, latency, dropped
 * connections before and after the handler, `times`, `fraction` (seeded), route matching and clearing.
 */
import * as http from "node:http"
import { type Emulator, InvalidFaultRule, startEmulator } from "@authctx/emulator"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { call, fresh, roles, type Send, start } from "./support.js"

let emulator: Emulator
let key: string
let pat: string
let projectRef: string
beforeAll(async () => {
  emulator = await start()
  const r = roles(emulator)
  key = r.p1.environments.dev.secretKey
  pat = r.admin.pat
  projectRef = r.p1.ref
})
afterEach(() => emulator.faults.clear())
afterAll(() => emulator.stop())

const list: Send = { path: "/api/v1/runs" }
const send = (s: Send) => call(emulator.url, { token: key, ...s })
const trigger = (task: string): Send => ({ method: "POST", path: `/api/v1/tasks/${task}/trigger`, body: {} })
const runCount = async (task: string) => {
  const reply = await send({ path: `/api/v1/runs?filter[taskIdentifier]=${task}` })
  return (reply.json as { data: Array<unknown> }).data.length
}

describe("status faults", () => {
  it("answer 500 {error: Injected fault} by default, as JSON", async () => {
    emulator.faults.inject({ route: "runs.listEnvironment" })
    const reply = await send(list)
    expect(reply.status).toBe(500)
    expect(reply.json).toEqual({ error: "Injected fault" })
    expect(reply.headers.get("content-type")).toBe("application/json")
    expect(reply.headers.get("x-should-retry")).toBeNull()
  })

  it("send the status, body and x-should-retry asked for", async () => {
    emulator.faults.inject({ route: "runs.list", status: 503, shouldRetry: true, times: 1 })
    emulator.faults.inject({
      route: "runs.list",
      status: 400,
      body: { error: "nope", code: "x" },
      shouldRetry: false,
      times: 1
    })
    const first = await send(list)
    expect([first.status, first.headers.get("x-should-retry")]).toEqual([503, "true"])
    const second = await send(list)
    expect([second.status, second.headers.get("x-should-retry"), second.json]).toEqual([
      400,
      "false",
      { error: "nope", code: "x" }
    ])
    expect((await send(list)).status).toBe(200)
  })

  it("send 429 with x-ratelimit-reset (epoch ms) and Retry-After", async () => {
    emulator.faults.inject({ route: "runs.list", rateLimitResetMs: 2_000, retryAfterSeconds: 3, times: 1 })
    const before = Date.now()
    const reply = await send(list)
    expect(reply.status).toBe(429)
    const reset = Number(reply.headers.get("x-ratelimit-reset"))
    expect(reset).toBeGreaterThanOrEqual(before + 2_000)
    expect(reset).toBeLessThanOrEqual(Date.now() + 2_000)
    expect(reply.headers.get("retry-after")).toBe("3")
  })

  it("do not run the handler", async () => {
    const task = fresh("faulted")
    emulator.faults.inject({ route: "tasks.trigger", status: 502, times: 1 })
    expect((await send(trigger(task))).status).toBe(502)
    expect(await runCount(task)).toBe(0)
  })
})

describe("latency", () => {
  it("delays the answer, which is otherwise normal", async () => {
    emulator.faults.inject({ route: "runs.list", latencyMs: 120, times: 1 })
    const started = performance.now()
    const reply = await send(list)
    expect(performance.now() - started).toBeGreaterThanOrEqual(110)
    expect(reply.status).toBe(200)
    const record = emulator.requests().at(-1)
    expect(record?.fault).toBe("latency 120ms")
    expect(record?.durationMs).toBeGreaterThanOrEqual(110)
  })

  it("a client that leaves during the delay takes the delay's timer with it", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === "Timeout").length
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5))
    const rule = emulator.faults.inject({ route: "runs.list", latencyMs: 30_000, times: 1 })
    const seq = emulator.requests().at(-1)?.seq ?? 0
    const before = timers()
    const request = http.get(`${emulator.url}${list.path}`, { headers: { authorization: `Bearer ${key}` } })
    request.on("error", () => {})
    for (let i = 0; i < 400 && rule.remaining() > 0; i++) await pause()
    expect(timers()).toBe(before + 1) // the delay's
    request.destroy()
    const dropped = () => emulator.requests().some((r) => r.seq > seq && r.status === 0)
    for (let i = 0; i < 400 && !dropped(); i++) await pause()
    expect(dropped()).toBe(true)
    expect(timers()).toBe(before)
  })

  it("combines with a status", async () => {
    emulator.faults.inject({ route: "runs.list", latencyMs: 60, status: 504, times: 1 })
    const started = performance.now()
    expect((await send(list)).status).toBe(504)
    expect(performance.now() - started).toBeGreaterThanOrEqual(55)
  })
})

describe("dropped connections", () => {
  it('"before": the request fails, nothing was done, the record has status 0', async () => {
    const task = fresh("drop-before")
    emulator.faults.inject({ route: "tasks.trigger", drop: "before", times: 1 })
    await expect(send(trigger(task))).rejects.toThrow()
    expect(await runCount(task)).toBe(0)
    const record = emulator.requests().find((r) => r.path === `/api/v1/tasks/${task}/trigger`)
    expect(record).toMatchObject({ status: 0, fault: "drop before", route: "tasks.trigger" })
  })

  it('"after": the request fails but the work was done', async () => {
    const task = fresh("drop-after")
    emulator.faults.inject({ route: "tasks.trigger", drop: "after", times: 1 })
    await expect(send(trigger(task))).rejects.toThrow()
    expect(await runCount(task)).toBe(1)
    const record = emulator.requests().find((r) => r.path === `/api/v1/tasks/${task}/trigger`)
    expect(record).toMatchObject({ status: 0, fault: "drop after" })
  })

  it("a dropped GET fails too, and the next request works", async () => {
    emulator.faults.inject({ route: "runs.retrieve", drop: "after", times: 1 })
    const id = (await send(trigger("hello"))).json as { id: string }
    await expect(send({ path: `/api/v3/runs/${id.id}` })).rejects.toThrow()
    expect((await send({ path: `/api/v3/runs/${id.id}` })).status).toBe(200)
  })
})

describe("which requests a rule hits", () => {
  it("times: the next N matching requests, with remaining()", async () => {
    const handle = emulator.faults.inject({ route: "runs.list", status: 500, times: 2 })
    expect(handle.remaining()).toBe(2)
    expect((await send(list)).status).toBe(500)
    expect(handle.remaining()).toBe(1)
    expect((await send(list)).status).toBe(500)
    expect(handle.remaining()).toBe(0)
    expect((await send(list)).status).toBe(200)
  })

  it("unlimited without times, until cleared by its handle", async () => {
    const handle = emulator.faults.inject({ route: "runs.list", status: 500 })
    for (let i = 0; i < 3; i++) expect((await send(list)).status).toBe(500)
    expect(handle.remaining()).toBe(Number.POSITIVE_INFINITY)
    handle.clear()
    expect(handle.remaining()).toBe(0)
    expect((await send(list)).status).toBe(200)
  })

  it("matches a route id (one route) or a call name (all its routes); no route matches every route", async () => {
    const batch = async () =>
      (await send({ method: "POST", path: "/api/v3/batches", body: { runCount: 1 } })).status
    const items = async () =>
      (await send({ method: "POST", path: "/api/v3/batches/batch_x/items", raw: "" })).status
    const project = async () =>
      (await call(emulator.url, { path: `/api/v1/projects/${projectRef}/runs`, token: pat })).status

    emulator.faults.inject({ route: "runs.listProject", status: 500 })
    expect([(await send(list)).status, await project()]).toEqual([200, 500])
    emulator.faults.clear()

    emulator.faults.inject({ route: "runs.listEnvironment", status: 500 })
    expect([(await send(list)).status, await project()]).toEqual([500, 200])
    emulator.faults.clear()

    emulator.faults.inject({ route: "runs.list", status: 500 })
    expect([(await send(list)).status, await project()]).toEqual([500, 500])
    emulator.faults.clear()

    emulator.faults.inject({ route: "tasks.createBatch", status: 500 })
    expect([await batch(), await items()]).toEqual([500, 404])
    emulator.faults.clear()

    emulator.faults.inject({ route: "tasks.batchTrigger", status: 500 })
    expect([await batch(), await items()]).toEqual([500, 500])
    emulator.faults.clear()

    emulator.faults.inject({ status: 418 })
    expect([(await send(list)).status, await batch(), await project()]).toEqual([418, 418, 418])
  })

  it("refuses a route that is neither a route id nor a call name, naming the id for the old runs.list names", () => {
    const inject = (route: string) => () =>
      // a JavaScript caller or a cast: the type allows only ids and call names
      emulator.faults.inject({ route: route as "runs.list", status: 500 })
    expect(inject("runs.list (project)")).toThrow(InvalidFaultRule)
    expect(inject("runs.list (project)")).toThrow(/the route id is runs\.listProject/)
    expect(inject("runs.list (environment)")).toThrow(/the route id is runs\.listEnvironment/)
    expect(inject("runs.lst")).toThrow(/neither a route id nor a call name/)
    // a token pasted where the route goes is not repeated in the message
    expect(() => inject(key)()).toThrow(InvalidFaultRule)
    try {
      inject(key)()
    } catch (error) {
      expect(String(error)).not.toContain(key)
      expect(String(error)).toContain("tr_dev_…")
    }
    // a typo is a compile error
    // @ts-expect-error "runs.lst" is not a route id or a call name
    expect(() => emulator.faults.inject({ route: "runs.lst" })).toThrow(InvalidFaultRule)
  })

  it("logs the route id of every request, never a capability or call name", async () => {
    emulator.clearRequests()
    await send(list)
    await call(emulator.url, { path: `/api/v1/projects/${projectRef}/runs`, token: pat })
    await send({ method: "POST", path: "/api/v3/batches", body: { runCount: 1 } })
    expect(emulator.requests().map((record) => record.route)).toEqual([
      "runs.listEnvironment",
      "runs.listProject",
      "tasks.createBatch"
    ])
  })

  it("fraction: about that share of requests, the same ones for the same seed", async () => {
    const pattern = async (e: Emulator) => {
      e.faults.inject({ route: "runs.list", fraction: 0.3, status: 500 })
      const token = roles(e).p1.environments.dev.secretKey
      const statuses: Array<number> = []
      for (let i = 0; i < 200; i++) statuses.push((await call(e.url, { ...list, token })).status)
      return statuses
    }
    const a = await startEmulator({ seed: 11 })
    const b = await startEmulator({ seed: 11 })
    const c = await startEmulator({ seed: 12 })
    try {
      const [pa, pb, pc] = [await pattern(a), await pattern(b), await pattern(c)]
      const faulted = pa.filter((s) => s === 500).length
      expect(faulted).toBeGreaterThan(30)
      expect(faulted).toBeLessThan(90)
      expect(pb).toEqual(pa)
      expect(pc).not.toEqual(pa)
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()])
    }
  })

  it("fraction with times counts only the requests it fired for", async () => {
    const handle = emulator.faults.inject({ route: "runs.list", fraction: 0.5, times: 3, status: 500 })
    const statuses: Array<number> = []
    for (let i = 0; i < 60; i++) statuses.push((await send(list)).status)
    expect(statuses.filter((s) => s === 500)).toHaveLength(3)
    expect(handle.remaining()).toBe(0)
  })

  it("faults.clear() removes every rule", async () => {
    emulator.faults.inject({ status: 500 })
    emulator.faults.inject({ route: "runs.list", drop: "before" })
    emulator.faults.clear()
    expect((await send(list)).status).toBe(200)
  })

  it("refuses a rule that makes no sense", () => {
    expect(() => emulator.faults.inject({ fraction: 1.5 })).toThrow(InvalidFaultRule)
    expect(() => emulator.faults.inject({ times: -1 })).toThrow(InvalidFaultRule)
    expect(() => emulator.faults.inject({ status: 99 })).toThrow(InvalidFaultRule)
    expect(() => emulator.faults.inject({ drop: "after", status: 500 })).toThrow(/drops or answers/)
  })
})
