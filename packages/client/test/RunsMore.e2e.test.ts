/**
 * runs.reschedule, runs.poll, runs.addTags, runs.retrieveMetadata, runs.updateMetadata and batch.retrieve
 * over real HTTP against the emulator: what a SecretKey gets (and the server's refusals: 422 not delayed,
 * 400 bad delay, 422 over 10 tags, 404s), a PAT refused before sending on a client, the ambient functions
 * and the Effect API, and no token in any error's text.
 */
import { Batches, ManagementClient, PollExhaustedError, Runs } from "@authctx/client"
import {
  auth,
  BadRequestError,
  batch,
  CapabilityError,
  createClient,
  NotFoundError,
  runs,
  tasks,
  UnprocessableEntityError
} from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let secretKey: string
let otherEnvKey: string
let pat: string

// runs queue for 30 ms and execute for 60 ms, so a poll sees them finish
beforeAll(async () => {
  emulator = await startEmulator({ seed: 12, timings: { queuedMs: 30, executingMs: 60 } })
  const project = emulator.credentials.projects[0]
  const projectRef = project?.ref ?? ""
  secretKey = project?.environments.dev.secretKey ?? ""
  otherEnvKey = project?.environments.prod.secretKey ?? ""
  pat = emulator.credentials.users.find((user) => user.projectRefs.includes(projectRef))?.pat ?? ""
})
afterAll(() => emulator.stop())

const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0
const since = (seq: number) => emulator.requests().filter((r) => r.seq > seq)

const client = () =>
  createClient({ accessToken: secretKey, baseURL: emulator.url }, { retry: false }).requireSecretKey()
const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error
  )

describe("runs.reschedule", () => {
  it("moves a delayed run to its new time and answers the run", async () => {
    const c = client()
    const { id } = await c.tasks.trigger("hello", { n: 1 }, { delay: "1h" })
    const before = Date.now()
    const run = await c.runs.reschedule(id, { delay: "2h" })
    expect(run.id).toBe(id)
    expect(run.status).toBe("DELAYED")
    const at = run.delayedUntil?.getTime() ?? 0
    expect(at).toBeGreaterThanOrEqual(before + 2 * 3_600_000 - 1_000)
    expect(at).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000 + 1_000)
    expect((await c.runs.retrieve(id)).delayedUntil?.getTime()).toBe(at)
    const seq = lastSeq()
    const date = new Date(Date.now() + 86_400_000)
    expect((await c.runs.reschedule(id, { delay: date })).delayedUntil?.getTime()).toBe(date.getTime())
    expect(since(seq).map((r) => [r.route, r.status])).toEqual([["runs.reschedule", 200]])
  })

  it("refuses a run that is not delayed (422), a bad delay (400) and an unknown run (404)", async () => {
    const c = client()
    const { id } = await c.tasks.trigger("hello", { n: 1 })
    const notDelayed = await failure(c.runs.reschedule(id, { delay: "1h" }))
    expect(notDelayed).toBeInstanceOf(UnprocessableEntityError)
    expect((notDelayed as Error).message).toContain("Cannot reschedule a run that is not delayed")
    const delayed = await c.tasks.trigger("hello", { n: 1 }, { delay: "1h" })
    expect(await failure(c.runs.reschedule(delayed.id, { delay: "soon" }))).toBeInstanceOf(BadRequestError)
    expect(await failure(c.runs.reschedule("run_nope", { delay: "1h" }))).toBeInstanceOf(NotFoundError)
  })

  it("does not find a run of another environment", async () => {
    const { id } = await client().tasks.trigger("hello", { n: 1 }, { delay: "1h" })
    const other = createClient(
      { accessToken: otherEnvKey, baseURL: emulator.url },
      { retry: false }
    ).requireSecretKey()
    expect(await failure(other.runs.reschedule(id, { delay: "2h" }))).toBeInstanceOf(NotFoundError)
  })
})

describe("runs.addTags", () => {
  it("adds tags by run id, once each, up to 10 a run", async () => {
    const c = client()
    const { id } = await c.tasks.trigger("hello", { n: 1 }, { tags: ["a"] })
    expect(await c.runs.addTags(id, ["b", "c", "b"])).toEqual({ message: "Successfully set 2 new tags." })
    expect(await c.runs.addTags(id, "a")).toEqual({ message: "No new tags to add" })
    expect((await c.runs.retrieve(id)).tags).toEqual(["a", "b", "c"])
    const tooMany = await failure(c.runs.addTags(id, ["d", "e", "f", "g", "h", "i", "j", "k"]))
    expect(tooMany).toBeInstanceOf(UnprocessableEntityError)
    expect((tooMany as Error).message).toContain("Runs can only have 10 tags.")
    expect(await c.runs.addTags(id, ["d", "e", "f", "g", "h", "i", "j"])).toEqual({
      message: "Successfully set 7 new tags."
    })
    expect((await c.runs.retrieve(id)).tags).toHaveLength(10)
    expect(await failure(c.runs.addTags("run_nope", "x"))).toBeInstanceOf(NotFoundError)
  })

  it("changes the answer of a finished run's retrieve (not a stale memo)", async () => {
    const c = client()
    const { id } = await c.tasks.trigger("hello", { n: 1 })
    const done = await c.runs.poll(id, { pollIntervalMs: 10 })
    expect(done.tags).toEqual([])
    await c.runs.addTags(id, "late")
    expect((await c.runs.retrieve(id)).tags).toEqual(["late"])
  })
})

describe("runs metadata", () => {
  it("reads {} for a run without metadata, then the metadata a trigger gave", async () => {
    const c = client()
    const bare = await c.tasks.trigger("hello", { n: 1 })
    expect(await c.runs.retrieveMetadata(bare.id)).toEqual({ metadata: {} })
    const given = await c.tasks.trigger("hello", { n: 1 }, { metadata: { step: "start" } })
    expect(await c.runs.retrieveMetadata(given.id)).toEqual({ metadata: { step: "start" } })
  })

  it("replaces it with metadata, changes it with operations in order, and retrieve shows it", async () => {
    const c = client()
    const { id } = await c.tasks.trigger("hello", { n: 1 }, { metadata: { old: true } })
    const updated = await c.runs.updateMetadata(id, {
      metadata: { count: 1, list: ["a"], nested: { keep: 1 } },
      operations: [
        { type: "increment", key: "count", value: 2 },
        { type: "append", key: "list", value: "b" },
        { type: "remove", key: "list", value: "a" },
        { type: "set", key: "$.nested.deep", value: { x: 1 } },
        { type: "set", key: "status", value: "done" },
        { type: "delete", key: "status" },
        { type: "append", key: "fresh", value: 1 }
      ]
    })
    const expected = { count: 3, list: ["b"], nested: { keep: 1, deep: { x: 1 } }, fresh: [1] }
    expect(updated).toEqual({ metadata: expected })
    expect(await c.runs.retrieveMetadata(id)).toEqual({ metadata: expected })
    expect((await c.runs.retrieve(id)).metadata).toEqual(expected)
    expect(
      await c.runs.updateMetadata(id, { operations: [{ type: "update", value: { replaced: 1 } }] })
    ).toEqual({ metadata: { replaced: 1 } })
  })

  it("refuses a dangerous key (400), metadata over 256 KiB (413), an unknown run (404)", async () => {
    const c = client()
    const { id } = await c.tasks.trigger("hello", { n: 1 })
    expect(
      await failure(
        c.runs.updateMetadata(id, { operations: [{ type: "set", key: "$.__proto__.x", value: 1 }] })
      )
    ).toBeInstanceOf(BadRequestError)
    const big = await failure(c.runs.updateMetadata(id, { metadata: { blob: "x".repeat(270_000) } }))
    expect((big as { status?: number }).status).toBe(413)
    expect(await c.runs.retrieveMetadata(id)).toEqual({ metadata: {} })
    expect(await failure(c.runs.updateMetadata("run_nope", { metadata: {} }))).toBeInstanceOf(NotFoundError)
    expect(await failure(c.runs.retrieveMetadata("run_nope"))).toBeInstanceOf(NotFoundError)
  })
})

describe("runs.poll", () => {
  it("retrieves every pollIntervalMs until the run has completed, and answers it", async () => {
    const c = client()
    const { id } = await c.tasks.trigger("hello", { n: 1 })
    const seq = lastSeq()
    const started = Date.now()
    const run = await c.runs.poll(id, { pollIntervalMs: 25 })
    const elapsed = Date.now() - started
    expect(run.isCompleted).toBe(true)
    expect(run.status).toBe("COMPLETED")
    const retrieves = since(seq).filter((r) => r.route === "runs.retrieve")
    expect(retrieves.length).toBeGreaterThanOrEqual(2)
    // spaced by the interval: never more retrieves than the elapsed time allows
    expect(retrieves.length).toBeLessThanOrEqual(Math.floor(elapsed / 25) + 1)
    const gaps = retrieves.slice(1).map((r, i) => r.at - (retrieves[i]?.at ?? 0))
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(20)
  })

  it("answers at once for a finished run (one retrieve)", async () => {
    const c = client()
    const { id } = await c.tasks.trigger("fail-now", { n: 1 })
    await c.runs.poll(id, { pollIntervalMs: 10 })
    const seq = lastSeq()
    expect((await c.runs.poll(id)).status).toBe("FAILED")
    expect(since(seq).map((r) => r.route)).toEqual(["runs.retrieve"])
  })

  it("fails with PollExhaustedError after 500 retrieves of a run that has not completed", async () => {
    const c = client()
    const { id } = await c.tasks.trigger("hello", { n: 1 }, { delay: "1h" })
    const seq = lastSeq()
    const error = await failure(c.runs.poll(id, { pollIntervalMs: 0 }))
    expect(error).toBeInstanceOf(PollExhaustedError)
    expect(error).toMatchObject({ runId: id, attempts: 500, status: "DELAYED" })
    expect((error as Error).message).toBe(
      `runs.poll: run ${id} did not complete after 500 attempts (last status DELAYED)`
    )
    expect(since(seq).filter((r) => r.route === "runs.retrieve")).toHaveLength(Runs.maxPollAttempts)
  }, 60_000)

  it("refuses a negative or non-finite interval before sending", async () => {
    const seq = lastSeq()
    for (const pollIntervalMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = await failure(client().runs.poll("run_1", { pollIntervalMs }))
      expect((error as { _tag?: string })._tag).toBe("InvalidArgumentsError")
    }
    expect(since(seq)).toEqual([])
  })

  it("fails as retrieve fails (404 for an unknown run)", async () => {
    expect(await failure(client().runs.poll("run_nope"))).toBeInstanceOf(NotFoundError)
  })
})

describe("batch.retrieve", () => {
  it("answers a batch's runs in item order, PENDING until they have all finished, then COMPLETED", async () => {
    const c = client()
    const handle = await c.tasks.batchTrigger("hello", [{ payload: 1 }, { payload: 2 }, { payload: 3 }])
    const pending = await c.batch.retrieve(handle.batchId)
    expect(pending.id).toBe(handle.batchId)
    expect(pending.runCount).toBe(3)
    expect(pending.runs).toHaveLength(3)
    for (const [index, id] of pending.runs.entries()) {
      const run = await c.runs.retrieve(id)
      expect(run.batchId).toBe(handle.batchId)
      expect(run.payload).toBe(index + 1)
    }
    expect(pending.status).toBe("PENDING")
    expect(pending.processing.errors).toEqual([])
    expect(pending.createdAt).toBeInstanceOf(Date)
    for (const id of pending.runs) await c.runs.poll(id, { pollIntervalMs: 10 })
    const done = await c.batch.retrieve(handle.batchId)
    expect(done.status).toBe("COMPLETED")
    expect(done.updatedAt.getTime()).toBeGreaterThanOrEqual(done.createdAt.getTime())
  })

  it("does not find an unknown batch, nor a batch of another environment", async () => {
    const handle = await client().tasks.batchTrigger("hello", [{ payload: 1 }])
    const other = createClient(
      { accessToken: otherEnvKey, baseURL: emulator.url },
      { retry: false }
    ).requireSecretKey()
    expect(await failure(other.batch.retrieve(handle.batchId))).toBeInstanceOf(NotFoundError)
    expect(await failure(client().batch.retrieve("batch_nope"))).toBeInstanceOf(NotFoundError)
  })
})

type AnyFunction = (...args: ReadonlyArray<unknown>) => Promise<unknown>
type Surface = Record<string, Record<string, AnyFunction>>

describe("a PAT is refused before sending", () => {
  const calls: ReadonlyArray<readonly [string, (c: Surface) => unknown]> = [
    ["runs.reschedule", (c) => c.runs?.reschedule?.("run_1", { delay: "1h" })],
    ["runs.poll", (c) => c.runs?.poll?.("run_1")],
    ["runs.addTags", (c) => c.runs?.addTags?.("run_1", ["a"])],
    ["runs.retrieveMetadata", (c) => c.runs?.retrieveMetadata?.("run_1")],
    ["runs.updateMetadata", (c) => c.runs?.updateMetadata?.("run_1", { metadata: {} })],
    ["batch.retrieve", (c) => c.batch?.retrieve?.("batch_1")]
  ]

  for (const [name, make] of calls) {
    it(`${name}: on a client and on the ambient functions`, async () => {
      const seq = lastSeq()
      const patClient = createClient({ accessToken: pat, baseURL: emulator.url }) as unknown as Surface
      const onClient = await failure(Promise.resolve().then(() => make(patClient)))
      const onAmbient = await failure(
        auth.withAuth({ accessToken: pat, baseURL: emulator.url }, async () =>
          make({ runs, batch, tasks } as unknown as Surface)
        )
      )
      for (const error of [onClient, onAmbient]) {
        expect(error).toBeInstanceOf(CapabilityError)
        expect((error as CapabilityError).actual).toBe("PersonalAccessToken")
        expect((error as Error).message).not.toContain(pat)
      }
      expect(since(seq)).toEqual([])
    })
  }

  it("in the Effect API too (Runs.addTags, Batches.retrieve under a PAT's auth)", async () => {
    const seq = lastSeq()
    const withPat = Auth.withAuth({ accessToken: pat, baseURL: emulator.url })
    // a PAT's kind is unknown at type level here (a string): the requirement is checked when it runs
    const programs = [
      Runs.addTags("run_1", "a").pipe(withPat, Effect.provide(ManagementClient.layerNode())),
      Batches.retrieve("batch_1").pipe(withPat, Effect.provide(ManagementClient.layerNode()))
    ] as unknown as ReadonlyArray<Effect.Effect<unknown, unknown, never>>
    for (const program of programs) {
      const result = await Effect.runPromise(Effect.either(program))
      expect(Either.isLeft(result) && result.left).toBeInstanceOf(CapabilityError)
    }
    expect(since(seq)).toEqual([])
  })
})

describe("no token in what these calls render", () => {
  it("errors of each call name no secret key", async () => {
    const c = client()
    const { id } = await c.tasks.trigger("hello", { n: 1 })
    const errors = [
      await failure(c.runs.reschedule(id, { delay: "1h" })),
      await failure(c.runs.addTags("run_nope", "a")),
      await failure(c.runs.updateMetadata(id, { operations: [{ type: "delete", key: "__proto__" }] })),
      await failure(c.batch.retrieve("batch_nope")),
      await failure(c.runs.poll("run_nope"))
    ]
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error)
      const rendered = `${String(error)} ${JSON.stringify(error)} ${(error as Error).message}`
      expect(rendered).not.toContain(secretKey)
    }
    expect(JSON.stringify(emulator.requests())).not.toContain(secretKey)
  })
})
