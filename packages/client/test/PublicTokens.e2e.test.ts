/**
 * Public access tokens end to end against the emulator over real HTTP (docs/public-tokens.md): minted by
 * a root key (claims route, then HS256 signing with jose) and by an additional key (the server signs); the
 * run token a trigger answers with; the client's pre-check refusing a call outside the scopes before
 * sending; the emulator's verdicts (200 in scope, 422 on a reused one-time token); strings refused.
 */
import { ManagementClient, PublicTokens, Runs, Tasks } from "@authctx/client"
import { auth, createClient } from "@authctx/client/promise"
import { Auth, CapabilityError, type Credential, InvalidAuthConfig, PublicToken } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Effect, Either, Redacted } from "effect"
import { decodeJwt, decodeProtectedHeader } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string
let scopedKey: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 13 })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("the emulator has a project")
  key = project.environments.dev.secretKey
  scopedKey = project.environments.dev.scopedKey
})
afterAll(() => emulator.stop())

/** Runs a program under a credential; the kinds and scopes are checked at run time here on purpose. */
const run = <A, E>(effect: Effect.Effect<A, E, unknown>, token: Auth.CredentialInput = key) =>
  Effect.runPromise(
    Effect.either(
      (effect as Effect.Effect<A, E, never>).pipe(
        Auth.withAuth({ accessToken: token, baseURL: emulator.url }),
        Effect.provide(ManagementClient.layerNode({ retry: false }))
      )
    )
  )

const requestCount = () => emulator.requests().length

describe("minting with a root secret key", () => {
  it("signs HS256 with the SDK's claims, issuer, audience and a 15 minute default", async () => {
    const token = Either.getOrThrow(
      await run(PublicTokens.createPublicToken({ scopes: { read: { runs: true } } }))
    )
    const jwt = Redacted.value(token.token)
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: "HS256" })
    const claims = decodeJwt(jwt)
    expect(claims).toMatchObject({
      pub: true,
      scopes: ["read:runs"],
      iss: "https://id.trigger.dev",
      aud: "https://api.trigger.dev"
    })
    expect(typeof claims.sub).toBe("string")
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(15 * 60)
    expect(token.scopes).toEqual(["read:runs"])
    // the emulator verifies it for the key's environment: runs.list is in scope
    const listed = await run(Runs.list({ limit: 1 }), token)
    expect(Either.isRight(listed)).toBe(true)
  })

  it("an expiry jose cannot read is a typed error, and nothing signs", async () => {
    const result = await run(
      PublicTokens.createPublicToken({ scopes: ["read:runs"], expirationTime: "soon" })
    )
    expect(Either.isLeft(result) && result.left._tag).toBe("InvalidArgumentsError")
  })
})

describe("minting with an additional key", () => {
  it("asks the server, which signs; no scopes is refused before sending", async () => {
    const token = Either.getOrThrow(
      await run(PublicTokens.createPublicToken({ scopes: ["read:runs"] }), scopedKey)
    )
    expect(token.scopes).toEqual(["read:runs"])
    const before = requestCount()
    const none = await run(PublicTokens.createPublicToken({}), scopedKey)
    expect(Either.isLeft(none) && none.left._tag).toBe("InvalidArgumentsError")
    expect(requestCount()).toBe(before)
  })
})

describe("using a token", () => {
  it("the trigger's run token reads its run; another run is refused before sending", async () => {
    const triggered = Either.getOrThrow(await run(Tasks.trigger("hello-world", { n: 1 })))
    const other = Either.getOrThrow(await run(Tasks.trigger("hello-world", { n: 2 })))
    const jwt = triggered.publicAccessToken
    if (jwt === undefined) throw new Error("the trigger answers with a public access token")
    const token = PublicToken.narrow(await Effect.runPromise(PublicToken.parse(Redacted.value(jwt))), [
      `read:runs:${triggered.id}`
    ])
    const retrieved = Either.getOrThrow(await run(Runs.retrieve(triggered.id), token))
    expect(retrieved.id).toBe(triggered.id)
    const before = requestCount()
    const refused = await run(Runs.retrieve(other.id), token)
    expect(Either.isLeft(refused) && refused.left).toBeInstanceOf(CapabilityError)
    if (Either.isLeft(refused) && refused.left instanceof CapabilityError) {
      expect(refused.left.missingScope).toContain(`read:runs:${other.id}`)
      expect(refused.left.message).toContain("runs.retrieve")
    }
    expect(requestCount()).toBe(before)
    // a call outside the token's routes: refused before sending too
    const trigger = await run(Tasks.trigger("hello-world", {}), token)
    expect(Either.isLeft(trigger) && trigger.left).toBeInstanceOf(CapabilityError)
    expect(requestCount()).toBe(before)
  })

  it("a one-time trigger token triggers once; the server answers 422 on reuse", async () => {
    const token: Credential.PublicAccessToken<ReadonlyArray<"trigger:tasks:hello-world">> = Either.getOrThrow(
      await run(PublicTokens.createTriggerPublicToken("hello-world"))
    )
    expect(token.oneTimeUse).toBe(true)
    const first = await run(Tasks.trigger("hello-world", { n: 1 }), token)
    expect(Either.isRight(first)).toBe(true)
    const second = await run(Tasks.trigger("hello-world", { n: 1 }), token)
    expect(Either.isLeft(second) && (second.left as { status?: number }).status).toBe(422)
    const multi = Either.getOrThrow(
      await run(PublicTokens.createTriggerPublicToken(["hello-world"], { multipleUse: true }))
    )
    expect(multi.oneTimeUse).toBe(false)
  })

  it("a JWT given as a string is refused: its scopes would be invisible to the types", async () => {
    const token = Either.getOrThrow(await run(PublicTokens.createPublicToken({ scopes: ["read:runs"] })))
    const result = await run(Runs.list(), Redacted.value(token.token))
    expect(Either.isLeft(result) && result.left).toBeInstanceOf(InvalidAuthConfig)
  })
})

describe("the Promise API", () => {
  it("a key's client mints; the token's client reads in scope and refuses out of scope", async () => {
    const keyClient = createClient({ accessToken: key, baseURL: emulator.url }).requireSecretKey()
    const handle = await keyClient.tasks.trigger("hello-world", { n: 3 })
    const token = await keyClient.createPublicToken({ scopes: { read: { runs: [handle.id] } } })
    const tokenClient = createClient({ accessToken: token, baseURL: emulator.url })
    expect((await tokenClient.runs.retrieve(handle.id)).id).toBe(handle.id)
    await expect(tokenClient.run(Runs.retrieve("run_other"))).rejects.toBeInstanceOf(CapabilityError)
  })
  it("the ambient auth mints under withAuth, for that scope's environment", async () => {
    const token = await auth.withAuth({ accessToken: key, baseURL: emulator.url }, () =>
      auth.createTriggerPublicToken("hello-world", { multipleUse: true })
    )
    expect(token.scopes).toEqual(["trigger:tasks:hello-world"])
    expect(token.oneTimeUse).toBe(false)
  })
})
