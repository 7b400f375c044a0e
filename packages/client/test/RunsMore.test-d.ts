/**
 * Type tests for runs.reschedule, runs.poll, runs.addTags, runs metadata and batch.retrieve: each compiles
 * with a SecretKey and names its refusal for a PAT (a client's `Refused<…>` member, the Effect API's
 * `NotAccepted<…>`) and for a kind not known (`KindNotKnown<…>`). Checked by `tsc`: every
 * `@ts-expect-error` must stay an error, with the diagnostic text it names.
 */
import { Batches, ManagementClient, Runs } from "@authctx/client"
import { createClient } from "@authctx/client/promise"
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

describe("the Effect API", () => {
  it("compiles with a SecretKey, not with a PAT or an unknown kind", () => {
    Effect.runPromise(withKey(Runs.reschedule("run_1", { delay: "1h" })))
    // @ts-expect-error Type 'NotAccepted<"runs.reschedule", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Runs.reschedule("run_1", { delay: "1h" })))
    // @ts-expect-error Type 'KindNotKnown<"runs.reschedule", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Runs.reschedule("run_1", { delay: new Date() })))

    Effect.runPromise(withKey(Runs.poll("run_1", { pollIntervalMs: 500 })))
    // poll is a helper over retrieve: it needs what retrieve needs
    // @ts-expect-error Type 'NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Runs.poll("run_1")))

    Effect.runPromise(withKey(Runs.addTags("run_1", ["a", "b"])))
    // @ts-expect-error Type 'NotAccepted<"runs.addTags", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Runs.addTags("run_1", "a")))

    Effect.runPromise(withKey(Runs.retrieveMetadata("run_1")))
    // @ts-expect-error Type 'NotAccepted<"runs.retrieveMetadata", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Runs.retrieveMetadata("run_1")))

    Effect.runPromise(withKey(Runs.updateMetadata("run_1", { metadata: { a: 1 } })))
    // @ts-expect-error Type 'NotAccepted<"runs.updateMetadata", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Runs.updateMetadata("run_1", { metadata: { a: 1 } })))

    Effect.runPromise(withKey(Batches.retrieve("batch_1")))
    // @ts-expect-error Type 'NotAccepted<"batch.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Batches.retrieve("batch_1")))
    // @ts-expect-error Type 'KindNotKnown<"batch.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Batches.retrieve("batch_1")))
  })

  it("types the answers as the SDK's", () => {
    expectTypeOf(Runs.poll("run_1")).toExtend<
      Effect.Effect<{ readonly isCompleted: boolean }, unknown, unknown>
    >()
    expectTypeOf(Batches.retrieve("b")).toExtend<
      Effect.Effect<{ readonly runs: ReadonlyArray<string>; readonly createdAt: Date }, unknown, unknown>
    >()
    expectTypeOf(Runs.retrieveMetadata("r")).toExtend<
      Effect.Effect<{ readonly metadata: { readonly [key: string]: unknown } }, unknown, unknown>
    >()
    // @ts-expect-error Type '"later"' is not assignable to type '"update" | "set" | "delete" | "append" | "remove" | "increment"'.
    void Runs.updateMetadata("r", { operations: [{ type: "later", key: "a" }] })
  })
})

describe("the Promise API", () => {
  it("a SecretKey client has the calls", () => {
    const client = createClient({ accessToken: devKey })
    void client.runs.reschedule("run_1", { delay: "1h" })
    void client.runs.poll("run_1", { pollIntervalMs: 100 })
    void client.runs.addTags("run_1", ["a"])
    void client.runs.retrieveMetadata("run_1")
    void client.runs.updateMetadata("run_1", { operations: [{ type: "increment", key: "n", value: 1 }] })
    void client.batch.retrieve("batch_1")
  })

  it("a PAT client has each as a Refused member", () => {
    const client = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"runs.reschedule", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.reschedule("run_1", { delay: "1h" })
    // @ts-expect-error Refused<"runs.poll", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.poll("run_1")
    // @ts-expect-error Refused<"runs.addTags", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.addTags("run_1", ["a"])
    // @ts-expect-error Refused<"runs.retrieveMetadata", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.retrieveMetadata("run_1")
    // @ts-expect-error Refused<"runs.updateMetadata", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.updateMetadata("run_1", { metadata: {} })
    // @ts-expect-error Refused<"batch.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.batch.retrieve("batch_1")
  })

  it("a client of a kind not known must narrow first", () => {
    const client = createClient({ accessToken: fromEnv })
    // @ts-expect-error Refused<"runs.addTags", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.runs.addTags("run_1", ["a"])
    void client.requireSecretKey().runs.addTags("run_1", ["a"])
  })
})
