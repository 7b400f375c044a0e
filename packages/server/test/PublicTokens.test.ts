/**
 * Public access tokens at a server's edge (docs/public-tokens.md): an authenticator without `accept`
 * admits secret keys and PATs only (a JWT bearer is refused 401 `unsupported_kind`); one that names
 * `"PublicAccessToken"` admits it, typed by kind. The refusal never shows the token.
 */
import { RequestAuth } from "@authctx/server"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Either, Redacted } from "effect"
import { SignJWT } from "jose"

const view = (authorization: string) => ({
  header: (name: string) => (name === "authorization" ? authorization : undefined),
  request: undefined
})

const jwt = () =>
  new SignJWT({ sub: "env_1", pub: true, scopes: ["read:runs"] })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("15m")
    .sign(new TextEncoder().encode("tr_dev_abcdefghijklmnopqrstuvwx"))

describe("public access tokens at the edge", () => {
  it("are refused where accept does not name them, and the refusal does not show them", async () => {
    const token = await jwt()
    const result = await RequestAuth.make({})(view(`Bearer ${token}`))
    expect(Either.isLeft(result) && result.left.code).toBe("unsupported_kind")
    if (Either.isLeft(result)) {
      expect(result.left.message).toContain("a public access token")
      expect(JSON.stringify(result.left)).not.toContain(token.split(".")[2])
    }
  })
  it("are admitted, typed by kind, where accept names them", async () => {
    const token = await jwt()
    const authenticate = RequestAuth.make({ accept: ["PublicAccessToken"] })
    const result = await authenticate(view(`Bearer ${token}`))
    const context = Either.getOrThrow(result)
    expectTypeOf(context.credential._tag).toEqualTypeOf<"PublicAccessToken">()
    expect(context.credential.scopes).toEqual(["read:runs"])
    expect(Redacted.value(context.credential.token)).toBe(token)
    const key = await authenticate(view("Bearer tr_dev_abcdefghijklmnopqrstuvwx"))
    expect(Either.isLeft(key) && key.left.code).toBe("unsupported_kind")
  })
})
