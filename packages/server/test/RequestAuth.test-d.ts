import type { Auth, Credential } from "@authctx/core"
import { RequestAuth } from "@authctx/server"
import { describe, expectTypeOf, it } from "vitest"

type ContextOf<A> = A extends RequestAuth.Authenticator<infer K, infer _R> ? Auth.AuthContext<K> : never
type KindOfAuth<A> = A extends RequestAuth.Authenticator<infer K, infer _R> ? K : never
declare const lookup: (tenant: string) => string | undefined

describe("RequestAuth.make", () => {
  it("bearer pass-through gives every kind", () => {
    const a = RequestAuth.make({})
    expectTypeOf<KindOfAuth<typeof a>>().toEqualTypeOf<Credential.KeyKind>()
  })
  it("accept narrows", () => {
    const a = RequestAuth.make({ accept: ["SecretKey"] })
    expectTypeOf<KindOfAuth<typeof a>>().toEqualTypeOf<"SecretKey">()
    expectTypeOf<ContextOf<typeof a>["credential"]>().toEqualTypeOf<Credential.SecretKey>()
  })
  it("resolve returning a string gives every kind", () => {
    const a = RequestAuth.make({ resolve: (r: { tenant: string }) => lookup(r.tenant) })
    expectTypeOf<KindOfAuth<typeof a>>().toEqualTypeOf<Credential.KeyKind>()
  })
  it("resolve returning a PAT literal gives a PAT", () => {
    const a = RequestAuth.make({ resolve: () => "tr_pat_abcdefghijklmnopqrstuvwx" })
    expectTypeOf<KindOfAuth<typeof a>>().toEqualTypeOf<"PersonalAccessToken">()
  })
  it("async resolve returning a config with a secret key literal", () => {
    const a = RequestAuth.make({ resolve: async () => ({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" }) })
    expectTypeOf<KindOfAuth<typeof a>>().toEqualTypeOf<"SecretKey">()
  })
  it("async resolve returning a parsed credential or undefined", () => {
    const a = RequestAuth.make({ resolve: async (): Promise<Credential.SecretKey | undefined> => undefined })
    expectTypeOf<KindOfAuth<typeof a>>().toEqualTypeOf<"SecretKey">()
  })
  it("accept and resolve together", () => {
    const a = RequestAuth.make({
      resolve: (r: { tenant: string }) => lookup(r.tenant),
      accept: ["PersonalAccessToken"]
    })
    expectTypeOf<KindOfAuth<typeof a>>().toEqualTypeOf<"PersonalAccessToken">()
  })
  it("verify sees the accepted kind", () => {
    RequestAuth.make({ accept: ["SecretKey"], verify: (auth) => auth.credential.environment === "prod" })
  })
})
