/**
 * Wait tokens and `idempotencyKeys.reset` at type level: a SecretKey client has each call with the SDK's
 * signature; a PAT client has each as a `Refused` member naming why, and an Effect program calling them does
 * not compile under a PAT client (the diagnostic text is in each `@ts-expect-error`).
 */
import { IdempotencyKeys, WaitTokens } from "@authctx/client"
import { createClient, type RetrievedWaitToken, type WaitTokensPage } from "@authctx/client/promise"
import { describe, expectTypeOf, it } from "vitest"

const devKey = "tr_dev_abcdefghijklmnopqrstuvwx"
const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789"

describe("a SecretKey client", () => {
  it("has the wait-token calls and idempotencyKeys.reset with the SDK's signatures", () => {
    const client = createClient({ accessToken: devKey })
    expectTypeOf(client.waitTokens.create({ timeout: "1h", idempotencyKey: "k", tags: ["a"] })).toEqualTypeOf<
      Promise<{ readonly id: string; readonly isCached: boolean; readonly url: string }>
    >()
    expectTypeOf(client.waitTokens.list({ status: ["WAITING"], limit: 10 })).toEqualTypeOf<WaitTokensPage>()
    expectTypeOf(client.waitTokens.retrieve("waitpoint_1")).toEqualTypeOf<Promise<RetrievedWaitToken>>()
    void client.waitTokens.complete("waitpoint_1", { approved: true })
    void client.waitTokens.complete({ id: "waitpoint_1" })
    expectTypeOf(client.idempotencyKeys.reset("task", "key")).toEqualTypeOf<
      Promise<{ readonly id: string }>
    >()
    // @ts-expect-error Type '"DONE"' is not assignable to type
    void client.waitTokens.list({ status: "DONE" })
    void client.run(WaitTokens.create())
    void client.run(IdempotencyKeys.reset("task", "key"))
  })
})

describe("a PAT client", () => {
  it("has each call as a Refused member", () => {
    const client = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"waitTokens.create", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.waitTokens.create()
    // @ts-expect-error Refused<"waitTokens.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.waitTokens.list()
    // @ts-expect-error Refused<"waitTokens.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.waitTokens.retrieve("waitpoint_1")
    // @ts-expect-error Refused<"waitTokens.complete", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.waitTokens.complete("waitpoint_1")
    // @ts-expect-error Refused<"idempotencyKeys.reset", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.idempotencyKeys.reset("task", "key")
  })

  it("does not run an Effect program that calls them", () => {
    const client = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"waitTokens.create", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(WaitTokens.create())
    // @ts-expect-error Refused<"waitTokens.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(WaitTokens.list())
    // retrieve may also download an offloaded output (packets.download): the refusal names that step
    // @ts-expect-error Refused<"packets.download", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(WaitTokens.retrieve("waitpoint_1"))
    // @ts-expect-error Refused<"waitTokens.complete", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(WaitTokens.complete("waitpoint_1"))
    // @ts-expect-error Refused<"idempotencyKeys.reset", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(IdempotencyKeys.reset("task", "key"))
  })
})
