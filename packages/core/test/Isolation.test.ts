/**
 * Isolation under load (docs/concepts.md "Scoping": auth is scoped, never global): 10,000 concurrent scopes, each three deep with its own
 * credential at every level, with random delays, forks, failures and interruptions — on the Effect side
 * (`Auth.withAuth`) and on the Promise side (`AuthScope.run`). Every read compares what it sees with what
 * its own scope set; the count of mismatches must be zero.
 */
import { setTimeout as sleep } from "node:timers/promises"
import { Auth, AuthScope } from "@authctx/core"
import { describe, expect, it } from "@effect/vitest"
import { Data, Duration, Effect, Either, Exit, Fiber, Redacted } from "effect"

const N = 10_000

/** A deterministic delay of 0-5 ms for scope `i`, step `step` (a small integer hash, no shared RNG). */
const delayMs = (i: number, step: number): number => {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(step + 1, 0xc2b2ae35)
  h ^= h >>> 13
  h = Math.imul(h, 0x27d4eb2f)
  h ^= h >>> 16
  return (h >>> 0) % 6
}

/** Three distinct credentials per scope, of different kinds and prefixes. */
const keysFor = (i: number) => {
  const body = (level: string) => `${level}${i.toString(36)}`.padEnd(28, "Q")
  return {
    outer: `tr_dev_${body("outer")}`,
    middle: `tr_prod_sk_${body("middle")}`,
    inner: `tr_pat_${body("inner")}`
  }
}

/** How scope `i` ends its inner level. */
type Mode = "ok" | "failCaughtInMiddle" | "failCaughtInOuter" | "timeout" | "interrupt"
const modeOf = (i: number): Mode => {
  switch (i % 10) {
    case 0:
      return "failCaughtInMiddle"
    case 1:
      return "failCaughtInOuter"
    case 2:
      return "timeout"
    case 3:
      return "interrupt"
    default:
      return "ok"
  }
}

class InnerFailure extends Data.TaggedError("InnerFailure")<{ readonly scope: number }> {}

/** Tallies of one run, filled by the reads. */
const makeTally = () => ({
  reads: 0,
  mismatches: [] as Array<string>,
  outcomes: { ok: 0, failCaughtInMiddle: 0, failCaughtInOuter: 0, timeout: 0, interrupt: 0 } as Record<
    Mode,
    number
  >,
  unexpected: [] as Array<string>
})

describe("Effect: 10,000 concurrent withAuth scopes, three deep", () => {
  it.live(
    "every read sees its own scope's credential and base URL",
    () =>
      Effect.gen(function* () {
        const tally = makeTally()

        const scope = (i: number) => {
          const keys = keysFor(i)
          const mode = modeOf(i)
          const outerURL = `https://outer-${i}.example.com`
          const innerURL = `https://inner-${i}.example.com`
          let step = 0
          // a real-clock sleep of 1-5 ms, or a bare yield to the scheduler for 0
          const pause = Effect.suspend(() => {
            const ms = delayMs(i, step++)
            return ms === 0 ? Effect.yieldNow() : Effect.sleep(Duration.millis(ms))
          })

          /** Reads the current auth and counts a mismatch unless it is `token` at `baseURL`. */
          const expectAuth = (where: string, token: string, baseURL: string) =>
            Effect.flatMap(Effect.either(Auth.current), (result) =>
              Effect.sync(() => {
                tally.reads++
                const seen = Either.isRight(result)
                  ? `${Redacted.value(result.right.credential.token)} @ ${result.right.baseURL}`
                  : result.left._tag
                if (seen !== `${token} @ ${baseURL}`) {
                  tally.mismatches.push(`scope ${i} ${where}: saw ${seen}, expected ${token} @ ${baseURL}`)
                }
              })
            )
          const seeOuter = (where: string) => expectAuth(`outer/${where}`, keys.outer, outerURL)
          // the middle level names only a credential: its base URL is the outer one, merged field by field
          const seeMiddle = (where: string) => expectAuth(`middle/${where}`, keys.middle, outerURL)
          const seeInner = (where: string) => expectAuth(`inner/${where}`, keys.inner, innerURL)

          const inner = Effect.gen(function* () {
            yield* seeInner("start")
            yield* pause
            const forked = yield* Effect.fork(pause.pipe(Effect.zipRight(seeInner("forked child"))))
            yield* Effect.all(
              [pause.pipe(Effect.zipRight(seeInner("all child 1"))), seeInner("all child 2")],
              { concurrency: "unbounded" }
            )
            yield* Fiber.join(forked)
            yield* seeInner("after join")
            if (mode === "failCaughtInMiddle" || mode === "failCaughtInOuter") {
              return yield* new InnerFailure({ scope: i })
            }
            if (mode === "timeout" || mode === "interrupt") {
              // outlives its deadline; the middle level times it out or interrupts it
              yield* Effect.sleep(Duration.seconds(30))
              yield* Effect.sync(() =>
                tally.unexpected.push(`scope ${i}: ${mode} did not stop the inner level`)
              )
            }
          }).pipe(Auth.withAuth({ accessToken: keys.inner, baseURL: innerURL }))

          const middle = Effect.gen(function* () {
            yield* seeMiddle("start")
            const sibling = yield* Effect.fork(pause.pipe(Effect.zipRight(seeMiddle("sibling"))))
            switch (mode) {
              case "ok":
              case "failCaughtInOuter":
                yield* inner
                break
              case "failCaughtInMiddle": {
                const error = yield* Effect.flip(inner)
                yield* seeMiddle("after caught failure")
                if (!(error instanceof InnerFailure && error.scope === i)) {
                  tally.unexpected.push(`scope ${i}: caught ${String(error)}`)
                }
                break
              }
              case "timeout": {
                const result = yield* Effect.either(Effect.timeout(inner, Duration.millis(8)))
                if (!(Either.isLeft(result) && result.left._tag === "TimeoutException")) {
                  tally.unexpected.push(`scope ${i}: timeout did not time out`)
                }
                break
              }
              case "interrupt": {
                const fiber = yield* Effect.fork(inner)
                yield* Effect.sleep(Duration.millis(8))
                const exit = yield* Fiber.interrupt(fiber)
                if (!Exit.isInterrupted(exit)) tally.unexpected.push(`scope ${i}: inner was not interrupted`)
                break
              }
            }
            yield* seeMiddle("after inner")
            yield* pause
            yield* Fiber.join(sibling)
            yield* seeMiddle("end")
          }).pipe(Auth.withAuth({ accessToken: keys.middle }))

          return Effect.gen(function* () {
            yield* seeOuter("start")
            yield* pause
            const result = yield* Effect.either(middle)
            if (Either.isLeft(result)) {
              if (mode === "failCaughtInOuter" && result.left instanceof InnerFailure) {
                yield* seeOuter("after caught failure")
              } else {
                tally.unexpected.push(`scope ${i}: middle failed with ${String(result.left)}`)
              }
            } else if (mode === "failCaughtInOuter") {
              tally.unexpected.push(`scope ${i}: the inner failure did not reach the outer level`)
            }
            yield* seeOuter("after middle")
            tally.outcomes[mode]++
          }).pipe(Auth.withAuth({ accessToken: keys.outer, baseURL: outerURL }))
        }

        yield* Effect.forEach(
          Array.from({ length: N }, (_, i) => i),
          scope,
          { concurrency: "unbounded", discard: true }
        )

        expect(tally.mismatches.slice(0, 5)).toEqual([])
        expect(tally.mismatches.length).toBe(0)
        expect(tally.unexpected).toEqual([])
        expect(tally.outcomes).toEqual({
          ok: N * 0.6,
          failCaughtInMiddle: N * 0.1,
          failCaughtInOuter: N * 0.1,
          timeout: N * 0.1,
          interrupt: N * 0.1
        })
        // every scope read at least: outer ×2, middle ×4, inner ×1 (an interrupted inner may stop early)
        expect(tally.reads).toBeGreaterThanOrEqual(N * 7)
        // and the root fiber, outside every scope, still has no auth
        expect(Either.isLeft(yield* Effect.either(Auth.current))).toBe(true)
      }),
    // 10,000 scopes take 5–8 s on an idle machine and 24–29 s at load average 16–18 (two helpers' runs,
    // 2026-12-01): the bound is for a hang, not for speed
    120_000
  )
})

describe("Promise: 10,000 concurrent AuthScope.run scopes, three deep", () => {
  it("every read sees its own scope's credential, in Promise code and across the Effect boundary", async () => {
    const tally = makeTally()
    /** Inner levels left running after their caller stopped waiting (aborted): awaited at the end. */
    const abandoned: Array<Promise<unknown>> = []

    const scope = async (i: number): Promise<void> => {
      const keys = keysFor(i)
      const mode = modeOf(i)
      const outerURL = `https://outer-${i}.example.com`
      const innerURL = `https://inner-${i}.example.com`
      let step = 0
      const pause = () => sleep(delayMs(i, step++))

      const expectAuth = (where: string, token: string, baseURL: string) => {
        tally.reads++
        const auth = AuthScope.current()
        const seen =
          auth === undefined ? "no scope" : `${Redacted.value(auth.credential.token)} @ ${auth.baseURL}`
        if (seen !== `${token} @ ${baseURL}`) {
          tally.mismatches.push(`scope ${i} ${where}: saw ${seen}, expected ${token} @ ${baseURL}`)
        }
      }
      /** The Promise → Effect boundary: the effect must run with this scope's credential. */
      const expectThroughEffect = async (where: string, token: string) => {
        tally.reads++
        const auth = AuthScope.resolve()
        const seen = Either.isLeft(auth)
          ? `no auth (${auth.left._tag})`
          : await Effect.runPromise(
              Auth.current.pipe(
                Effect.map((a) => Redacted.value(a.credential.token)),
                Effect.provideService(Auth.CurrentAuth, auth.right)
              )
            )
        if (seen !== token)
          tally.mismatches.push(`scope ${i} ${where} (Effect): saw ${seen}, expected ${token}`)
      }
      const seeOuter = (where: string) => expectAuth(`outer/${where}`, keys.outer, outerURL)
      const seeMiddle = (where: string) => expectAuth(`middle/${where}`, keys.middle, outerURL)
      const seeInner = (where: string) => expectAuth(`inner/${where}`, keys.inner, innerURL)

      const inner = (signal: AbortSignal | undefined) =>
        AuthScope.run({ accessToken: keys.inner, baseURL: innerURL }, async () => {
          seeInner("start")
          await pause()
          await Promise.all([
            pause().then(() => seeInner("child 1")),
            (async () => {
              await pause()
              await expectThroughEffect("inner child 2", keys.inner)
              seeInner("child 2")
            })()
          ])
          if (mode === "failCaughtInMiddle" || mode === "failCaughtInOuter") {
            throw new InnerFailure({ scope: i })
          }
          if (signal !== undefined) {
            // keeps working after its caller gave up, as a request whose abort was not wired through does
            await sleep(10)
            seeInner("after abort")
            await expectThroughEffect("inner after abort", keys.inner)
          }
          return "inner done"
        })

      const middle = () =>
        AuthScope.run({ accessToken: keys.middle }, async () => {
          seeMiddle("start")
          await pause()
          const sibling = pause().then(() => seeMiddle("sibling"))
          switch (mode) {
            case "ok":
            case "failCaughtInOuter":
              await inner(undefined)
              break
            case "failCaughtInMiddle":
              try {
                await inner(undefined)
                tally.unexpected.push(`scope ${i}: the inner failure did not reach the middle level`)
              } catch (error) {
                if (!(error instanceof InnerFailure && error.scope === i)) throw error
                seeMiddle("after caught rejection")
              }
              break
            case "timeout":
            case "interrupt": {
              // the caller stops waiting: by an AbortSignal.timeout, or by an explicit abort()
              const controller = new AbortController()
              const signal = mode === "timeout" ? AbortSignal.timeout(1 + delayMs(i, 99)) : controller.signal
              const aborted = new Promise<never>((_, reject) => {
                signal.addEventListener("abort", () => reject(signal.reason), { once: true })
              })
              const work = inner(signal)
              abandoned.push(work)
              if (mode === "interrupt") setTimeout(() => controller.abort(), delayMs(i, 99))
              try {
                await Promise.race([work, aborted])
                tally.unexpected.push(`scope ${i}: the race was not aborted`)
              } catch (error) {
                const expected = mode === "timeout" ? "TimeoutError" : "AbortError"
                if (!(error instanceof Error && error.name === expected)) throw error
                seeMiddle("after abort")
              }
              break
            }
          }
          seeMiddle("after inner")
          await expectThroughEffect("middle", keys.middle)
          await sibling
          seeMiddle("end")
        })

      await AuthScope.run({ accessToken: keys.outer, baseURL: outerURL }, async () => {
        seeOuter("start")
        await pause()
        const sibling = pause().then(() => seeOuter("sibling"))
        try {
          await middle()
          if (mode === "failCaughtInOuter") {
            tally.unexpected.push(`scope ${i}: the inner failure did not reach the outer level`)
          }
        } catch (error) {
          if (!(mode === "failCaughtInOuter" && error instanceof InnerFailure && error.scope === i))
            throw error
          seeOuter("after caught rejection")
        }
        seeOuter("after middle")
        await expectThroughEffect("outer", keys.outer)
        await sibling
        seeOuter("end")
        tally.outcomes[mode]++
      })
    }

    const settled = await Promise.allSettled(Array.from({ length: N }, (_, i) => scope(i)))
    const abandonedSettled = await Promise.allSettled(abandoned)

    for (const result of [...settled, ...abandonedSettled]) {
      if (result.status === "rejected") tally.unexpected.push(String(result.reason))
    }
    expect(tally.mismatches.slice(0, 5)).toEqual([])
    expect(tally.mismatches.length).toBe(0)
    expect(tally.unexpected.slice(0, 5)).toEqual([])
    expect(abandoned.length).toBe(N * 0.2)
    expect(tally.outcomes).toEqual({
      ok: N * 0.6,
      failCaughtInMiddle: N * 0.1,
      failCaughtInOuter: N * 0.1,
      timeout: N * 0.1,
      interrupt: N * 0.1
    })
    // every scope read at least: outer ×5, middle ×5, inner ×4
    expect(tally.reads).toBeGreaterThanOrEqual(N * 14)
    expect(AuthScope.current()).toBeUndefined()
  })
})
