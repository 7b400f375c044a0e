/**
 * Wait tokens and `idempotencyKeys.reset` against the emulator over real HTTP: create (idempotency key →
 * `isCached`, its TTL), list (filters, cursor pages both ways, the Promise page and the Stream), retrieve
 * (status, decoded output, 404), complete (twice answers 200 and keeps the first data), the scoped-key 403,
 * the PAT refused before sending; reset makes the next trigger with the key create a new run.
 */
import { IdempotencyKeys, ManagementClient, Tasks, WaitTokens } from "@authctx/client"
import {
  auth,
  CapabilityError,
  createClient,
  idempotencyKeys,
  tasks,
  waitTokens
} from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Chunk, Effect, Either, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string
let otherEnvKey: string
let scopedKey: string
let pat: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 12 })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("the emulator has a project")
  key = project.environments.dev.secretKey
  otherEnvKey = project.environments.prod.secretKey
  scopedKey = project.environments.dev.scopedKey
  pat = emulator.credentials.users.find((user) => user.projectRefs.includes(project.ref))?.pat ?? ""
})
afterAll(() => emulator.stop())

/** Runs a program under a credential (the kind is checked at run time: tests pass refused kinds on purpose). */
const run = <A, E>(effect: Effect.Effect<A, E, unknown>, token = key, url?: string) =>
  Effect.runPromise(
    Effect.either(
      (effect as Effect.Effect<A, E, never>).pipe(
        Auth.withAuth({ accessToken: token, baseURL: url ?? emulator.url }),
        Effect.provide(ManagementClient.layerNode({ retry: false }))
      )
    )
  )

const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("waitTokens.create", () => {
  it("creates a token; the same idempotency key answers it again with isCached, per environment", async () => {
    const first = Either.getOrThrow(
      await run(WaitTokens.create({ idempotencyKey: "approval-1", tags: "t:1" }))
    )
    expect(first.id).toMatch(/^waitpoint_/)
    expect(first.isCached).toBe(false)
    expect(first.url).toContain(`/api/v1/waitpoints/tokens/${first.id}/callback/`)
    const again = Either.getOrThrow(await run(WaitTokens.create({ idempotencyKey: "approval-1" })))
    expect(again).toEqual({ ...first, isCached: true })
    const elsewhere = Either.getOrThrow(
      await run(WaitTokens.create({ idempotencyKey: "approval-1" }), otherEnvKey)
    )
    expect(elsewhere.isCached).toBe(false)
    expect(elsewhere.id).not.toBe(first.id)
    const fresh = Either.getOrThrow(await run(WaitTokens.create()))
    expect(fresh.isCached).toBe(false)
  })

  it("a key past its idempotencyKeyTTL gives a new token", async () => {
    const first = Either.getOrThrow(
      await run(WaitTokens.create({ idempotencyKey: "short", idempotencyKeyTTL: "1s" }))
    )
    await sleep(1_100)
    const second = Either.getOrThrow(await run(WaitTokens.create({ idempotencyKey: "short" })))
    expect(second.isCached).toBe(false)
    expect(second.id).not.toBe(first.id)
    // the old token let go of the key
    const old = Either.getOrThrow(await run(WaitTokens.retrieve(first.id)))
    expect(old.idempotencyKey).toBeUndefined()
  })

  it("an invalid timeout is a 422, a too long key is refused before sending", async () => {
    const bad = await run(WaitTokens.create({ timeout: "soon" }))
    expect(Either.isLeft(bad) && bad.left._tag).toBe("UnprocessableEntityError")
    const before = lastSeq()
    const long = await run(WaitTokens.create({ idempotencyKey: "k".repeat(2049) }))
    expect(Either.isLeft(long)).toBe(true)
    expect(lastSeq()).toBe(before)
  })
})

describe("waitTokens.retrieve and waitTokens.complete", () => {
  it("a token waits, completes with data, and a second completion answers 200 and keeps the first data", async () => {
    const created = Either.getOrThrow(await run(WaitTokens.create({ timeout: "1h", tags: ["a", "b"] })))
    const waiting = Either.getOrThrow(await run(WaitTokens.retrieve(created.id)))
    expect(waiting.status).toBe("WAITING")
    expect(waiting.output).toBeUndefined()
    expect(waiting.tags).toEqual(["a", "b"])
    expect(waiting.timeoutAt).toBeInstanceOf(Date)
    expect(waiting.createdAt).toBeInstanceOf(Date)
    expect(Either.getOrThrow(await run(WaitTokens.complete(created.id, { approved: true })))).toEqual({
      success: true
    })
    expect(Either.getOrThrow(await run(WaitTokens.complete(created, { approved: false })))).toEqual({
      success: true
    })
    const done = Either.getOrThrow(await run(WaitTokens.retrieve(created)))
    expect(done.status).toBe("COMPLETED")
    expect(done.completedAt).toBeInstanceOf(Date)
    expect(done.output).toEqual({ approved: true })
  })

  it("a token past its timeout is TIMED_OUT", async () => {
    const created = Either.getOrThrow(await run(WaitTokens.create({ timeout: "1s" })))
    await sleep(1_100)
    expect(Either.getOrThrow(await run(WaitTokens.retrieve(created.id))).status).toBe("TIMED_OUT")
  })

  it("an unknown token, or one of another environment, is a NotFoundError on retrieve and complete", async () => {
    const created = Either.getOrThrow(await run(WaitTokens.create()))
    for (const effect of [
      WaitTokens.retrieve("waitpoint_nope"),
      WaitTokens.complete("waitpoint_nope"),
      WaitTokens.retrieve("a/b?c")
    ] as ReadonlyArray<Effect.Effect<unknown, { readonly _tag: string }, unknown>>) {
      const answer = await run(effect)
      expect(Either.isLeft(answer) && answer.left._tag).toBe("NotFoundError")
    }
    const other = await run(WaitTokens.retrieve(created.id), otherEnvKey)
    expect(Either.isLeft(other) && other.left._tag).toBe("NotFoundError")
  })
})

describe("waitTokens.list", () => {
  it("filters by status, tag and idempotency key, pages by cursor both ways, and streams every token", async () => {
    const emu = await startEmulator({ seed: 13 })
    try {
      const k = emu.credentials.projects[0]?.environments.dev.secretKey ?? ""
      const on = async <A, E>(effect: Effect.Effect<A, E, unknown>) =>
        Either.getOrThrow(await run(effect, k, emu.url))
      const ids: Array<string> = []
      for (let i = 0; i < 5; i++) {
        const created = await on(
          WaitTokens.create({ tags: [i % 2 === 0 ? "even" : "odd"], idempotencyKey: `k${i}` })
        )
        ids.push(created.id)
      }
      await on(WaitTokens.complete(ids[0] ?? ""))
      const newestFirst = [...ids].reverse()
      const all = await on(WaitTokens.list())
      expect(all.data.map((t) => t.id)).toEqual(newestFirst)
      expect(all.pagination).toEqual({})
      expect((await on(WaitTokens.list({ status: "COMPLETED" }))).data.map((t) => t.id)).toEqual([ids[0]])
      expect((await on(WaitTokens.list({ status: ["WAITING"] }))).data).toHaveLength(4)
      expect((await on(WaitTokens.list({ tags: "odd" }))).data.map((t) => t.id)).toEqual([ids[3], ids[1]])
      expect((await on(WaitTokens.list({ idempotencyKey: "k2" }))).data.map((t) => t.id)).toEqual([ids[2]])
      expect((await on(WaitTokens.list({ period: "1h" }))).data).toHaveLength(5)
      expect((await on(WaitTokens.list({ to: new Date(Date.now() - 3_600_000) }))).data).toHaveLength(0)

      const page1 = await on(WaitTokens.list({ limit: 2 }))
      expect(page1.data.map((t) => t.id)).toEqual(newestFirst.slice(0, 2))
      expect(page1.pagination.previous).toBeUndefined()
      const page2 = await on(WaitTokens.list({ limit: 2, after: page1.pagination.next }))
      expect(page2.data.map((t) => t.id)).toEqual(newestFirst.slice(2, 4))
      const back = await on(WaitTokens.list({ limit: 2, before: page2.pagination.previous }))
      expect(back.data.map((t) => t.id)).toEqual(newestFirst.slice(0, 2))

      // a cursor the filter drops still marks a position
      expect((await on(WaitTokens.list({ tags: "odd", after: ids[2] }))).data.map((t) => t.id)).toEqual([
        ids[1]
      ])
      const newerOdd = await on(WaitTokens.list({ tags: "odd", before: ids[0] }))
      expect(newerOdd.data.map((t) => t.id)).toEqual([ids[3], ids[1]])
      expect(newerOdd.pagination).toEqual({})
      const unknownCursor = await run(WaitTokens.list({ after: "waitpoint_nope" }), k, emu.url)
      expect(Either.isLeft(unknownCursor) && unknownCursor.left._tag).toBe("BadRequestError")

      const streamed = await on(Stream.runCollect(WaitTokens.stream({ limit: 2 })))
      expect(Chunk.toReadonlyArray(streamed).map((t) => t.id)).toEqual(newestFirst)

      const bad = await run(WaitTokens.list({ status: ["NOPE" as "WAITING"] }), k, emu.url)
      expect(Either.isLeft(bad) && bad.left._tag).toBe("BadRequestError")

      // the Promise API's page: await it, page on, or for await over every token
      const client = createClient({ accessToken: k, baseURL: emu.url }).requireSecretKey()
      const first = await client.waitTokens.list({ limit: 2 })
      expect(first.data.map((t) => t.id)).toEqual(newestFirst.slice(0, 2))
      expect((await first.getNextPage()).data.map((t) => t.id)).toEqual(newestFirst.slice(2, 4))
      const seen: Array<string> = []
      for await (const token of client.waitTokens.list({ limit: 2 })) seen.push(token.id)
      expect(seen).toEqual(newestFirst)
    } finally {
      await emu.stop()
    }
  })
})

describe("who may call", () => {
  it("an additional (scoped) key gets 403 on create, list and retrieve, and may complete", async () => {
    const created = Either.getOrThrow(await run(WaitTokens.create()))
    for (const effect of [WaitTokens.create(), WaitTokens.list(), WaitTokens.retrieve(created.id)]) {
      const answer = await run(effect as Effect.Effect<unknown, unknown, unknown>, scopedKey)
      expect(Either.isLeft(answer) && (answer.left as { _tag: string })._tag).toBe("PermissionDeniedError")
      expect(JSON.stringify(answer)).not.toContain(scopedKey)
    }
    expect(Either.getOrThrow(await run(WaitTokens.complete(created.id), scopedKey))).toEqual({
      success: true
    })
  })

  it("a PAT is refused before sending (CapabilityError, nothing in the request log)", async () => {
    const refused = [
      WaitTokens.create(),
      WaitTokens.list(),
      WaitTokens.retrieve("waitpoint_x"),
      WaitTokens.complete("waitpoint_x"),
      IdempotencyKeys.reset("t", "k")
    ]
    const before = lastSeq()
    for (const effect of refused) {
      const answer = await run(effect as Effect.Effect<unknown, unknown, unknown>, pat)
      expect(Either.isLeft(answer) && answer.left).toBeInstanceOf(CapabilityError)
    }
    const client = createClient({ accessToken: pat, baseURL: emulator.url })
    const members = client.waitTokens as unknown as Record<
      string,
      (...args: ReadonlyArray<unknown>) => Promise<unknown>
    >
    // a list's first argument is its parameters (an object: a string is refused as such, before the kind)
    for (const name of ["create", "list", "retrieve", "complete"])
      await expect(members[name]?.(name === "list" ? {} : "waitpoint_x")).rejects.toBeInstanceOf(
        CapabilityError
      )
    expect(lastSeq()).toBe(before)
  })
})

describe("idempotencyKeys.reset", () => {
  it("after a reset the next trigger with the key creates a new run; the key is one encoded path segment", async () => {
    const sendKey = `order/7?x#${"z".repeat(54)}` // 64 characters: sent as is, with / ? # in it
    expect(sendKey).toHaveLength(64)
    for (const idempotencyKey of [IdempotencyKeys.create("order-7"), sendKey]) {
      const first = Either.getOrThrow(await run(Tasks.trigger("ship-order", { n: 1 }, { idempotencyKey })))
      const same = Either.getOrThrow(await run(Tasks.trigger("ship-order", { n: 2 }, { idempotencyKey })))
      expect(same.id).toBe(first.id)
      // another task does not hold it
      const otherTask = await run(IdempotencyKeys.reset("other-task", idempotencyKey))
      expect(Either.isLeft(otherTask) && otherTask.left._tag).toBe("NotFoundError")
      expect(Either.getOrThrow(await run(IdempotencyKeys.reset("ship-order", idempotencyKey)))).toEqual({
        id: idempotencyKey
      })
      expect(emulator.requests().at(-1)?.route).toBe("idempotencyKeys.reset")
      const fresh = Either.getOrThrow(await run(Tasks.trigger("ship-order", { n: 3 }, { idempotencyKey })))
      expect(fresh.id).not.toBe(first.id)
      expect(fresh.isCached).toBe(false)
    }
  })

  it("a raw key is hashed as the trigger hashed it; an unknown key is a NotFoundError", async () => {
    const first = Either.getOrThrow(await run(Tasks.trigger("email", {}, { idempotencyKey: "welcome-ada" })))
    expect(Either.getOrThrow(await run(IdempotencyKeys.reset("email", "welcome-ada"))).id).toHaveLength(64)
    const fresh = Either.getOrThrow(await run(Tasks.trigger("email", {}, { idempotencyKey: "welcome-ada" })))
    expect(fresh.id).not.toBe(first.id)
    const unknown = await run(IdempotencyKeys.reset("email", "never-used"))
    expect(Either.isLeft(unknown) && unknown.left._tag).toBe("NotFoundError")
  })

  it("the Promise API: idempotencyKeys.reset ambient and on a client", async () => {
    await auth.withAuth({ accessToken: key, baseURL: emulator.url }, async () => {
      const idempotencyKey = await idempotencyKeys.create("promise-key")
      const first = await tasks.trigger("ship-order", {}, { idempotencyKey })
      expect(await idempotencyKeys.reset("ship-order", idempotencyKey)).toEqual({ id: idempotencyKey })
      const fresh = await tasks.trigger("ship-order", {}, { idempotencyKey })
      expect(fresh.id).not.toBe(first.id)
      const token = await waitTokens.create({ idempotencyKey: "promise-token" })
      expect((await waitTokens.create({ idempotencyKey: "promise-token" })).isCached).toBe(true)
      await waitTokens.complete(token.id, "ok")
      expect((await waitTokens.retrieve(token.id)).output).toBe("ok")
    })
    const client = createClient({ accessToken: key, baseURL: emulator.url }).requireSecretKey()
    await expect(client.idempotencyKeys.reset("ship-order", "nothing-here")).rejects.toMatchObject({
      _tag: "NotFoundError"
    })
  })
})
