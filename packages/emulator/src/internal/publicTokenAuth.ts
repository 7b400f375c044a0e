/**
 * Public access tokens on the way in, checked as the server checks them (docs/reference/public-tokens.md):
 * recognition (a three-part JWT whose payload says `pub: true`), verification (HS256 with the root key of
 * the token's environment, the parent's for a branch; issuer, audience, expiry), the route's abilities
 * (`ManagementApi.PublicTokenScopes`) against the token's `scopes`, and one-time use.
 *
 * Verification uses `jose`, which is asynchronous: the dispatcher answers a request carrying a public token
 * once it is verified.
 */
import { JWSSignatureVerificationFailed } from "jose/errors"
import { jwtVerify } from "jose/jwt/verify"
import type { Environment, SigningKey, State } from "./model.js"
import { audience, issuer } from "./publicToken.js"
import { type TokenRefusal, tokenRefusals } from "./tokenRefusals.js"

/** A verified public access token: the environment it acts on and what its claims grant. */
export interface PublicTokenPrincipal {
  readonly kind: "PublicAccessToken"
  readonly environment: Environment
  readonly scopes: ReadonlyArray<string>
  /** The `otu` claim: the token may trigger (or create a batch) once. */
  readonly oneTimeUse: boolean
  /** The `realtime` claim, handed on to the tokens the trigger answer mints. */
  readonly realtime: unknown
  /** SHA-256 of the token (hex): the one-time-use ledger's key; never the token. */
  readonly digest: string
  /** When the token expires (epoch seconds), if it says. */
  readonly expiresAt: number | undefined
  /** What the request log shows: the environment id, never the token. */
  readonly fingerprint: string
}

export { type TokenRefusal, tokenRefusals } from "./tokenRefusals.js"

const decoder = new TextDecoder()

/** The payload of a three-part token, when it is base64url JSON; `undefined` otherwise. */
const payloadOf = (token: string): Record<string, unknown> | undefined => {
  const parts = token.split(".")
  const payload = parts[1]
  if (parts.length !== 3 || payload === undefined || payload.length === 0) return undefined
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) return undefined
  try {
    const json: unknown = JSON.parse(decoder.decode(Buffer.from(payload, "base64url")))
    return typeof json === "object" && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Whether the server reads a bearer token as a public access token: three `.`-separated parts whose middle
 * one decodes to a JSON object with `pub: true`. Nothing is verified here.
 */
export const isPublicToken = (token: string): boolean => payloadOf(token)?.["pub"] === true

// ---------------------------------------------------------------------------------------------------------
// verification
// ---------------------------------------------------------------------------------------------------------

interface Index {
  readonly environments: Map<string, Environment>
  /** Every root key of an environment (the emulator gives each a current and a legacy one). */
  readonly keys: Map<Environment, ReadonlyArray<string>>
}

const indexes = new WeakMap<State, Index>()

const buildIndex = (state: State): Index => {
  const environments = new Map<string, Environment>()
  for (const project of state.projects.values())
    for (const environment of Object.values(project.environments)) {
      environments.set(environment.id, environment)
      for (const branch of environment.branches.values()) environments.set(branch.id, branch)
    }
  const keys = new Map<Environment, Array<string>>()
  for (const [token, principal] of state.tokens) {
    if (principal.kind !== "SecretKey" || principal.scoped) continue
    const list = keys.get(principal.environment) ?? []
    list.push(token)
    keys.set(principal.environment, list)
  }
  const index = { environments, keys }
  indexes.set(state, index)
  return index
}

const environmentById = (state: State, id: string): Environment | undefined => {
  const found = (indexes.get(state) ?? buildIndex(state)).environments.get(id)
  // a branch made after the index was built: build it again once
  return found ?? buildIndex(state).environments.get(id)
}

/**
 * The keys a token of `environment` may be signed with: every root key of the environment that signs for
 * it (its own, the parent's for a branch), the current one first. The server holds one root key per
 * environment (plus revoked ones in their grace window); the emulator's environments hold a current and a
 * legacy one, and both sign valid tokens, as a key and its predecessor do on the server.
 */
const verificationKeys = (state: State, environment: Environment): ReadonlyArray<string> => {
  const signer = environment.parent ?? environment
  const current: SigningKey | undefined = state.signingKeys.get(signer)
  const all = (indexes.get(state) ?? buildIndex(state)).keys.get(signer) ?? []
  return current === undefined ? all : [current.secret, ...all.filter((key) => key !== current.secret)]
}

const encoder = new TextEncoder()
const verifyKeys = new Map<string, Promise<CryptoKey>>()

/** The HMAC verification key of a root key, imported once (the emulator's keys are a fixed, small set). */
const hmacVerifyKey = (secret: string): Promise<CryptoKey> => {
  let key = verifyKeys.get(secret)
  if (key === undefined) {
    key = globalThis.crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"]
    )
    verifyKeys.set(secret, key)
  }
  return key
}

const digestOf = async (token: string): Promise<string> =>
  Buffer.from(await globalThis.crypto.subtle.digest("SHA-256", encoder.encode(token))).toString("hex")

/**
 * Verifies a public access token as the server does: the `sub` environment must exist (else 401
 * `Invalid Public Access Token`); the signature must check with a root key that signs for it, and issuer,
 * audience and expiry must hold (else 401 `Public Access Token is invalid`).
 */
export const verify = async (
  state: State,
  token: string,
  now: number
): Promise<PublicTokenPrincipal | TokenRefusal> => {
  const claims = payloadOf(token)
  const sub = claims?.["sub"]
  if (typeof sub !== "string" || sub.length === 0) return tokenRefusals.unknownEnvironment
  const environment = environmentById(state, sub)
  if (environment === undefined) return tokenRefusals.unknownEnvironment
  for (const secret of verificationKeys(state, environment)) {
    try {
      const { payload } = await jwtVerify(token, await hmacVerifyKey(secret), {
        issuer,
        audience,
        algorithms: ["HS256"],
        currentDate: new Date(now)
      })
      const scopes = Array.isArray(payload["scopes"])
        ? payload["scopes"].filter((scope): scope is string => typeof scope === "string")
        : []
      return {
        kind: "PublicAccessToken",
        environment,
        scopes,
        oneTimeUse: payload["otu"] === true,
        realtime: payload["realtime"],
        digest: await digestOf(token),
        expiresAt: payload.exp,
        fingerprint: `jwt:${environment.id}`
      }
    } catch (error) {
      // another key of the environment may have signed it; any other failure is final
      if (!(error instanceof JWSSignatureVerificationFailed)) return tokenRefusals.invalid
    }
  }
  return tokenRefusals.invalid
}

// ---------------------------------------------------------------------------------------------------------
// abilities
// ---------------------------------------------------------------------------------------------------------

/** A resource an ability is checked against: a type and, when the check names one, an id. */
export interface Resource {
  readonly type: string
  readonly id?: string | undefined
}

/** A scope read with the server's grammar; `undefined` grants nothing. */
type Grant =
  | { readonly all: true }
  | { readonly all: false; readonly action: string; readonly type: string; readonly id: string | undefined }

/**
 * One scope string as the server reads it: `admin` alone is every action on everything; otherwise
 * `<action>:<type>` or `<action>:<type>:<id>`, where the id is everything after the second `:` (ids may
 * hold `:`). `<action>:all` is that action on every type, `*:<type>` every action on the type. An empty
 * action or type, or no `:` at all, grants nothing.
 */
export const parseScope = (scope: string): Grant | undefined => {
  if (scope === "admin") return { all: true }
  const first = scope.indexOf(":")
  if (first <= 0) return undefined
  const action = scope.slice(0, first)
  const rest = scope.slice(first + 1)
  const second = rest.indexOf(":")
  const type = second === -1 ? rest : rest.slice(0, second)
  if (type.length === 0) return undefined
  return { all: false, action, type, id: second === -1 ? undefined : rest.slice(second + 1) }
}

/**
 * Whether `scopes` let `action` act on `resource`: a grant matches when its action is the action (or `*`,
 * or it is `<action>:all`), its type is the resource's (or `all`), and it names no id or the resource's id.
 * A grant with an id never matches a check without one. Matching is exact and case-sensitive; no action
 * implies another (`write:runs` does not read).
 */
export const can = (scopes: ReadonlyArray<string>, action: string, resource: Resource): boolean => {
  for (const scope of scopes) {
    const grant = parseScope(scope)
    if (grant === undefined) continue
    if (grant.all) return true
    if (grant.action !== action && grant.action !== "*") continue
    if (grant.type === "all" && grant.id === undefined) return true
    if (grant.type !== resource.type) continue
    if (grant.id === undefined || grant.id === resource.id) return true
  }
  return false
}

/**
 * What a `{name}` placeholder of a route's abilities stands for in one request: the values, and whether
 * any one of them suffices (a run's tags) or every one must be granted (a batch's task identifiers).
 */
export interface Binding {
  readonly values: ReadonlyArray<string>
  readonly every: boolean
}

/** The values the placeholders of a request stand for; a placeholder without a binding is unknown. */
export type Bindings = Readonly<Record<string, Binding | undefined>>

const placeholder = /^\{(\w+)\}$/

/**
 * Whether a token with `scopes` may call a route whose abilities are `patterns`
 * (`ManagementApi.PublicTokenScopes`): any one pattern granted suffices; an empty list admits any valid
 * token. A pattern `<action>:<type>:{name}` is checked against the values bound to `name`: any one of them,
 * or every one when the binding says so (no value: only a grant of the whole type passes). A pattern
 * whose placeholder has no binding in this request is skipped.
 */
export const allows = (
  scopes: ReadonlyArray<string>,
  patterns: ReadonlyArray<string>,
  bindings: Bindings
): boolean => {
  if (patterns.length === 0) return true
  for (const pattern of patterns) {
    const grant = parseScope(pattern)
    if (grant === undefined || grant.all) {
      if (grant?.all === true && can(scopes, "admin", { type: "all" })) return true
      continue
    }
    const { action, type, id } = grant
    const name = id === undefined ? undefined : placeholder.exec(id)?.[1]
    if (name === undefined) {
      if (can(scopes, action, { type, id })) return true
      continue
    }
    const binding = bindings[name]
    if (binding === undefined) continue
    if (binding.values.length === 0) {
      if (can(scopes, action, { type })) return true
      continue
    }
    const granted = (value: string) => can(scopes, action, { type, id: value })
    if (binding.every ? binding.values.every(granted) : binding.values.some(granted)) return true
  }
  return false
}

// ---------------------------------------------------------------------------------------------------------
// one-time use
// ---------------------------------------------------------------------------------------------------------

/** Used one-time tokens by digest, with their expiry (epoch seconds) so that the ledger can forget them. */
const ledgers = new WeakMap<State, Map<string, number>>()

/** The ledger is swept of expired tokens when it grows past this many entries. */
const sweepAbove = 10_000

/**
 * Claims the one use of a one-time token: `true` the first time, `false` once used. The server stores a
 * digest of the token on the run or batch it created and a second use breaks a unique constraint; the
 * emulator keeps the digests until the token expires (a used token past its expiry fails verification
 * anyway), so memory stays bounded by the tokens still alive.
 */
export const claimOnce = (state: State, principal: PublicTokenPrincipal, now: number): boolean => {
  let ledger = ledgers.get(state)
  if (ledger === undefined) {
    ledger = new Map()
    ledgers.set(state, ledger)
  }
  if (ledger.has(principal.digest)) return false
  if (ledger.size >= sweepAbove) {
    const seconds = now / 1000
    for (const [digest, expiresAt] of ledger) if (expiresAt <= seconds) ledger.delete(digest)
  }
  ledger.set(principal.digest, principal.expiresAt ?? Number.POSITIVE_INFINITY)
  return true
}
