/**
 * The Promise API's direct path (docs/decisions/0025-client-fast-path.md): a call's first attempt runs as
 * plain code, with no fiber, and keeps every guarantee of the Effect path: retries and rate-limit waits
 * (handed to the Effect retry policy), the transport's own attempt timer (one, cleared when the attempt
 * ends), the call's deadline, the capability check before sending, typed errors. Real HTTP against the
 * emulator.
 */
import { Envvars, ManagementClient } from "@authctx/client"
import { createClient } from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Effect, Either, Exit, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { recordingTracer } from "./support/tracing.js"

let emulator: Emulator
let key: string
let projectRef: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 25 })
  const project = emulator.credentials.projects[0]
  key = project?.environments.dev.secretKey ?? ""
  projectRef = project?.ref ?? ""
})
afterAll(() => emulator.stop())

const listsSince = (seq: number) =>
  emulator.requests().filter((r) => r.seq > seq && r.route === "envvars.list")
const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0

const rejection = <A>(promise: Promise<A>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected a rejection")
    },
    (error: unknown) => error
  )

/** Timers alive in this process (the attempt timers are `setTimeout`s). */
const timers = () => process.getActiveResourcesInfo().filter((name) => name === "Timeout").length

describe("which calls run directly", () => {
  const runtime = ManagedRuntime.make(ManagementClient.layerNode())
  afterAll(() => runtime.dispose())
  const auth = () => Either.getOrThrow(Auth.make({ accessToken: key, baseURL: emulator.url }))

  it("a call effect, and one passed through ManagementClient.map or andThen, runs without a fiber", async () => {
    const list = Envvars.list(projectRef, "dev")
    const direct = ManagementClient.runDirect(runtime, list, auth(), undefined)
    expect(direct).toBeInstanceOf(Promise)
    const outcome = await direct
    expect(Exit.isExit(outcome) && Exit.isSuccess(outcome)).toBe(true)

    const counted = ManagementClient.map(list, (variables) => variables.length)
    const mapped = await ManagementClient.runDirect(runtime, counted, auth(), undefined)
    expect(mapped !== undefined && Exit.isExit(mapped) && Exit.isSuccess(mapped) && typeof mapped.value).toBe(
      "number"
    )
  })

  it("anything else, or a runtime with a tracer, is left to a fiber", async () => {
    const list = Envvars.list(projectRef, "dev")
    expect(
      ManagementClient.runDirect(
        runtime,
        Effect.map(list, (v) => v.length),
        auth(),
        undefined
      )
    ).toBe(undefined)
    const seen: Array<string> = []
    const traced = ManagedRuntime.make(
      Layer.merge(ManagementClient.layerNode(), Layer.setTracer(recordingTracer(seen)))
    )
    expect(ManagementClient.runDirect(traced, list, auth(), undefined)).toBe(undefined)
    // on the fiber, the span is recorded
    await traced.runPromise(list.pipe(Auth.withAuth({ accessToken: key, baseURL: emulator.url })))
    expect(seen).toContain("authctx envvars.list")
    await traced.dispose()
  })

  it("with Effect's built-in tracer only, the Effect path records no span and answers the same", async () => {
    const value = await runtime.runPromise(
      Envvars.list(projectRef, "dev").pipe(Auth.withAuth({ accessToken: key, baseURL: emulator.url }))
    )
    expect(Array.isArray(value)).toBe(true)
  })
})

describe("createClient calls keep the Effect path's guarantees", () => {
  it("a retryable first failure is retried by the retry policy, with the same idempotency key", async () => {
    const client = createClient(
      { accessToken: key, baseURL: emulator.url },
      { retry: { initialDelayMs: 5, jitter: false } }
    )
    const rule = emulator.faults.inject({ route: "envvars.list", times: 1, status: 503 })
    const seq = lastSeq()
    const value = await client.envvars.list(projectRef, "dev")
    expect(Array.isArray(value)).toBe(true)
    const attempts = listsSince(seq)
    expect(attempts.map((r) => r.status)).toEqual([503, 200])
    expect(attempts[0]?.idempotencyKey).toBeDefined()
    expect(attempts[1]?.idempotencyKey).toBe(attempts[0]?.idempotencyKey)
    rule.clear()
  })

  it("a 429 waits for the reset it asks for, then retries", async () => {
    const client = createClient({ accessToken: key, baseURL: emulator.url }, { retry: { initialDelayMs: 1 } })
    const rule = emulator.faults.inject({ route: "envvars.list", times: 1, rateLimitResetMs: 300 })
    const seq = lastSeq()
    const started = Date.now()
    await client.envvars.list(projectRef, "dev")
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(listsSince(seq).map((r) => r.status)).toEqual([429, 200])
    rule.clear()
  })

  it("a final error rejects with its typed error at once, no retry", async () => {
    const client = createClient({ accessToken: key, baseURL: emulator.url })
    const rule = emulator.faults.inject({ route: "envvars.list", times: 1, status: 404 })
    const seq = lastSeq()
    const error = await rejection(client.envvars.list(projectRef, "dev"))
    expect((error as { _tag?: string })._tag).toBe("NotFoundError")
    expect(listsSince(seq)).toHaveLength(1)
    rule.clear()
  })

  it("the transport's attempt timer stops a slow attempt, closes its connection and is the only timer", async () => {
    const client = createClient({ accessToken: key, baseURL: emulator.url }, { timeoutMs: 500, retry: false })
    const rule = emulator.faults.inject({ route: "envvars.list", times: 1, latencyMs: 3_000 })
    const seq = lastSeq()
    const before = timers()
    const started = Date.now()
    const pending = rejection(client.envvars.list(projectRef, "dev"))
    expect(timers() - before).toBe(1)
    const error = await pending
    expect((error as { _tag?: string })._tag).toBe("ApiConnectionError")
    expect(String(error)).toContain("timed out")
    expect(Date.now() - started).toBeLessThan(2_000)
    for (let i = 0; i < 200 && !listsSince(seq).some((r) => r.status === 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(listsSince(seq).map((r) => r.status)).toEqual([0])
    rule.clear()
  })

  it("a completed call leaves no timer behind", async () => {
    const client = createClient({ accessToken: key, baseURL: emulator.url })
    await client.envvars.list(projectRef, "dev")
    const before = timers()
    await Promise.all(Array.from({ length: 20 }, () => client.envvars.list(projectRef, "dev")))
    expect(timers()).toBeLessThanOrEqual(before)
  })

  it("the deadline ends a call whose attempts are slow", async () => {
    const client = createClient(
      { accessToken: key, baseURL: emulator.url },
      { deadlineMs: 300, timeoutMs: 60_000 }
    )
    const rule = emulator.faults.inject({ route: "envvars.list", times: 1, latencyMs: 3_000 })
    const started = Date.now()
    const error = await rejection(client.envvars.list(projectRef, "dev"))
    expect((error as { _tag?: string })._tag).toBe("ApiConnectionError")
    expect(String(error)).toContain("deadline")
    expect(Date.now() - started).toBeLessThan(2_000)
    rule.clear()
  })

  it("runs.retrieve (a call with a continuation) answers the run", async () => {
    const client = createClient({ accessToken: key, baseURL: emulator.url }).requireSecretKey()
    const handle = await client.tasks.trigger("hello", { hello: "world" })
    const run = await client.runs.retrieve(handle.id)
    expect(run.id).toBe(handle.id)
  })
})
