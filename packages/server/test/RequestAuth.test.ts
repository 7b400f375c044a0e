/**
 * The framework-neutral request auth: bearer parsing (RFC 6750 §2.1, case-insensitive scheme), resolve,
 * accept, verify, the failure table (status, challenge, problem) and that no failure ever carries the
 * token; options checked once, at set-up.
 */
import { inspect } from "node:util"
import { AuthScope, Credential, InvalidAuthConfig } from "@authctx/core"
import {
  Bearer,
  InvalidRequestAuthOptions,
  problemBody,
  RequestAuth,
  type RequestAuthError
} from "@authctx/server"
import { describe, expect, it } from "@effect/vitest"
import { Either, Redacted } from "effect"
import { devKey, isolateDefaultAuth, pat, previewKey, prodKey } from "./fixtures.js"

isolateDefaultAuth()

const view = <Req = undefined>(authorization: string | ReadonlyArray<string> | undefined, request?: Req) => ({
  header: (name: string) => (name === "authorization" ? authorization : undefined),
  request: request as Req
})

const refused = async <K extends Credential.Kind, Req>(
  authenticate: RequestAuth.Authenticator<K, Req>,
  v: RequestAuth.RequestView<Req>
): Promise<RequestAuthError> => {
  const result = await authenticate(v)
  if (Either.isRight(result)) throw new Error("expected a refusal")
  return result.left
}

const accepted = async <K extends Credential.Kind, Req>(
  authenticate: RequestAuth.Authenticator<K, Req>,
  v: RequestAuth.RequestView<Req>
) => {
  const result = await authenticate(v)
  if (Either.isLeft(result)) throw new Error(`expected acceptance, got ${result.left.code}`)
  return result.right
}

/** Everything a failure shows: its JSON, message, problem body, challenge and inspect output. */
const shown = (failure: RequestAuthError): string =>
  [
    JSON.stringify(failure),
    failure.message,
    problemBody(failure),
    failure.headers["WWW-Authenticate"],
    String(failure),
    inspect(failure, { depth: 10 })
  ].join("\n")

const secretOf = (token: string) => token.slice(Credential.safePrefix(token).length)

describe("bearer pass-through", () => {
  const authenticate = RequestAuth.make({})

  it("a valid Bearer header gives the context, with the default base URL", async () => {
    const context = await accepted(authenticate, view(`Bearer ${devKey}`))
    expect(context.credential._tag).toBe("SecretKey")
    expect(Redacted.value(context.credential.token)).toBe(devKey)
    expect(context.baseURL).toBe("https://api.trigger.dev")
  })

  it("the scheme is case-insensitive (RFC 7235 §2.1)", async () => {
    for (const scheme of ["bearer", "BEARER", "BeArEr"]) {
      expect((await accepted(authenticate, view(`${scheme} ${pat}`))).credential._tag).toBe(
        "PersonalAccessToken"
      )
    }
  })

  it("a header sent once as an array is read; twice is malformed", async () => {
    await accepted(authenticate, view([`Bearer ${devKey}`]))
    const twice = await refused(authenticate, view([`Bearer ${devKey}`, `Bearer ${prodKey}`]))
    expect(twice.code).toBe("invalid_request")
  })

  it.each([undefined, "", []])("missing (%j): 401 with a bare challenge", async (header) => {
    const failure = await refused(authenticate, view(header))
    expect(failure.status).toBe(401)
    expect(failure.code).toBe("missing_credential")
    expect(failure.headers["WWW-Authenticate"]).toBe('Bearer realm="authctx"')
    expect(failure.problem).toEqual({
      type: "urn:authctx:problem:missing_credential",
      title: "Missing credential",
      status: 401,
      detail: 'This request needs a credential: send "Authorization: Bearer <token>".'
    })
  })

  const body = "Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4"
  const malformed: ReadonlyArray<readonly [string, string]> = [
    ["scheme only", "Bearer"],
    ["scheme and space", "Bearer "],
    ["Basic", `Basic ${body}`],
    ["Token", `Token tr_dev_${body}`],
    ["no scheme", `tr_dev_${body}`],
    ["double space", `Bearer  tr_dev_${body}`],
    ["leading space", ` Bearer tr_dev_${body}`],
    ["trailing space", `Bearer tr_dev_${body} `],
    ["tab", `Bearer\ttr_dev_${body}`],
    ["two tokens", `Bearer tr_dev_${body} tr_dev_${body}`],
    ["CR", `Bearer tr_dev_${body}\r`],
    ["LF", `Bearer tr_dev_${body}\nX-Evil: 1`],
    ["CRLF", `Bearer tr_dev_${body}\r\n`],
    ["NUL", `Bearer tr_dev_${body}\u0000`],
    ["DEL", `Bearer tr_dev_${body}\u007f`],
    ["non-ASCII", `Bearer tr_dev_${body}\u00e9`],
    ["emoji", `Bearer tr_dev_${body}\u{1f511}`],
    ["non-breaking space", `Bearer\u00a0tr_dev_${body}`],
    ["over 8 kB", `Bearer tr_dev_${body}${"x".repeat(9000)}`],
    ["over 512 characters", `Bearer tr_dev_${body}${"x".repeat(600)}`],
    ["bad characters", `Bearer tr_dev_${body}!!`],
    ["too short", "Bearer tr_dev_Zq7Xw3"],
    ["unknown prefix", `Bearer tr_xyz_${body}`],
    ["quoted", `Bearer "tr_dev_${body}"`],
    ["Bearer=", `Bearer=tr_dev_${body}`]
  ]

  it.each(malformed)(
    "malformed (%s): 400 invalid_request, and the token is not shown",
    async (_name, header) => {
      const failure = await refused(authenticate, view(header))
      expect(failure.status).toBe(400)
      expect(failure.code).toBe("invalid_request")
      expect(failure.headers["WWW-Authenticate"]).toBe('Bearer realm="authctx", error="invalid_request"')
      expect(failure.problem.status).toBe(400)
      expect(shown(failure)).not.toContain(body.slice(4))
    }
  )

  it("a token that is not a credential says why, with at most its safe prefix and length", async () => {
    const failure = await refused(authenticate, view(`Bearer tr_dev_${body}$`))
    expect(failure.problem.detail).toBe(
      "Invalid credential (starts with tr_dev_, 32 characters): after its prefix a credential has only letters and digits."
    )
  })

  it("a preview key without a branch is refused (401 invalid_token); with the option's branch it is accepted", async () => {
    const failure = await refused(authenticate, view(`Bearer ${previewKey}`))
    expect(failure.status).toBe(401)
    expect(failure.code).toBe("invalid_token")
    const withBranch = RequestAuth.make({ previewBranch: "feature-a" })
    expect((await accepted(withBranch, view(`Bearer ${previewKey}`))).previewBranch).toBe("feature-a")
  })

  it("uses baseURL from the options, else TRIGGER_API_URL", async () => {
    const own = RequestAuth.make({ baseURL: "http://127.0.0.1:9999/" })
    expect((await accepted(own, view(`Bearer ${devKey}`))).baseURL).toBe("http://127.0.0.1:9999")
    process.env["TRIGGER_API_URL"] = "http://localhost:1234"
    expect((await accepted(RequestAuth.make({}), view(`Bearer ${devKey}`))).baseURL).toBe(
      "http://localhost:1234"
    )
  })

  it("reads configure() and the environment once, when made", async () => {
    AuthScope.configure({ baseURL: "http://127.0.0.1:5555" })
    const made = RequestAuth.make({})
    AuthScope.configure({ baseURL: "http://127.0.0.1:6666" })
    process.env["TRIGGER_API_URL"] = "http://127.0.0.1:7777"
    expect((await accepted(made, view(`Bearer ${devKey}`))).baseURL).toBe("http://127.0.0.1:5555")
    expect((await accepted(RequestAuth.make({}), view(`Bearer ${devKey}`))).baseURL).toBe(
      "http://127.0.0.1:6666"
    )
  })

  it("answers synchronously unless resolve or verify is async", async () => {
    expect(Either.isEither(RequestAuth.make({})(view(`Bearer ${devKey}`)))).toBe(true)
    expect(RequestAuth.make({ verify: async () => true })(view(`Bearer ${devKey}`))).toBeInstanceOf(Promise)
    expect(RequestAuth.make({ resolve: async () => devKey })(view(undefined))).toBeInstanceOf(Promise)
  })

  it("a custom header and realm", async () => {
    const custom = RequestAuth.make({ header: "X-Api-Key", realm: "tenants" })
    expect(custom.header).toBe("x-api-key")
    const failure = await refused(custom, { header: () => undefined, request: undefined })
    expect(failure.headers["WWW-Authenticate"]).toBe('Bearer realm="tenants"')
    expect(failure.problem.detail).toContain('"x-api-key: Bearer <token>"')
    const context = await accepted(custom, {
      header: (name) => (name === "x-api-key" ? `Bearer ${devKey}` : undefined),
      request: undefined
    })
    expect(context.credential._tag).toBe("SecretKey")
  })
})

describe("accept and verify", () => {
  it("a kind outside accept: 401 unsupported_kind, invalid_token challenge", async () => {
    const failure = await refused(RequestAuth.make({ accept: ["SecretKey"] }), view(`Bearer ${pat}`))
    expect(failure.status).toBe(401)
    expect(failure.code).toBe("unsupported_kind")
    expect(failure.headers["WWW-Authenticate"]).toBe('Bearer realm="authctx", error="invalid_token"')
    expect(failure.problem.detail).toBe(
      "This server accepts a secret key; the credential is a personal access token."
    )
    expect(shown(failure)).not.toContain(secretOf(pat))
  })

  it("verify gets the context and the raw request; only true accepts", async () => {
    const seen: Array<unknown> = []
    const authenticate = RequestAuth.make({
      verify: (auth, request: { readonly id: number }) => {
        seen.push([auth.credential._tag, request.id])
        return request.id === 1
      }
    })
    await accepted(authenticate, view(`Bearer ${devKey}`, { id: 1 }))
    const failure = await refused(authenticate, view(`Bearer ${devKey}`, { id: 2 }))
    expect(failure.code).toBe("verify_failed")
    expect(failure.status).toBe(401)
    expect(seen).toEqual([
      ["SecretKey", 1],
      ["SecretKey", 2]
    ])
  })

  it("an async verify, a truthy non-true answer and a throwing verify all refuse", async () => {
    const asyncNo = RequestAuth.make({ verify: async () => false })
    expect((await refused(asyncNo, view(`Bearer ${devKey}`))).code).toBe("verify_failed")
    const truthy = RequestAuth.make({ verify: () => 1 as unknown as boolean })
    expect((await refused(truthy, view(`Bearer ${devKey}`))).code).toBe("verify_failed")
    const throws = RequestAuth.make({
      verify: () => {
        throw new Error(`lookup failed for ${devKey}`)
      }
    })
    const failure = await refused(throws, view(`Bearer ${devKey}`))
    expect(failure.code).toBe("verify_failed")
    expect(shown(failure)).not.toContain(secretOf(devKey))
    expect(shown(failure)).not.toContain("lookup failed")
  })
})

describe("resolve", () => {
  const tenants = new Map<string, RequestAuth.Resolved>([
    ["string", devKey],
    ["redacted", Redacted.make(prodKey)],
    ["parsed", Credential.unsafeParse(pat)],
    ["config", { secretKey: previewKey, previewBranch: "feature-a", baseURL: "http://127.0.0.1:7000" }],
    ["no-credential", { baseURL: "http://127.0.0.1:7000" }],
    ["invalid", `tr_dev_${"a".repeat(20)}!!!!`]
  ])
  const authenticate = RequestAuth.make({
    resolve: async (request: { readonly tenant: string }) => tenants.get(request.tenant),
    baseURL: "http://127.0.0.1:6000"
  })
  const of = (tenant: string) => ({ header: () => `Bearer ${prodKey}`, request: { tenant } })

  it("ignores the Authorization header and uses what resolve returns: string, Redacted, credential or config", async () => {
    expect(Redacted.value((await accepted(authenticate, of("string"))).credential.token)).toBe(devKey)
    expect(Redacted.value((await accepted(authenticate, of("redacted"))).credential.token)).toBe(prodKey)
    expect((await accepted(authenticate, of("parsed"))).credential._tag).toBe("PersonalAccessToken")
    const config = await accepted(authenticate, of("config"))
    expect(config.previewBranch).toBe("feature-a")
    expect(config.baseURL).toBe("http://127.0.0.1:7000")
    expect((await accepted(authenticate, of("string"))).baseURL).toBe("http://127.0.0.1:6000")
  })

  it("undefined, or a config with no credential, is missing: never the process's default credential", async () => {
    process.env["TRIGGER_SECRET_KEY"] = prodKey
    for (const tenant of ["unknown", "no-credential"]) {
      const failure = await refused(authenticate, of(tenant))
      expect(failure.code).toBe("missing_credential")
      expect(failure.headers["WWW-Authenticate"]).toBe('Bearer realm="authctx"')
    }
  })

  it("a resolved value that is not a credential: 401 invalid_token, not shown", async () => {
    const failure = await refused(authenticate, of("invalid"))
    expect(failure.status).toBe(401)
    expect(failure.code).toBe("invalid_token")
    expect(shown(failure)).not.toContain("aaaaaaaa")
  })

  it("a resolve that throws or rejects: 401 resolve_failed with a fixed detail (its message may hold a secret)", async () => {
    for (const resolve of [
      () => {
        throw new Error(`cannot decrypt ${prodKey}`)
      },
      () => Promise.reject(new Error(`cannot decrypt ${prodKey}`)),
      () => null as unknown as undefined
    ]) {
      const failure = await refused(RequestAuth.make({ resolve }), view(undefined))
      expect(failure.status).toBe(401)
      expect(failure.code).toBe("resolve_failed")
      expect(failure.headers["WWW-Authenticate"]).toBe('Bearer realm="authctx", error="invalid_token"')
      expect(failure.problem.detail).toBe("The credential for this request could not be resolved.")
      expect(shown(failure)).not.toContain(secretOf(prodKey))
    }
  })

  it("accept applies to what resolve returns", async () => {
    const patsOnly = RequestAuth.make({ resolve: () => devKey, accept: ["PersonalAccessToken"] })
    expect((await refused(patsOnly, view(undefined))).code).toBe("unsupported_kind")
  })

  it("the scope of one request's context never leaks into another's", async () => {
    const both = await Promise.all(
      ["string", "redacted"].map(async (tenant) => {
        const context = await accepted(authenticate, of(tenant))
        return AuthScope.runWith(context, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5))
          const current = AuthScope.current()
          return current === undefined ? undefined : Redacted.value(current.credential.token)
        })
      })
    )
    expect(both).toEqual([devKey, prodKey])
  })
})

describe("options are checked once, at set-up", () => {
  it.each([
    ["an empty accept", { accept: [] }],
    ["an unknown kind", { accept: ["ApiKey" as Credential.Kind] }],
    ["a realm with a quote", { realm: 'a"b' }],
    ["a realm with a line break", { realm: "a\nb" }],
    ["an empty realm", { realm: "" }],
    ["a header name with a space", { header: "x api key" }],
    ["a resolve that is not a function", { resolve: "tr_dev_x" as unknown as () => undefined }]
  ])("%s throws InvalidRequestAuthOptions", (_name, options) => {
    expect(() => RequestAuth.make(options)).toThrow(InvalidRequestAuthOptions)
  })

  it("a baseURL or previewBranch that cannot work throws InvalidAuthConfig", () => {
    expect(() => RequestAuth.make({ baseURL: "ftp://example.com" })).toThrow(InvalidAuthConfig)
    expect(() => RequestAuth.make({ previewBranch: "bad branch" })).toThrow(InvalidAuthConfig)
  })
})

describe("Bearer.read", () => {
  it("is exported for resolve functions that also accept a bearer token", () => {
    expect(Either.isRight(Bearer.read(`Bearer ${devKey}`))).toBe(true)
    const failure = Bearer.read("Basic abc", "api")
    expect(Either.isLeft(failure) && failure.left.headers["WWW-Authenticate"]).toBe(
      'Bearer realm="api", error="invalid_request"'
    )
  })
})

describe("a header sent more than once", () => {
  const node = (rawHeaders: ReadonlyArray<string>) => {
    // What Node's parser gives: the first Authorization in `headers`, every copy in `rawHeaders`.
    const headers: Record<string, string> = {}
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = (rawHeaders[i] ?? "").toLowerCase()
      headers[name] ??= rawHeaders[i + 1] ?? ""
    }
    return { headers, rawHeaders }
  }

  it("nodeHeader gives every value from rawHeaders, whatever the case of the name", () => {
    const read = RequestAuth.nodeHeader(
      node(["Host", "x", "Authorization", `Bearer ${devKey}`, "AUTHORIZATION", `Bearer ${prodKey}`])
    )
    expect(read("authorization")).toEqual([`Bearer ${devKey}`, `Bearer ${prodKey}`])
    expect(read("host")).toBe("x")
    expect(read("x-missing")).toBeUndefined()
    expect(RequestAuth.nodeHeader(node(["authorization", ""]))("authorization")).toBe("")
  })

  it("nodeHeader compares names case-insensitively, and only by case", () => {
    // `^` + 32 is `~` and `@` + 32 is a backquote: a fold by bit would take these names for each other.
    const raw = ["X^Key", "caret", "x@y", "at", "X-Api-KEY", "key"]
    const read = RequestAuth.nodeHeader(node(raw))
    expect(read("x~key")).toBeUndefined()
    expect(read("x^key")).toBe("caret")
    expect(read("x`y")).toBeUndefined()
    expect(read("x-api-key")).toBe("key")
  })

  it("is refused with 400 invalid_request, as an array or joined with a comma, even the same key twice", async () => {
    const authenticate = RequestAuth.make({})
    for (const header of [
      [`Bearer ${devKey}`, `Bearer ${devKey}`],
      [`Bearer ${devKey}`, ""],
      ["", `Bearer ${devKey}`],
      `Bearer ${devKey}, Bearer ${devKey}`,
      `Bearer ${devKey},Bearer ${prodKey}`,
      `, Bearer ${devKey}`
    ]) {
      const failure = await refused(authenticate, view(header))
      expect(failure.status).toBe(400)
      expect(failure.code).toBe("invalid_request")
      expect(failure.headers["WWW-Authenticate"]).toBe('Bearer realm="authctx", error="invalid_request"')
      expect(shown(failure)).not.toContain(devKey.slice(7))
    }
    const failure = await refused(authenticate, view(`Bearer ${devKey}, Bearer ${prodKey}`))
    expect(failure.problem.detail).toBe(
      "The Authorization header holds more than one value (sent twice, or joined with commas)."
    )
  })

  it("authenticate.node(req) reads rawHeaders as the view does: any case, every copy refused, none in resolve mode", async () => {
    const authenticate = RequestAuth.make({})
    const once = await authenticate.node(node(["Host", "x", "AUTHORIZATION", `Bearer ${devKey}`]))
    expect(Either.isRight(once) && once.right.credential._tag).toBe("SecretKey")
    // The same answer again (remembered by the header value).
    const again = await authenticate.node(node(["authorization", `Bearer ${devKey}`]))
    expect(Either.isRight(again) && Either.isRight(once) && again.right === once.right).toBe(true)
    for (const raw of [
      ["authorization", `Bearer ${devKey}`, "Authorization", `Bearer ${devKey}`],
      ["authorization", `Bearer ${devKey}`, "authorization", ""]
    ]) {
      const result = await authenticate.node(node(raw))
      expect(Either.isLeft(result) && [result.left.status, result.left.code]).toEqual([
        400,
        "invalid_request"
      ])
    }
    const missing = await authenticate.node(node(["host", "x"]))
    expect(Either.isLeft(missing) && missing.left.code).toBe("missing_credential")
    // A custom header name, and resolve mode, which reads no header (a request without rawHeaders passes).
    const custom = await RequestAuth.make({ header: "X-Api-Key" }).node(node(["x-api-key", `Bearer ${pat}`]))
    expect(Either.isRight(custom) && custom.right.credential._tag).toBe("PersonalAccessToken")
    const byTenant = RequestAuth.make({
      resolve: (req: { readonly tenant: string }) => (req.tenant === "a" ? prodKey : undefined)
    })
    const resolved = await byTenant.node({ tenant: "a", rawHeaders: [] })
    expect(Either.isRight(resolved) && resolved.right.credential._tag).toBe("SecretKey")
    const none = await byTenant.node({ tenant: "b", rawHeaders: ["authorization", `Bearer ${devKey}`] })
    expect(Either.isLeft(none) && none.left.code).toBe("missing_credential")
  })
})
