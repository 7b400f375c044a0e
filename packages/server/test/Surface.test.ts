/**
 * The package's public surface and the one request-auth error: what `@authctx/server` exports (the parse
 * cache and the implementation modules stay internal), that core exports no request auth, and that one
 * `RequestAuthError` carries both shapes frameworks read — Express's final handler and http-errors
 * (`status`, `statusCode`, `headers`, `expose`) and the problem+json body — for every code.
 */
import * as Core from "@authctx/core"
import * as Server from "@authctx/server"
import {
  AuthHandle,
  Bearer,
  problemBody,
  problemContentType,
  RequestAuth,
  RequestAuthError
} from "@authctx/server"
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { devKey, isolateDefaultAuth, pat } from "./fixtures.js"

isolateDefaultAuth()

const refusal = async <K extends Core.Credential.Kind>(
  authenticate: RequestAuth.Authenticator<K, unknown>,
  header?: string
) => {
  const result = await authenticate({ header: () => header, request: undefined })
  if (Either.isRight(result)) throw new Error("expected a refusal")
  return result.left
}

describe("the public surface", () => {
  it("is four modules and the errors, nothing internal", () => {
    expect(Object.keys(Server).sort()).toEqual([
      "AuthHandle",
      "Bearer",
      "FailureCode",
      "InvalidRequestAuthOptions",
      "Problem",
      "RequestAuth",
      "RequestAuthError",
      "problemBody",
      "problemContentType"
    ])
    expect(Object.keys(RequestAuth).sort()).toEqual(["kindChanged", "make", "nodeHeader"])
    expect(Object.keys(Bearer).sort()).toEqual([
      "challenge",
      "defaultHeader",
      "defaultRealm",
      "maxHeaderLength",
      "read"
    ])
    expect(Object.keys(AuthHandle)).toEqual(["make"])
  })

  it("Bearer.read takes no parser: the parse cache is not API", () => {
    expect(Bearer.read.length).toBe(3) // value, realm, header: the parser of readBearer is gone
    expect(Either.isRight(Bearer.read(`Bearer ${devKey}`, "api", "x-key"))).toBe(true)
  })

  it("@authctx/core exports no request auth", () => {
    expect(Object.keys(Core)).not.toContain("RequestAuth")
    expect(
      Object.keys(Core).filter((name) => /Request|Unauthorized|AuthFailure|Problem|Bearer/.test(name))
    ).toEqual([])
  })
})

describe("RequestAuthError: one class for every refusal", () => {
  it.each([
    ["missing_credential", 401, undefined, 'Bearer realm="authctx"'],
    ["invalid_request", 400, "Basic abc", 'Bearer realm="authctx", error="invalid_request"'],
    ["unsupported_kind", 401, `Bearer ${pat}`, 'Bearer realm="authctx", error="invalid_token"']
  ] as const)(
    "%s: status %i, the challenge in headers, the problem body",
    async (code, status, header, challenge) => {
      const error = await refusal(RequestAuth.make({ accept: ["SecretKey"] }), header)
      expect(error).toBeInstanceOf(RequestAuthError)
      expect(error).toBeInstanceOf(Error)
      expect(error._tag).toBe("RequestAuthError")
      expect(error.code).toBe(code)
      expect(error.status).toBe(status)
      expect(error.statusCode).toBe(status)
      expect(error.expose).toBe(true)
      expect(error.headers).toEqual({ "WWW-Authenticate": challenge })
      expect(Bearer.challenge(Bearer.defaultRealm, code)).toBe(challenge)
      expect(JSON.parse(problemBody(error))).toEqual({
        type: `urn:authctx:problem:${code}`,
        title: error.problem.title,
        status,
        detail: error.problem.detail
      })
      expect(error.message).toBe(`${error.problem.title}: ${error.problem.detail}`)
      expect(problemContentType).toBe("application/problem+json")
    }
  )

  it("a refusal never shows the token, not even a resolved one that fails verify", async () => {
    const authenticate = RequestAuth.make({ resolve: () => devKey, verify: () => false })
    const error = await refusal(authenticate)
    expect(error.code).toBe("verify_failed")
    for (const shown of [JSON.stringify(error), problemBody(error), String(error), error.message]) {
      expect(shown).not.toContain(devKey.slice("tr_dev_".length))
    }
  })
})
