/**
 * Type tests of the Promise API: `createClient` typed by the credential's literal prefix, the narrowing
 * methods, `run` checked against the client's kind, and the SDK's overloads.
 */
import type { Schemas } from "@authctx/api"
import { Runs, Tasks } from "@authctx/client"
import {
  auth,
  bind,
  type CursorPage,
  configure,
  createClient,
  envvars,
  type OffsetLimitPage,
  runs,
  schedules,
  tasks
} from "@authctx/client/promise"
import { Effect, type Redacted } from "effect"
import { describe, expectTypeOf, it } from "vitest"

const devKey = "tr_dev_abcdefghijklmnopqrstuvwx"
const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789"
declare const fromEnv: string | undefined

describe("createClient", () => {
  it("a tr_pat_ literal gives a client without SecretKey-only calls", () => {
    const client = createClient({ accessToken: pat })
    expectTypeOf(client.kind).toEqualTypeOf<"PersonalAccessToken">()
    client.runs.list("proj_1", { limit: 10 })
    client.envvars.list("proj_1", "dev")
    // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    client.runs.retrieve("run_1")
    // @ts-expect-error Refused<"tasks.trigger", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    client.tasks.trigger("t", {})
    // @ts-expect-error Refused<"runs.list (environment)", "PersonalAccessToken", "SecretKey"
    client.runs.list({ limit: 10 })
    // @ts-expect-error Property 'requireSecretKey' does not exist
    client.requireSecretKey()
  })

  it("a tr_dev_ literal gives a SecretKey client", () => {
    const client = createClient({ secretKey: devKey })
    expectTypeOf(client.kind).toEqualTypeOf<"SecretKey">()
    client.runs.retrieve("run_1")
    client.runs.list({ limit: 10 })
    client.tasks.trigger("t", {})
    client.schedules.list()
    client.envvars.update("proj_1", "dev", "A", { value: "1" })
    // @ts-expect-error Refused<"runs.list (project)", "SecretKey", "PersonalAccessToken"
    client.runs.list("proj_1")
  })

  it("a plain string gives the calls both kinds accept, plus narrowing", () => {
    const client = createClient({ accessToken: fromEnv })
    expectTypeOf(client.kind).toEqualTypeOf<"SecretKey" | "PersonalAccessToken">()
    client.envvars.list("proj_1", "dev")
    // @ts-expect-error Refused<"runs.retrieve", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    client.runs.retrieve("run_1")
    client.requireSecretKey().runs.retrieve("run_1")
    client.requirePersonalAccessToken().runs.list("proj_1")
  })

  it("withAuth gives a client of the new credential's kind, or keeps the kind", () => {
    const key = createClient({ accessToken: devKey })
    expectTypeOf(key.withAuth({ accessToken: pat }).kind).toEqualTypeOf<"PersonalAccessToken">()
    expectTypeOf(key.withAuth({ previewBranch: "feature-x" }).kind).toEqualTypeOf<"SecretKey">()
  })

  it("run compiles only for programs the client's kind may run", () => {
    const key = createClient({ accessToken: devKey })
    const patClient = createClient({ accessToken: pat })
    key.run(Runs.retrieve("run_1"))
    patClient.run(Runs.list("proj_1"))
    // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    patClient.run(Runs.retrieve("run_1"))
    // @ts-expect-error Refused<"runs.list (project)", "SecretKey", "PersonalAccessToken", "create the client with a PersonalAccessToken">
    key.run(Runs.list("proj_1"))
    expectTypeOf(key.run(Effect.succeed(1))).toEqualTypeOf<Promise<number>>()
  })
})

describe("the SDK surface", () => {
  it("has the SDK's overloads", () => {
    configure({ secretKey: process.env["TRIGGER_SECRET_KEY"] })
    runs.list({ limit: 10, status: ["COMPLETED"] })
    runs.list("proj_1", { limit: 10, status: ["COMPLETED"], projectRef: "proj_1" })
    runs.list({ projectRef: "proj_1" })
    envvars.update("proj_1", "preview", "DATABASE_URL", { value: "x" })
    expectTypeOf(auth.withAuth({ accessToken: fromEnv }, async () => 1)).toEqualTypeOf<Promise<number>>()
    // @ts-expect-error Type '"DONE"' is not assignable
    runs.list({ status: ["DONE"] })
  })
})

describe("results like the SDK's", () => {
  it("lists answer awaitable, iterable pages of typed items", async () => {
    const page = runs.list({ limit: 10 })
    expectTypeOf(page).toMatchTypeOf<AsyncIterable<Schemas.ListRunResponseItem>>()
    expectTypeOf(await page).toEqualTypeOf<CursorPage<Schemas.ListRunResponseItem>>()
    expectTypeOf((await page).getNextPage()).resolves.toEqualTypeOf<CursorPage<Schemas.ListRunResponseItem>>()
    expectTypeOf(await schedules.list()).toEqualTypeOf<OffsetLimitPage<Schemas.ScheduleObject>>()
    const client = createClient({ accessToken: devKey })
    expectTypeOf(await client.runs.list()).toEqualTypeOf<CursorPage<Schemas.ListRunResponseItem>>()
    expectTypeOf(await client.schedules.list()).toEqualTypeOf<OffsetLimitPage<Schemas.ScheduleObject>>()
  })

  it("publicAccessToken is a string in the Promise API and Redacted in the Effect API", async () => {
    expectTypeOf((await tasks.trigger("t", {})).publicAccessToken).toEqualTypeOf<string | undefined>()
    expectTypeOf((await tasks.batchTrigger("t", [])).publicAccessToken).toEqualTypeOf<string | undefined>()
    expectTypeOf(Tasks.trigger("t", {})).toMatchTypeOf<
      Effect.Effect<{ readonly publicAccessToken: Redacted.Redacted<string> | undefined }, unknown, unknown>
    >()
  })

  it("takes the SDK's option shapes", () => {
    tasks.trigger("t", {}, { queue: "media", version: "20250101.1" })
    tasks.trigger("t", {}, { queue: { name: "media" } })
    tasks.batchTrigger("t", [{ payload: 1, options: { queue: "media", version: "v" } }])
    runs.list({ queue: { type: "task", name: "t" } })
    runs.list({ queue: [{ type: "custom", name: "media" }, "task/t"] })
    // @ts-expect-error Type '"shared"' is not assignable to type '"task" | "custom" | undefined'.
    runs.list({ queue: { type: "shared", name: "t" } })
  })
})

describe("bind", () => {
  it("keeps the parameters, the return type and this", () => {
    const bound = bind((projectRef: string, limit: number) => runs.list(projectRef, { limit }))
    expectTypeOf(bound).parameters.toEqualTypeOf<[string, number]>()
    expectTypeOf(bound).returns.toEqualTypeOf<ReturnType<typeof runs.list>>()
    // @ts-expect-error Expected 2 arguments, but got 1.
    bound("proj_1")
    const method = bind(function (this: { readonly n: number }) {
      return this.n
    })
    expectTypeOf(method).thisParameter.toEqualTypeOf<{ readonly n: number }>()
  })

  it("configure takes serverMode (the request handle's bind: packages/server/test/AuthHandle.test-d.ts)", () => {
    expectTypeOf(configure).toBeCallableWith({
      secretKey: "tr_dev_abcdefghijklmnopqrstuvwx",
      serverMode: true
    })
  })
})

describe("request options", () => {
  it("every call takes { signal } as its last argument", () => {
    const signal = AbortSignal.timeout(1_000)
    void runs.retrieve("run_1", { signal })
    void runs.list({ limit: 10 }, { signal })
    void runs.list("proj_1", { limit: 10 }, { signal })
    void envvars.retrieve("proj_1", "dev", "NAME", { signal })
    const key = createClient({ accessToken: devKey })
    void key.tasks.trigger("t", {}, undefined, { signal })
    void key.schedules.list(undefined, { signal })
    void key.run(Effect.void, { signal })
    // @ts-expect-error Type 'number' is not assignable to type 'AbortSignal'.
    void runs.retrieve("run_1", { signal: 5 })
  })
})
