/**
 * Results like the SDK's, over real HTTP against the emulator: `publicAccessToken` on trigger and batch
 * results (verified with `jose` against the environment's key), pages that iterate and chain, Effect
 * streams that honour cursors and stop, the SDK's option shapes (`queue: "name"`, `version`) and the
 * `runs.list` filters. The token never shows in errors, spans, logs or the emulator log.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { ManagementClient, Runs, Schedules, Tasks } from "@authctx/client"
import {
  auth,
  CursorPage,
  createClient,
  InternalServerError,
  NoSuchPage,
  OffsetLimitPage,
  runs
} from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Cause, Chunk, Effect, Exit, Logger, Redacted, Stream } from "effect"
import { errors, jwtVerify } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { recordingTracer } from "./support/tracing.js"
import { wireRun } from "./support/wireRun.js"

let emulator: Emulator
let lines: Array<string>
// typed by prefix, so the calls' credential requirements are checked as a user's would be
let dev: `tr_dev_${string}`
let prod: `tr_prod_${string}`
let pat: `tr_pat_${string}`
let projectRef: string

beforeAll(async () => {
  lines = []
  emulator = await startEmulator({ seed: 11, log: (line) => lines.push(line) })
  const [p1] = emulator.credentials.projects
  const [admin] = emulator.credentials.users
  if (p1 === undefined || admin === undefined) throw new Error("demo org")
  dev = p1.environments.dev.secretKey as `tr_dev_${string}`
  prod = p1.environments.prod.secretKey as `tr_prod_${string}`
  pat = admin.pat as `tr_pat_${string}`
  projectRef = p1.ref
})
afterAll(() => emulator.stop())

const verify = (jwt: string, rootKey: string) =>
  jwtVerify(jwt, new TextEncoder().encode(rootKey), {
    issuer: "https://id.trigger.dev",
    audience: "https://api.trigger.dev"
  })

const run = <A, E>(effect: Effect.Effect<A, E, ManagementClient.ManagementClient>) =>
  Effect.runPromise(effect.pipe(Effect.provide(ManagementClient.layerNode({ retry: false }))))

const as = <const T extends string>(token: T) => Auth.withAuth({ accessToken: token, baseURL: emulator.url })

let unique = 0
const fresh = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++unique}`

describe("publicAccessToken", () => {
  it("Effect API: Tasks.trigger carries it Redacted; it verifies with that environment's key only", async () => {
    const result = await run(Tasks.trigger("hello", { n: 1 }).pipe(as(dev)))
    expect(result.publicAccessToken).toBeDefined()
    const token = result.publicAccessToken
    if (token === undefined) return
    expect(Redacted.isRedacted(token)).toBe(true)
    const jwt = Redacted.value(token)
    const { payload } = await verify(jwt, dev)
    expect(payload).toMatchObject({
      pub: true,
      scopes: [`read:runs:${result.id}`, `write:inputStreams:${result.id}`]
    })
    await expect(verify(jwt, prod)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed)
    // the result prints without it
    expect(inspect(result, { depth: 5 })).not.toContain(jwt)
    expect(JSON.stringify(result)).not.toContain(jwt)
    expect(String(token)).not.toContain(jwt)
  })

  it("Effect API: Tasks.batchTrigger carries one that reads the batch", async () => {
    const result = await run(Tasks.batchTrigger("hello", [{ payload: 1 }, { payload: 2 }]).pipe(as(prod)))
    const token = result.publicAccessToken
    if (token === undefined) throw new Error("no publicAccessToken")
    const { payload } = await verify(Redacted.value(token), prod)
    expect(payload.scopes).toEqual([`read:batch:${result.batchId}`])
    await expect(verify(Redacted.value(token), dev)).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed
    )
  })

  it("Promise API: a plain string, as the SDK's, for trigger and batchTrigger", async () => {
    const client = createClient({ accessToken: dev, baseURL: emulator.url })
    const handle = await client.tasks.trigger("hello", { n: 2 })
    expect(typeof handle.publicAccessToken).toBe("string")
    const { payload } = await verify(handle.publicAccessToken ?? "", dev)
    expect(payload.scopes).toContain(`read:runs:${handle.id}`)
    const batch = await client.tasks.batchTrigger("hello", [{ payload: 1 }])
    const batchClaims = await verify(batch.publicAccessToken ?? "", dev)
    expect(batchClaims.payload.scopes).toEqual([`read:batch:${batch.batchId}`])
  })

  it("is never shown by the library: not in spans, logs, errors or the emulator log", async () => {
    const seen: Array<string> = []
    const tracer = recordingTracer(seen)
    const logged: Array<string> = []
    const logger = Logger.make(({ message }) => logged.push(inspect(message, { depth: 6 })))
    const program = Effect.gen(function* () {
      const triggered = yield* Tasks.trigger("hello", {})
      const batch = yield* Tasks.batchTrigger("hello", [{ payload: 1 }])
      // a user logging the results with Effect's logger shows no token
      yield* Effect.log(triggered, batch)
      // and a failing call after it (an unknown run) carries none in its error
      const failed = yield* Effect.exit(Runs.retrieve("run_missing"))
      return { triggered, batch, failed }
    }).pipe(as(dev), Effect.withTracer(tracer), Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
    const { triggered, batch, failed } = await run(program)
    const tokens = [triggered.publicAccessToken, batch.publicAccessToken].map((t) =>
      t === undefined ? "" : Redacted.value(t)
    )
    expect(tokens.every((t) => t.length > 20)).toBe(true)
    expect(Exit.isFailure(failed)).toBe(true)
    const rendered = [
      ...seen,
      ...logged,
      ...lines,
      Exit.isFailure(failed) ? Cause.pretty(failed.cause) : "",
      inspect(failed, { depth: 8 })
    ].join("\n")
    for (const token of tokens) {
      expect(rendered).not.toContain(token)
      expect(rendered).not.toContain(token.split(".")[2])
    }
    expect(logged.join("\n")).toContain("<redacted>")
  })
})

describe("runs.list pages (Promise API)", () => {
  const task = fresh("paged")
  const ids: Array<string> = []
  beforeAll(async () => {
    const client = createClient({ accessToken: dev, baseURL: emulator.url })
    // 7 runs at 2 a page: 4 pages; newest first
    for (let i = 0; i < 7; i++) ids.unshift((await client.tasks.trigger(task, { i })).id)
  })

  it("for await over an unawaited list yields every run of every page once, newest first", async () => {
    const client = createClient({ accessToken: dev, baseURL: emulator.url })
    const before = emulator.requests().length
    const seen: Array<string> = []
    for await (const item of client.runs.list({ taskIdentifier: task, limit: 2 })) seen.push(item.id)
    expect(seen).toEqual(ids)
    expect(emulator.requests().length - before).toBe(4)
  })

  it("a page has data and pagination, and getNextPage() / getPreviousPage() chain", async () => {
    const client = createClient({ accessToken: dev, baseURL: emulator.url })
    const first = await client.runs.list({ taskIdentifier: task, limit: 3 })
    expect(first).toBeInstanceOf(CursorPage)
    expect(first.data.map((r) => r.id)).toEqual(ids.slice(0, 3))
    expect(first.hasPreviousPage()).toBe(false)
    expect(first.hasNextPage()).toBe(true)
    const second = await first.getNextPage()
    expect(second.data.map((r) => r.id)).toEqual(ids.slice(3, 6))
    const third = await second.getNextPage()
    expect(third.data.map((r) => r.id)).toEqual(ids.slice(6))
    expect(third.hasNextPage()).toBe(false)
    await expect(third.getNextPage()).rejects.toBeInstanceOf(NoSuchPage)
    await expect(first.getPreviousPage()).rejects.toMatchObject({ _tag: "NoSuchPage", direction: "previous" })
    const back = await third.getPreviousPage()
    expect(back.data.map((r) => r.id)).toEqual(ids.slice(3, 6))
    // pages of pages
    const pages: Array<number> = []
    for await (const page of first.iterPages()) pages.push(page.data.length)
    expect(pages).toEqual([3, 3, 1])
    // iterating a page starts at that page
    const fromSecond: Array<string> = []
    for await (const item of second) fromSecond.push(item.id)
    expect(fromSecond).toEqual(ids.slice(3))
  })

  it("an empty list: no data, no next page, nothing to iterate", async () => {
    const client = createClient({ accessToken: dev, baseURL: emulator.url })
    const empty = await client.runs.list({ taskIdentifier: fresh("none") })
    expect(empty.data).toEqual([])
    expect(empty.hasNextPage()).toBe(false)
    const seen: Array<unknown> = []
    for await (const item of client.runs.list({ taskIdentifier: fresh("none") })) seen.push(item)
    expect(seen).toEqual([])
  })

  it("later pages use the credential of the first call, even outside its auth.withAuth scope", async () => {
    const first = await auth.withAuth({ accessToken: dev, baseURL: emulator.url }, () =>
      runs.list({ taskIdentifier: task, limit: 2 })
    )
    expect(auth.current()?.baseURL).not.toBe(emulator.url)
    const second = await first.getNextPage()
    expect(second.data.map((r) => r.id)).toEqual(ids.slice(2, 4))
  })

  it("the list's request options (an AbortSignal) apply to every page it fetches", async () => {
    const client = createClient({ accessToken: dev, baseURL: emulator.url })
    const controller = new AbortController()
    const first = await client.runs.list({ taskIdentifier: task, limit: 2 }, { signal: controller.signal })
    expect(first.data).toHaveLength(2)
    controller.abort()
    await expect(first.getNextPage()).rejects.toMatchObject({ name: "AbortError" })
    const ambientController = new AbortController()
    const ambientFirst = await auth.withAuth({ accessToken: dev, baseURL: emulator.url }, () =>
      runs.list({ taskIdentifier: task, limit: 2 }, { signal: ambientController.signal })
    )
    ambientController.abort()
    await expect(ambientFirst.getNextPage()).rejects.toMatchObject({ name: "AbortError" })
  })

  it("by project with a PAT, with the env filter", async () => {
    const client = createClient({ accessToken: pat, baseURL: emulator.url })
    const seen: Array<string> = []
    for await (const item of client.runs.list(projectRef, { taskIdentifier: task, env: "dev", limit: 3 }))
      seen.push(item.id)
    expect(seen).toEqual(ids)
  })

  it("a page that fails rejects with the typed error", async () => {
    const client = createClient({ accessToken: dev, baseURL: emulator.url }, { retry: false })
    const first = await client.runs.list({ taskIdentifier: task, limit: 2 })
    emulator.faults.inject({ route: "runs.list", status: 500, times: 1 })
    await expect(first.getNextPage()).rejects.toBeInstanceOf(InternalServerError)
    const items: Array<string> = []
    emulator.faults.inject({ route: "runs.list", status: 500, times: 1 })
    await expect(
      (async () => {
        for await (const item of client.runs.list({ taskIdentifier: task, limit: 2 })) items.push(item.id)
      })()
    ).rejects.toBeInstanceOf(InternalServerError)
    expect(items).toEqual([])
  })
})

describe("schedules.list pages (Promise API)", () => {
  it("iterate across offset pages, chain, and stop", async () => {
    const key = (emulator.credentials.projects[1]?.environments.staging.secretKey ?? "") as `tr_stg_${string}`
    const client = createClient({ accessToken: key, baseURL: emulator.url })
    const created: Array<string> = []
    for (let i = 0; i < 5; i++)
      created.unshift(
        (await client.schedules.create({ task: "nightly", cron: "0 3 * * *", deduplicationKey: fresh("d") }))
          .id
      )
    const seen: Array<string> = []
    for await (const schedule of client.schedules.list({ perPage: 2 })) seen.push(schedule.id)
    expect(seen).toEqual(created)
    const first = await client.schedules.list({ perPage: 2 })
    expect(first).toBeInstanceOf(OffsetLimitPage)
    expect(first.pagination).toEqual({ currentPage: 1, totalPages: 3, count: 5 })
    const last = await (await first.getNextPage()).getNextPage()
    expect(last.data.map((s) => s.id)).toEqual(created.slice(4))
    expect(last.hasNextPage()).toBe(false)
    await expect(last.getNextPage()).rejects.toBeInstanceOf(NoSuchPage)
    expect((await last.getPreviousPage()).data.map((s) => s.id)).toEqual(created.slice(2, 4))
  })
})

describe("Effect streams", () => {
  it("Runs.stream follows every page from the caller's cursor and stops", async () => {
    const task = fresh("streamed")
    const ids: Array<string> = []
    for (let i = 0; i < 5; i++) ids.unshift((await run(Tasks.trigger(task, i).pipe(as(dev)))).id)
    const all = await run(Runs.stream({ taskIdentifier: task, limit: 2 }).pipe(Stream.runCollect, as(dev)))
    expect(Chunk.toReadonlyArray(all).map((r) => r.id)).toEqual(ids)
    const after = await run(
      Runs.stream({ taskIdentifier: task, limit: 2, after: ids[1] }).pipe(Stream.runCollect, as(dev))
    )
    expect(Chunk.toReadonlyArray(after).map((r) => r.id)).toEqual(ids.slice(2))
    const byProject = await run(
      Runs.stream(projectRef, { taskIdentifier: task, env: "dev", limit: 4 }).pipe(Stream.runCollect, as(pat))
    )
    expect(Chunk.toReadonlyArray(byProject).map((r) => r.id)).toEqual(ids)
    // a stream runs again from the start
    const stream = Runs.stream({ taskIdentifier: task, limit: 3 })
    const twice = await run(Effect.zip(Stream.runCount(stream), Stream.runCount(stream)).pipe(as(dev)))
    expect(twice).toEqual([5, 5])
  })

  it("Schedules.stream yields every schedule across pages", async () => {
    const key = (emulator.credentials.projects[1]?.environments.prod.secretKey ?? "") as `tr_prod_${string}`
    const created: Array<string> = []
    for (let i = 0; i < 3; i++)
      created.unshift(
        (
          await run(
            Schedules.create({ task: "t", cron: "0 * * * *", deduplicationKey: fresh("s") }).pipe(as(key))
          )
        ).id
      )
    const all = await run(Schedules.stream({ perPage: 1 }).pipe(Stream.runCollect, as(key)))
    expect(Chunk.toReadonlyArray(all).map((s) => s.id)).toEqual(created)
  })
})

describe("a server that pages badly", () => {
  let server: http.Server
  let url: string
  let hits = 0
  const runItem = (id: string) => wireRun(id, { env: { id: "env_1", name: "dev" } })

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits++
      res.setHeader("content-type", "application/json")
      if (req.url?.startsWith("/api/v1/schedules")) {
        // claims a million pages, has none
        res.end(JSON.stringify({ data: [], pagination: { currentPage: 1, totalPages: 1_000_000, count: 0 } }))
        return
      }
      // always names the same next cursor
      res.end(JSON.stringify({ data: [runItem(`run_${hits}`)], pagination: { next: "run_loop" } }))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it("a repeated cursor fails with ApiSchemaError instead of looping (Effect and Promise)", async () => {
    hits = 0
    const exit = await Effect.runPromiseExit(
      Runs.stream().pipe(
        Stream.runCollect,
        Auth.withAuth({ accessToken: dev, baseURL: url }),
        Effect.provide(ManagementClient.layerNode({ retry: false }))
      )
    )
    expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toMatchObject({ _tag: "ApiSchemaError" })
    expect(hits).toBe(2)
    hits = 0
    const client = createClient({ accessToken: dev, baseURL: url }, { retry: false })
    const seen: Array<string> = []
    await expect(
      (async () => {
        for await (const item of client.runs.list()) seen.push(item.id)
      })()
    ).rejects.toMatchObject({ _tag: "ApiSchemaError" })
    expect(seen).toHaveLength(2)
  })

  it("an empty offset page ends the listing whatever totalPages says", async () => {
    hits = 0
    const all = await Effect.runPromise(
      Schedules.stream().pipe(
        Stream.runCollect,
        Auth.withAuth({ accessToken: dev, baseURL: url }),
        Effect.provide(ManagementClient.layerNode({ retry: false }))
      )
    )
    expect(Chunk.size(all)).toBe(0)
    const client = createClient({ accessToken: dev, baseURL: url }, { retry: false })
    for await (const _ of client.schedules.list()) throw new Error("no item expected")
    expect(hits).toBe(2)
  })
})

describe("SDK option shapes and runs.list filters", () => {
  it('queue: "name" and version on trigger reach the run; the queue, version, tag and batch filters find it', async () => {
    const client = createClient({ accessToken: dev, baseURL: emulator.url })
    const queue = fresh("media")
    const task = fresh("q")
    const onQueue = await client.tasks.trigger(task, {}, { queue, version: "20250101.1", tags: ["a"] })
    const asObject = await client.tasks.trigger(task, {}, { queue: { name: queue } })
    const ownQueue = await client.tasks.trigger(task, {})
    const batch = await client.tasks.batchTrigger(task, [
      { payload: 1, options: { queue, version: "20250101.2" } }
    ])

    const ids = async (params: Parameters<typeof client.runs.list>[0]) => {
      const out: Array<string> = []
      for await (const item of client.runs.list({ taskIdentifier: task, ...params })) out.push(item.id)
      return out.sort()
    }
    const batchRuns = await ids({ batch: batch.batchId })
    expect(batchRuns).toHaveLength(1)
    expect(await ids({ queue })).toEqual([onQueue.id, asObject.id, ...batchRuns].sort())
    expect(await ids({ queue: { type: "custom", name: queue } })).toEqual(await ids({ queue }))
    expect(await ids({ queue: { type: "task", name: task } })).toEqual([ownQueue.id])
    expect(await ids({ queue: [{ type: "task", name: task }, queue] })).toHaveLength(4)
    expect(await ids({ version: "20250101.1" })).toEqual([onQueue.id])
    expect(await ids({ version: ["20250101.1", "20250101.2"] })).toEqual([onQueue.id, ...batchRuns].sort())
    expect(await ids({ tag: "a" })).toEqual([onQueue.id])
    expect(await ids({ status: ["QUEUED", "EXECUTING", "COMPLETED"], period: "1d" })).toHaveLength(4)
    expect(
      await ids({ period: "1d", region: "eu-central-1", schedule: "sched_x", bulkAction: "bulk_x" })
    ).toHaveLength(4)
    const [listed] = (await client.runs.list({ taskIdentifier: task, version: "20250101.1" })).data
    expect(listed?.version).toBe("20250101.1")
  })

  it("sends queue as { name } and version as lockToVersion, as the SDK does", async () => {
    const bodies: Array<unknown> = []
    const server = http.createServer((req, res) => {
      let body = ""
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8")
      })
      req.on("end", () => {
        bodies.push(JSON.parse(body))
        res.setHeader("content-type", "application/json")
        res.end(JSON.stringify({ id: "run_1" }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const client = createClient({ accessToken: dev, baseURL: url }, { retry: false })
      const handle = await client.tasks.trigger("t", {}, { queue: "media", version: "20250101.1" })
      expect(handle.publicAccessToken).toBeUndefined()
      expect(bodies[0]).toMatchObject({ options: { queue: { name: "media" }, lockToVersion: "20250101.1" } })
      expect(JSON.stringify(bodies[0])).not.toContain('"version"')
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
