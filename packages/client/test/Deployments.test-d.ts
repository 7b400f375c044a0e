/**
 * Type tests of `deployments.*` (SecretKey only) and `schedules.timezones` (no credential): the Effect
 * calls under each kind, and the Promise clients of each kind; each `@ts-expect-error` names its diagnostic.
 */
import { Deployments, ManagementClient, Schedules } from "@authctx/client"
import { createClient, schedules } from "@authctx/client/promise"
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

describe("deployments: SecretKey only", () => {
  it("Effect: compiles with a SecretKey, not with a PAT or an unknown kind", () => {
    Effect.runPromise(withKey(Deployments.list({ limit: 10 })))
    Effect.runPromise(withKey(Deployments.retrieveCurrent()))
    // @ts-expect-error Type 'NotAccepted<"deployments.list", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Deployments.list()))
    // @ts-expect-error Type 'NotAccepted<"deployments.retrieveCurrent", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Deployments.retrieveCurrent()))
    // @ts-expect-error Type 'KindNotKnown<"deployments.list", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Deployments.list()))
    // @ts-expect-error Type 'KindNotKnown<"deployments.retrieveCurrent", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Deployments.retrieveCurrent()))
  })

  it("Promise: a PAT client's members are Refused", () => {
    const keyClient = createClient({ accessToken: devKey })
    void keyClient.deployments.list({ status: "DEPLOYED" })
    void keyClient.deployments.retrieveCurrent()
    const patClient = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"deployments.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void patClient.deployments.list()
    // @ts-expect-error Refused<"deployments.retrieveCurrent", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void patClient.deployments.retrieveCurrent()
  })
})

describe("schedules.timezones: no credential", () => {
  it("Effect: needs nothing but the client (no withAuth), and compiles under every kind", () => {
    const zones = Schedules.timezones({ excludeUtc: true })
    expectTypeOf<Effect.Effect.Context<typeof zones>>().toEqualTypeOf<ManagementClient.ManagementClient>()
    Effect.runPromise(zones.pipe(Effect.provide(client)))
    Effect.runPromise(withKey(zones))
    Effect.runPromise(withPat(zones))
    Effect.runPromise(withUnknown(zones))
  })

  it("Promise: ambient, and a client of either kind", () => {
    void schedules.timezones()
    void createClient({ accessToken: devKey }).schedules.timezones({ excludeUtc: true })
    void createClient({ accessToken: pat }).schedules.timezones()
    void createClient({ accessToken: fromEnv }).schedules.timezones()
  })
})
