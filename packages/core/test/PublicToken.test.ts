/**
 * Public access tokens in core (docs/public-tokens.md): recognition as the server recognises them (three
 * parts, `pub: true`), claims decoded with a schema and never verified, the scope grammar of the server's
 * ability check, the pre-check of a route's abilities with path parameters, narrowing, and redaction:
 * property tests over random tokens and signing keys for every way a value becomes text.
 */
import * as util from "node:util"
import {
  Auth,
  Capability,
  CapabilityError,
  Credential,
  InvalidAuthConfig,
  InvalidCredential,
  PublicToken
} from "@authctx/core"
import { Cause, Either, Redacted } from "effect"
import fc from "fast-check"
import { SignJWT } from "jose"
import { describe, expect, it } from "vitest"

const sign = (claims: Record<string, unknown>, key = "tr_dev_abcdefghijklmnopqrstuvwx") =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer("https://id.trigger.dev")
    .setAudience("https://api.trigger.dev")
    .setExpirationTime("15m")
    .sign(new TextEncoder().encode(key))

describe("recognition", () => {
  it("a three-part JWT whose claims say pub: true is a PublicAccessToken", async () => {
    const jwt = await sign({ sub: "env_1", pub: true, scopes: ["read:runs:run_1"], otu: true })
    const token = Either.getOrThrow(Credential.parseEither(jwt))
    expect(token._tag).toBe("PublicAccessToken")
    if (!Credential.isPublicAccessToken(token)) throw new Error("a public token")
    expect(token.scopes).toEqual(["read:runs:run_1"])
    expect(token.environmentId).toBe("env_1")
    expect(token.oneTimeUse).toBe(true)
    expect(typeof token.expiresAt).toBe("number")
    expect(Redacted.value(token.token)).toBe(jwt)
  })
  it("no scopes claim grants nothing; a JWT without pub: true or with bad claims is refused", async () => {
    const parsed = Either.getOrThrow(Credential.parseEither(await sign({ sub: "env_1", pub: true })))
    expect(Credential.isPublicAccessToken(parsed) && parsed.scopes).toEqual([])
    const notPublic = Credential.parseEither(await sign({ sub: "env_1" }))
    expect(Either.isLeft(notPublic) && notPublic.left.reason).toBe("NotPublicToken")
    const badClaims = Credential.parseEither(await sign({ pub: true, scopes: "read:runs" }))
    expect(Either.isLeft(badClaims) && badClaims.left.reason).toBe("MalformedPublicToken")
    const garbage = Credential.parseEither("eyJ.not-base64!.x")
    expect(Either.isLeft(garbage) && garbage.left).toBeInstanceOf(InvalidCredential)
  })
  it("Auth refuses a JWT given as a string, and takes it parsed", async () => {
    const jwt = await sign({ sub: "env_1", pub: true, scopes: ["read:runs"] })
    const asString = Auth.make({ accessToken: jwt })
    expect(Either.isLeft(asString) && asString.left).toBeInstanceOf(InvalidAuthConfig)
    const parsed = Auth.make({ accessToken: PublicToken.unsafeParse(jwt) })
    expect(Either.isRight(parsed) && parsed.right.credential._tag).toBe("PublicAccessToken")
  })
})

describe("the scope grammar (the server's ability check)", () => {
  const table: ReadonlyArray<readonly [ReadonlyArray<string>, string, boolean]> = [
    [["admin"], "trigger:tasks:t", true],
    [["admin:sessions"], "read:sessions:s1", false],
    [["read:all"], "read:batch:b", true],
    [["read:all"], "write:runs:r", false],
    [["*:runs"], "write:runs:r", true],
    [["*:runs"], "read:tasks:t", false],
    [["*:runs:r1"], "write:runs:r1", true],
    [["*:runs:r1"], "write:runs:r2", false],
    [["read:runs"], "read:runs:r1", true],
    [["read:runs"], "read:runs", true],
    [["read:runs:r1"], "read:runs:r1", true],
    [["read:runs:r1"], "read:runs:r2", false],
    [["read:runs:r1"], "read:runs", false],
    [["read:tags:env:prod"], "read:tags:env:prod", true],
    [["read:tags:env:prod"], "read:tags:env", false],
    [["write:runs"], "read:runs:r1", false],
    [["READ:runs"], "read:runs:r1", false],
    [[""], "read:runs", false],
    [["read"], "read:runs", false]
  ]
  it.each(table)("%j grants %s: %s", (scopes, ability, expected) => {
    expect(PublicToken.grantsAll(scopes, [ability])).toBe(expected)
  })
})

describe("the pre-check of a route's abilities", () => {
  const retrieve = Capability.withPublicTokens(Capability.make("runs.retrieve", ["SecretKey"]), [
    "read:runs:{runId}",
    "read:tasks:{task}"
  ])
  const tokenWith = (scopes: ReadonlyArray<string>) =>
    Credential.PublicAccessToken.make({ token: Redacted.make("x.y.z"), scopes, oneTimeUse: false })
  it("fills path parameters in; a resource property passes when the action and type are granted", () => {
    expect(
      Capability.scopeRefusal(retrieve, tokenWith(["read:runs:run_1"]), { runId: "run_1" })
    ).toBeUndefined()
    const refused = Capability.scopeRefusal(retrieve, tokenWith(["read:runs:run_1"]), { runId: "run_2" })
    expect(refused).toBeInstanceOf(CapabilityError)
    expect(refused?.missingScope).toEqual(["read:runs:run_2", "read:tasks:{task}"])
    expect(refused?.message).toContain("runs.retrieve needs a public access token with one of the scopes")
    // the run's task only the server knows: a token with read:tasks:<some task> is let through
    expect(
      Capability.scopeRefusal(retrieve, tokenWith(["read:tasks:my-task"]), { runId: "run_2" })
    ).toBeUndefined()
    // keys are not scope-checked
    const key = Credential.unsafeParse("tr_dev_abcdefghijklmnopqrstuvwx")
    expect(Capability.scopeRefusal(retrieve, key, { runId: "run_2" })).toBeUndefined()
  })
  it("an endpoint without public abilities does not accept the kind", () => {
    const envvars = Capability.make("envvars.list", Credential.keyKinds)
    expect(Capability.accepts(envvars, "PublicAccessToken")).toBe(false)
    expect(Capability.accepts(retrieve, "PublicAccessToken")).toBe(true)
  })
  it("narrow checks at run time", () => {
    expect(PublicToken.narrow(tokenWith(["read:runs"]), ["read:runs:run_1"]).scopes).toEqual(["read:runs"])
    expect(() => PublicToken.narrow(tokenWith(["read:runs:run_1"]), ["read:runs"])).toThrow(CapabilityError)
  })
})

describe("redaction", () => {
  const window = 16
  const leaks = (secret: string, texts: ReadonlyArray<string>) => {
    const runs: Array<string> = []
    for (let i = 0; i + window <= secret.length; i++) runs.push(secret.slice(i, i + window))
    return texts.some((text) => runs.some((run) => text.includes(run)))
  }
  const render = (value: unknown): ReadonlyArray<string> => [
    String(value),
    JSON.stringify(value) ?? "",
    util.inspect(value, { depth: 10, showHidden: true }),
    Cause.pretty(Cause.fail(value)),
    Cause.pretty(Cause.die(value))
  ]
  it("a public token, its signing key and the errors about it never show the secret", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9]{24,40}$/),
        fc.array(fc.stringMatching(/^[a-z]{1,8}:[a-z]{1,8}(:[a-z0-9_]{1,12})?$/), { maxLength: 3 }),
        async (body, scopes) => {
          const signingKey = `tr_dev_${body}`
          const jwt = await sign({ sub: "env_1", pub: true, scopes }, signingKey)
          const token = PublicToken.unsafeParse(jwt)
          const context = Either.getOrThrow(Auth.make({ accessToken: token }))
          const refused = Capability.scopeRefusal(
            Capability.withPublicTokens(Capability.make("tasks.trigger", ["SecretKey"]), [
              "trigger:tasks:{taskId}"
            ]),
            token,
            { taskId: "t" }
          )
          const asString = Auth.make({ accessToken: jwt })
          const texts = [
            ...render(token),
            ...render(context),
            ...(refused === undefined ? [] : [...render(refused), refused.message]),
            ...(Either.isLeft(asString) ? [...render(asString.left), asString.left.message] : []),
            Credential.redactTokens(`bad token ${jwt} here`, "…")
          ]
          // the JWT's signature and payload, and the key's body
          return (
            !leaks(jwt.split(".")[2] ?? "", texts) &&
            !leaks(jwt.split(".")[1] ?? "", texts) &&
            !leaks(body, texts)
          )
        }
      ),
      { numRuns: 100 }
    )
  })
})
