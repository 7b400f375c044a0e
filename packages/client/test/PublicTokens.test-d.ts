/**
 * Public access tokens in the types (issue #13, docs/public-tokens.md): a token's scopes are part of its
 * type, so a call its scopes do not allow fails to compile with a message naming the endpoint and the
 * missing scope, on the Effect API and on `createClient`; a token of statically unknown scopes must be
 * narrowed first. Each `@ts-expect-error` asserts a substring of the diagnostic.
 */
import { Envvars, type ManagementClient, PublicTokens, Runs, Tasks } from "@authctx/client"
import { createClient } from "@authctx/client/promise"
import { Auth, type Credential, PublicToken } from "@authctx/core"
import { Effect } from "effect"
import { describe, expectTypeOf, it } from "vitest"

declare const runToken: Credential.PublicAccessToken<readonly ["read:runs:run_1"]>
declare const readRuns: Credential.PublicAccessToken<readonly ["read:runs"]>
declare const readAll: Credential.PublicAccessToken<readonly ["read:all"]>
declare const admin: Credential.PublicAccessToken<readonly ["admin"]>
declare const anyRuns: Credential.PublicAccessToken<readonly ["*:runs"]>
declare const triggerTask: Credential.PublicAccessToken<readonly ["trigger:tasks:my-task"]>
declare const unknown: Credential.PublicAccessToken

/** Compiles only when every requirement but the client is discharged. */
const run = <A, E>(effect: Effect.Effect<A, E, ManagementClient.ManagementClient>): unknown => effect

describe("the Effect API", () => {
  it("read:runs:<id> retrieves runs and nothing else", () => {
    run(Runs.retrieve("run_1").pipe(Auth.withAuth({ accessToken: runToken })))
    // @ts-expect-error ScopeMissing<"tasks.trigger", "trigger:tasks:{taskId}"
    run(Tasks.trigger("my-task", {}).pipe(Auth.withAuth({ accessToken: runToken })))
    // @ts-expect-error ScopeMissing<"runs.list (environment)", "read:runs" | "read:tasks"
    run(Runs.list().pipe(Auth.withAuth({ accessToken: runToken })))
    // @ts-expect-error ScopeMissing<"runs.cancel", "write:runs:{runId}" | "write:tasks:{task}"
    run(Runs.cancel("run_1").pipe(Auth.withAuth({ accessToken: runToken })))
  })
  it("read:runs lists and retrieves", () => {
    run(Effect.all([Runs.list(), Runs.retrieve("run_1")]).pipe(Auth.withAuth({ accessToken: readRuns })))
  })
  it("read:all reads, admin does everything, *:runs does everything on runs", () => {
    run(Effect.all([Runs.list(), Runs.retrieve("run_1")]).pipe(Auth.withAuth({ accessToken: readAll })))
    // @ts-expect-error ScopeMissing<"runs.cancel"
    run(Runs.cancel("run_1").pipe(Auth.withAuth({ accessToken: readAll })))
    run(
      Effect.all([Runs.cancel("run_1"), Tasks.trigger("t", {})]).pipe(Auth.withAuth({ accessToken: admin }))
    )
    run(Effect.all([Runs.cancel("run_1"), Runs.list()]).pipe(Auth.withAuth({ accessToken: anyRuns })))
    // @ts-expect-error ScopeMissing<"tasks.trigger"
    run(Tasks.trigger("t", {}).pipe(Auth.withAuth({ accessToken: anyRuns })))
  })
  it("trigger:tasks:<id> triggers", () => {
    run(Tasks.trigger("my-task", {}).pipe(Auth.withAuth({ accessToken: triggerTask })))
  })
  it("a route that refuses public tokens names the kinds it accepts", () => {
    // @ts-expect-error NotAccepted<"envvars.list", "PublicAccessToken", "SecretKey" | "PersonalAccessToken">
    run(Envvars.list("proj_1", "dev").pipe(Auth.withAuth({ accessToken: admin })))
  })
  it("unknown scopes must be narrowed first", () => {
    // @ts-expect-error ScopeMissing<"runs.retrieve"
    run(Runs.retrieve("run_1").pipe(Auth.withAuth({ accessToken: unknown })))
    const narrowed = PublicToken.narrow(unknown, ["read:runs"])
    expectTypeOf(narrowed).toEqualTypeOf<Credential.PublicAccessToken<readonly ["read:runs"]>>()
    run(Runs.retrieve("run_1").pipe(Auth.withAuth({ accessToken: narrowed })))
  })
})

describe("createClient", () => {
  it("has the calls the scopes allow; the others name the missing scope", () => {
    const client = createClient({ accessToken: runToken })
    void client.runs.retrieve("run_1")
    // @ts-expect-error the token's scopes include none of: trigger:tasks:{taskId}
    void client.tasks.trigger("my-task", {})
    // @ts-expect-error public access tokens may not call this endpoint
    void client.envvars.list("proj_1", "dev")
  })
  it("a token of unknown scopes is told to narrow", () => {
    const client = createClient({ accessToken: unknown })
    // @ts-expect-error narrow it with PublicToken.narrow
    void client.runs.retrieve("run_1")
  })
})

describe("minted tokens carry their scopes", () => {
  it("the object form is flattened in the type", () => {
    const minted = PublicTokens.createPublicToken({ scopes: { read: { runs: ["run_1"] } } })
    type Token = Effect.Effect.Success<typeof minted>
    expectTypeOf<Token["scopes"][number]>().toEqualTypeOf<"read:runs:run_1">()
    const use = (token: Token) => {
      run(Runs.retrieve("run_1").pipe(Auth.withAuth({ accessToken: token })))
      // @ts-expect-error ScopeMissing<"runs.list (environment)"
      run(Runs.list().pipe(Auth.withAuth({ accessToken: token })))
    }
    void use
  })
  it("a trigger token triggers its task only (the run-time check compares the task id)", () => {
    const minted = PublicTokens.createTriggerPublicToken(["a", "b"])
    type Token = Effect.Effect.Success<typeof minted>
    expectTypeOf<Token["scopes"][number]>().toEqualTypeOf<"trigger:tasks:a" | "trigger:tasks:b">()
    const use = (token: Token) => {
      run(Tasks.trigger("a", {}).pipe(Auth.withAuth({ accessToken: token })))
      // @ts-expect-error ScopeMissing<"runs.retrieve"
      run(Runs.retrieve("run_1").pipe(Auth.withAuth({ accessToken: token })))
    }
    void use
  })
  it("minting needs a secret key", () => {
    const mint = PublicTokens.createPublicToken({ scopes: ["read:runs"] })
    const pat = "tr_pat_abcdefghijklmnopqrstuvwx"
    // @ts-expect-error NotAccepted<"auth.jwtClaims", "PersonalAccessToken", "SecretKey">
    run(mint.pipe(Auth.withAuth({ accessToken: pat })))
    // @ts-expect-error NotAccepted<"auth.jwtClaims", "PublicAccessToken", "SecretKey">
    run(mint.pipe(Auth.withAuth({ accessToken: admin })))
  })
  it("a SecretKey client mints; a PAT client has no minting members", async () => {
    const client = createClient({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" })
    const token = await client.createPublicToken({ scopes: ["read:runs:run_1"] })
    expectTypeOf(token).toEqualTypeOf<Credential.PublicAccessToken<readonly ["read:runs:run_1"]>>()
    const patClient = createClient({ accessToken: "tr_pat_abcdefghijklmnopqrstuvwx" })
    // @ts-expect-error Property 'createPublicToken' does not exist
    void patClient.createPublicToken
  })
})
