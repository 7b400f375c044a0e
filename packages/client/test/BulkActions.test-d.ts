/**
 * Type tests of `runs.bulk` (bulk actions): SecretKey only, so a PAT client's members are `Refused<…>` with
 * the SDK call's name (the expected diagnostic text is in each `@ts-expect-error`); a SecretKey client and
 * the ambient functions have the SDK's signatures; the selection is exactly one of `filter` or `runIds`.
 */
import type { BulkActions } from "@authctx/client"
import { createClient, runs } from "@authctx/client/promise"
import { describe, expectTypeOf, it } from "vitest"

const devKey = "tr_dev_abcdefghijklmnopqrstuvwx"
const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789"

describe("runs.bulk with a PersonalAccessToken: every member refused, naming the call", () => {
  it("is not callable", () => {
    const client = createClient({ accessToken: pat })
    // @ts-expect-error Type 'Refused<"runs.bulk.cancel", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">' has no call signatures.
    void client.runs.bulk.cancel({ runIds: ["run_1"] })
    // @ts-expect-error Type 'Refused<"runs.bulk.replay", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">' has no call signatures.
    void client.runs.bulk.replay({ runIds: ["run_1"] })
    // @ts-expect-error Type 'Refused<"runs.bulk.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">' has no call signatures.
    void client.runs.bulk.list()
    // @ts-expect-error Type 'Refused<"runs.bulk.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">' has no call signatures.
    void client.runs.bulk.retrieve("bulk_1")
    // @ts-expect-error Type 'Refused<"runs.bulk.abort", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">' has no call signatures.
    void client.runs.bulk.abort("bulk_1")
    // @ts-expect-error Type 'Refused<"runs.bulk.poll", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">' has no call signatures.
    void client.runs.bulk.poll("bulk_1")
  })
})

describe("runs.bulk with a SecretKey, and ambient", () => {
  it("has the SDK's signatures", () => {
    const client = createClient({ accessToken: devKey })
    expectTypeOf(client.runs.bulk).toEqualTypeOf(runs.bulk)
    expectTypeOf(client.runs.bulk.cancel).returns.resolves.toEqualTypeOf<{ readonly id: string }>()
    expectTypeOf(client.runs.bulk.poll).parameter(1).toEqualTypeOf<BulkActions.PollOptions | undefined>()
    void client.runs.bulk.replay({ filter: { status: ["FAILED"] }, targetRegion: "eu-central-1" })
  })

  it("takes exactly one of filter or runIds, and no targetRegion on a cancel", () => {
    // @ts-expect-error Type 'string[]' is not assignable to type 'undefined'.
    void runs.bulk.cancel({ filter: { tag: "a" }, runIds: ["run_1"] })
    // @ts-expect-error Type 'string' is not assignable to type 'never'.
    void runs.bulk.cancel({ runIds: ["run_1"], targetRegion: "eu-central-1" })
  })
})
