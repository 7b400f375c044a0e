/**
 * The words of a credential, defined once: the environment slugs, the credential kinds, the key prefixes and
 * the key generations Trigger.dev has issued. A leaf module (it imports only `effect`), so that `Errors.ts`
 * and `Credential.ts` can both use it without importing each other. Public through `Credential`; every other
 * package imports them from there. The facts: docs/reference/credentials.md.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

/** @internal */
export const environments = ["dev", "staging", "prod", "preview"] as const

/** @internal */
export const Environment = Schema.Literal(...environments)

/** @internal */
export type Environment = typeof Environment.Type

/** @internal */
export const isEnvironment = (value: unknown): value is Environment =>
  value === "dev" || value === "staging" || value === "prod" || value === "preview"

/** @internal */
export const Kind = Schema.Literal("SecretKey", "PersonalAccessToken", "PublicAccessToken")

/** @internal */
export type Kind = typeof Kind.Type

/** @internal */
export const kinds: ReadonlyArray<Kind> = Kind.literals

/**
 * The kinds a key string can be statically: a secret key or a personal access token. A public access token
 * is a JWT minted from a secret key; it is used as a parsed value (its scopes are part of its type), never
 * as a configured string. @internal
 */
export type KeyKind = Exclude<Kind, "PublicAccessToken">

/** @internal */
export const keyKinds = ["SecretKey", "PersonalAccessToken"] as const satisfies ReadonlyArray<KeyKind>

/** @internal */
export const environmentPrefix = {
  dev: "dev",
  staging: "stg",
  prod: "prod",
  preview: "preview"
} as const satisfies Record<Environment, string>

/** @internal */
export type EnvironmentPrefix = (typeof environmentPrefix)[Environment]

/** @internal */
export type SecretKeyPrefix<E extends Environment = Environment> = `tr_${(typeof environmentPrefix)[E]}_`

/** @internal */
export const secretKeyPrefix = <E extends Environment>(environment: E): SecretKeyPrefix<E> =>
  `tr_${environmentPrefix[environment]}_` as SecretKeyPrefix<E>

/** @internal */
export const additionalKeyMarker = "sk_" as const

/** @internal */
export const additionalSecretKeyPrefix = <E extends Environment>(
  environment: E
): `${SecretKeyPrefix<E>}sk_` => `${secretKeyPrefix(environment)}${additionalKeyMarker}`

/** @internal */
export const personalAccessTokenPrefix = "tr_pat_" as const

/** @internal */
export const generations = {
  rootSecretKey: { kind: "SecretKey", additional: false, bodyLength: 24, issued: "since August 2026" },
  legacyRootSecretKey: { kind: "SecretKey", additional: false, bodyLength: 20, issued: "until August 2026" },
  additionalSecretKey: { kind: "SecretKey", additional: true, bodyLength: 24, issued: "always" },
  personalAccessToken: { kind: "PersonalAccessToken", additional: false, bodyLength: 40, issued: "always" }
} as const

/** @internal */
export const minBodyLength = {
  rootSecretKey: generations.legacyRootSecretKey.bodyLength,
  additionalSecretKey: generations.additionalSecretKey.bodyLength,
  personalAccessToken: 20
} as const

/** @internal */
export const maxLength = 512

/**
 * Longest public access token accepted: a JWT grows with its scopes (one with two scopes is ~330
 * characters; 8 KiB holds about a hundred), and servers refuse headers past 8–16 KiB. @internal
 */
export const maxPublicTokenLength = 8192

/** Three base64url parts beginning with the JSON header's `{"`: how a JWT looks in text. @internal */
const jwtInText = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g

const prefixNames = [...Object.values(environmentPrefix), "pat"].join("|")

/** `tr_<env or pat>_`, then `sk_` when present: the part of a credential that is safe to show. @internal */
export const safePrefixPattern = new RegExp(`^tr_(?:${prefixNames})_(?:${additionalKeyMarker})?`)

/** @internal */
export const secretKeyPattern = new RegExp(
  `^tr_(${Object.values(environmentPrefix).join("|")})_(${additionalKeyMarker})?(.*)$`,
  "s"
)

/** @internal */
export const personalAccessTokenPattern = new RegExp(`^${personalAccessTokenPrefix}(.*)$`, "s")

/** @internal */
export const environmentByPrefix: Readonly<Record<string, Environment>> = Object.fromEntries(
  environments.map((environment) => [environmentPrefix[environment], environment])
)

/** @internal */
export const redactTokens = (text: string, marker: string, minBody = 0): string =>
  text
    .replace(
      new RegExp(`tr_(?:${prefixNames})_(?:${additionalKeyMarker})?[A-Za-z0-9_-]{${minBody},}`, "g"),
      (token) => `${safePrefixPattern.exec(token)?.[0] ?? "tr_"}${marker}`
    )
    .replace(jwtInText, `eyJ${marker}`)
