/**
 * Type tests of the auth handle: the kind narrows the client, `run` is checked against the kind, `bind`
 * keeps the function's signature.
 */
import { Runs } from "@authctx/client"
import type { Auth, Credential } from "@authctx/core"
import { AuthHandle } from "@authctx/server"
import { describe, expectTypeOf, it } from "vitest"

declare const secretContext: Auth.AuthContext<"SecretKey">

describe("AuthHandle", () => {
  it("make keeps the context's kind", () => {
    const handle = AuthHandle.make(secretContext)
    expectTypeOf(handle.kind).toEqualTypeOf<"SecretKey">()
    expectTypeOf(handle).toEqualTypeOf<AuthHandle.AuthHandle<"SecretKey">>()
  })

  it("an unknown kind narrows by kind", () => {
    const list = (auth: AuthHandle.AuthHandle) => {
      if (auth.kind === "PersonalAccessToken") {
        expectTypeOf(auth.context.credential._tag).toEqualTypeOf<"PersonalAccessToken">()
        // a personal access token lists a project's runs: it names the project
        // @ts-expect-error Refused<"runs.list (environment)", "PersonalAccessToken", "SecretKey"
        auth.client.runs.list({ limit: 1 })
      }
    }
    expectTypeOf(list).toBeFunction()
  })

  it("run compiles only for programs the kind may run", () => {
    const secret = AuthHandle.make(secretContext)
    expectTypeOf(secret.run(Runs.list({ limit: 1 }))).resolves.not.toBeNever()
    const pat = {} as AuthHandle.AuthHandle<"PersonalAccessToken">
    // runs.list (environment) does not accept a personal access token
    // @ts-expect-error Refused<"runs.list (environment)", "PersonalAccessToken", "SecretKey", "accept only SecretKeys in the middleware: accept: ['SecretKey']">
    pat.run(Runs.list({ limit: 1 }))
  })

  it("bind keeps the signature", () => {
    const withHandle = (handle: AuthHandle.AuthHandle) => handle.bind((name: string) => name.length)
    expectTypeOf(withHandle).returns.toEqualTypeOf<(this: unknown, name: string) => number>()
  })

  it("a SecretKey handle mints tokens typed by their scopes; other kinds are refused", () => {
    const secret = AuthHandle.make(secretContext)
    expectTypeOf(secret.createPublicToken({ scopes: ["read:runs:run_1"] })).resolves.toEqualTypeOf<
      Credential.PublicAccessToken<readonly ["read:runs:run_1"]>
    >()
    expectTypeOf(secret.createPublicToken({ scopes: { read: { runs: ["run_1"] } } })).resolves.toEqualTypeOf<
      Credential.PublicAccessToken<ReadonlyArray<"read:runs:run_1">>
    >()
    expectTypeOf(secret.createTriggerPublicToken("send-email")).resolves.toEqualTypeOf<
      Credential.PublicAccessToken<ReadonlyArray<"trigger:tasks:send-email">>
    >()
    expectTypeOf(secret.createBatchTriggerPublicToken(["a", "b"])).resolves.toEqualTypeOf<
      Credential.PublicAccessToken<ReadonlyArray<"batchTrigger:tasks:a" | "batchTrigger:tasks:b">>
    >()
    const pat = {} as AuthHandle.AuthHandle<"PersonalAccessToken">
    // a personal access token has no environment key to sign with
    // @ts-expect-error Refused<"auth.createPublicToken", "PersonalAccessToken", "SecretKey", "accept only SecretKeys in the middleware: accept: ['SecretKey']">
    pat.createPublicToken({ scopes: ["read:runs"] })
    const publicToken = {} as AuthHandle.AuthHandle<"PublicAccessToken">
    // a public token cannot mint another
    // @ts-expect-error Refused<"auth.createTriggerPublicToken", "PublicAccessToken", "SecretKey", "accept only SecretKeys in the middleware: accept: ['SecretKey']">
    publicToken.createTriggerPublicToken("send-email")
    const unknown = {} as AuthHandle.AuthHandle
    // an unknown kind narrows first
    // @ts-expect-error Refused<"auth.createBatchTriggerPublicToken", "PersonalAccessToken", "SecretKey", "narrow first: if (auth.kind === 'SecretKey')">
    unknown.createBatchTriggerPublicToken("send-email")
    if (unknown.kind === "SecretKey") {
      expectTypeOf(unknown.createTriggerPublicToken("send-email")).resolves.toEqualTypeOf<
        Credential.PublicAccessToken<ReadonlyArray<"trigger:tasks:send-email">>
      >()
    }
  })
})
