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
import { Effect, Either, ParseResult, Redacted, Schema } from "effect"
import { CapabilityError, InvalidCredential, type InvalidCredentialReason } from "./Errors.js"

/** The environments a SecretKey can belong to. */
export const Environment = Schema.Literal("dev", "staging", "prod", "preview")
/** @see Environment */
export type Environment = typeof Environment.Type

/** The two credential kinds, by tag. */
export const Kind = Schema.Literal("SecretKey", "PersonalAccessToken")
/** @see Kind */
export type Kind = typeof Kind.Type

/** Every kind, for runtime checks that need the full list. */
export const kinds: ReadonlyArray<Kind> = Kind.literals

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

/** Either kind of credential, as a schema of the tagged values. */
export const Credential = Schema.Union(SecretKey, PersonalAccessToken)
/** @see Credential */
export type Credential = SecretKey | PersonalAccessToken

/** The credential type of one kind: `OfKind<"SecretKey">` is `SecretKey`. */
export type OfKind<K extends Kind> = Extract<Credential, { readonly _tag: K }>

/** Environment prefixes as they appear in keys. */
const environmentByPrefix: Readonly<Record<string, Environment>> = {
  dev: "dev",
  stg: "staging",
  prod: "prod",
  preview: "preview"
}

/** Longest credential accepted (see docs/reference/credentials.md). */
export const maxLength = 512

/**
 * Fewest letters and digits after the prefix, per key shape (see docs/reference/credentials.md):
 * - root secret keys (`tr_<env>_…`) had 20 until August 2026 and have 24 since; no migration rewrote the
 *   old ones, so most environments still hold a 20-character key, and 20 is the floor;
 * - additional secret keys (`tr_<env>_sk_…`) have always had 24;
 * - personal access tokens (`tr_pat_…`) have 40; 20 is accepted, as for root keys.
 */
export const minBodyLength = {
  rootSecretKey: 20,
  additionalSecretKey: 24,
  personalAccessToken: 20
} as const

/**
 * The kind a credential string has, statically: a `"tr_pat_…"` literal is a `"PersonalAccessToken"`, a
 * `"tr_prod_…"` literal a `"SecretKey"`, a plain `string` either kind, and a literal with no known prefix
 * `never` (it cannot parse).
 *
 * @example
 * ```ts
 * import type { Credential } from "@authctx/core"
 *
 * type K = Credential.KindOf<"tr_pat_abc">  // "PersonalAccessToken"
 * ```
 */
export type KindOf<S extends string> = string extends S
  ? Kind
  : S extends `tr_pat_${string}`
    ? "PersonalAccessToken"
    : S extends `tr_${"dev" | "stg" | "prod" | "preview"}_${string}`
      ? "SecretKey"
      : never

/** The credential type a string parses to, statically (see {@link KindOf}). */
export type FromString<S extends string> = OfKind<KindOf<S>>

/** The prefix of a credential string that is safe to show (never any of the secret part). */
export const safePrefix = (input: string): string =>
  /^tr_(?:dev|stg|prod|preview|pat)_(?:sk_)?/.exec(input)?.[0] ?? ""

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
  if (input.length > maxLength) return fail("TooLong", input)
  if (input.trim().length === 0) return fail("Blank", input)
  if (/[\r\n]/.test(input)) return fail("LineBreak", input)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  if (/[\u0000-\u001f\u007f]/.test(input)) return fail("ControlCharacter", input)
  if (/^bearer\s/i.test(input.trimStart())) return fail("BearerScheme", input)
  if (input.trim() !== input) return fail("SurroundingWhitespace", input)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is ASCII
  if (!/^[\u0000-\u007f]*$/.test(input)) return fail("NonAscii", input)
  if (/\s/.test(input)) return fail("InvalidCharacters", input)

  const pat = /^tr_pat_(.*)$/s.exec(input)
  if (pat) {
    const problem = bodyIsValid(pat[1] ?? "", minBodyLength.personalAccessToken)
    return problem
      ? fail(problem, input)
      : Either.right(PersonalAccessToken.make({ token: Redacted.make(input) }, validated))
  }
  const key = /^tr_(dev|stg|prod|preview)_(sk_)?(.*)$/s.exec(input)
  const environment = key ? environmentByPrefix[key[1] ?? ""] : undefined
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
  return fail("UnknownPrefix", input)
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
  decodeString(input) as Either.Either<FromString<S>, InvalidCredential>

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
  Either.getOrThrowWith(decodeString(input), (error) => error) as FromString<S>

/** Parses a credential string to an `Either`, for synchronous code that prefers values to throws. */
export const parseEither = (input: string): Either.Either<Credential, InvalidCredential> =>
  decodeString(input)

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
      Either.mapLeft(decodeString(input), (error) => new ParseResult.Type(ast, error.length, error.message)),
    encode: (credential) => ParseResult.succeed(Redacted.value(credential.token))
  }
).annotations({ identifier: "CredentialFromString" })

/** Whether a value is a parsed `SecretKey`. */
export const isSecretKey = (u: unknown): u is SecretKey => u instanceof SecretKey

/** Whether a value is a parsed `PersonalAccessToken`. */
export const isPersonalAccessToken = (u: unknown): u is PersonalAccessToken =>
  u instanceof PersonalAccessToken

/** Whether a value is a parsed credential of either kind. */
export const isCredential = (u: unknown): u is Credential => isSecretKey(u) || isPersonalAccessToken(u)

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
