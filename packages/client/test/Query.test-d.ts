/**
 * Type tests of `query.execute` and `query.dashboards.list` (SecretKey only): the Effect calls under each
 * kind, the answer's type by `format`, and the Promise clients of each kind; each `@ts-expect-error` names
 * its diagnostic.
 */
import { ManagementClient, Query } from "@authctx/client"
import { createClient, query } from "@authctx/client/promise"
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

describe("query: SecretKey only", () => {
  it("Effect: compiles with a SecretKey, not with a PAT or an unknown kind", () => {
    Effect.runPromise(withKey(Query.execute("SELECT run_id FROM runs")))
    Effect.runPromise(withKey(Query.listDashboards()))
    // @ts-expect-error Type 'NotAccepted<"query.execute", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Query.execute("SELECT run_id FROM runs")))
    // @ts-expect-error Type 'NotAccepted<"query.dashboards.list", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Query.listDashboards()))
    // @ts-expect-error Type 'KindNotKnown<"query.execute", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Query.execute("SELECT run_id FROM runs")))
    // @ts-expect-error Type 'KindNotKnown<"query.dashboards.list", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Query.listDashboards()))
  })

  it("the answer's type follows format: typed JSON rows, or a CSV string", () => {
    const rows = Query.execute<{ status: string; runs: number }>(
      "SELECT status, count() AS runs FROM runs GROUP BY status"
    )
    expectTypeOf<Effect.Effect.Success<typeof rows>>().toEqualTypeOf<
      Query.QueryJsonResult<{ status: string; runs: number }>
    >()
    const csv = Query.execute("SELECT run_id FROM runs", { format: "csv", period: "7d" })
    expectTypeOf<Effect.Effect.Success<typeof csv>["results"]>().toEqualTypeOf<string>()
    // a format the server does not answer matches neither overload
    // @ts-expect-error Type '"xml"' is not assignable to type '"json"'.
    Query.execute("SELECT run_id FROM runs", { format: "xml" })
  })

  it("Promise: a SecretKey client and the ambient functions have them; a PAT client's are Refused", () => {
    const keyClient = createClient({ accessToken: devKey })
    expectTypeOf(
      keyClient.query.execute("SELECT run_id FROM runs", { format: "csv" })
    ).resolves.toEqualTypeOf<Query.QueryCsvResult>()
    expectTypeOf(
      keyClient.query.execute<{ n: number }>("SELECT count() AS n FROM runs")
    ).resolves.toEqualTypeOf<Query.QueryJsonResult<{ n: number }>>()
    void keyClient.query.dashboards.list()
    void query.execute("SELECT run_id FROM runs", { scope: "project", from: new Date(), to: Date.now() })
    void query.dashboards.list()
    const patClient = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"query.execute", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void patClient.query.execute("SELECT run_id FROM runs")
    // @ts-expect-error Refused<"query.dashboards.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void patClient.query.dashboards.list()
  })
})
