/**
 * On 429 the client waits until `x-ratelimit-reset` (or `Retry-After`) before the next attempt. The wait is
 * an Effect `sleep`, so the test drives it with `TestClock` while the HTTP exchanges with the emulator are
 * real.
 */
import { ManagementClient, Schedules } from "@authctx/client"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { it } from "@effect/vitest"
import { Chunk, Effect, Either, Fiber, TestClock } from "effect"
import { afterAll, beforeAll, describe, expect } from "vitest"

let emulator: Emulator
let key: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 11 })
  key = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
})
afterAll(() => emulator.stop())

/** Lets real I/O progress (the emulator answers in real time) without moving the test clock. */
const realPause = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

const sent = () => emulator.requests().filter((r) => r.route === "schedules.list").length

const waitFor = (condition: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 400 && !condition(); i++) yield* realPause(5)
    expect(condition()).toBe(true)
  })

/**
 * Waits (in real time) until the client has scheduled its wait on the test clock: a sleep due at or after
 * `from`. The 429 reaching the emulator's log is not enough: the client still has to read the answer and
 * start its wait, and a clock moved before that moves past nothing (a fixed 30 ms pause here once let the
 * wait start after the clock had moved; then it never ended and the test hung until its timeout).
 */
const waitForSleepUntil = (from: number) =>
  Effect.gen(function* () {
    const scheduled = () => TestClock.sleeps().pipe(Effect.map(Chunk.some((due) => due >= from)))
    for (let i = 0; i < 400 && !(yield* scheduled()); i++) yield* realPause(5)
    expect(yield* scheduled()).toBe(true)
  })

const listSchedules = () =>
  Schedules.list().pipe(
    // the key comes from the emulator at run time: its kind is narrowed at run time too
    Auth.requireSecretKey,
    Auth.withAuth({ accessToken: key, baseURL: emulator.url }),
    Effect.provide(ManagementClient.layerNode({ retry: { jitter: false } }))
  )

describe("429", () => {
  it.effect("waits until x-ratelimit-reset, not less, then retries", () =>
    Effect.gen(function* () {
      const now = Date.now()
      yield* TestClock.setTime(now)
      emulator.faults.inject({ route: "schedules.list", times: 1, status: 429, rateLimitResetMs: 45_000 })
      const before = sent()
      const fiber = yield* Effect.fork(listSchedules())
      yield* waitFor(() => sent() === before + 1)
      yield* waitForSleepUntil(now + 45_000)
      yield* TestClock.adjust("44 seconds")
      yield* realPause(100)
      expect(sent()).toBe(before + 1) // still waiting: a backoff of 1 s would have retried by now
      yield* TestClock.adjust("2 seconds")
      const page = yield* Fiber.join(fiber)
      expect(page.pagination.currentPage).toBe(1)
      expect(sent()).toBe(before + 2)
    })
  )

  it.effect("waits for Retry-After (seconds) when there is no reset time", () =>
    Effect.gen(function* () {
      const now = Date.now()
      yield* TestClock.setTime(now)
      emulator.faults.inject({ route: "schedules.list", times: 1, status: 429, retryAfterSeconds: 20 })
      const before = sent()
      const fiber = yield* Effect.fork(listSchedules())
      yield* waitFor(() => sent() === before + 1)
      yield* waitForSleepUntil(now + 20_000)
      yield* TestClock.adjust("19 seconds")
      yield* realPause(100)
      expect(sent()).toBe(before + 1)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      expect(sent()).toBe(before + 2)
    })
  )

  it.effect(
    "a reset further away than maxRateLimitWaitMs fails at once with RateLimitError and its reset time",
    () =>
      Effect.gen(function* () {
        const now = Date.now()
        yield* TestClock.setTime(now)
        emulator.faults.inject({ route: "schedules.list", times: 1, status: 429, rateLimitResetMs: 600_000 })
        const before = sent()
        const result = yield* Effect.either(listSchedules())
        expect(sent()).toBe(before + 1)
        expect(Either.isLeft(result) && result.left._tag).toBe("RateLimitError")
        if (Either.isLeft(result) && result.left._tag === "RateLimitError") {
          expect(result.left.resetAt).toBeGreaterThanOrEqual(now + 590_000)
        }
      })
  )
})
