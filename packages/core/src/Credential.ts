/**
 * Credentials for the management API as validated, tagged values.
 *
 * A credential string is parsed once; the result is a `SecretKey` (one environment of one project) or a
 * `PersonalAccessToken` (a user). The secret itself is held as an Effect `Redacted` from the moment it is
 * parsed, so printing, logging or serialising a credential never shows it.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function* () {
 *   const key = yield* Credential.parse("tr_dev_abcdefghijklmnopqrstuvwx")
 *   return key.environment // "dev"
 * })
 * ```
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { decodeJwt } from "jose/jwt/decode"
import { CapabilityError, InvalidCredential, type InvalidCredentialReason } from "./Errors.js"
import * as format from "./internal/credentialFormat.js"
import type { Covers } from "./internal/publicScopes.js"
import { rememberRight } from "./internal/remembered.js"

/**
 * The environments a SecretKey can belong to, as the API spells them in paths (`/envvars/staging`). The one
 * definition of the environment slugs: every package imports it from here.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 * import { Schema } from "effect"
 *
 * const env = Schema.decodeUnknownSync(Credential.Environment)("staging") // "staging"
 * ```
 */
export const Environment: typeof format.Environment = format.Environment
/** @see Environment */
export type Environment = format.Environment

/** Every environment slug, in display order (`dev`, `staging`, `prod`, `preview`). */
export const environments: typeof format.environments = format.environments

/**
 * Whether a value is an environment slug.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 *
 * Credential.isEnvironment("staging") // true
 * Credential.isEnvironment("stg") // false: that is the key prefix, not the slug
 * ```
 */
export const isEnvironment: (value: unknown) => value is Environment = format.isEnvironment

/** The three credential kinds, by tag: the one definition every package imports. */
export const Kind: typeof format.Kind = format.Kind
/** @see Kind */
export type Kind = format.Kind

/** Every kind, for runtime checks that need the full list. */
export const kinds: ReadonlyArray<Kind> = format.kinds

/**
 * The kinds a key string can be: `SecretKey` or `PersonalAccessToken`. A `PublicAccessToken` is minted from
 * a secret key and used as a parsed value (see {@link PublicAccessToken}), so a configured string or
 * `Redacted` is one of these two.
 */
export type KeyKind = format.KeyKind

/** The two key kinds, for runtime checks. */
export const keyKinds: typeof format.keyKinds = format.keyKinds

/**
 * How each environment is spelled in its keys: `staging` keys start `tr_stg_`, the others with their slug.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 *
 * Credential.environmentPrefix.staging // "stg"
 * ```
 */
export const environmentPrefix: typeof format.environmentPrefix = format.environmentPrefix

/** The environment part of a key prefix (`dev`, `stg`, `prod`, `preview`). */
export type EnvironmentPrefix = format.EnvironmentPrefix

/** The prefix of a root secret key of environment `E`: `SecretKeyPrefix<"staging">` is `"tr_stg_"`. */
export type SecretKeyPrefix<E extends Environment = Environment> = format.SecretKeyPrefix<E>

/**
 * The prefix of the root secret keys of one environment.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 *
 * Credential.secretKeyPrefix("staging") // "tr_stg_"
 * ```
 */
export const secretKeyPrefix: <E extends Environment>(environment: E) => SecretKeyPrefix<E> =
  format.secretKeyPrefix

/**
 * The prefix of the additional (possibly task-scoped) secret keys of one environment.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 *
 * Credential.additionalSecretKeyPrefix("prod") // "tr_prod_sk_"
 * ```
 */
export const additionalSecretKeyPrefix: <E extends Environment>(
  environment: E
) => `${SecretKeyPrefix<E>}sk_` = format.additionalSecretKeyPrefix

/** The prefix of every personal access token: `"tr_pat_"`. */
export const personalAccessTokenPrefix: typeof format.personalAccessTokenPrefix =
  format.personalAccessTokenPrefix

/**
 * The key generations Trigger.dev has issued, with the number of letters and digits each has after its
 * prefix (docs/reference/credentials.md): root secret keys had 20 until August 2026 and have 24 since
 * (no migration rewrote the old ones), additional secret keys (`tr_<env>_sk_`) have always had 24, personal
 * access tokens 40.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 *
 * const body = Credential.generations.legacyRootSecretKey.bodyLength // 20
 * ```
 */
export const generations: typeof format.generations = format.generations

/**
 * A key scoped to one environment of one project (`tr_dev_…`, `tr_stg_…`, `tr_prod_…`, `tr_preview_…`).
 * `scoped` is true for the additional `tr_{env}_sk_…` keys, which may be limited to some tasks.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 * import { Redacted } from "effect"
 *
 * const key = Credential.unsafeParse("tr_prod_abcdefghijklmnopqrstuvwx")
 * if (Credential.isSecretKey(key)) console.log(key.environment) // "prod"
 * const dev: Credential.SecretKey = Credential.SecretKey.make({
 *   environment: "dev",
 *   scoped: false,
 *   token: Redacted.make("tr_dev_abcdefghijklmnopqrstuvwx")
 * })
 * ```
 */
export class SecretKey extends Schema.TaggedClass<SecretKey>("@authctx/core/SecretKey")("SecretKey", {
  environment: Environment,
  scoped: Schema.Boolean,
  token: Schema.Redacted(Schema.String)
}) {}

/**
 * A user's token (`tr_pat_…`): reaches every org, project and environment the user can reach, so calls
 * made with it must name the project.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 *
 * const pat = Credential.unsafeParse("tr_pat_abcdefghijklmnopqrstuvwx")
 * pat._tag // "PersonalAccessToken"
 * ```
 */
export class PersonalAccessToken extends Schema.TaggedClass<PersonalAccessToken>(
  "@authctx/core/PersonalAccessToken"
)("PersonalAccessToken", {
  token: Schema.Redacted(Schema.String)
}) {}

/**
 * The claims of a public access token the client reads (it never verifies them: the server does, with
 * the environment's key): `pub: true`, the environment id `sub`, `scopes`, one-time use `otu`, expiry `exp`.
 */
export const PublicTokenClaims = Schema.Struct({
  pub: Schema.Literal(true),
  sub: Schema.optional(Schema.String),
  scopes: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  otu: Schema.optional(Schema.Boolean),
  exp: Schema.optional(Schema.Number)
})
/** @see PublicTokenClaims */
export type PublicTokenClaims = typeof PublicTokenClaims.Type

/** The class behind {@link PublicAccessToken}; use that name. */
export class PublicAccessTokenClass extends Schema.TaggedClass<PublicAccessTokenClass>(
  "@authctx/core/PublicAccessToken"
)("PublicAccessToken", {
  /** The JWT, never shown. */
  token: Schema.Redacted(Schema.String),
  /** The environment id (`sub`) the server verifies the token for. */
  environmentId: Schema.optional(Schema.String),
  /** The scopes its claims say; the server's ability grammar (docs/public-tokens.md). */
  scopes: Schema.Array(Schema.String),
  /** Whether the server accepts it for one trigger or batch only (`otu`). */
  oneTimeUse: Schema.Boolean,
  /** Expiry, epoch seconds (`exp`), when the claims have one. */
  expiresAt: Schema.optional(Schema.Number)
}) {}

/**
 * A public access token: a short-lived JWT (three `.`-separated parts whose claims say `pub: true`)
 * minted from an environment's secret key for a browser or an edge function. Parsed without verifying (the
 * server verifies); the JWT is `Redacted`. Its scopes are part of its type, so a call its scopes do not
 * allow does not compile: `PublicAccessToken<readonly ["read:runs:run_1"]>` may retrieve a run but not
 * trigger a task. A token whose scopes are not known statically (`PublicAccessToken`, the default) calls
 * only what needs no scope until it is narrowed (`PublicToken.narrow`).
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 *
 * declare const jwt: string
 * const token = Credential.unsafeParse(jwt)
 * if (Credential.isPublicAccessToken(token)) console.log(token.scopes) // ["read:runs:run_1"]
 * declare const runReader: Credential.PublicAccessToken<readonly ["read:runs:run_1"]>
 * ```
 */
export type PublicAccessToken<Scopes extends ReadonlyArray<string> = ReadonlyArray<string>> =
  PublicAccessTokenClass & { readonly scopes: Scopes }
/** @see PublicAccessToken */
export const PublicAccessToken: typeof PublicAccessTokenClass = PublicAccessTokenClass

/** Any kind of credential, as a schema of the tagged values. */
export const Credential = Schema.Union(SecretKey, PersonalAccessToken, PublicAccessTokenClass)
/** @see Credential */
export type Credential = SecretKey | PersonalAccessToken | PublicAccessToken

declare const GrantsTypeId: unique symbol

/**
 * The scope half of a public token's kind, in the types only. On a token, `A` is every route ability its
 * scopes cover; on a route, the one ability an alternative needs. `A` is contravariant, so a token's kind
 * is a subtype of a route's alternative exactly when that ability is among those the token covers.
 */
export interface Grants<in A extends string> {
  readonly [GrantsTypeId]: (ability: A) => void
}

/**
 * The static kind of a public token or of one alternative of a route: `"PublicAccessToken"` branded with
 * the abilities (see {@link Grants}). It is a `Kind`, so the capability types treat it as one.
 */
export type PublicKind<A extends string> = "PublicAccessToken" & Grants<A>

/**
 * A route's public-token alternatives, one kind each: any one of them admits a token. No abilities (a
 * route any valid token may call) is every public token.
 */
export type PublicKinds<A extends string> = [A] extends [never]
  ? "PublicAccessToken"
  : A extends string
    ? PublicKind<A>
    : never

/**
 * The static kind of a public token with scopes `Scopes`: the route abilities its scopes cover (the
 * server's grammar: `admin`, `<action>:all`, `*:<type>`, `<action>:<type>[:<id>]`). Scopes not known
 * statically cover nothing.
 */
export type PublicKindOf<Scopes extends ReadonlyArray<string>> = PublicKind<Covers<Scopes[number]>>

/** The credential type of one kind: `OfKind<"SecretKey">` is `SecretKey`. */
export type OfKind<K extends Kind> = K extends "PublicAccessToken"
  ? PublicAccessToken
  : Extract<Credential, { readonly _tag: K }>

/** Longest credential accepted (see docs/reference/credentials.md). */
export const maxLength: 512 = format.maxLength

/**
 * Fewest letters and digits after the prefix, per key shape (see docs/reference/credentials.md and
 * {@link generations}):
 * - root secret keys (`tr_<env>_…`): 20, the older generation's length (most environments still hold one);
 * - additional secret keys (`tr_<env>_sk_…`): 24, as they have always had;
 * - personal access tokens (`tr_pat_…`) have 40; 20 is accepted, as for root keys.
 */
export const minBodyLength: typeof format.minBodyLength = format.minBodyLength

/**
 * The kind a credential string has, statically — the one definition every other kind computation uses.
 * A `"tr_pat_…"` literal (or `` `tr_pat_${string}` `` template) is a `"PersonalAccessToken"`, a
 * `"tr_prod_…"` one a `"SecretKey"`. Anything whose prefix the type does not fix — a plain `string`, a
 * `` `tr_${string}` `` template, a branded `string & Brand<…>` — may be either kind, so it is
 * `Kind` (both): calls that need one kind must narrow it at run time. Only a plain literal with no known
 * prefix is `never` (it cannot parse).
 *
 * @example
 * ```ts
 * import type { Credential } from "@authctx/core"
 *
 * type K = Credential.KindOf<"tr_pat_abc">  // "PersonalAccessToken"
 * type U = Credential.KindOf<`tr_${string}`> // "SecretKey" | "PersonalAccessToken"
 * ```
 */
export type KindOf<S extends string> = S extends `${typeof personalAccessTokenPrefix}${string}`
  ? "PersonalAccessToken"
  : S extends `${SecretKeyPrefix}${string}`
    ? "SecretKey"
    : S extends `${typeof jwtPrefix}${string}`
      ? "PublicAccessToken"
      : // A finite set of literals makes `Record<S, 0>` a type with required keys; `string`, a template or a
        // branded string make it an index signature, which `{}` satisfies: their prefix is unknown.
        // biome-ignore lint/complexity/noBannedTypes: the empty object type is the test
        {} extends Record<S, 0>
        ? Kind
        : never

/** The credential type a string parses to, statically (see {@link KindOf}). */
export type FromString<S extends string> = OfKind<KindOf<S>>

/**
 * How every JWT starts: the base64url of `{"`, the opening of its JSON header. A literal that starts so is
 * statically a `PublicAccessToken` (see {@link KindOf}); at run time the claims decide.
 */
export const jwtPrefix = "eyJ" as const

/** The prefix of a credential string that is safe to show (never any of the secret part). */
export const safePrefix = (input: string): string => format.safePrefixPattern.exec(input)?.[0] ?? ""

/**
 * Replaces everything in `text` shaped like a credential (a known prefix, then at least `minBody` letters,
 * digits, `_` or `-`; default 0) with its {@link safePrefix} and `marker`: the last line of defence for
 * text that came from elsewhere (a server's error body, a path in a log line) before it is shown. A
 * `minBody` above 12 leaves {@link fingerprint}s alone.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 *
 * Credential.redactTokens("bad key tr_dev_abcdefghijklmnopqrstuvwx", "…") // "bad key tr_dev_…"
 * ```
 */
export const redactTokens: (text: string, marker: string, minBody?: number) => string = format.redactTokens

const fail = (reason: InvalidCredentialReason, input: string): Either.Either<never, InvalidCredential> =>
  Either.left(new InvalidCredential({ reason, prefix: safePrefix(input), length: input.length }))

const bodyIsValid = (body: string, minimum: number): InvalidCredentialReason | undefined => {
  if (body.length < minimum) return "TooShort"
  if (!/^[A-Za-z0-9]+$/.test(body)) return "InvalidCharacters"
  return undefined
}

/**
 * The checks above have validated every field, so the class constructors skip their schema validation
 * (it cost ~17 µs of a ~19 µs parse, paid on every scope that names a credential by string).
 */
const validated = true

/** Validates a credential string; the pure core of {@link parse}. */
const decodeString = (input: unknown): Either.Either<Credential, InvalidCredential> => {
  if (typeof input !== "string") {
    return Either.left(new InvalidCredential({ reason: "NotAString", prefix: "", length: 0 }))
  }
  if (input.length === 0) return fail("Empty", input)
  if (input.length > (input.startsWith(jwtPrefix) ? format.maxPublicTokenLength : maxLength))
    return fail("TooLong", input)
  if (input.trim().length === 0) return fail("Blank", input)
  if (/[\r\n]/.test(input)) return fail("LineBreak", input)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  if (/[\u0000-\u001f\u007f]/.test(input)) return fail("ControlCharacter", input)
  if (/^bearer\s/i.test(input.trimStart())) return fail("BearerScheme", input)
  if (input.trim() !== input) return fail("SurroundingWhitespace", input)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is ASCII
  if (!/^[\u0000-\u007f]*$/.test(input)) return fail("NonAscii", input)
  if (/\s/.test(input)) return fail("InvalidCharacters", input)

  const pat = format.personalAccessTokenPattern.exec(input)
  if (pat) {
    const problem = bodyIsValid(pat[1] ?? "", minBodyLength.personalAccessToken)
    return problem
      ? fail(problem, input)
      : Either.right(PersonalAccessToken.make({ token: Redacted.make(input) }, validated))
  }
  const key = format.secretKeyPattern.exec(input)
  const environment = key ? format.environmentByPrefix[key[1] ?? ""] : undefined
  if (key && environment) {
    const scoped = key[2] !== undefined
    const problem = bodyIsValid(
      key[3] ?? "",
      scoped ? minBodyLength.additionalSecretKey : minBodyLength.rootSecretKey
    )
    return problem
      ? fail(problem, input)
      : Either.right(SecretKey.make({ environment, scoped, token: Redacted.make(input) }, validated))
  }
  if (input.split(".").length === 3) return decodePublicToken(input)
  return fail("UnknownPrefix", input)
}

/**
 * Keys and personal access tokens parsed lately (256 at most), by their string, so that a program built for
 * each call (`Auth.withAuth({ accessToken })` around every request) does not parse its key again: ~4 µs a
 * parse, most of it the class constructor and `Redacted`'s registry. Only successful parses of strings up
 * to {@link maxLength} characters (no public token: up to 8 KiB each, and passed parsed anyway). Module
 * state by design: it holds what the application itself holds (its keys), as `Redacted` values in the
 * parsed credentials (docs/security.md).
 */
const remembered = rememberRight(256, decodeString)

/** {@link decodeString}, through {@link remembered} for the strings it keeps. */
const decodeRemembered = (input: unknown): Either.Either<Credential, InvalidCredential> =>
  typeof input !== "string" || input.length > maxLength || input.startsWith(jwtPrefix)
    ? decodeString(input)
    : remembered(input)

const decodeClaims = Schema.decodeUnknownEither(PublicTokenClaims)

/**
 * A three-part JWT: its claims, decoded with `jose` (base64url, JSON object) and the claims schema; never
 * verified (the server holds the key).
 */
const decodePublicToken = (input: string): Either.Either<Credential, InvalidCredential> => {
  let payload: unknown
  try {
    payload = decodeJwt(input)
  } catch {
    return fail("MalformedPublicToken", input)
  }
  if (typeof payload !== "object" || payload === null || (payload as { pub?: unknown }).pub !== true)
    return fail("NotPublicToken", input)
  const claims = decodeClaims(payload)
  if (Either.isLeft(claims)) return fail("MalformedPublicToken", input)
  const { sub, scopes, otu, exp } = claims.right
  return Either.right(
    PublicAccessTokenClass.make({
      token: Redacted.make(input),
      environmentId: sub,
      scopes,
      oneTimeUse: otu === true,
      expiresAt: exp
    })
  )
}

/**
 * Parses a credential string; the prefix decides the kind. Fails with a typed `InvalidCredential` whose
 * `reason` says what is wrong (and whose message never contains the secret).
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * // Effect<PersonalAccessToken, InvalidCredential>
 * const pat = Credential.parse("tr_pat_abcdefghijklmnopqrstuvwx")
 * // Effect<Credential, InvalidCredential>
 * const fromEnv = Credential.parse(process.env["TRIGGER_SECRET_KEY"] ?? "")
 * ```
 */
export const parse = <const S extends string>(input: S): Effect.Effect<FromString<S>, InvalidCredential> =>
  decodeRemembered(input) as Either.Either<FromString<S>, InvalidCredential>

/**
 * Parses a credential string and throws `InvalidCredential` when it is not one.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 *
 * const key = Credential.unsafeParse("tr_dev_abcdefghijklmnopqrstuvwx") // SecretKey
 * ```
 */
export const unsafeParse = <const S extends string>(input: S): FromString<S> =>
  Either.getOrThrowWith(decodeRemembered(input), (error) => error) as FromString<S>

/** Parses a credential string to an `Either`, for synchronous code that prefers values to throws. */
export const parseEither = (input: string): Either.Either<Credential, InvalidCredential> =>
  decodeRemembered(input)

/**
 * A schema from the credential string to the tagged credential. Decoding validates; encoding gives the
 * string back (for sending it, never for printing it).
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 * import { Schema } from "effect"
 *
 * const Settings = Schema.Struct({ key: Credential.CredentialFromString })
 * ```
 */
export const CredentialFromString: Schema.Schema<Credential, string> = Schema.transformOrFail(
  Schema.String,
  Schema.typeSchema(Credential),
  {
    strict: true,
    decode: (input, _options, ast) =>
      Either.mapLeft(
        decodeRemembered(input),
        (error) => new ParseResult.Type(ast, error.length, error.message)
      ),
    encode: (credential) => ParseResult.succeed(Redacted.value(credential.token))
  }
).annotations({ identifier: "CredentialFromString" })

/** Whether a value is a parsed `SecretKey`. */
export const isSecretKey = (u: unknown): u is SecretKey => u instanceof SecretKey

/** Whether a value is a parsed `PersonalAccessToken`. */
export const isPersonalAccessToken = (u: unknown): u is PersonalAccessToken =>
  u instanceof PersonalAccessToken

/** Whether a value is a parsed public access token. */
export const isPublicAccessToken = (u: unknown): u is PublicAccessToken => u instanceof PublicAccessTokenClass

/** Whether a value is a parsed credential of any kind. */
export const isCredential = (u: unknown): u is Credential =>
  isSecretKey(u) || isPersonalAccessToken(u) || isPublicAccessToken(u)

/**
 * Narrows a credential to one kind at run time, failing with `CapabilityError` otherwise.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function* () {
 *   const any = yield* Credential.parse(process.env["TRIGGER_SECRET_KEY"] ?? "")
 *   const key = yield* Credential.refine(any, "SecretKey") // SecretKey
 *   return key.environment
 * })
 * ```
 */
export const refine = <K extends Kind>(
  credential: Credential,
  kind: K
): Effect.Effect<OfKind<K>, CapabilityError> =>
  isKind(credential, kind)
    ? Effect.succeed(credential)
    : Effect.fail(
        new CapabilityError({ endpoint: "Credential.refine", accepts: [kind], actual: credential._tag })
      )

/** Whether a credential is of the given kind (a type guard). */
export const isKind = <K extends Kind>(credential: Credential, kind: K): credential is OfKind<K> =>
  credential._tag === kind

/** A short, stable, non-reversible fingerprint of a credential (for logs and request records). */
export const fingerprint = (credential: Credential): string => {
  // FNV-1a, 32 bits, twice with different seeds: enough to tell credentials apart in a log, not a secret hash.
  const text = Redacted.value(credential.token)
  let a = 0x811c9dc5
  let b = 0x01000193 ^ text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193) >>> 0
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0
  }
  return `${safePrefix(text)}${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0").slice(0, 4)}`
}
