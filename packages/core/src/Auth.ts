/**
 * The current auth context — credential, API base URL, preview branch — as an Effect service, and the ways
 * to provide it: a layer for a whole program, `withAuth` for one sub-effect and everything it forks.
 *
 * There is no global here: the context lives in the fiber's `Context`, so concurrent fibers with different
 * credentials never see each other's.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const whoAmI = Auth.current.pipe(Effect.map((auth) => auth.credential._tag))
 *
 * const program = whoAmI.pipe(Auth.withAuth({ accessToken: "tr_pat_abcdefghijklmnopqrstuvwx" }))
 * ```
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type { Discharge, Requires, Satisfies } from "./Capability.js"
import * as Credential from "./Credential.js"
import { CapabilityError, InvalidAuthConfig, type InvalidCredential, MissingCredential } from "./Errors.js"
import {
  CurrentAuth,
  type UnderAuth as InternalUnderAuth,
  runUnderAuth as internalRunUnderAuth,
  widen as internalWiden,
  provideAuth,
  provideBuilt,
  withUnderAuth
} from "./internal/auth.js"
import { rememberRight } from "./internal/remembered.js"
import * as variables from "./internal/variables.js"

/** The default management API base URL. */
export const defaultBaseURL = "https://api.trigger.dev"

/**
 * A built, validated auth context. `K` narrows the credential's kind where it is known.
 */
export interface AuthContext<K extends Credential.Kind = Credential.Kind> {
  readonly credential: Credential.OfKind<K>
  /** The API base URL, without a trailing slash. */
  readonly baseURL: string
  /** The preview branch, sent as `x-trigger-branch` to the preview environment only ({@link branchFor}). */
  readonly previewBranch: string | undefined
  /**
   * The dev branch, sent as `x-trigger-branch` to the dev environment only; without one, calls to dev act on
   * the root dev environment. docs/reference/headers-and-branches.md.
   */
  readonly devBranch: string | undefined
}

/**
 * The service holding the current auth context. Read it with {@link current}; provide it with
 * {@link layer}, {@link layerConfig} or {@link withAuth}.
 */
export { CurrentAuth } from "./internal/auth.js"

/**
 * The key of an effect's own way of running under a given auth context, for effects that read the auth
 * once and can take it as an argument (a call of `@authctx/client` does): `withAuth`, `provideContext`
 * and the narrowing functions give it the context directly instead of swapping the fiber's context
 * around it (`Effect.provideService`, which costs a fiber-ref swap in an uninterruptible region on every
 * run; docs/decisions/0031-effect-call-path.md). `effect[runUnderAuth](auth)` must behave exactly as
 * `Effect.provideService(effect, CurrentAuth, auth)`. The scopes of `withAuth` have one too (nested
 * scopes cost one step each).
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const scoped = Auth.current.pipe(Auth.withAuth({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" }))
 * const runsUnderAuth = Auth.runUnderAuth in scoped // true
 * ```
 */
export const runUnderAuth: typeof internalRunUnderAuth = internalRunUnderAuth

/** What an effect's `[runUnderAuth]` member is: the effect, run under the auth it is given. */
export type UnderAuth = InternalUnderAuth

/** A credential as a user passes it: a string, a `Redacted` string, or an already parsed credential. */
export type CredentialInput = string | Redacted.Redacted<string> | Credential.Credential

/**
 * Auth configuration, as `configure`, `withAuth` and `createClient` take it. Every field is optional and
 * merges over the surrounding context field by field; `secretKey` and `accessToken` are synonyms (the
 * credential's prefix decides its kind, not the option's name).
 */
export interface AuthConfig {
  readonly accessToken?: CredentialInput | undefined
  readonly secretKey?: CredentialInput | undefined
  readonly baseURL?: string | undefined
  /** The preview branch (`TRIGGER_PREVIEW_BRANCH`, then `VERCEL_GIT_COMMIT_REF`, when not given). */
  readonly previewBranch?: string | undefined
  /** The dev branch (`TRIGGER_DEV_BRANCH`, when not given). */
  readonly devBranch?: string | undefined
}

/** The errors building an auth context can give. */
export type AuthError = InvalidCredential | MissingCredential | InvalidAuthConfig

/** Marks a configuration that names no credential: the surrounding one is used. */
export type Inherit = "inherit"

/**
 * The credential kind of one input, statically (a string's through `Credential.KindOf`). A `Redacted`
 * has an unknown kind: both.
 */
export type KindOfInput<I> = I extends string
  ? Exclude<Credential.KindOf<I>, "PublicAccessToken">
  : I extends Credential.PublicAccessTokenClass
    ? Credential.PublicKindOf<I["scopes"]>
    : I extends Credential.Credential
      ? I["_tag"]
      : I extends undefined
        ? Inherit
        : Credential.KeyKind

type FieldKind<C, F extends "accessToken" | "secretKey", Else> = F extends keyof C
  ? undefined extends C[F]
    ? KindOfInput<Exclude<C[F], undefined>> | Else
    : KindOfInput<C[F]>
  : Else

/**
 * The credential kind a configuration provides, statically: the kind of its `accessToken` (or
 * `secretKey`), or {@link Inherit} when it names none. A union of configurations gives the union of their
 * kinds (each member is read on its own: a union's `keyof` has only the keys every member has).
 */
export type KindOfConfig<C> = C extends unknown
  ? FieldKind<C, "accessToken", FieldKind<C, "secretKey", Inherit>>
  : never

/** The kind a configuration's scope provides to the calls inside it; a maybe-inherited one is unknown. */
export type ScopeKind<C> = Extract<
  Inherit extends KindOfConfig<C>
    ? [Exclude<KindOfConfig<C>, Inherit>] extends [never]
      ? never
      : Credential.KeyKind
    : KindOfConfig<C>,
  Credential.Kind
>

/**
 * The `R` of an effect wrapped in `withAuth(config)`: with a credential, every auth requirement is
 * discharged (see `Capability.Discharge`); without one, the surrounding auth must satisfy them.
 */
export type WithAuthR<R, C> = [KindOfConfig<C>] extends [Inherit] ? R : Discharge<R, ScopeKind<C>>

/**
 * The `R` of an effect after auth of kind `K` is provided around it by {@link withAuth} or
 * {@link provide}: `Capability.Discharge`. The signature a generic helper around them must have; the
 * idiomatic `Exclude<R, CurrentAuth>` does not compile, because it would forget the refused calls.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import type { Effect } from "effect"
 *
 * const asTenant = <A, E, R>(
 *   self: Effect.Effect<A, E, R>
 * ): Effect.Effect<A, E | Auth.AuthError, Auth.Provided<R, "PersonalAccessToken">> =>
 *   self.pipe(Auth.withAuth({ accessToken: "tr_pat_abcdefghijklmnopqrstuvwx" }))
 * ```
 */
export type Provided<R, K extends Credential.Kind> = Discharge<R, K>

/**
 * The kind a layer built from `C` provides: its credential's (a missing one fails the layer, so it adds no
 * kind).
 */
export type LayerKind<C> = Exclude<KindOfConfig<C>, Inherit>

/**
 * What `Auth.layer` asks of a configuration that names no credential: it would always fail with
 * `MissingCredential`, and must not satisfy any endpoint.
 */
export interface LayerNeedsACredential {
  readonly accessToken: "Auth.layer needs a credential: pass accessToken (or use Auth.layerConfig())"
}

/**
 * The environment variables auth reads, each named once (the one definition of the `TRIGGER_*` names:
 * import it rather than spelling a name). docs/reference/headers-and-branches.md says which branch each
 * one gives and where it is sent.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 *
 * const key = process.env[Auth.environmentVariables.secretKey] // TRIGGER_SECRET_KEY
 * ```
 */
export const environmentVariables: typeof variables.environmentVariables = variables.environmentVariables

/** The `TRIGGER_DEV_BRANCH` value that means the root dev environment: no branch. */
export const defaultDevBranch: typeof variables.defaultDevBranch = variables.defaultDevBranch

/**
 * The preview branch the environment variables name, in the official SDK's order:
 * `TRIGGER_PREVIEW_BRANCH`, then `VERCEL_GIT_COMMIT_REF`. `read` returns `undefined` for a variable that is
 * unset or empty.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 *
 * const branch = Auth.previewBranchFromEnvironment((name) => process.env[name] || undefined)
 * ```
 */
export const previewBranchFromEnvironment = (
  read: (name: string) => string | undefined
): string | undefined => read(environmentVariables.previewBranch) ?? read(environmentVariables.vercelBranch)

/**
 * The dev branch the environment variables name: `TRIGGER_DEV_BRANCH`, whose `"default"` means the root
 * dev environment (no branch), as the official SDK reads it.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 *
 * const branch = Auth.devBranchFromEnvironment((name) => process.env[name] || undefined)
 * ```
 */
export const devBranchFromEnvironment = (read: (name: string) => string | undefined): string | undefined => {
  const branch = read(environmentVariables.devBranch)
  return branch === defaultDevBranch ? undefined : branch
}

/**
 * The `x-trigger-branch` a call to `environment` carries: the preview branch to `preview`, the dev branch
 * to `dev`, nothing elsewhere. `prod` and `staging` have no branches; the server ignores the header there
 * for keys, but a PAT with a branch on `prod` is sent to the preview branch of that name, so it never goes
 * there.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Either } from "effect"
 *
 * const auth = Either.getOrThrow(Auth.make({ accessToken: "tr_pat_abcdefghijklmnopqrstuvwx", previewBranch: "feature-x" }))
 * Auth.branchFor(auth, "preview") // "feature-x"
 * Auth.branchFor(auth, "prod") // undefined
 * ```
 */
export const branchFor = (
  auth: Pick<AuthContext, "previewBranch" | "devBranch">,
  environment: Credential.Environment | undefined
): string | undefined =>
  environment === "preview" ? auth.previewBranch : environment === "dev" ? auth.devBranch : undefined

const branchPattern = /^[A-Za-z0-9._/-]+$/

const toCredential = (
  input: CredentialInput
): Either.Either<Credential.Credential, InvalidCredential | InvalidAuthConfig> => {
  if (Credential.isCredential(input)) return Either.right(input)
  const parsed = Credential.parseEither(Redacted.isRedacted(input) ? Redacted.value(input) : input)
  // A string is statically a secret key or a PAT; a public token's scopes are part of its type, so it is
  // passed parsed (docs/public-tokens.md), never as a string the types cannot see into.
  return Either.isRight(parsed) && parsed.right._tag === "PublicAccessToken"
    ? Either.left(
        new InvalidAuthConfig({
          field: "credential",
          reason:
            "a public access token is passed parsed, so that its scopes are part of its type: pass PublicToken.parse(token) (or a token from createPublicToken) instead of the string"
        })
      )
    : parsed
}

const sameInput = (a: CredentialInput, b: CredentialInput): boolean => {
  const text = (x: CredentialInput) =>
    Credential.isCredential(x) ? Redacted.value(x.token) : Redacted.isRedacted(x) ? Redacted.value(x) : x
  return text(a) === text(b)
}

/**
 * Checks a base URL as auth does (http or https, no user info, no query or fragment) and answers it
 * without a trailing slash.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 *
 * Auth.validateBaseURL("http://127.0.0.1:3030/") // Either.right("http://127.0.0.1:3030")
 * ```
 */
export const validateBaseURL = (input: string): Either.Either<string, InvalidAuthConfig> =>
  validatedBaseURLs(input)

const checkBaseURL = (input: string): Either.Either<string, InvalidAuthConfig> => {
  const invalid = (reason: string) => Either.left(new InvalidAuthConfig({ field: "baseURL", reason }))
  if (!URL.canParse(input)) return invalid("baseURL is not a URL; expected e.g. https://api.trigger.dev")
  const url = new URL(input)
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return invalid(`baseURL must use http or https, not ${url.protocol}`)
  }
  if (url.username || url.password) return invalid("baseURL must not contain a user name or password")
  if (url.search || url.hash) return invalid("baseURL must not have a query or fragment")
  return Either.right(`${url.origin}${url.pathname}`.replace(/\/+$/, ""))
}

/**
 * Base URLs checked lately (64 at most: a program built per call names its `baseURL` every time, and
 * parsing it as a URL is ~1 µs); only the valid ones. A base URL is no secret.
 */
const validatedBaseURLs = rememberRight(64, checkBaseURL)

const validateBranch = (
  field: "previewBranch" | "devBranch",
  branch: string
): Either.Either<string, InvalidAuthConfig> =>
  branch.length > 0 && branch.length <= 256 && branchPattern.test(branch)
    ? Either.right(branch)
    : Either.left(
        new InvalidAuthConfig({
          field,
          reason: `a branch name has 1 to 256 characters from [A-Za-z0-9._/-] (no spaces, CR or LF); check ${
            field === "previewBranch"
              ? `previewBranch, ${environmentVariables.previewBranch} or ${environmentVariables.vercelBranch}`
              : `devBranch or ${environmentVariables.devBranch}`
          }`
        })
      )

/**
 * Builds and validates an auth context from a configuration merged over a surrounding one, field by field.
 * Pure and synchronous; `withAuth`, the layers and the Promise scope all build their context with it.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Either } from "effect"
 *
 * const ctx = Auth.make({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" })
 * if (Either.isRight(ctx)) console.log(ctx.right.baseURL) // "https://api.trigger.dev"
 * ```
 */
export const make = (
  config: AuthConfig,
  surrounding?: AuthContext | undefined,
  searched: ReadonlyArray<string> = ["the auth configuration", "the surrounding scope"]
): Either.Either<AuthContext, AuthError> => {
  // Plain code rather than Either.gen: this runs for every scope that names a credential.
  const { accessToken, secretKey } = config
  if (accessToken !== undefined && secretKey !== undefined && !sameInput(accessToken, secretKey)) {
    return Either.left(
      new InvalidAuthConfig({
        field: "credential",
        reason: "accessToken and secretKey name different credentials; pass only one of them"
      })
    )
  }
  const input = accessToken ?? secretKey
  let credential = surrounding?.credential
  if (input !== undefined) {
    const parsed = toCredential(input)
    if (Either.isLeft(parsed)) return Either.left(parsed.left)
    credential = parsed.right
  }
  if (credential === undefined) return Either.left(new MissingCredential({ searched }))
  let baseURL = surrounding?.baseURL ?? defaultBaseURL
  if (config.baseURL !== undefined) {
    const validated = validateBaseURL(config.baseURL)
    if (Either.isLeft(validated)) return Either.left(validated.left)
    baseURL = validated.right
  }
  const previewBranch = config.previewBranch ?? surrounding?.previewBranch
  const devBranch = config.devBranch ?? surrounding?.devBranch
  // A branch is checked wherever this credential could send it (a PAT may target preview or dev); other
  // keys never send it, so an odd VERCEL_GIT_COMMIT_REF on a production deployment does not stop them.
  const isPat = credential._tag === "PersonalAccessToken"
  const environment = credential._tag === "SecretKey" ? credential.environment : undefined
  if (previewBranch !== undefined && (isPat || environment === "preview")) {
    const validated = validateBranch("previewBranch", previewBranch)
    if (Either.isLeft(validated)) return Either.left(validated.left)
  }
  if (devBranch !== undefined && (isPat || environment === "dev")) {
    const validated = validateBranch("devBranch", devBranch)
    if (Either.isLeft(validated)) return Either.left(validated.left)
  }
  if (
    credential._tag === "SecretKey" &&
    credential.environment === "preview" &&
    previewBranch === undefined
  ) {
    return Either.left(
      new InvalidAuthConfig({
        field: "previewBranch",
        reason: `a tr_preview_ key needs a branch: set previewBranch or ${environmentVariables.previewBranch} (on a Vercel preview deployment, ${environmentVariables.vercelBranch} is used)`
      })
    )
  }
  return Either.right({ credential, baseURL, previewBranch, devBranch })
}

/**
 * @deprecated An internal step, exported by mistake: `AuthScope.runWith` and `AuthScope.bindTo` take an
 * `AuthContext<K>` of any kind, so callers no longer widen it. Kept for one release.
 */
export const widen: <K extends Credential.Kind>(context: AuthContext<K>) => AuthContext = internalWiden

/** Internal: widens a provided effect's `R` to the phantom-aware type computed for it. */
const withRequirements = <A, E, R>(effect: Effect.Effect<A, E, unknown>): Effect.Effect<A, E, R> =>
  effect as Effect.Effect<A, E, R>

/**
 * A layer providing auth built from `config`. Its output also satisfies, at the type level, every endpoint
 * requirement that the credential's kind satisfies. Give it to {@link provide} (or {@link provideStream},
 * {@link provideLayer}), which discharge through the same rule as {@link withAuth}; `Effect.provide` of it
 * is sound only at the program's edge (docs/concepts.md, "The soundness rule"). A configuration without a
 * credential does not compile (it would always fail with `MissingCredential`).
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 *
 * const AuthLive = Auth.layer({ accessToken: "tr_prod_abcdefghijklmnopqrstuvwx" })
 * ```
 */
export const layer = <const C extends AuthConfig>(
  config: C & ([LayerKind<C>] extends [never] ? LayerNeedsACredential : unknown)
): Layer.Layer<CurrentAuth | Satisfies<LayerKind<C>>, AuthError> =>
  withSatisfied<LayerKind<C>, AuthError>(make(config, undefined, ["the Auth.layer configuration"]))

/**
 * Internal: a layer of `CurrentAuth` whose type also says which requirements it satisfies. The
 * `Satisfies` half is a phantom (nothing reads it at run time), hence the one cast.
 */
const withSatisfied = <K extends Credential.Kind, E>(
  build: Effect.Effect<AuthContext, E>
): Layer.Layer<CurrentAuth | Satisfies<K>, E> =>
  Layer.effect(CurrentAuth, build) as Layer.Layer<CurrentAuth | Satisfies<K>, E>

const nonEmpty = <A>(config: Config.Config<Option.Option<A>>, isEmpty: (a: A) => boolean) =>
  Config.map(
    config,
    Option.filter((a) => !isEmpty(a))
  )

/**
 * A layer providing auth from the environment, through Effect `Config`: `TRIGGER_SECRET_KEY`, then
 * `TRIGGER_ACCESS_TOKEN` (both read as `Config.redacted`), `TRIGGER_API_URL`, the preview branch from
 * `TRIGGER_PREVIEW_BRANCH` or `VERCEL_GIT_COMMIT_REF`, the dev branch from `TRIGGER_DEV_BRANCH`.
 * The kind is not known statically, so it satisfies only endpoints that accept every kind until narrowed
 * with {@link requireSecretKey} or {@link requirePersonalAccessToken}.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const program = Auth.current.pipe(Effect.provide(Auth.layerConfig()))
 * ```
 */
export const layerConfig = (): Layer.Layer<
  CurrentAuth | Satisfies<Credential.KeyKind>,
  AuthError | ConfigError.ConfigError
> =>
  withSatisfied<Credential.KeyKind, AuthError | ConfigError.ConfigError>(
    Effect.gen(function* () {
      const names = environmentVariables
      const emptyRedacted = (r: Redacted.Redacted<string>) => Redacted.value(r).length === 0
      const text = (name: string) => nonEmpty(Config.option(Config.string(name)), (s) => s.length === 0)
      const secretKey = yield* nonEmpty(Config.option(Config.redacted(names.secretKey)), emptyRedacted)
      const accessToken = yield* nonEmpty(Config.option(Config.redacted(names.accessToken)), emptyRedacted)
      const baseURL = yield* text(names.baseURL)
      const branches = new Map<string, string | undefined>()
      for (const name of [names.previewBranch, names.vercelBranch, names.devBranch]) {
        branches.set(name, Option.getOrUndefined(yield* text(name)))
      }
      const read = (name: string) => branches.get(name)
      const token = Option.orElse(secretKey, () => accessToken)
      if (Option.isNone(token)) {
        return yield* new MissingCredential({ searched: [names.secretKey, names.accessToken] })
      }
      return yield* make({
        accessToken: token.value,
        baseURL: Option.getOrUndefined(baseURL),
        previewBranch: previewBranchFromEnvironment(read),
        devBranch: devBranchFromEnvironment(read)
      })
    })
  )

/**
 * Runs an effect with auth built from `config` merged over the surrounding auth, field by field; the
 * innermost scope wins. Scoped to that effect and inherited by its forks; nothing global changes.
 *
 * When `config` names a credential, every endpoint requirement inside is discharged: those its kind
 * satisfies disappear from `R`, the others become `NotAccepted<endpoint, kind>`, which nothing outside can
 * provide. Without a credential, the surrounding auth must satisfy them.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const kind = Auth.current.pipe(Effect.map((a) => a.credential._tag))
 *
 * // data-last
 * const a = kind.pipe(Auth.withAuth({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" }))
 * // data-first
 * const b = Auth.withAuth(kind, { accessToken: "tr_pat_abcdefghijklmnopqrstuvwx", previewBranch: "feature-x" })
 * ```
 */
export const withAuth: {
  <const C extends AuthConfig>(
    config: C
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | AuthError, WithAuthR<R, C>>
  <A, E, R, const C extends AuthConfig>(
    self: Effect.Effect<A, E, R>,
    config: C
  ): Effect.Effect<A, E | AuthError, WithAuthR<R, C>>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, config: AuthConfig): Effect.Effect<A, E | AuthError, unknown> => {
    // `make` is pure in (config, surrounding): a program built once and run many times builds its context
    // once per surrounding auth, not on every run (parsing the credential and the URL cost ~10 µs a run)
    let last:
      | {
          readonly surrounding: AuthContext | undefined
          /** The effect under the built context (or its error): an effect is a value, run it again. */
          readonly provided: Effect.Effect<A, E | AuthError, unknown>
        }
      | undefined
    const run = (surrounding: AuthContext | undefined) => {
      if (last === undefined || last.surrounding !== surrounding)
        last = { surrounding, provided: provideBuilt(self, make(config, surrounding)) }
      return last.provided
    }
    // One step reads the surrounding auth; the scope, provided an auth itself, takes it as an argument.
    return withUnderAuth(
      Effect.withFiberRuntime((fiber) =>
        run(Option.getOrUndefined(Context.getOption(fiber.currentContext, CurrentAuth)))
      ),
      run
    )
  }
)

/** A layer of auth whose credential kind is `K` (what {@link layer} and {@link layerConfig} return). */
export type AuthLayer<K extends Credential.Kind, E> = Layer.Layer<CurrentAuth | Satisfies<K>, E>

/**
 * Provides an auth layer to an effect through the same rule as {@link withAuth}: every endpoint
 * requirement inside is discharged — those the layer's kind satisfies disappear, the others become
 * `NotAccepted`, which no outer auth can remove. Use it wherever a layer of auth is provided anywhere
 * but the program's outermost edge.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const kind = Auth.current.pipe(Effect.map((a) => a.credential._tag))
 * const program = kind.pipe(Auth.provide(Auth.layer({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" })))
 * ```
 */
export const provide: {
  <K extends Credential.Kind, E2>(
    layer: AuthLayer<K, E2>
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | E2, Discharge<R, K>>
  <A, E, R, K extends Credential.Kind, E2>(
    self: Effect.Effect<A, E, R>,
    layer: AuthLayer<K, E2>
  ): Effect.Effect<A, E | E2, Discharge<R, K>>
} = dual(2, <A, E, R, E2>(self: Effect.Effect<A, E, R>, layer: Layer.Layer<CurrentAuth, E2>) =>
  withRequirements<A, E | E2, never>(Effect.provide(self, layer))
)

/**
 * {@link provide} for a `Stream`: the layer of auth is built once for the stream, and every endpoint
 * requirement of the stream is discharged as {@link withAuth} does.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Effect, Stream } from "effect"
 *
 * const kinds = Stream.fromEffect(Auth.current.pipe(Effect.map((a) => a.credential._tag)))
 * const stream = kinds.pipe(Auth.provideStream(Auth.layer({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" })))
 * ```
 */
export const provideStream: {
  <K extends Credential.Kind, E2>(
    layer: AuthLayer<K, E2>
  ): <A, E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<A, E | E2, Discharge<R, K>>
  <A, E, R, K extends Credential.Kind, E2>(
    self: Stream.Stream<A, E, R>,
    layer: AuthLayer<K, E2>
  ): Stream.Stream<A, E | E2, Discharge<R, K>>
} = dual(
  2,
  <A, E, R, E2>(self: Stream.Stream<A, E, R>, layer: Layer.Layer<CurrentAuth, E2>) =>
    Stream.provideSomeLayer(self, layer) as Stream.Stream<A, E | E2, never>
)

/**
 * {@link provide} for a layer that needs auth (`Layer.provide`, or an `Effect.Service`'s `Default`): the
 * layer's requirements are discharged as {@link withAuth} does.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Context, Effect, Layer } from "effect"
 *
 * class Kind extends Context.Tag("Kind")<Kind, string>() {}
 * const KindLive = Layer.effect(Kind, Auth.current.pipe(Effect.map((a) => a.credential._tag)))
 * const live = KindLive.pipe(Auth.provideLayer(Auth.layer({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" })))
 * ```
 */
export const provideLayer: {
  <K extends Credential.Kind, E2>(
    layer: AuthLayer<K, E2>
  ): <ROut, E, RIn>(self: Layer.Layer<ROut, E, RIn>) => Layer.Layer<ROut, E | E2, Discharge<RIn, K>>
  <ROut, E, RIn, K extends Credential.Kind, E2>(
    self: Layer.Layer<ROut, E, RIn>,
    layer: AuthLayer<K, E2>
  ): Layer.Layer<ROut, E | E2, Discharge<RIn, K>>
} = dual(
  2,
  <ROut, E, RIn, E2>(self: Layer.Layer<ROut, E, RIn>, layer: Layer.Layer<CurrentAuth, E2>) =>
    Layer.provide(self, layer) as Layer.Layer<ROut, E | E2, never>
)

/**
 * Provides an auth context already at hand (e.g. one `Capability.authorize` or a request handler gave),
 * through the same rule as {@link withAuth}, with the context's kind. The sound form of
 * `Effect.provideService(CurrentAuth, context)`, whose kind the types cannot follow.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const again = (context: Auth.AuthContext<"SecretKey">) =>
 *   Auth.current.pipe(Auth.provideContext(context))
 * ```
 */
export const provideContext: {
  <K extends Credential.Kind>(
    context: AuthContext<K>
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, Discharge<R, K>>
  <A, E, R, K extends Credential.Kind>(
    self: Effect.Effect<A, E, R>,
    context: AuthContext<K>
  ): Effect.Effect<A, E, Discharge<R, K>>
} = dual(2, <A, E, R, K extends Credential.Kind>(self: Effect.Effect<A, E, R>, context: AuthContext<K>) =>
  withRequirements<A, E, never>(provideAuth(self, internalWiden(context)))
)

/**
 * The current auth context, or `MissingCredential` when none is provided.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const baseURL = Auth.current.pipe(Effect.map((auth) => auth.baseURL))
 * ```
 */
export const current: Effect.Effect<AuthContext, MissingCredential> = Effect.flatMap(
  Effect.serviceOption(CurrentAuth),
  Option.match({
    onNone: () => Effect.fail(new MissingCredential({ searched: ["the current Effect context"] })),
    onSome: Effect.succeed
  })
)

const requireKind =
  <K extends Credential.Kind, Name extends string>(kind: K, name: Name) =>
  <A, E, R>(
    self: Effect.Effect<A, E, R>
  ): Effect.Effect<
    A,
    E | CapabilityError | MissingCredential,
    Discharge<R, K> | Requires<Name, Credential.Kind>
  > =>
    withRequirements(
      Effect.flatMap(current, (auth) =>
        provideBuilt(
          self,
          auth.credential._tag === kind
            ? Either.right(auth)
            : Either.left(
                new CapabilityError({ endpoint: name, accepts: [kind], actual: auth.credential._tag })
              )
        )
      )
    )

/**
 * Narrows the current credential to a SecretKey at run time (failing with `CapabilityError` otherwise),
 * so the effect inside may call SecretKey-only endpoints even when the credential's kind was not known
 * statically (e.g. read from the environment).
 *
 * @example
 * ```ts
 * import { Auth, Capability } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const Retrieve = Capability.make("runs.retrieve", ["SecretKey"])
 * const program = Capability.authorize(Retrieve).pipe(Auth.requireSecretKey, Effect.provide(Auth.layerConfig()))
 * ```
 */
export const requireSecretKey: <A, E, R>(
  self: Effect.Effect<A, E, R>
) => Effect.Effect<
  A,
  E | CapabilityError | MissingCredential,
  Discharge<R, "SecretKey"> | Requires<"Auth.requireSecretKey", Credential.Kind>
> = requireKind("SecretKey", "Auth.requireSecretKey")

/**
 * Narrows the current credential to a PersonalAccessToken at run time; see {@link requireSecretKey}.
 */
export const requirePersonalAccessToken: <A, E, R>(
  self: Effect.Effect<A, E, R>
) => Effect.Effect<
  A,
  E | CapabilityError | MissingCredential,
  Discharge<R, "PersonalAccessToken"> | Requires<"Auth.requirePersonalAccessToken", Credential.Kind>
> = requireKind("PersonalAccessToken", "Auth.requirePersonalAccessToken")
