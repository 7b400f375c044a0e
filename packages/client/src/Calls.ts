/**
 * The call objects: each namespace (`Tasks`, `Runs`, `Envvars`, `Schedules`) exports its calls as one
 * object, `calls`, and the Promise API (`@authctx/client/promise`: the ambient `runs`, `tasks`, … and the
 * clients of `createClient`) is derived from those objects, by mapped types and one loop. A call carries
 * the catalog capabilities of its routes (so the credential kinds it accepts are known to the types) and
 * its Promise form: the SDK's signature, with the trailing `requestOptions`.
 *
 * Adding an endpoint is: its catalog route, its namespace function and an entry in that namespace's
 * `calls`, its emulator handler, and tests. The Promise surfaces follow.
 *
 * @example
 * ```ts
 * import { Calls, Runs } from "@authctx/client"
 *
 * Runs.calls.retrieve.capabilities[0]?.accepts // ["SecretKey"]
 * type PatRuns = Calls.Methods<typeof Runs.calls, "PersonalAccessToken"> // `retrieve` is a Refused<…>
 * ```
 */
import { type Auth, Capability, type Credential } from "@authctx/core"
import type * as Effect from "effect/Effect"
import { InvalidArgumentsError } from "./Errors.js"
import * as Arguments from "./internal/arguments.js"
import { type AnyRoute, type ManagementClient, map } from "./ManagementClient.js"
import { pagePromise } from "./Page.js"

/**
 * Options of one Promise API call, the last argument of every call (as the SDK's `requestOptions`).
 *
 * @example
 * ```ts
 * import { type RequestOptions, runs } from "@authctx/client/promise"
 *
 * const options: RequestOptions = { signal: AbortSignal.timeout(5_000) }
 * const run = await runs.retrieve("run_1234", options)
 * ```
 */
export interface RequestOptions {
  /**
   * Aborts the call: the request in flight is stopped (its connection closed), no retry follows, and the
   * promise rejects with `signal.reason` (a `DOMException` named `AbortError`, or `TimeoutError` for
   * `AbortSignal.timeout`, unless you gave another reason). An already aborted signal sends nothing.
   */
  readonly signal?: AbortSignal | undefined
}

/** Runs effects to promises under one auth context and one call's request options. */
export type Run = <A>(effect: Effect.Effect<A, unknown, unknown>) => Promise<A>

/**
 * What a call's Promise form runs its effects with: given the call's request options, a {@link Run} bound
 * to the auth a call made now uses (read once: every page of a list uses the auth of its first call).
 * `needsCredential: false` (a call to a `Capability.open` route) runs even when no credential is
 * configured, instead of rejecting with the auth error.
 */
export type Runner = (requestOptions: RequestOptions | undefined, needsCredential?: boolean) => Run

/**
 * One way to call an endpoint, for the credential kinds its route accepts, in the types only: the route's
 * capability name, its kinds, the Promise signature a client of those kinds gets and, optionally, what to
 * do instead when a client of another kind calls it (`Hint`, else the default of {@link Hint}).
 */
export interface Variant<
  out Name extends string,
  out Kinds extends Credential.Kind,
  out F,
  out Instead extends string = never
> {
  readonly name: Name
  readonly kinds: Kinds
  readonly signature: F
  readonly instead: Instead
}

/** Any variant. */
// biome-ignore lint/suspicious/noExplicitAny: the signature is only read back by inference
export type AnyVariant = Variant<string, Credential.Kind, any, string>

declare const VariantsTypeId: unique symbol

/**
 * One call of a namespace: its SDK name, the capabilities of its routes (one per variant: `runs.list` has
 * an environment and a project route), and `promise`, which builds its Promise form (the SDK's signature,
 * `F`) from a {@link Runner}.
 */
export interface Call<out Name extends string, out V extends AnyVariant, out F> {
  /** The SDK call (`runs.retrieve`). */
  readonly name: Name
  /** The capability of each route this call may take, from the catalog. */
  readonly capabilities: ReadonlyArray<Capability.Capability<string, Credential.Kind>>
  /** The Promise form of the call, running its effects with `runner`. */
  readonly promise: (runner: Runner) => F
  /** The variants, in the types only. */
  readonly [VariantsTypeId]?: V
}

/** Any call. */
// biome-ignore lint/suspicious/noExplicitAny: the variants and signature are only read back by inference
export type AnyCall = Call<string, any, any>

/** A namespace's call object. */
export type CallObject = { readonly [name: string]: AnyCall }

/** The Promise signature of a call of `Args` answering `A`: the arguments, then `requestOptions`. */
export type WithRequestOptions<Args extends ReadonlyArray<unknown>, A> = (
  ...args: [...Args, requestOptions?: RequestOptions]
) => A

type CapabilityOf<R extends AnyRoute> = R["capability"]
type NameOf<R extends AnyRoute> = CapabilityOf<R>["name"]
/** The kinds that may call a route; every kind for a route that needs no credential (`Capability.open`). */
type KindsOf<R extends AnyRoute> = [CapabilityOf<R>["accepts"][number]] extends [never]
  ? Credential.Kind
  : CapabilityOf<R>["accepts"][number]

/**
 * A call of one route: the Promise form runs `effect` on the arguments before the request options (its
 * `arity`, checked against the function's parameters), then maps the value with `result` (the SDK's
 * result shape, e.g. a handle whose `publicAccessToken` is a plain string).
 *
 * @example
 * ```ts
 * import { ManagementApi } from "@authctx/api"
 * import { Calls, Runs } from "@authctx/client"
 *
 * const retrieve = Calls.make(ManagementApi.runsRetrieve, Runs.retrieve, 1)
 * ```
 */
export const make = <R extends AnyRoute, const Args extends ReadonlyArray<unknown>, A, E, Req, B = A>(
  route: R,
  effect: (...args: Args) => Effect.Effect<A, E, Req>,
  arity: Required<Args>["length"],
  result?: (value: A) => B
): Call<
  NameOf<R>,
  Variant<NameOf<R>, KindsOf<R>, WithRequestOptions<Args, Promise<B>>, never>,
  WithRequestOptions<Args, Promise<B>>
> => {
  const needsCredential = Capability.needsCredential(route.capability)
  const name = route.capability.name
  const promise = (runner: Runner) => {
    const checked = checkedRunner(name, runner)
    return ((...args: ReadonlyArray<unknown>): Promise<unknown> => {
      const run = checked(args[arity] as RequestOptions | undefined, needsCredential)
      let called: Effect.Effect<unknown, E, Req>
      try {
        called = effect(...(args.slice(0, arity) as unknown as Args))
      } catch (error) {
        // arguments the types rule out (a JavaScript caller's `null` options): a rejection with the typed
        // error, not a synchronous TypeError
        return Promise.reject(Arguments.unreadable(name, error))
      }
      // ManagementClient.map, not Effect.map: a call's effect stays runnable without a fiber
      return run(result === undefined ? called : map(called as Effect.Effect<A, E, Req>, result))
    }) as unknown as WithRequestOptions<Args, Promise<B>>
  }
  return { name, capabilities: [route.capability], promise }
}

/**
 * A call whose Promise form is written out: pages (a `PagePromise` whose pages run through the runner),
 * or one SDK call over several routes (`runs.list`). `F` is its ambient signature; the variants `V` say
 * which signature a client of each kind gets.
 *
 * @example
 * ```ts
 * import { ManagementApi } from "@authctx/api"
 * import { Calls, Schedules } from "@authctx/client"
 *
 * type Count = (requestOptions?: Calls.RequestOptions) => Promise<number>
 * const count = Calls.custom<Calls.Variant<"schedules.list", "SecretKey", Count>>()(
 *   "schedules.list",
 *   [ManagementApi.schedulesList],
 *   (runner): Count => (requestOptions) => runner(requestOptions)(Schedules.list()).then((page) => page.data.length)
 * )
 * ```
 */
export const custom =
  <V extends AnyVariant>() =>
  <const Name extends string, F>(
    name: Name,
    routes: ReadonlyArray<AnyRoute>,
    promise: (runner: Runner) => F
  ): Call<Name, V, F> => ({
    name,
    capabilities: routes.map((route) => route.capability),
    promise: (runner) => guarded(name, promise(checkedRunner(name, runner)))
  })

/** Whether `signal` can be listened to as an `AbortSignal` (one from another realm too). */
const isAbortSignal = (signal: unknown): signal is AbortSignal =>
  signal instanceof AbortSignal ||
  (typeof signal === "object" &&
    signal !== null &&
    typeof (signal as AbortSignal).aborted === "boolean" &&
    typeof (signal as AbortSignal).addEventListener === "function" &&
    typeof (signal as AbortSignal).removeEventListener === "function")

/**
 * The refusal of request options whose `signal` is not an `AbortSignal`, or `undefined` when they can be
 * used. Options that are not an object (`null`, or a stray extra argument) carry no signal and are read
 * as none, as the SDK reads them.
 */
const invalidRequestOptions = (endpoint: string, options: unknown): InvalidArgumentsError | undefined => {
  if (typeof options !== "object" || options === null) return undefined
  const signal = (options as RequestOptions).signal
  return signal === undefined || signal === null || isAbortSignal(signal)
    ? undefined
    : new InvalidArgumentsError({
        endpoint,
        issue:
          "requestOptions.signal must be an AbortSignal (new AbortController().signal, AbortSignal.timeout(ms))"
      })
}

/** `runner`, with request options it cannot use refused with `InvalidArgumentsError` (nothing sent). */
const checkedRunner =
  (endpoint: string, runner: Runner): Runner =>
  (requestOptions, needsCredential) => {
    let refused: InvalidArgumentsError | undefined
    try {
      refused = invalidRequestOptions(endpoint, requestOptions)
    } catch (error) {
      // options whose reading throws (a getter, a Proxy): refused, not thrown at the caller
      refused = Arguments.unreadable(endpoint, error)
    }
    if (refused !== undefined) return () => Promise.reject(refused)
    return runner(requestOptions === null ? undefined : requestOptions, needsCredential)
  }

/**
 * The Promise form of a written-out call, with a synchronous throw while reading its arguments (values the
 * types rule out, from JavaScript) turned into a rejection with `InvalidArgumentsError`, nothing sent. The
 * rejection is a {@link PagePromise} (iterating it rejects too), so a list call's `for await` fails the same.
 */
const guarded = <F>(endpoint: string, f: F): F => {
  if (typeof f !== "function") return f
  return ((...args: ReadonlyArray<unknown>): unknown => {
    try {
      return f(...args)
    } catch (error) {
      return pagePromise(Promise.reject(Arguments.unreadable(endpoint, error)))
    }
  }) as F
}

declare const RefusedTypeId: unique symbol

/**
 * The member a client has for a call its credential kind may not make: not callable, and its type names
 * the endpoint, the kind given, the kind(s) needed and what to do, so the compiler's message says why:
 *
 * ```text
 * This expression is not callable.
 *   Type 'Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">' has no call signatures.
 * ```
 *
 * A call with another route this kind may take (`runs.list`) keeps it, with the refused route as an
 * overload whose parameter is the `Refused` type.
 *
 * @example
 * ```ts
 * import type { Calls } from "@authctx/client"
 *
 * type Why = Calls.Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
 * ```
 */
export interface Refused<
  out Endpoint extends string,
  out Given extends Credential.Kind,
  out Needed extends Credential.Kind,
  out Hint extends string
> {
  readonly [RefusedTypeId]: {
    readonly endpoint: Endpoint
    readonly given: Given
    readonly needed: Needed
    readonly hint: Hint
  }
}

/** What to do when kind `Given` may not call an endpoint that needs `Needed`. */
export type Hint<Given extends Credential.Kind, Needed extends Credential.Kind> = [
  Credential.KeyKind
] extends [Given]
  ? [Credential.KeyKind] extends [Needed]
    ? "narrow first: requireSecretKey() or requirePersonalAccessToken()"
    : Needed extends "SecretKey"
      ? "narrow first: requireSecretKey()"
      : "narrow first: requirePersonalAccessToken()"
  : [Needed] extends ["SecretKey"]
    ? "create the client with a SecretKey"
    : [Needed] extends ["PersonalAccessToken"]
      ? "create the client with a PersonalAccessToken"
      : "create the client with a SecretKey or a PersonalAccessToken"

/**
 * What to do when a request's auth handle of kind `Given` may not run a program that calls an endpoint
 * needing `Needed` (the handle's kind comes from its middleware's `accept`).
 */
export type HandleHint<Given extends Credential.Kind, Needed extends Credential.Kind> = [
  Credential.KeyKind
] extends [Given]
  ? [Needed] extends ["SecretKey"]
    ? "narrow first: if (auth.kind === 'SecretKey')"
    : [Needed] extends ["PersonalAccessToken"]
      ? "narrow first: if (auth.kind === 'PersonalAccessToken')"
      : "narrow first on auth.kind"
  : [Needed] extends ["SecretKey"]
    ? "accept only SecretKeys in the middleware: accept: ['SecretKey']"
    : [Needed] extends ["PersonalAccessToken"]
      ? "accept only personal access tokens in the middleware: accept: ['PersonalAccessToken']"
      : "accept a kind it takes in the middleware"

/**
 * What `run(effect)` of a client (or, with `Where = "handle"`, a request's auth handle) of kind `K` refuses in
 * the program's `R`: each endpoint that does not accept `K` as a {@link Refused} (as a client's methods name
 * it), and any service other than the client and the auth `run` provides. `never` when the program may run.
 */
export type RunRefusals<R, K extends Credential.Kind, Where extends "client" | "handle" = "client"> =
  R extends Capability.RequiresKind<infer Name, infer Kinds>
    ? R extends Capability.Satisfies<K>
      ? never
      : Where extends "handle"
        ? [K] extends ["PublicAccessToken"]
          ? RefusalOf<Name, K, Kinds, never>
          : Refused<
              Name,
              K,
              Exclude<Kinds, "PublicAccessToken">,
              HandleHint<K, Exclude<Kinds, "PublicAccessToken">>
            >
        : RefusalOf<Name, K, Kinds, never>
    : R extends ManagementClient | Auth.CurrentAuth
      ? never
      : R

/**
 * The parameter type of `run` for a program with requirements `R`: the program itself when kind `K` may
 * run it, else the program and its refusals, so the compiler's message ends with them (`Property
 * '[RefusedTypeId]' is missing in type 'Effect<…>' but required in type 'Refused<"runs.retrieve",
 * "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">'`).
 */
export type Runnable<
  A,
  E,
  R,
  K extends Credential.Kind,
  Where extends "client" | "handle" = "client"
> = Effect.Effect<A, E, R> & ([RunRefusals<R, K, Where>] extends [never] ? unknown : RunRefusals<R, K, Where>)

type Accepted<V, K extends Credential.Kind> =
  V extends Variant<string, infer Kinds, infer F, infer _Instead> ? ([K] extends [Kinds] ? F : never) : never

type RefusedOverloads<V, K extends Credential.Kind> =
  V extends Variant<infer Name, infer Kinds, infer _F, infer Instead>
    ? [K] extends [Kinds]
      ? never
      : (refused: RefusalOf<Name, K, Kinds, Instead>, ...rest: ReadonlyArray<unknown>) => never
    : never

type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never

type NeededOf<V> = V extends Variant<string, infer Kinds, infer _F, infer _Instead> ? Kinds : never

/** What a public access token whose scopes cover none of `Abilities` is told. */
export type ScopeHint<Abilities extends string> = [Abilities] extends [never]
  ? "public access tokens may not call this endpoint: use a secret key"
  : `the token's scopes include none of: ${Abilities}; mint it with one, or narrow it with PublicToken.narrow`

/**
 * The refusal of call `Name` (which needs `Needed`) for a client of kind `K`: the kind given and the key
 * kinds needed, or for a public token the scopes it lacks.
 */
type RefusalOf<
  Name extends string,
  K extends Credential.Kind,
  Needed extends Credential.Kind,
  Instead extends string
> = [K] extends ["PublicAccessToken"]
  ? Refused<
      Name,
      "PublicAccessToken",
      Capability.ShownKinds<Needed>,
      ScopeHint<Capability.PublicAbilities<Needed>>
    >
  : Refused<
      Name,
      K,
      Exclude<Needed, "PublicAccessToken">,
      [Instead] extends [never] ? Hint<K, Exclude<Needed, "PublicAccessToken">> : Instead
    >

/**
 * The member a client of kind `K` has for call `C`: its signature when a route of the call accepts `K`
 * (with the refused routes as overloads naming their refusal), else {@link Refused}.
 */
export type Method<C, K extends Credential.Kind> =
  C extends Call<infer Name, infer V, infer _F>
    ? [Accepted<V, K>] extends [never]
      ? RefusalOf<Name, K, NeededOf<V>, never>
      : // the refused overloads first: `Parameters<…>` and hovers read the last, the accepted signature
        Intersect<RefusedOverloads<V, K>> & Intersect<Accepted<V, K>>
    : never

/** The members of a namespace's call object for a client of kind `K` (see {@link Method}). */
export type Methods<O, K extends Credential.Kind> = { readonly [M in keyof O]: Method<O[M], K> }

/** The ambient (kind unknown until run time) Promise form of a call: every call, checked when it runs. */
export type Ambient<C> = C extends Call<string, AnyVariant, infer F> ? F : never

/** The ambient members of a namespace's call object (see {@link Ambient}). */
export type AmbientMethods<O> = { readonly [M in keyof O]: Ambient<O[M]> }

/**
 * The Promise form of every call of a call object, run by `runner`: the one loop the Promise API is built
 * with (ambient functions and clients alike).
 *
 * @example
 * ```ts
 * import { Calls, Runs } from "@authctx/client"
 * import { Effect } from "effect"
 *
 * const runs = Calls.methods(Runs.calls, () => (effect) => Effect.runPromise(effect as Effect.Effect<never>))
 * ```
 */
export const methods = <O extends CallObject>(calls: O, runner: Runner): AmbientMethods<O> => {
  const out: Record<string, unknown> = {}
  for (const name of Object.keys(calls)) out[name] = calls[name]?.promise(runner)
  return out as AmbientMethods<O>
}
