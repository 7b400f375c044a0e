/**
 * Type tests for every call × credential kind (the route table in docs/research/trigger-wire.md): a call compiles under the kinds it accepts and
 * fails at the run site, naming the endpoint, under the others. Checked by `tsc`: every
 * `@ts-expect-error` must stay an error.
 */
import { Envvars, ManagementClient, Runs, Schedules, Tasks } from "@authctx/client"
import { Auth, type Capability } from "@authctx/core"
import { Effect, Stream } from "effect"
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

describe("SecretKey-only calls", () => {
  it("compile with a SecretKey, not with a PAT or an unknown kind", () => {
    Effect.runPromise(withKey(Tasks.trigger("t", {})))
    // @ts-expect-error Type 'NotAccepted<"tasks.trigger", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Tasks.trigger("t", {})))
    // @ts-expect-error Type 'KindNotKnown<"tasks.trigger", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Tasks.trigger("t", {})))

    Effect.runPromise(withKey(Tasks.batchTrigger("t", [{ payload: 1 }])))
    // @ts-expect-error Type 'NotAccepted<"tasks.batchTrigger", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Tasks.batchTrigger("t", [{ payload: 1 }])))
    // @ts-expect-error Type 'KindNotKnown<"tasks.batchTrigger", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Tasks.batchTrigger("t", [{ payload: 1 }])))

    Effect.runPromise(withKey(Runs.list({ limit: 10 })))
    // @ts-expect-error Type 'NotAccepted<"runs.list (environment)", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Runs.list({ limit: 10 })))
    // @ts-expect-error Type 'KindNotKnown<"runs.list (environment)", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Runs.list({ limit: 10 })))
    // @ts-expect-error Type 'KindNotKnown<"runs.list (environment)", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Runs.list()))

    Effect.runPromise(withKey(Runs.retrieve("run_1")))
    // @ts-expect-error Type 'NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Runs.retrieve("run_1")))
    // @ts-expect-error Type 'KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Runs.retrieve("run_1")))
    Effect.runPromise(withKey(Runs.cancel("run_1")))
    // @ts-expect-error Type 'NotAccepted<"runs.cancel", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Runs.cancel("run_1")))
    // @ts-expect-error Type 'KindNotKnown<"runs.cancel", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Runs.cancel("run_1")))
    Effect.runPromise(withKey(Runs.replay("run_1")))
    // @ts-expect-error Type 'NotAccepted<"runs.replay", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Runs.replay("run_1")))
    // @ts-expect-error Type 'KindNotKnown<"runs.replay", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Runs.replay("run_1")))

    const body = { task: "t", cron: "0 * * * *", deduplicationKey: "k" }
    Effect.runPromise(withKey(Schedules.list()))
    // @ts-expect-error Type 'NotAccepted<"schedules.list", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Schedules.list()))
    // @ts-expect-error Type 'KindNotKnown<"schedules.list", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Schedules.list()))
    Effect.runPromise(withKey(Schedules.create(body)))
    // @ts-expect-error Type 'NotAccepted<"schedules.create", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Schedules.create(body)))
    // @ts-expect-error Type 'KindNotKnown<"schedules.create", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Schedules.create(body)))
    Effect.runPromise(withKey(Schedules.retrieve("s")))
    // @ts-expect-error Type 'NotAccepted<"schedules.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Schedules.retrieve("s")))
    // @ts-expect-error Type 'KindNotKnown<"schedules.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Schedules.retrieve("s")))
    Effect.runPromise(withKey(Schedules.update("s", { task: "t", cron: "0 * * * *" })))
    // @ts-expect-error Type 'NotAccepted<"schedules.update", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Schedules.update("s", { task: "t", cron: "0 * * * *" })))
    // @ts-expect-error Type 'KindNotKnown<"schedules.update", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Schedules.update("s", { task: "t", cron: "0 * * * *" })))
    Effect.runPromise(withKey(Schedules.activate("s")))
    // @ts-expect-error Type 'NotAccepted<"schedules.activate", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Schedules.activate("s")))
    // @ts-expect-error Type 'KindNotKnown<"schedules.activate", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Schedules.activate("s")))
    Effect.runPromise(withKey(Schedules.deactivate("s")))
    // @ts-expect-error Type 'NotAccepted<"schedules.deactivate", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Schedules.deactivate("s")))
    // @ts-expect-error Type 'KindNotKnown<"schedules.deactivate", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Schedules.deactivate("s")))
    Effect.runPromise(withKey(Schedules.del("s")))
    // @ts-expect-error Type 'NotAccepted<"schedules.del", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Schedules.del("s")))
    // @ts-expect-error Type 'KindNotKnown<"schedules.del", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Schedules.del("s")))
  })

  it("the leftover requirement names the endpoint and the refused kind", () => {
    const refused = Runs.retrieve("run_1").pipe(Auth.withAuth({ accessToken: pat }))
    expectTypeOf<Effect.Effect.Context<typeof refused>>().toEqualTypeOf<
      | ManagementClient.ManagementClient
      | Capability.NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    >()
  })
})

describe("the PAT-only project route", () => {
  it("requires projectRef, compiles with a PAT only", () => {
    Effect.runPromise(withPat(Runs.list("proj_1", { limit: 10, env: ["prod"] })))
    // @ts-expect-error Type 'NotAccepted<"runs.list (project)", "SecretKey", "PersonalAccessToken">' is not assignable to type 'never'.
    Effect.runPromise(withKey(Runs.list("proj_1")))
    // @ts-expect-error Type 'KindNotKnown<"runs.list (project)", "PersonalAccessToken", "narrow it with Auth.requirePersonalAccessToken">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Runs.list("proj_1")))
    // @ts-expect-error 'env' does not exist in type 'ListRunsParams'
    Runs.list({ env: "prod" })
    const refused = Runs.list("proj_1").pipe(Auth.withAuth({ accessToken: devKey }))
    expectTypeOf<Effect.Effect.Context<typeof refused>>().toEqualTypeOf<
      | ManagementClient.ManagementClient
      | Capability.NotAccepted<"runs.list (project)", "SecretKey", "PersonalAccessToken">
    >()
    Effect.runPromise(withPat(Stream.runCollect(Runs.stream("proj_1"))))
    // @ts-expect-error Type 'NotAccepted<"runs.list (project)", "SecretKey", "PersonalAccessToken">' is not assignable to type 'never'.
    Effect.runPromise(withKey(Stream.runCollect(Runs.stream("proj_1"))))
    // @ts-expect-error Type 'KindNotKnown<"runs.list (project)", "PersonalAccessToken", "narrow it with Auth.requirePersonalAccessToken">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Stream.runCollect(Runs.stream("proj_1"))))
  })
})

describe("envvars accept both kinds", () => {
  it("compile with a SecretKey, a PAT and an unknown kind", () => {
    for (const run of [withKey, withPat, withUnknown]) {
      Effect.runPromise(run(Envvars.list("proj_1", "dev")))
      Effect.runPromise(run(Envvars.retrieve("proj_1", "dev", "A")))
      Effect.runPromise(run(Envvars.upload("proj_1", "dev", { variables: { A: "1" } })))
      Effect.runPromise(run(Envvars.create("proj_1", "dev", { name: "A", value: "1" })))
      Effect.runPromise(run(Envvars.update("proj_1", "preview", "A", { value: "2" })))
      Effect.runPromise(run(Envvars.del("proj_1", "dev", "A")))
    }
    // @ts-expect-error TS2345: Argument of type '"production"' is not assignable to parameter of type
    Envvars.list("proj_1", "production")
  })
})

describe("an environment-derived credential", () => {
  it("compiles only for envvars until narrowed", () => {
    Effect.runPromise(
      Envvars.list("p", "dev").pipe(Effect.provide(Auth.layerConfig()), Effect.provide(client))
    )
    // @ts-expect-error Type 'RequiresKind<"runs.retrieve", "SecretKey" | PublicKind<
    Effect.runPromise(Runs.retrieve("r").pipe(Effect.provide(Auth.layerConfig()), Effect.provide(client)))
    Effect.runPromise(
      Runs.retrieve("r").pipe(
        Auth.requireSecretKey,
        Effect.provide(Auth.layerConfig()),
        Effect.provide(client)
      )
    )
    Effect.runPromise(
      Runs.list("p").pipe(
        Auth.requirePersonalAccessToken,
        Effect.provide(Auth.layerConfig()),
        Effect.provide(client)
      )
    )
  })
})

describe("results are the decoded wire types", () => {
  it("dates are Dates", () => {
    expectTypeOf<Effect.Effect.Success<ReturnType<typeof Runs.retrieve>>["createdAt"]>().toEqualTypeOf<Date>()
    expectTypeOf<Effect.Effect.Success<ReturnType<typeof Tasks.trigger>>["id"]>().toEqualTypeOf<string>()
  })
})
