/**
 * Public access tokens, minted as the server mints them for the `x-trigger-jwt` response header of the
 * trigger and batch routes (docs/reference/results-and-pages.md): a JWT signed HS256 with the environment's
 * root key (a preview branch signs with its parent preview environment's key), issuer
 * `https://id.trigger.dev`, audience `https://api.trigger.dev`, issued now, valid for one hour, with the
 * claims `sub` (the environment id), `pub: true` and `scopes`.
 *
 * Signing uses `jose` (WebCrypto HMAC), which is asynchronous: the handlers return the headers as a
 * promise and the server writes them when it settles.
 */
import { Headers as HeaderNames } from "@authctx/api"
import { SignJWT } from "jose/jwt/sign"
import type { Environment, SigningKey, State } from "./model.js"

/** The `iss` claim of every public access token. */
export const issuer = "https://id.trigger.dev"

/** The `aud` claim of every public access token. */
export const audience = "https://api.trigger.dev"

/** How long a token minted on trigger or batch creation is valid: `"1h"`, as the server sets it. */
export const lifetime = "1h"

/** Response headers, as a handler returns them. */
export type Headers = Readonly<Record<string, string>>

const encoder = new TextEncoder()

/**
 * The HMAC key of a signing key, imported once per emulator: signing with an imported `CryptoKey` took
 * 22 µs a token against 48 µs with the raw bytes, which `jose` imports again on every call (best of
 * 5 × 10,000 tokens on the shared 2-core machine; medians under load 140 and 204 µs).
 */
const hmacKey = (key: SigningKey): Promise<CryptoKey> => {
  key.imported ??= globalThis.crypto.subtle.importKey(
    "raw",
    encoder.encode(key.secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"]
  )
  return key.imported
}

/** The key the server signs an environment's tokens with: its own root key, or its parent's for a branch. */
const signingKeyOf = (state: State, environment: Environment): SigningKey | undefined =>
  state.signingKeys.get(environment.parent ?? environment)

const sign = async (
  key: SigningKey,
  claims: Readonly<Record<string, unknown>>,
  expirationTime: string | number = lifetime
): Promise<string> =>
  new SignJWT({ ...claims })
    .setIssuer(issuer)
    .setAudience(audience)
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime(expirationTime)
    .setIssuedAt()
    .sign(await hmacKey(key))

/**
 * Signs `claims` (`sub`, `pub`, `scopes`, …) as the server signs the tokens it mints for `environment`:
 * with its signing key (the parent's for a branch), issuer and audience set, issued now, expiring at
 * `expiresAt` (epoch seconds). `undefined` when the environment has no key to sign with.
 */
export const signFor = (
  state: State,
  environment: Environment,
  claims: Readonly<Record<string, unknown>>,
  expiresAt: number
): Promise<string> | undefined => {
  const key = signingKeyOf(state, environment)
  return key === undefined ? undefined : sign(key, claims, expiresAt)
}

const headersFor = async (
  state: State,
  environment: Environment,
  claims: Readonly<Record<string, unknown>>,
  claimsHeader: Readonly<Record<string, unknown>>
): Promise<Headers> => {
  const key = signingKeyOf(state, environment)
  // Every environment the model builds has a root key; without one there is nothing to sign with.
  if (key === undefined) return { [HeaderNames.jwtClaims]: JSON.stringify(claimsHeader) }
  const jwt = await sign(key, claims)
  return { [HeaderNames.jwtClaims]: JSON.stringify(claimsHeader), [HeaderNames.jwt]: jwt }
}

/**
 * The headers of a trigger answer: a token scoped to read the run and write its input streams; the claims
 * header repeats the claims.
 */
export const forRun = (
  state: State,
  environment: Environment,
  runId: string,
  realtime?: unknown
): Promise<Headers> => {
  const scopes = [`read:runs:${runId}`, `write:inputStreams:${runId}`]
  const claims = { sub: environment.id, pub: true, scopes, ...(realtime === undefined ? {} : { realtime }) }
  return headersFor(state, environment, claims, claims)
}

/** The headers of a batch creation answer: a token scoped to read the batch; the claims header has no scopes. */
export const forBatch = (state: State, environment: Environment, batchId: string): Promise<Headers> =>
  headersFor(
    state,
    environment,
    { sub: environment.id, pub: true, scopes: [`read:batch:${batchId}`] },
    { sub: environment.id, pub: true }
  )

// ---- sessions ----

/**
 * The token `sessions.start` answers in its body: scoped to read and write the session's channels, keyed by
 * the session's external id if it has one, else its id. `undefined` where the environment has no key.
 */
export const forSession = async (
  state: State,
  environment: Environment,
  addressingKey: string
): Promise<string | undefined> => {
  const key = signingKeyOf(state, environment)
  if (key === undefined) return undefined
  const scopes = [`read:sessions:${addressingKey}`, `write:sessions:${addressingKey}`]
  return sign(key, { sub: environment.id, pub: true, scopes })
}
