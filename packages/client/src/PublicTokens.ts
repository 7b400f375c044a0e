/**
 * Minting public access tokens under the current auth, as the official SDK does (docs/public-tokens.md):
 * a root secret key asks the server for its claims (`auth.jwtClaims`) and signs the token itself (HS256
 * with the key, `jose`); an additional `tr_<env>_sk_` key asks the server to sign (`auth.createPublicToken`).
 * Under a request's `withAuth`, the token is for that tenant's environment. The minted token's type
 * carries its scopes, so the calls it may make are checked when it is used.
 *
 * @example
 * ```ts
 * import { PublicTokens } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 *
 * const token = PublicTokens.createPublicToken({ scopes: { read: { runs: ["run_1234"] } }, expirationTime: "1h" }).pipe(
 *   Auth.withAuth({ accessToken: "tr_prod_abcdefghijklmnopqrstuvwx" })
 * ) // Effect<Credential.PublicAccessToken<ReadonlyArray<"read:runs:run_1234">>, …>
 * ```
 */
import { ManagementApi } from "@authctx/api"
import { Capability, Credential } from "@authctx/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { InvalidArgumentsError } from "./Errors.js"
import { type CallContext, type CallError, call } from "./ManagementClient.js"

/** The `iss` claim the server checks. */
export const issuer = "https://id.trigger.dev"

/** The `aud` claim the server checks. */
export const audience = "https://api.trigger.dev"

/** A token's lifetime when none is given: `"15m"`, as the SDK sets it. */
export const defaultExpirationTime = "15m"

/**
 * Scopes in the SDK's object form: `{ read: { runs: ["run_1", "run_2"], tasks: "t" }, write: { runs: true },
 * admin: true }` is `read:runs:run_1`, `read:runs:run_2`, `read:tasks:t`, `write:runs`, `admin`.
 */
export type ScopeObject = {
  readonly [action: string]:
    | boolean
    | { readonly [type: string]: string | ReadonlyArray<string> | boolean | undefined }
    | undefined
}

type FlattenType<A extends string, T extends string, V> = V extends true
  ? `${A}:${T}`
  : V extends string
    ? `${A}:${T}:${V}`
    : V extends ReadonlyArray<infer I extends string>
      ? `${A}:${T}:${I}`
      : never

/** The scope strings of the object form, as a union (a `boolean` not known to be `true` grants nothing). */
export type Flatten<O> = {
  [A in keyof O & string]: O[A] extends true
    ? A
    : O[A] extends object
      ? { [T in keyof O[A] & string]: FlattenType<A, T, O[A][T]> }[keyof O[A] & string]
      : never
}[keyof O & string]

/** The scopes of a minted token, statically: the array as given, or the object form flattened. */
export type ScopesOf<S> = S extends ReadonlyArray<string> ? S : ReadonlyArray<Flatten<S>>

/** The lifetime of a token: `"15m"`, `"2 hours"` (jose's grammar), an absolute epoch-seconds number or a `Date`. */
export type ExpirationTime = string | number | Date

/** Options of {@link createPublicToken}. */
export interface CreatePublicTokenOptions<S> {
  readonly scopes?: S | undefined
  /** Default `"15m"`. */
  readonly expirationTime?: ExpirationTime | undefined
  /** The realtime claim (`skipColumns`), passed through. */
  readonly realtime?: { readonly skipColumns?: ReadonlyArray<string> | undefined } | undefined
}

/** Options of {@link createTriggerPublicToken} and {@link createBatchTriggerPublicToken}. */
export interface CreateTriggerPublicTokenOptions {
  readonly expirationTime?: ExpirationTime | undefined
  /** Whether the token may trigger more than once; default `false` (one-time use, as the server expects). */
  readonly multipleUse?: boolean | undefined
  readonly realtime?: { readonly skipColumns?: ReadonlyArray<string> | undefined } | undefined
}

/** What minting needs: a secret key (either route; both accept only secret keys). */
export type MintContext =
  | CallContext<typeof ManagementApi.authJwtClaims>
  | CallContext<typeof ManagementApi.authCreatePublicToken>

/** What minting may fail with: the calls' errors, or an option the signing refuses. */
export type MintError = CallError | InvalidArgumentsError

/**
 * The SDK's object form flattened to scope strings, in object order; booleans `false` dropped.
 *
 * @example
 * ```ts
 * import { PublicTokens } from "@authctx/client"
 *
 * PublicTokens.flattenScopes({ read: { runs: ["r1", "r2"] }, write: { runs: true } }) // ["read:runs:r1", "read:runs:r2", "write:runs"]
 * ```
 */
export const flattenScopes = (scopes: ScopeObject | ReadonlyArray<string>): ReadonlyArray<string> => {
  if (Array.isArray(scopes)) return scopes as ReadonlyArray<string>
  const out: Array<string> = []
  for (const [action, properties] of Object.entries(scopes as ScopeObject)) {
    if (properties === true) out.push(action)
    else if (typeof properties === "object" && properties !== null) {
      for (const [type, value] of Object.entries(properties)) {
        if (value === true) out.push(`${action}:${type}`)
        else if (typeof value === "string") out.push(`${action}:${type}:${value}`)
        else if (Array.isArray(value)) for (const id of value) out.push(`${action}:${type}:${id}`)
      }
    }
  }
  return out
}

const encoder = new TextEncoder()

/**
 * `jose`'s signer, imported on the first token this process signs rather than at start-up: an app that never
 * mints a token with a root key does not load it (docs/decisions/0039-cold-start-imports.md). Asynchronous
 * like the signing itself, so nothing synchronous waits for it.
 */
let signer: Promise<typeof import("jose/jwt/sign")> | undefined
const loadSigner = (): Promise<typeof import("jose/jwt/sign")> => {
  signer ??= import("jose/jwt/sign")
  return signer
}

const refuse = (endpoint: string, issue: string) => new InvalidArgumentsError({ endpoint, issue })

/** The minted string as a parsed token of the scopes asked for. */
const parsed = <S extends ReadonlyArray<string>>(
  endpoint: string,
  token: string
): Effect.Effect<Credential.PublicAccessToken<S>, InvalidArgumentsError> => {
  const credential = Credential.parseEither(token)
  return Either.isRight(credential) && Credential.isPublicAccessToken(credential.right)
    ? Effect.succeed(credential.right as Credential.PublicAccessToken<S>)
    : Effect.fail(refuse(endpoint, "the minted token is not a public access token"))
}

interface Mint {
  readonly endpoint: string
  readonly scopes: ReadonlyArray<string>
  /** Whether the scopes go into the claims when empty (the SDK omits them for `createPublicToken()`). */
  readonly scopesGiven: boolean
  readonly oneTimeUse: boolean | undefined
  readonly expirationTime: ExpirationTime | undefined
  readonly realtime: CreatePublicTokenOptions<unknown>["realtime"]
}

const realtimeOf = (options: Mint) => (options.realtime === undefined ? {} : { realtime: options.realtime })

/** The claims a root key signs, in the SDK's order (it only changes the encoded text, not the token's meaning). */
const payload = (claims: object, options: Mint): Record<string, unknown> =>
  options.oneTimeUse === undefined
    ? { ...claims, ...(options.scopesGiven ? { scopes: options.scopes } : {}), ...realtimeOf(options) }
    : { ...claims, otu: options.oneTimeUse, ...realtimeOf(options), scopes: options.scopes }

const mint = <S extends ReadonlyArray<string>>(
  options: Mint
): Effect.Effect<Credential.PublicAccessToken<S>, MintError, MintContext> =>
  Effect.flatMap(
    Capability.authorize(ManagementApi.authJwtClaims.capability),
    (auth): Effect.Effect<Credential.PublicAccessToken<S>, MintError, MintContext> => {
      const key = auth.credential
      if (key.scoped) {
        // An additional key cannot sign: the server mints (it refuses an empty scope list).
        if (options.scopes.length === 0)
          return Effect.fail(
            refuse(
              options.endpoint,
              "an additional secret key (tr_<env>_sk_) mints only with at least one scope"
            )
          )
        const { expirationTime } = options
        return call(ManagementApi.authCreatePublicToken, {
          payload: {
            scopes: options.scopes,
            ...(expirationTime === undefined
              ? {}
              : {
                  expirationTime:
                    expirationTime instanceof Date
                      ? Math.floor(expirationTime.getTime() / 1000)
                      : expirationTime
                }),
            ...(options.oneTimeUse === undefined ? {} : { oneTimeUse: options.oneTimeUse }),
            ...(options.realtime === undefined ? {} : { realtime: options.realtime })
          }
        }).pipe(Effect.flatMap((answer) => parsed<S>(options.endpoint, Redacted.value(answer.token))))
      }
      return call(ManagementApi.authJwtClaims, {}).pipe(
        Effect.flatMap((claims) =>
          Effect.tryPromise({
            try: async () => {
              const { SignJWT } = await loadSigner()
              return new SignJWT(payload(claims, options))
                .setIssuer(issuer)
                .setAudience(audience)
                .setProtectedHeader({ alg: "HS256" })
                .setExpirationTime(options.expirationTime ?? defaultExpirationTime)
                .setIssuedAt()
                .sign(encoder.encode(Redacted.value(key.token)))
            },
            // jose refuses an expiration it cannot read ("Invalid time period format"); its message has no secret
            catch: (error) =>
              refuse(
                options.endpoint,
                `the token could not be signed: ${error instanceof Error ? error.message : "unknown error"}`
              )
          })
        ),
        Effect.flatMap((token) => parsed<S>(options.endpoint, token))
      )
    }
  )

/**
 * Mints a public access token for the current auth's environment (`auth.createPublicToken`). Scopes as an
 * array (`["read:runs:run_1"]`) or the SDK's object form; the token's type carries them.
 *
 * @example
 * ```ts
 * import { PublicTokens } from "@authctx/client"
 *
 * const token = PublicTokens.createPublicToken({ scopes: ["read:runs:run_1234"] })
 * ```
 */
export const createPublicToken = <const S extends ReadonlyArray<string> | ScopeObject = readonly []>(
  options: CreatePublicTokenOptions<S> = {}
): Effect.Effect<Credential.PublicAccessToken<ScopesOf<S>>, MintError, MintContext> =>
  mint({
    endpoint: "auth.createPublicToken",
    scopes: options.scopes === undefined ? [] : flattenScopes(options.scopes),
    scopesGiven: options.scopes !== undefined,
    oneTimeUse: undefined,
    expirationTime: options.expirationTime,
    realtime: options.realtime
  })

/** The scopes of a trigger or batch-trigger token for task(s) `T`. */
export type TaskScopes<
  Action extends string,
  T extends string | ReadonlyArray<string>
> = ReadonlyArray<`${Action}:tasks:${T extends ReadonlyArray<infer I extends string> ? I : T & string}`>

const taskScopes = (action: string, task: string | ReadonlyArray<string>): ReadonlyArray<string> =>
  (typeof task === "string" ? [task] : task).map((id) => `${action}:tasks:${id}`)

/**
 * Mints a token that triggers the task(s), one-time use unless `multipleUse` (the SDK's
 * `auth.createTriggerPublicToken`).
 *
 * @example
 * ```ts
 * import { PublicTokens } from "@authctx/client"
 *
 * const token = PublicTokens.createTriggerPublicToken("send-email", { expirationTime: "10m" })
 * ```
 */
export const createTriggerPublicToken = <const T extends string | ReadonlyArray<string>>(
  task: T,
  options: CreateTriggerPublicTokenOptions = {}
): Effect.Effect<Credential.PublicAccessToken<TaskScopes<"trigger", T>>, MintError, MintContext> =>
  mint({
    endpoint: "auth.createTriggerPublicToken",
    scopes: taskScopes("trigger", task),
    scopesGiven: true,
    oneTimeUse: options.multipleUse !== true,
    expirationTime: options.expirationTime,
    realtime: options.realtime
  })

/**
 * Mints a token that batch-triggers the task(s), one-time use unless `multipleUse` (the SDK's
 * `auth.createBatchTriggerPublicToken`).
 *
 * @example
 * ```ts
 * import { PublicTokens } from "@authctx/client"
 *
 * const token = PublicTokens.createBatchTriggerPublicToken(["a", "b"])
 * ```
 */
export const createBatchTriggerPublicToken = <const T extends string | ReadonlyArray<string>>(
  task: T,
  options: CreateTriggerPublicTokenOptions = {}
): Effect.Effect<Credential.PublicAccessToken<TaskScopes<"batchTrigger", T>>, MintError, MintContext> =>
  mint({
    endpoint: "auth.createBatchTriggerPublicToken",
    scopes: taskScopes("batchTrigger", task),
    scopesGiven: true,
    oneTimeUse: options.multipleUse !== true,
    expirationTime: options.expirationTime,
    realtime: options.realtime
  })
