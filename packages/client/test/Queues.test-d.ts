/**
 * Type tests of the queues calls × credential kind (checked by `tsc`; each `@ts-expect-error` names a
 * substring of the diagnostic): every queues route is SecretKey only, so an Effect under a PAT or a
 * credential of unknown kind does not compile at the run site, and a `createClient` client of another kind
 * has `Refused` members. `queues.resume` is the `queues.pause` route: its Effect names that route.
 */
import { ManagementClient, Queues } from "@authctx/client"
import { createClient, queues } from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { Effect } from "effect"
import { describe, expectTypeOf, it } from "vitest"

const devKey = "tr_dev_abcdefghijklmnopqrstuvwx"
const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789"
declare const fromEnv: string

const layer = ManagementClient.layerFetch()
const withKey = <A, E, R>(e: Effect.Effect<A, E, R>) =>
  e.pipe(Auth.withAuth({ accessToken: devKey }), Effect.provide(layer))
const withPat = <A, E, R>(e: Effect.Effect<A, E, R>) =>
  e.pipe(Auth.withAuth({ accessToken: pat }), Effect.provide(layer))
const withUnknown = <A, E, R>(e: Effect.Effect<A, E, R>) =>
  e.pipe(Auth.withAuth({ accessToken: fromEnv }), Effect.provide(layer))

const task = { type: "task", name: "send-email" } as const

describe("Effect: SecretKey only", () => {
  it("compiles with a SecretKey; not with a PAT or a kind not known", () => {
    Effect.runPromise(withKey(Queues.list({ perPage: 5 })))
    // @ts-expect-error Type 'NotAccepted<"queues.list", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Queues.list()))
    // @ts-expect-error Type 'KindNotKnown<"queues.list", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Queues.list()))

    Effect.runPromise(withKey(Queues.retrieve("queue_1")))
    // @ts-expect-error Type 'NotAccepted<"queues.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Queues.retrieve(task)))
    // @ts-expect-error Type 'KindNotKnown<"queues.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Queues.retrieve(task)))

    Effect.runPromise(withKey(Queues.pause(task)))
    // @ts-expect-error Type 'NotAccepted<"queues.pause", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Queues.pause(task)))
    // @ts-expect-error Type 'KindNotKnown<"queues.pause", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Queues.pause(task)))

    Effect.runPromise(withKey(Queues.resume(task)))
    // @ts-expect-error Type 'NotAccepted<"queues.pause", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Queues.resume(task)))
    // @ts-expect-error Type 'KindNotKnown<"queues.pause", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Queues.resume(task)))

    Effect.runPromise(withKey(Queues.overrideConcurrencyLimit(task, 3)))
    // @ts-expect-error Type 'NotAccepted<"queues.overrideConcurrencyLimit", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Queues.overrideConcurrencyLimit(task, 3)))
    // @ts-expect-error Type 'KindNotKnown<"queues.overrideConcurrencyLimit", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Queues.overrideConcurrencyLimit(task, 3)))

    Effect.runPromise(withKey(Queues.resetConcurrencyLimit(task)))
    // @ts-expect-error Type 'NotAccepted<"queues.resetConcurrencyLimit", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Queues.resetConcurrencyLimit(task)))
    // @ts-expect-error Type 'KindNotKnown<"queues.resetConcurrencyLimit", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Queues.resetConcurrencyLimit(task)))
  })

  it("takes the SDK's queue argument: an id, or a task or custom queue by name", () => {
    void Queues.retrieve({ type: "custom", name: "emails" })
    // @ts-expect-error Type '"id"' is not assignable to type '"task" | "custom"'.
    void Queues.retrieve({ type: "id", name: "queue_1" })
    // @ts-expect-error Argument of type 'string' is not assignable to parameter of type 'number'.
    void Queues.overrideConcurrencyLimit(task, "3")
  })
})

describe("Promise: the ambient functions and a client per kind", () => {
  it("the ambient functions take the SDK's arguments, requestOptions last", () => {
    const signal = AbortSignal.timeout(1_000)
    void queues.list({ page: 1, perPage: 10 }, { signal })
    void queues.retrieve("queue_1", { signal })
    void queues.pause(task, { signal })
    void queues.resume(task, { signal })
    void queues.overrideConcurrencyLimit(task, 3, { signal })
    void queues.resetConcurrencyLimit(task, { signal })
  })

  it("a SecretKey client has every queues call", async () => {
    const client = createClient({ accessToken: devKey })
    const queue = await client.queues.retrieve(task)
    expectTypeOf(queue.paused).toEqualTypeOf<boolean>()
    expectTypeOf(queue.type).toEqualTypeOf<"task" | "custom">()
    void client.queues.list()
    void client.queues.pause(task)
    void client.queues.resume("queue_1")
    void client.queues.overrideConcurrencyLimit(task, 3)
    void client.queues.resetConcurrencyLimit(task)
  })

  it("a PAT client's queues calls are Refused members naming why", () => {
    const client = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"queues.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.queues.list()
    // @ts-expect-error Refused<"queues.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.queues.retrieve(task)
    // @ts-expect-error Refused<"queues.pause", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.queues.pause(task)
    // @ts-expect-error Refused<"queues.resume", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.queues.resume(task)
    // @ts-expect-error Refused<"queues.overrideConcurrencyLimit", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.queues.overrideConcurrencyLimit(task, 3)
    // @ts-expect-error Refused<"queues.resetConcurrencyLimit", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.queues.resetConcurrencyLimit(task)
  })

  it("a client of unknown kind must narrow first", () => {
    const client = createClient({ accessToken: fromEnv })
    // @ts-expect-error Refused<"queues.list", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.queues.list()
    // @ts-expect-error Refused<"queues.resume", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.queues.resume(task)
    void client.requireSecretKey().queues.resume(task)
  })
})
