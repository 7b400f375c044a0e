/**
 * The Effect client's call path (docs/decisions/0031-effect-call-path.md): a call is one fiber step and one
 * `Effect.async`, and `Auth.withAuth` hands it its auth context instead of providing it through the fiber's
 * context (`Auth.runUnderAuth`). Each test runs the real thing over loopback against the emulator, on a
 * `ManagedRuntime` built once, as an application would, and holds a guarantee of the call to that path:
 * the scope's auth (nested scopes, merged fields, continuations), typed errors, retries with the
 * idempotency key, interruption closing the connection, spans with a tracer installed, a transport without
 * a callback form, and defects in a continuation.
 */
import { Headers, ManagementApi } from "@authctx/api"
import { Envvars, ManagementClient, Runs, Schedules, Transport } from "@authctx/client"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Cause, Effect, Either, Exit, Fiber, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { recordingTracer } from "./support/tracing.js"
import { reached, waitFor } from "./support/waitFor.js"

let emulator: Emulator
let devKey: `tr_dev_${string}`
let prodKey: `tr_prod_${string}`
let projectRef: string
const runtime = ManagedRuntime.make(
  ManagementClient.layerNode({ retry: { initialDelayMs: 5, jitter: false } })
)

beforeAll(async () => {
  emulator = await startEmulator({ seed: 31 })
  const project = emulator.credentials.projects[0]
  devKey = (project?.environments.dev.secretKey ?? "") as `tr_dev_${string}`
  prodKey = (project?.environments.prod.secretKey ?? "") as `tr_prod_${string}`
  projectRef = project?.ref ?? ""
})
afterAll(async () => {
  await runtime.dispose()
  await emulator.stop()
})

const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0
const since = (seq: number, route: string) =>
  emulator.requests().filter((r) => r.seq > seq && r.route === route)

/** Waits (in real time) until the emulator has logged a dropped request of `route` after `seq`. */
const dropLogged = async (seq: number, route: string) => {
  for (let i = 0; i < 200 && !since(seq, route).some((r) => r.status === 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  expect(since(seq, route).map((r) => r.status)).toEqual([0])
}

const scoped = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  self.pipe(Auth.withAuth({ accessToken: devKey, baseURL: emulator.url }))

describe("the scope's auth reaches the call", () => {
  it("a program built once runs many times under its scope's credential", async () => {
    const program = scoped(Envvars.list(projectRef, "dev"))
    const seq = lastSeq()
    for (let i = 0; i < 3; i++) expect(Array.isArray(await runtime.runPromise(program))).toBe(true)
    expect(since(seq, "envvars.list").map((r) => [r.status, r.environment])).toEqual([
      [200, "dev"],
      [200, "dev"],
      [200, "dev"]
    ])
  })

  it("the innermost scope wins, and a scope without a credential merges over the surrounding one", async () => {
    const seq = lastSeq()
    await runtime.runPromise(
      Schedules.list().pipe(
        Auth.withAuth({ accessToken: prodKey }),
        Auth.withAuth({ accessToken: devKey, baseURL: emulator.url })
      )
    )
    await runtime.runPromise(
      Schedules.list().pipe(Auth.withAuth({ baseURL: emulator.url }), Auth.withAuth({ accessToken: devKey }))
    )
    expect(since(seq, "schedules.list").map((r) => [r.status, r.environment])).toEqual([
      [200, "prod"],
      [200, "dev"]
    ])
  })

  it("a continuation after the answer runs under the same scope (Auth.current, another call)", async () => {
    const program = ManagementClient.andThen(Schedules.list(), () =>
      Effect.zip(Auth.current, Envvars.list(projectRef, "prod"))
    ).pipe(Auth.withAuth({ accessToken: prodKey, baseURL: emulator.url }))
    const seq = lastSeq()
    const [current, variables] = await runtime.runPromise(program)
    expect(current.credential._tag).toBe("SecretKey")
    expect(current.credential._tag === "SecretKey" && current.credential.environment).toBe("prod")
    expect(Array.isArray(variables)).toBe(true)
    expect(since(seq, "envvars.list").map((r) => r.environment)).toEqual(["prod"])
  })

  it("Auth.provideContext and Auth.requireSecretKey give the call the context too", async () => {
    const context = Either.getOrThrow(Auth.make({ accessToken: devKey, baseURL: emulator.url }))
    const seq = lastSeq()
    // a dev key's context: its kind is SecretKey
    await runtime.runPromise(
      Schedules.list().pipe(Auth.provideContext(context as Auth.AuthContext<"SecretKey">))
    )
    await runtime.runPromise(Schedules.list().pipe(Auth.requireSecretKey, Auth.provideContext(context)))
    expect(since(seq, "schedules.list").map((r) => r.status)).toEqual([200, 200])
  })

  it("a call and a withAuth scope carry Auth.runUnderAuth; an Effect.map over them does not", () => {
    const call = Schedules.list()
    expect(Auth.runUnderAuth in call).toBe(true)
    expect(Auth.runUnderAuth in scoped(call)).toBe(true)
    expect(Auth.runUnderAuth in Effect.map(call, (page) => page.data)).toBe(false)
  })
})

describe("typed errors", () => {
  it("no auth at all fails with MissingCredential, nothing sent", async () => {
    const seq = lastSeq()
    const exit = await runtime.runPromiseExit(
      ManagementClient.call(ManagementApi.schedulesList, {}) as Effect.Effect<unknown, unknown, never>
    )
    expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toMatchObject({ _tag: "MissingCredential" })
    expect(since(seq, "schedules.list")).toHaveLength(0)
  })

  it("a malformed credential in the scope fails with InvalidCredential and renders no token", async () => {
    const bad = `${devKey}!`
    const exit = await runtime.runPromiseExit(
      Envvars.list(projectRef, "dev").pipe(Auth.withAuth({ accessToken: bad as `tr_dev_${string}` }))
    )
    const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
    expect(error).toMatchObject({ _tag: "InvalidCredential" })
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(devKey.slice(7))
  })

  it("a final status fails with its typed error at once", async () => {
    const rule = emulator.faults.inject({ route: "envvars.list", times: 1, status: 404 })
    const seq = lastSeq()
    const exit = await runtime.runPromiseExit(scoped(Envvars.list(projectRef, "dev")))
    expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toMatchObject({ _tag: "NotFoundError" })
    expect(since(seq, "envvars.list")).toHaveLength(1)
    rule.clear()
  })

  it("a throw in a continuation is a defect of the call, not a crash", async () => {
    const program = scoped(
      ManagementClient.map(Schedules.list(), () => {
        throw new Error("boom")
      })
    )
    const exit = await runtime.runPromiseExit(program)
    expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
  })
})

describe("retries, interruption, spans", () => {
  it("a retryable failure is retried by the policy, with the same idempotency key", async () => {
    const rule = emulator.faults.inject({ route: "envvars.list", times: 2, status: 503 })
    const seq = lastSeq()
    expect(Array.isArray(await runtime.runPromise(scoped(Envvars.list(projectRef, "dev"))))).toBe(true)
    const attempts = since(seq, "envvars.list")
    expect(attempts.map((r) => r.status)).toEqual([503, 503, 200])
    expect(new Set(attempts.map((r) => r.idempotencyKey)).size).toBe(1)
    rule.clear()
  })

  it("a 429 waits for its reset on the Effect path too", async () => {
    const rule = emulator.faults.inject({ route: "envvars.list", times: 1, rateLimitResetMs: 300 })
    const seq = lastSeq()
    const started = Date.now()
    await runtime.runPromise(scoped(Envvars.list(projectRef, "dev")))
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(since(seq, "envvars.list").map((r) => r.status)).toEqual([429, 200])
    rule.clear()
  })

  it("interrupting the call mid-request closes its connection and leaves no timer", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === "Timeout").length
    const rule = emulator.faults.inject({ route: "envvars.list", times: 1, latencyMs: 3_000 })
    const seq = lastSeq()
    const before = timers()
    const fiber = runtime.runFork(scoped(Envvars.list(projectRef, "dev")))
    await reached(rule)
    const exit = await runtime.runPromise(Fiber.interrupt(fiber))
    expect(Exit.isInterrupted(exit)).toBe(true)
    await dropLogged(seq, "envvars.list")
    expect(timers()).toBeLessThanOrEqual(before)
    rule.clear()
  })

  it("runPromise's signal interrupts the call the same way", async () => {
    const rule = emulator.faults.inject({ route: "envvars.list", times: 1, latencyMs: 3_000 })
    const seq = lastSeq()
    const controller = new AbortController()
    const pending = runtime.runPromiseExit(scoped(Envvars.list(projectRef, "dev")), {
      signal: controller.signal
    })
    await reached(rule)
    controller.abort()
    const exit = await pending
    expect(Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)).toBe(true)
    await dropLogged(seq, "envvars.list")
    rule.clear()
  })

  it("Effect.timeout around a call ends it and closes its connection", async () => {
    const rule = emulator.faults.inject({ route: "envvars.list", times: 1, latencyMs: 3_000 })
    const seq = lastSeq()
    const result = await runtime.runPromise(
      Effect.either(scoped(Envvars.list(projectRef, "dev")).pipe(Effect.timeout("500 millis")))
    )
    expect(Either.isLeft(result) && result.left._tag).toBe("TimeoutException")
    await dropLogged(seq, "envvars.list")
    rule.clear()
  })

  it("a fiber that made many calls closes none of their (finished) requests when it ends", async () => {
    // the close of a request in flight waits for its fiber's end; a finished call must leave nothing behind
    // for that end, or a long-lived fiber would hold one entry per call it ever made
    let cancels = 0
    let sent = 0
    const answering: Transport.Transport = Transport.fromStart((_request, _timeoutMs, done) => {
      sent++
      setImmediate(() =>
        done(
          Either.right({
            status: 200,
            headers: {},
            text: JSON.stringify([{ name: "A", value: "1", isSecret: false }])
          })
        )
      )
      return () => {
        cancels++
      }
    })
    const counted = ManagedRuntime.make(
      Layer.succeed(ManagementClient.ManagementClient, ManagementClient.make(answering))
    )
    const calls = Effect.forEach(Array.from({ length: 50 }), () => scoped(Envvars.list(projectRef, "dev")), {
      discard: true
    })
    const fiber = counted.runFork(Effect.zipRight(calls, Effect.never))
    for (let i = 0; i < 200 && sent < 50; i++) await new Promise((resolve) => setTimeout(resolve, 5))
    await counted.runPromise(Fiber.interrupt(fiber))
    expect({ sent, cancels }).toEqual({ sent: 50, cancels: 0 })
    // and the one in flight when the fiber is interrupted is closed (the count can move)
    let starts = 0
    const stuck: Transport.Transport = Transport.fromStart(() => {
      starts++
      return () => {
        cancels++
      }
    })
    const hanging = ManagedRuntime.make(
      Layer.succeed(ManagementClient.ManagementClient, ManagementClient.make(stuck))
    )
    const waiting = hanging.runFork(scoped(Envvars.list(projectRef, "dev")))
    // interrupted once its request started (a fixed pause could end before: then nothing is in flight)
    await waitFor(() => starts > 0)
    expect(starts).toBe(1)
    await hanging.runPromise(Fiber.interrupt(waiting))
    expect(cancels).toBe(1)
    await Promise.all([counted.dispose(), hanging.dispose()])
  })

  it("with a tracer installed, each call (runs.retrieve's continuation included) records its span", async () => {
    const seen: Array<string> = []
    const traced = ManagedRuntime.make(
      Layer.merge(ManagementClient.layerNode(), Layer.setTracer(recordingTracer(seen)))
    )
    const triggered = await runtime.runPromise(
      scoped(
        ManagementClient.call(ManagementApi.tasksTrigger, {
          path: { taskId: "hello" },
          payload: { payload: {} }
        })
      )
    )
    const run = await traced.runPromise(scoped(Runs.retrieve(triggered.id)))
    expect(run.id).toBe(triggered.id)
    await traced.runPromise(scoped(Envvars.list(projectRef, "dev")))
    expect(seen).toContain("authctx runs.retrieve")
    expect(seen).toContain("authctx envvars.list")
    expect(seen.join("\n")).not.toContain(devKey.slice(7))
    await traced.dispose()
  })

  it("a transport without a callback form (the platform's fetch client) answers the same", async () => {
    const viaFetch = ManagedRuntime.make(ManagementClient.layerFetch())
    const seq = lastSeq()
    expect(Array.isArray(await viaFetch.runPromise(scoped(Envvars.list(projectRef, "dev"))))).toBe(true)
    expect(since(seq, "envvars.list").map((r) => r.status)).toEqual([200])
    await viaFetch.dispose()
  })

  it("the headers of the answer still reach callWithHeaders", async () => {
    const answered = await runtime.runPromise(
      scoped(
        ManagementClient.callWithHeaders(ManagementApi.tasksTrigger, {
          path: { taskId: "hello" },
          payload: { payload: {} }
        })
      )
    )
    expect(typeof answered.headers[Headers.jwt]).toBe("string")
  })
})
