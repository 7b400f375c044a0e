/**
 * Type tests of the auth handle: the kind narrows the client, `run` is checked against the kind, `bind`
 * keeps the function's signature.
 */
import { Runs } from "@authctx/client"
import type { Auth } from "@authctx/core"
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
})
