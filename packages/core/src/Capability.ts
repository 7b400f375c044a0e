/**
 * Endpoint capabilities: which credential kinds an endpoint accepts, as a type-level requirement and as a
 * runtime check, both derived from one declaration.
 *
 * A call to an endpoint that accepts only a SecretKey is an `Effect` whose `R` contains
 * `Requires<"runs.retrieve", "SecretKey">`. Providing auth discharges it:
 * - `Auth.withAuth(config)` and `Auth.provide(layer)` remove every requirement the configured kind satisfies
 *   and turn every other into `NotAccepted<endpoint, kind, accepts>`, which nothing provides, so running
 *   the program does not compile;
 * - a layer from `Auth.layer(config)` given to `Effect.provide` removes the requirements its kind satisfies
 *   (at the program's edge; docs/concepts.md "The soundness rule").
 *
 * @example
 * ```ts
 * import { Auth, Capability } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const RetrieveRun = Capability.make("runs.retrieve", ["SecretKey"])
 *
 * // Effect<string, CapabilityError | MissingCredential, Requires<"runs.retrieve", "SecretKey">>
 * const retrieve = Capability.authorize(RetrieveRun).pipe(Effect.map((auth) => auth.credential.environment))
 *
 * // compiles: a SecretKey satisfies the requirement
 * Effect.runPromise(retrieve.pipe(Auth.withAuth({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" })))
 * ```
 */
import * as Effect from "effect/Effect"
import { type AuthContext, CurrentAuth } from "./Auth.js"
import type { Credential, Grants, KeyKind, Kind, OfKind, PublicKinds } from "./Credential.js"
import type { CapabilityError, MissingCredential } from "./Errors.js"
import { check, scopeRefusal as internalScopeRefusal } from "./internal/capability.js"

declare const SatisfiesTypeId: unique symbol
declare const EndpointTypeId: unique symbol
declare const NeedsAuthTypeId: unique symbol
declare const NotAcceptedTypeId: unique symbol

/**
 * What a provider of auth of kind `K` discharges. The kind sits in a contravariant position, so
 * `Satisfies<"SecretKey">` is a supertype of every `RequiresKind<E, Ks>` whose `Ks` include `"SecretKey"`,
 * and `Satisfies<Kind>` (a credential of statically unknown kind) only of those that accept every kind.
 */
export interface Satisfies<in K extends Kind> {
  readonly [SatisfiesTypeId]: (kind: K) => void
}

/**
 * The kind half of a call's requirement: endpoint `Endpoint` accepts the kinds `Kinds`. A phantom: it is
 * never in a runtime context; it lives in `R` only, until auth of an accepted kind is provided.
 */
export interface RequiresKind<out Endpoint extends string, in Kinds extends Kind> extends Satisfies<Kinds> {
  readonly [EndpointTypeId]: Endpoint
}

/**
 * The scope half of a call's requirement: the call still reads `CurrentAuth` from its surroundings. It is a
 * `CurrentAuth`, so every provider of `CurrentAuth` removes it — `withAuth`, a layer, `Layer.provide`, an
 * `Effect.Service`'s dependencies, `Stream.provideSomeLayer`, `Effect.provideService(CurrentAuth, …)` —
 * whether or not it knows the credential's kind. `withAuth` reads its absence: a `RequiresKind` without its
 * `NeedsAuth` was provided for inside, by a provider that did not satisfy it, so no outer credential may.
 */
export interface NeedsAuth<out Endpoint extends string> extends CurrentAuth {
  readonly [NeedsAuthTypeId]: Endpoint
}

/**
 * The requirement of a call to endpoint `Endpoint`, which accepts the kinds `Kinds`: its kind half and its
 * scope half (see {@link RequiresKind}, {@link NeedsAuth}).
 */
export type Requires<Endpoint extends string, Kinds extends Kind> =
  | RequiresKind<Endpoint, Kinds>
  | NeedsAuth<Endpoint>

/**
 * What `withAuth` leaves in `R` for a call to `Endpoint`, which accepts `Accepts`, under a credential of
 * kind `Given`. Nothing provides it, so `Effect.runPromise` on such a program fails to compile with
 * `Type 'NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'`.
 */
export interface NotAccepted<out Endpoint extends string, out Given extends Kind, out Accepts extends Kind> {
  readonly [NotAcceptedTypeId]: {
    readonly endpoint: Endpoint
    readonly given: Given
    readonly accepts: Accepts
  }
}

/** What to do when a credential of unknown kind meets an endpoint that accepts one kind only. */
export type NarrowHint<Accepts extends Kind> = Accepts extends "SecretKey"
  ? "narrow it with Auth.requireSecretKey"
  : "narrow it with Auth.requirePersonalAccessToken"

/**
 * What `withAuth` leaves in `R` for a call to `Endpoint`, which accepts `Accepts` only, under a credential
 * whose kind is not known statically (a `string`, a `Redacted`, a branded or `` `tr_${string}` `` token, a
 * union of configurations). Nothing provides it; `Hint` says what to do.
 */
export interface KindNotKnown<
  out Endpoint extends string,
  out Accepts extends Kind,
  out Hint extends string
> {
  readonly [NotAcceptedTypeId]: {
    readonly endpoint: Endpoint
    readonly accepts: Accepts
    readonly hint: Hint
  }
}

/**
 * What `withAuth` leaves in `R` for a call to `Endpoint` whose auth was already provided inside it by a
 * provider that did not satisfy it (`Effect.provide(Auth.layer(…))`, `Effect.provideService(CurrentAuth, …)`,
 * …): at run time that inner auth is what the call uses, so the outer credential cannot satisfy it.
 */
export interface ProvidedInside<
  out Endpoint extends string,
  out Hint extends
    string = "auth was provided inside this withAuth; provide it with Auth.withAuth or Auth.provide"
> {
  readonly [NotAcceptedTypeId]: { readonly endpoint: Endpoint; readonly hint: Hint }
}

/**
 * What `withAuth` leaves in `R` for a call to `Endpoint` under a public access token whose scopes cover
 * none of the route's abilities `Needed` (`"trigger:tasks:{taskId}"`; `{param}` is the call's path
 * parameter). Nothing provides it; `Hint` says what to do.
 */
export interface ScopeMissing<
  out Endpoint extends string,
  out Needed extends string,
  out Hint extends
    string = "mint the token with one of these scopes, or narrow it with PublicToken.narrow(token, scopes)"
> {
  readonly [NotAcceptedTypeId]: {
    readonly endpoint: Endpoint
    readonly missingScope: Needed
    readonly hint: Hint
  }
}

/** The abilities of a route's public-token alternatives (`never` when the route refuses public tokens). */
export type PublicAbilities<Accepts extends Kind> = Accepts extends Grants<infer A> ? A : never

/** The kinds of a route's accepted kinds as a message shows them: its public alternatives as one name. */
export type ShownKinds<Accepts extends Kind> = Accepts extends "PublicAccessToken"
  ? "PublicAccessToken"
  : Accepts

/** The refusal for a requirement `K` does not satisfy. */
type Refusal<Endpoint extends string, K extends Kind, Accepts extends Kind> = [KeyKind] extends [K]
  ? KindNotKnown<
      Endpoint,
      Exclude<Accepts, "PublicAccessToken">,
      NarrowHint<Exclude<Accepts, "PublicAccessToken">>
    >
  : [K] extends ["PublicAccessToken"]
    ? [PublicAbilities<Accepts>] extends [never]
      ? NotAccepted<Endpoint, "PublicAccessToken", ShownKinds<Accepts>>
      : ScopeMissing<Endpoint, PublicAbilities<Accepts>>
    : NotAccepted<Endpoint, K, Exclude<Accepts, "PublicAccessToken">>

/**
 * The `R` of an effect after a scope with a credential of kind `K` is provided around it (`All` is the
 * whole `R`, for the scope half's lookup): requirements that `K` satisfies are gone, the others become
 * `NotAccepted` (or `KindNotKnown` when `K` is every kind), a requirement provided for inside becomes
 * `ProvidedInside`, `CurrentAuth` is provided, and every other requirement is left as it was.
 *
 * For a generic `R` it stays deferred and is assignable neither to `R` nor to `Exclude<R, CurrentAuth>`,
 * so a generic helper around `withAuth` must say `Auth.Provided<R, K>` (or this type) in its signature.
 */
export type Discharge<R, K extends Kind, All = R> =
  R extends RequiresKind<infer Endpoint, infer Kinds>
    ? [NeedsAuth<Endpoint>] extends [Extract<All, NeedsAuth<string>>]
      ? R extends Satisfies<K>
        ? never
        : Refusal<Endpoint, K, Kinds>
      : ProvidedInside<Endpoint>
    : R extends CurrentAuth
      ? never
      : R

/**
 * An endpoint's declaration: its name and the credential kinds it accepts.
 *
 * @example
 * ```ts
 * import { Capability } from "@authctx/core"
 *
 * const ListEnvVars = Capability.make("envvars.list", ["SecretKey", "PersonalAccessToken"])
 * ```
 */
export interface Capability<out Name extends string, out Kinds extends Kind> {
  readonly name: Name
  readonly accepts: ReadonlyArray<Kinds>
  /**
   * On an endpoint public access tokens may call: the abilities any one of which admits a token
   * (`read:runs:{runId}`, `{param}` a path parameter). See {@link withPublicTokens}.
   */
  readonly publicTokenScopes?: ReadonlyArray<string> | undefined
}

/** The `R` requirement of a call to the endpoint a capability declares. */
export type RequirementOf<C> =
  C extends Capability<infer Name, infer Kinds>
    ? [Kinds] extends [never]
      ? never
      : Requires<Name, Kinds>
    : never

/**
 * Declares an endpoint's accepted kinds.
 *
 * @example
 * ```ts
 * import { Capability } from "@authctx/core"
 *
 * const ProjectRuns = Capability.make("runs.list(project)", ["PersonalAccessToken"])
 * ```
 */
export const make = <const Name extends string, const Kinds extends Kind>(
  name: Name,
  accepts: readonly [Kinds, ...Array<Kinds>]
): Capability<Name, Kinds> => ({ name, accepts })

/**
 * Lets public access tokens call an endpoint: any one of `scopes` admits a token (the server's grammar:
 * `read:runs:{runId}` needs `read:runs:<the runId>`, `read:runs`, `read:all`, `*:runs` or `admin`). Each
 * ability is kept as a literal type, so a token whose scopes cover none of them does not compile
 * ({@link ScopeMissing}); the run-time pre-check ({@link scopeRefusal}) fills in the path parameters. An
 * empty list admits any token of the environment.
 *
 * @example
 * ```ts
 * import { Capability } from "@authctx/core"
 *
 * const Retrieve = Capability.withPublicTokens(Capability.make("runs.retrieve", ["SecretKey"]), ["read:runs:{runId}"])
 * ```
 */
export const withPublicTokens = <
  Name extends string,
  Kinds extends Kind,
  const Scopes extends ReadonlyArray<string>
>(
  capability: Capability<Name, Kinds>,
  scopes: Scopes
): Capability<Name, Kinds | PublicKinds<Scopes[number]>> => ({
  // `accepts` keeps the key kinds (the tables of accepted kinds); `publicTokenScopes` admits tokens.
  name: capability.name,
  accepts: capability.accepts,
  publicTokenScopes: scopes
})

/**
 * The run-time pre-check of a public access token's scopes against an endpoint (with the call's path
 * parameters): a `CapabilityError` naming the scopes it lacks, or `undefined` when the call may be sent
 * (or the credential is not a public token). An ability on a property of the resource only the server can
 * look up (`read:tasks:{task}` on `runs.retrieve`) passes when the token has that action on that type.
 *
 * @example
 * ```ts
 * import { Capability, Credential } from "@authctx/core"
 *
 * declare const token: Credential.PublicAccessToken
 * const Retrieve = Capability.withPublicTokens(Capability.make("runs.retrieve", ["SecretKey"]), ["read:runs:{runId}"])
 * Capability.scopeRefusal(Retrieve, token, { runId: "run_1" }) // undefined when the token may read run_1
 * ```
 */
export const scopeRefusal: (
  capability: Capability<string, Kind>,
  credential: Credential,
  path?: Readonly<Record<string, string>> | undefined
) => CapabilityError | undefined = internalScopeRefusal

/**
 * Declares an endpoint that needs no credential (the server authenticates nothing there, as on
 * `GET /api/v1/timezones`): it accepts no kind, and its requirement ({@link RequirementOf}) is `never`, so
 * a call to it compiles and runs without any `withAuth`, and under any credential kind.
 *
 * @example
 * ```ts
 * import { Capability } from "@authctx/core"
 *
 * const Timezones = Capability.open("schedules.timezones")
 * Capability.needsCredential(Timezones) // false
 * ```
 */
export const open = <const Name extends string>(name: Name): Capability<Name, never> => ({
  name,
  accepts: []
})

/**
 * Whether calling the endpoint needs a credential: false only for an {@link open} capability.
 *
 * @example
 * ```ts
 * import { Capability } from "@authctx/core"
 *
 * Capability.needsCredential(Capability.make("runs.retrieve", ["SecretKey"])) // true
 * ```
 */
export const needsCredential = (capability: Capability<string, Kind>): boolean =>
  capability.accepts.length > 0

/**
 * Whether an endpoint accepts a credential kind (the runtime half of the declaration): a public access
 * token where the endpoint has `publicTokenScopes` (its scopes are checked by {@link scopeRefusal}).
 */
export const accepts = <Kinds extends Kind>(
  capability: Capability<string, Kinds>,
  kind: Kind
): kind is Kinds =>
  (capability.accepts as ReadonlyArray<Kind>).includes(kind) ||
  (kind === "PublicAccessToken" && capability.publicTokenScopes !== undefined)

/** Whether an endpoint accepts a credential (a type guard on the credential). */
export const acceptsCredential = <Kinds extends Kind>(
  capability: Capability<string, Kinds>,
  credential: Credential
): credential is OfKind<Kinds> => accepts(capability, credential._tag)

/**
 * Reads the current auth and checks that the endpoint accepts its credential, before anything is sent.
 * Its `R` is the endpoint's requirement, so only a program that provides an accepted kind compiles; the
 * runtime check is the second line, for code that bypassed the types.
 *
 * @example
 * ```ts
 * import { Capability } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const Trigger = Capability.make("tasks.trigger", ["SecretKey"])
 * const program = Effect.gen(function* () {
 *   const auth = yield* Capability.authorize(Trigger)
 *   return auth.credential.environment // auth.credential is a SecretKey here
 * })
 * ```
 */
export const authorize = <Name extends string, Kinds extends Kind>(
  capability: Capability<Name, Kinds>,
  path?: Readonly<Record<string, string>> | undefined
): Effect.Effect<AuthContext<Kinds>, CapabilityError | MissingCredential, Requires<Name, Kinds>> =>
  Effect.flatMap(Effect.serviceOption(CurrentAuth), (auth) => check(capability, auth, path))
