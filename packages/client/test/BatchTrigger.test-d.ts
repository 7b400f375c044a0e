/**
 * Type tests of the multi-task `batch.trigger` and `batch.triggerByTask` (SecretKey only): the Effect calls
 * under each kind (they take the batch routes of `tasks.batchTrigger`, so the diagnostic names that
 * capability), the item shapes, and the Promise clients of each kind; each `@ts-expect-error` names its
 * diagnostic.
 */
import { Batches, ManagementClient, type Tasks } from "@authctx/client"
import { batch, createClient } from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { Effect } from "effect"
import { describe, expectTypeOf, it } from "vitest"

const devKey = "tr_dev_abcdefghijklmnopqrstuvwx"
const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789"
declare const fromEnv: string

const client = ManagementClient.layerFetch()
const withKey = <A, E, R>(e: Effect.Effect<A, E, R>) =>
  e.pipe(Auth.withAuth({ accessToken: devKey }), Effect.provide(client))
const withPat = <A, E, R>(e: Effect.Effect<A, E, R>) =>
  e.pipe(Auth.withAuth({ accessToken: pat }), Effect.provide(client))
const withUnknown = <A, E, R>(e: Effect.Effect<A, E, R>) =>
  e.pipe(Auth.withAuth({ accessToken: fromEnv }), Effect.provide(client))

const byId = Batches.trigger([
  { id: "a", payload: 1 },
  { id: "b", payload: "x", options: { tags: ["t"] } }
])
const byTask = Batches.triggerByTask([{ task: { id: "a" }, payload: 1 }], { idempotencyKey: "k" })

describe("batch.trigger / batch.triggerByTask: SecretKey only", () => {
  it("Effect: compiles with a SecretKey, not with a PAT or an unknown kind", () => {
    expectTypeOf<Effect.Effect.Success<typeof byId>>().toEqualTypeOf<Tasks.BatchResult>()
    Effect.runPromise(withKey(byId))
    Effect.runPromise(withKey(byTask))
    // @ts-expect-error Type 'NotAccepted<"tasks.batchTrigger", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(byId))
    // @ts-expect-error Type 'NotAccepted<"tasks.batchTrigger", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(byTask))
    // @ts-expect-error Type 'KindNotKnown<"tasks.batchTrigger", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(byId))
  })

  it("items name their task: by id for trigger, by task object for triggerByTask", () => {
    // an item of trigger names its task by `id`
    // @ts-expect-error Property 'id' is missing in type '{ payload: number; }' but required in type 'BatchByIdItem'.
    Batches.trigger([{ payload: 1 }])
    // an item of triggerByTask carries its task
    // @ts-expect-error Type 'string' is not assignable to type '{ readonly id: string; }'.
    Batches.triggerByTask([{ task: "a", payload: 1 }])
  })

  it("Promise: a SecretKey client and the ambient functions have them; a PAT client's are Refused", () => {
    const keyClient = createClient({ accessToken: devKey })
    expectTypeOf(
      keyClient.batch.trigger([{ id: "a", payload: 1 }])
    ).resolves.toEqualTypeOf<Tasks.BatchHandle>()
    void keyClient.batch.triggerByTask([{ task: { id: "a" }, payload: 1 }], { idempotencyKeyTTL: "1h" })
    void batch.trigger([{ id: "a", payload: 1 }])
    const patClient = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"batch.trigger", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void patClient.batch.trigger([{ id: "a", payload: 1 }])
    // @ts-expect-error Refused<"batch.triggerByTask", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void patClient.batch.triggerByTask([{ task: { id: "a" }, payload: 1 }])
  })
})
