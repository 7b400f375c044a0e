/**
 * The Promise-land auth scope: one `AsyncLocalStorage` holding the auth context of an async call tree,
 * and the process-wide default that `configure()` sets (the lowest precedence, used only where no scope is
 * active). It is read exactly once per call, by {@link resolve}, where the Promise API hands the call to
 * Effect (`@authctx/client/promise`, its one boundary); Effect code never reads it.
 *
 * Where the runtime has no AsyncLocalStorage, scoped calls fail with `NoAsyncContext`, which points to
 * the explicit client. There is no fallback to a swapped global.
 *
 * @example
 * ```ts
 * import { AuthScope } from "@authctx/core"
 *
 * const kind = await AuthScope.run({ accessToken: "tr_pat_abcdefghijklmnopqrstuvwx" }, async () =>
 *   AuthScope.current()?.credential._tag // "PersonalAccessToken"
 * )
 * ```
 */
import * as Either from "effect/Either"
import { type AuthConfig, type AuthContext, type AuthError, make } from "./Auth.js"
import type * as Credential from "./Credential.js"
import { NoAsyncContext, OutsideAuthScope } from "./Errors.js"
import { widen } from "./internal/auth.js"
import * as defaults from "./internal/defaultAuth.js"

/** The part of `AsyncLocalStorage` this module uses. */
interface AsyncStorage<T> {
  getStore(): T | undefined
  run<R>(store: T, fn: () => R): R
}

type AsyncStorageConstructor = new <T>() => AsyncStorage<T>

interface RuntimeGlobals {
  readonly AsyncLocalStorage?: AsyncStorageConstructor
  readonly process?: {
    readonly getBuiltinModule?: (
      id: string
    ) => { readonly AsyncLocalStorage?: AsyncStorageConstructor } | undefined
  }
}

const runtime = globalThis as RuntimeGlobals

/** Finds AsyncLocalStorage without a static `node:` import: a global (edge runtimes) or Node's built-in. */
const findAsyncLocalStorage = (): AsyncStorageConstructor | undefined =>
  runtime.AsyncLocalStorage ?? runtime.process?.getBuiltinModule?.("node:async_hooks")?.AsyncLocalStorage

const StorageConstructor = findAsyncLocalStorage()
// The store is `undefined` inside a function bound outside any scope (see `bind`): no scope, not the caller's.
const storage: AsyncStorage<AuthContext | undefined> | undefined = StorageConstructor
  ? new StorageConstructor()
  : undefined

/** Whether this runtime can scope auth to an async call tree. */
export const isSupported: boolean = storage !== undefined

/**
 * Options of {@link configure}: the default auth, and `serverMode`.
 *
 * `serverMode: true` is for servers, where every call belongs to a request: an ambient call made outside
 * any auth scope then fails with `OutsideAuthScope` (nothing is sent) instead of using this default or the
 * environment's credential, which in a multi-tenant server is nobody's or the wrong tenant's. Explicit
 * clients (`createClient`) and `withAuth` scopes still merge over the default. Server mode stays as set
 * until a later `configure()` names `serverMode` again: configuring a credential for background jobs
 * does not turn it off.
 *
 * @example
 * ```ts
 * import type { AuthScope } from "@authctx/core"
 *
 * const options: AuthScope.ConfigureOptions = { baseURL: "https://api.trigger.dev", serverMode: true }
 * ```
 */
export interface ConfigureOptions extends AuthConfig {
  readonly serverMode?: boolean | undefined
}

/**
 * Sets the process-wide default auth (replacing the previous default), and server mode when the options
 * name it (see {@link ConfigureOptions}). The default is used only where no scope is active; validated
 * when a call uses it. Environment variables fill any field it leaves out.
 *
 * @example
 * ```ts
 * import { AuthScope } from "@authctx/core"
 *
 * AuthScope.configure({ secretKey: process.env["TRIGGER_SECRET_KEY"] })
 * AuthScope.configure({ serverMode: true }) // a server: no fallback outside a request's scope
 * ```
 */
export const configure: (options: ConfigureOptions) => void = defaults.configure

/** Whether server mode is on (see {@link ConfigureOptions}). */
export const isServerMode: () => boolean = defaults.isServerMode

/**
 * Turns server mode on (see {@link ConfigureOptions}) and leaves the default configuration as it is:
 * what an adapter's explicit-handle mode (`authContext({ ambient: false })`) does when it is made, so
 * that an ambient call in its handlers, which run in no scope, rejects with `OutsideAuthScope`.
 *
 * @example
 * ```ts
 * import { AuthScope } from "@authctx/core"
 *
 * AuthScope.enableServerMode()
 * AuthScope.isServerMode() // true
 * ```
 */
export const enableServerMode: () => void = defaults.enableServerMode

/**
 * Builds an auth context from `config` merged over the default (`configure()`, then environment
 * variables), ignoring any active scope: what an explicit client bound to one credential is built from.
 * ("make" builds a context from a configuration; "resolve" finds the one a call uses: see
 * docs/concepts.md, "Words".)
 *
 * @example
 * ```ts
 * import { AuthScope } from "@authctx/core"
 * import { Either } from "effect"
 *
 * const auth = AuthScope.makeOverDefault({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" })
 * if (Either.isRight(auth)) console.log(auth.right.baseURL)
 * ```
 */
export const makeOverDefault: (config: AuthConfig) => Either.Either<AuthContext, AuthError> =
  defaults.makeOverDefault

/**
 * @deprecated Renamed {@link makeOverDefault}: it builds a context from a configuration, it does not find
 * the one a call uses (that is {@link resolve}). Kept for one release.
 */
export const resolveWith: (config: AuthConfig) => Either.Either<AuthContext, AuthError> = makeOverDefault

/** The auth context of the current async call tree, if a scope is active. */
export const current = (): AuthContext | undefined => storage?.getStore()

/**
 * The auth a call made now would use: the active scope's, else the default — or, in server mode,
 * `OutsideAuthScope`. This is the single read of the scope per Promise API call ("resolve" means this: finding
 * the auth a call uses; running the call to a promise is the client's "settle").
 */
export const resolve = (): Either.Either<AuthContext, AuthError | OutsideAuthScope> => {
  const scoped = storage?.getStore()
  if (scoped !== undefined) return Either.right(scoped)
  return defaults.isServerMode() ? Either.left(new OutsideAuthScope()) : defaults.makeDefault()
}

/**
 * Runs `fn` with auth built from `config` merged over the surrounding auth (the active scope's, else the
 * default), field by field. Nested scopes merge; concurrent ones never see each other's. Throws
 * `NoAsyncContext` where the runtime has no AsyncLocalStorage, and the auth errors of `Auth.make` for a
 * configuration that cannot be used — before `fn` runs.
 *
 * @example
 * ```ts
 * import { AuthScope } from "@authctx/core"
 *
 * await Promise.all([
 *   AuthScope.run({ accessToken: "tr_dev_aaaaaaaaaaaaaaaaaaaaaaaa" }, async () => AuthScope.current()),
 *   AuthScope.run({ accessToken: "tr_prod_bbbbbbbbbbbbbbbbbbbbbbbb" }, async () => AuthScope.current())
 * ])
 * ```
 */
export const run = <T>(config: AuthConfig, fn: () => T): T => {
  if (storage === undefined) throw new NoAsyncContext()
  const surrounding = storage.getStore()
  const built = surrounding !== undefined ? make(config, surrounding) : defaults.makeOverDefault(config)
  const auth = Either.getOrThrowWith(built, (error) => error)
  return storage.run(auth, fn)
}

/**
 * Runs `fn` with an already built auth context, as it is (no merging, no validation): how a framework
 * integration enters a request's scope once request auth has built its context. Any kind of context is
 * accepted as it is. Throws `NoAsyncContext` where the runtime has no AsyncLocalStorage.
 *
 * @example
 * ```ts
 * import { Auth, AuthScope } from "@authctx/core"
 * import { Either } from "effect"
 *
 * const built = Auth.make({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" })
 * if (Either.isRight(built)) AuthScope.runWith(built.right, () => AuthScope.current()?.credential._tag)
 * ```
 */
export const runWith = <K extends Credential.Kind, T>(auth: AuthContext<K>, fn: () => T): T => {
  if (storage === undefined) throw new NoAsyncContext()
  return storage.run(widen(auth), fn)
}

/**
 * `fn` bound to an auth context, or to no scope at all (`undefined`): wherever and whenever the result is
 * called, `fn` runs in that scope, not the caller's. What {@link bind} and the request handle's `bind` use.
 */
export const bindTo = <
  Args extends Array<unknown>,
  R,
  This = unknown,
  K extends Credential.Kind = Credential.Kind
>(
  auth: AuthContext<K> | undefined,
  fn: (this: This, ...args: Args) => R
): ((this: This, ...args: Args) => R) => {
  const scope = storage
  if (scope === undefined) throw new NoAsyncContext()
  const context = auth === undefined ? undefined : widen(auth)
  return function (this: This, ...args: Args): R {
    return scope.run(context, () => fn.apply(this, args))
  }
}

/**
 * Binds `fn` to the auth scope active now, in the manner of `AsyncResource.bind`: when something else
 * calls it later — an event emitter another request fires, a pool's callback, a batcher, a socket opened
 * by another request, a stream's events — `fn` runs with this scope's auth, not the caller's. Bound
 * outside any scope, `fn` runs outside any scope (so in server mode its ambient calls fail rather than use
 * a caller's credential). Throws `NoAsyncContext` where the runtime has no AsyncLocalStorage. Which callbacks
 * run in which context: docs/reference/async-context.md.
 *
 * @example
 * ```ts
 * import { AuthScope } from "@authctx/core"
 * import { EventEmitter } from "node:events"
 *
 * const ready = new EventEmitter()
 * await AuthScope.run({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" }, async () => {
 *   ready.once("go", AuthScope.bind(() => AuthScope.current()?.credential._tag)) // "SecretKey", whoever emits
 * })
 * ```
 */
export const bind = <Args extends Array<unknown>, R, This = unknown>(
  fn: (this: This, ...args: Args) => R
): ((this: This, ...args: Args) => R) => bindTo(storage?.getStore(), fn)
