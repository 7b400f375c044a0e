/**
 * Endpoint capabilities: which credential kinds an endpoint accepts, as a type-level requirement and as a
 * runtime check, both derived from one declaration.
 *
 * A call to an endpoint that accepts only a SecretKey is an `Effect` whose `R` contains
 * `Requires<"runs.retrieve", "SecretKey">`. Providing auth discharges it:
 * - `Auth.withAuth(config)` removes every requirement the configured kind satisfies and turns every other
 *   into `NotAccepted<endpoint, kind>`, which nothing provides, so running the program does not compile;
 * - a layer from `Auth.layer(config)` removes the requirements its kind satisfies.
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
import { Effect } from "effect"
import { type AuthContext, CurrentAuth } from "./Auth.js"
import type { Credential, Kind, OfKind } from "./Credential.js"
import type { CapabilityError, MissingCredential } from "./Errors.js"
import { check } from "./internal/capability.js"

declare const SatisfiesTypeId: unique symbol
declare const EndpointTypeId: unique symbol
declare const NotAcceptedTypeId: unique symbol

/**
 * What a provider of auth of kind `K` discharges. The kind sits in a contravariant position, so
 * `Satisfies<"SecretKey">` is a supertype of every `Requires<E, Ks>` whose `Ks` include `"SecretKey"`, and
 * `Satisfies<Kind>` (a credential of statically unknown kind) only of those that accept every kind.
 */
export interface Satisfies<in K extends Kind> {
  readonly [SatisfiesTypeId]: (kind: K) => void
}

/**
 * The requirement of a call to endpoint `Endpoint`, which accepts the kinds `Kinds`. A phantom: it is never
 * in a runtime context; it lives in `R` only, until auth is provided.
 */
export interface Requires<out Endpoint extends string, in Kinds extends Kind> extends Satisfies<Kinds> {
  readonly [EndpointTypeId]: Endpoint
}

/**
 * What `withAuth` leaves in `R` for a call whose endpoint does not accept the scope's credential kind.
 * Nothing provides it, so `Effect.runPromise` on such a program fails to compile with a message like
 * `Type 'NotAccepted<"runs.retrieve", "PersonalAccessToken">' is not assignable to type 'never'`.
 */
export interface NotAccepted<out Endpoint extends string, out K extends Kind> {
  readonly [NotAcceptedTypeId]: { readonly endpoint: Endpoint; readonly kind: K }
}

/**
 * The `R` of an effect after a scope with a credential of kind `K` is provided around it: requirements that
 * `K` satisfies are gone, the others become `NotAccepted`, the `CurrentAuth` service is provided, and every
 * other requirement is left as it was.
 */
export type Discharge<R, K extends Kind> =
  R extends Requires<infer Endpoint, infer Kinds>
    ? [K] extends [Kinds]
      ? never
      : NotAccepted<Endpoint, K>
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
}

/** The `R` requirement of a call to the endpoint a capability declares. */
export type RequirementOf<C> = C extends Capability<infer Name, infer Kinds> ? Requires<Name, Kinds> : never

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

/** Whether an endpoint accepts a credential kind (the runtime half of the declaration). */
export const accepts = <Kinds extends Kind>(
  capability: Capability<string, Kinds>,
  kind: Kind
): kind is Kinds => (capability.accepts as ReadonlyArray<Kind>).includes(kind)

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
  capability: Capability<Name, Kinds>
): Effect.Effect<AuthContext<Kinds>, CapabilityError | MissingCredential, Requires<Name, Kinds>> =>
  Effect.flatMap(Effect.serviceOption(CurrentAuth), (auth) => check(capability, auth))
