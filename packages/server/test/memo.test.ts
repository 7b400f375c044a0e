/**
 * The authenticator's memos: bounded (two generations), and a remembered answer still goes through
 * `verify` on every request and never turns a refusal into an acceptance.
 */
import { RequestAuth } from "@authctx/server"
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { Memo } from "../src/internal/parseCache.js"
import { devKey, isolateDefaultAuth, pat } from "./fixtures.js"

isolateDefaultAuth()

const view = <Req>(authorization: string | undefined, request: Req) => ({
  header: (name: string) => (name === "authorization" ? authorization : undefined),
  request
})

describe("Memo", () => {
  it("keeps at most its size and at least half of it, the recently used", () => {
    const memo = new Memo<number>(8)
    for (let i = 0; i < 100; i++) {
      memo.set(`k${i}`, i)
      expect(memo.size).toBeLessThanOrEqual(8)
    }
    // the last four set are there; the first ones are gone
    for (let i = 96; i < 100; i++) expect(memo.get(`k${i}`)).toBe(i)
    expect(memo.get("k0")).toBeUndefined()
  })

  it("a hit in the old generation survives the next turnover", () => {
    const memo = new Memo<number>(4)
    memo.set("a", 1)
    memo.set("b", 2)
    memo.set("c", 3) // a, b are old now
    expect(memo.get("a")).toBe(1) // moved to the young generation
    memo.set("d", 4) // young {c, a} turns old; b is dropped
    expect(memo.get("a")).toBe(1)
    expect(memo.get("b")).toBeUndefined()
  })

  it("the entry found or set last answers first, by equal string, and is never one the maps dropped", () => {
    const memo = new Memo<number>(2)
    // Keys made at run time, as a parsed header is: equal to the kept key, never the same string object.
    const key = (name: string) => Buffer.from(name, "latin1").toString("latin1")
    memo.set(key("a"), 1)
    expect(memo.get(key("a"))).toBe(1)
    memo.set("b", 2)
    memo.set("c", 3) // the maps now hold b and c only; the last entry is c
    expect(memo.get("a")).toBeUndefined()
    expect(memo.get(key("c"))).toBe(3)
    expect(memo.size).toBeLessThanOrEqual(2)
    // A hit in the maps becomes the last entry; a miss changes nothing.
    expect(memo.get("b")).toBe(2)
    expect(memo.get("zz")).toBeUndefined()
    memo.set("d", 4)
    memo.set("e", 5)
    expect(memo.get("b")).toBeUndefined()
    expect(memo.get(key("e"))).toBe(5)
    expect(memo.get("d")).toBe(4)
  })
})

describe("remembered answers", () => {
  it("verify runs on every request, also for a header seen before", () => {
    const seen: Array<number> = []
    const authenticate = RequestAuth.make({
      verify: (_auth, request: { readonly id: number }) => {
        seen.push(request.id)
        return request.id % 2 === 0
      }
    })
    const outcomes = [0, 1, 2, 3].map((id) => authenticate(view(`Bearer ${devKey}`, { id })))
    expect(seen).toEqual([0, 1, 2, 3])
    expect(outcomes.map((o) => Either.isEither(o) && Either.isRight(o))).toEqual([true, false, true, false])
  })

  it("a refused kind stays refused on the second request (nothing refused is remembered as accepted)", () => {
    const authenticate = RequestAuth.make({ accept: ["SecretKey"] })
    for (let i = 0; i < 3; i++) {
      const outcome = authenticate(view(`Bearer ${pat}`, undefined))
      expect(Either.isEither(outcome) && Either.isLeft(outcome)).toBe(true)
      const ok = authenticate(view(`Bearer ${devKey}`, undefined))
      expect(Either.isEither(ok) && Either.isRight(ok) && ok.right.credential._tag).toBe("SecretKey")
    }
  })

  it("a resolved string is remembered per string: each tenant keeps its own credential", () => {
    const keys = new Map([
      ["a", devKey],
      ["b", pat]
    ])
    const authenticate = RequestAuth.make({ resolve: (tenant: string) => keys.get(tenant) })
    for (let i = 0; i < 3; i++) {
      for (const [tenant, key] of keys) {
        const outcome = authenticate(view(undefined, tenant))
        expect(Either.isEither(outcome) && Either.isRight(outcome)).toBe(true)
        if (Either.isEither(outcome) && Either.isRight(outcome))
          expect(outcome.right.credential._tag).toBe(key === pat ? "PersonalAccessToken" : "SecretKey")
      }
      const missing = authenticate(view(undefined, "nobody"))
      expect(Either.isEither(missing) && Either.isLeft(missing)).toBe(true)
    }
  })
})
