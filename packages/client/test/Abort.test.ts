/**
 * Stopping a call: an `AbortSignal` in the Promise API (ambient calls and `createClient`), Effect
 * interruption, and the per-call deadline. In each case the connection is closed, which the emulator's
 * request log records as a dropped request (status 0), and no retry follows.
 */
import { ManagementClient, Schedules } from "@authctx/client"
import { auth, createClient, schedules } from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Effect, Either, Fiber } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { reached } from "./support/waitFor.js"

let emulator: Emulator
let key: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 13 })
  key = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
})
afterAll(() => emulator.stop())

const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0
const listsSince = (seq: number) =>
  emulator.requests().filter((r) => r.seq > seq && r.route === "schedules.list")

/** Waits (in real time) until the emulator has logged the dropped request. */
const dropLogged = async (seq: number) => {
  for (let i = 0; i < 200 && !listsSince(seq).some((r) => r.status === 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  const records = listsSince(seq)
  expect(records).toHaveLength(1) // no retry after the abort
  expect(records[0]?.status).toBe(0)
}

/** The next `schedules.list` answers only after 3 s: long enough to be stopped first. */
const slowNext = () => emulator.faults.inject({ route: "schedules.list", times: 1, latencyMs: 3_000 })

describe("AbortSignal in the Promise API", () => {
  it("an ambient call rejects with the signal's AbortError and closes its connection", async () => {
    const rule = slowNext()
    const seq = lastSeq()
    const controller = new AbortController()
    const started = Date.now()
    const pending = auth.withAuth({ accessToken: key, baseURL: emulator.url }, () =>
      schedules.list(undefined, { signal: controller.signal })
    )
    await reached(rule)
    controller.abort()
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(DOMException)
    expect((error as DOMException).name).toBe("AbortError")
    expect(Date.now() - started).toBeLessThan(1_500)
    await dropLogged(seq)
    rule.clear()
  })

  it("a createClient call rejects with AbortSignal.timeout's TimeoutError", async () => {
    const rule = slowNext()
    const seq = lastSeq()
    const client = createClient({ accessToken: key, baseURL: emulator.url }).requireSecretKey()
    const error = await client.schedules.list(undefined, { signal: AbortSignal.timeout(500) }).then(
      () => undefined,
      (e: unknown) => e
    )
    expect((error as DOMException).name).toBe("TimeoutError")
    await dropLogged(seq)
    rule.clear()
  })

  it("a signal given with a reason rejects with that reason", async () => {
    const rule = slowNext()
    const seq = lastSeq()
    const client = createClient({ accessToken: key, baseURL: emulator.url }).requireSecretKey()
    const controller = new AbortController()
    const reason = new Error("user left the page")
    const pending = client.schedules.list(undefined, { signal: controller.signal })
    await reached(rule)
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    await dropLogged(seq)
    rule.clear()
  })

  it("an already aborted signal sends nothing", async () => {
    const seq = lastSeq()
    const client = createClient({ accessToken: key, baseURL: emulator.url }).requireSecretKey()
    await expect(client.schedules.list(undefined, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError"
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(listsSince(seq)).toHaveLength(0)
  })

  it("a signal that never fires changes nothing", async () => {
    const client = createClient({ accessToken: key, baseURL: emulator.url }).requireSecretKey()
    const page = await client.schedules.list(undefined, { signal: new AbortController().signal })
    expect(page.pagination.currentPage).toBe(1)
  })
})

describe("Effect interruption and the deadline", () => {
  const list = (options?: ManagementClient.ClientOptions) =>
    Schedules.list().pipe(
      Auth.requireSecretKey,
      Auth.withAuth({ accessToken: key, baseURL: emulator.url }),
      Effect.provide(ManagementClient.layerNode(options))
    )

  it("interrupting the fiber closes the connection", async () => {
    const rule = slowNext()
    const seq = lastSeq()
    const fiber = Effect.runFork(list())
    await reached(rule)
    await Effect.runPromise(Fiber.interrupt(fiber))
    await dropLogged(seq)
    rule.clear()
  })

  it("the deadline ends the call with ApiConnectionError and closes the connection", async () => {
    const rule = slowNext()
    const seq = lastSeq()
    const result = await Effect.runPromise(Effect.either(list({ deadlineMs: 500 })))
    expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "ApiConnectionError", attempts: 1 })
    expect(Either.isLeft(result) && result.left.message).toContain("deadline of 500 ms")
    await dropLogged(seq)
    rule.clear()
  })

  it("the default deadline is 120 s", () => {
    expect(ManagementClient.defaultDeadlineMs).toBe(120_000)
    expect(ManagementClient.make({ send: () => Effect.die("unused") }).options.deadlineMs).toBe(120_000)
  })
})
