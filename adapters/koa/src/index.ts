/**
 * `@authctx/koa`: per-request auth for Koa 3. `authContext(options)` finds the request's credential (your
 * `resolve`, or the `Authorization: Bearer …` header), validates it, and runs the downstream middleware
 * inside its auth scope, so the Promise API's ambient calls (`runs.list()`, `envvars.list(…)`) use this
 * request's credential — after awaits, in timers, while streaming. Middleware also gets `ctx.state.auth`.
 *
 * @example
 * ```ts
 * import { authContext } from "@authctx/koa"
 * import Koa from "koa"
 *
 * const app = new Koa().use(authContext({ accept: ["SecretKey"] }))
 * app.use(async (ctx) => {
 *   ctx.body = await ctx.state.auth.client.runs.list({ limit: 10 })
 * })
 * ```
 */

import { Auth, AuthScope, type Credential } from "@authctx/core"
import { AuthHandle as Handle, problemContentType, RequestAuth, RequestAuthError } from "@authctx/server"
import { Either } from "effect"
import type { Context, Middleware, Next } from "koa"

/** The request's auth handle (see `AuthHandle` in `@authctx/server`). */
export type AuthHandle<K extends Credential.Kind = Credential.KeyKind> = Handle.AuthHandle<K>
/** The handle of one kind. */
export type HandleOf<K extends Credential.Kind> = Handle.HandleOf<K>

declare module "koa" {
  interface DefaultState {
    /**
     * The request's auth, set by `authContext()` of `@authctx/koa`; absent where it does not run. Its kind
     * is not known here: narrow with `auth.kind`, or use the app (or middleware) typed by `authContext`,
     * whose `ctx.state.auth` has the middleware's kind.
     */
    auth?: Handle.AuthHandle | undefined
  }
}

/** The state a middleware of kind `K` adds: `ctx.state.auth`, typed by its kind. */
interface KindState<K extends Credential.Kind> {
  auth: Handle.AuthHandle<K>
}

/**
 * The state of middleware behind `authContext`. `AuthState` alone has a handle of unknown kind (narrow it
 * on `auth.kind`); `AuthState<typeof auth>` has the kind that middleware enforces. A kind cannot be written
 * by hand (`AuthState<"SecretKey">` does not compile): only a middleware that checks it gives one.
 * Chaining (`new Koa().use(auth)`) types what follows without it.
 *
 * @example
 * ```ts
 * import { type AuthState, authContext } from "@authctx/koa"
 * import type { Middleware } from "koa"
 *
 * const auth = authContext({ accept: ["SecretKey"] })
 * const env: Middleware<AuthState<typeof auth>> = (ctx) => {
 *   ctx.body = ctx.state.auth.context.credential.environment
 * }
 * ```
 */
export type AuthState<
  M extends (ctx: never, next: never) => unknown = Middleware<KindState<Credential.KeyKind>>
> = M extends Middleware<infer S> ? S : never

/**
 * A refused request, with what Koa's `ctx.throw` would give: `status` (and `statusCode`) 401 or 400,
 * `expose`, `headers` with the `WWW-Authenticate` challenge, plus the `code` and the `problem` body. The
 * same class as `RequestAuthError` of `@authctx/server` (and of `@authctx/express` and `@authctx/hono`).
 */
export { RequestAuthError }

/**
 * Options of {@link authContext}: those of `RequestAuth.Options` (with Koa's `Context`) and `onError`.
 *
 * @example
 * ```ts
 * import type { Options } from "@authctx/koa"
 *
 * const options: Options<"PersonalAccessToken"> = { accept: ["PersonalAccessToken"] }
 * ```
 */
export interface Options<
  K extends Credential.Kind = Credential.KeyKind,
  R extends RequestAuth.Resolved = RequestAuth.Resolved
> extends RequestAuth.Options<K, Context, R> {
  /**
   * What to do with a refused request. The default, {@link sendProblem}, answers with the status, the
   * `WWW-Authenticate` challenge and a problem+json body; throw the error instead for `ctx.throw`
   * semantics. Downstream middleware does not run either way.
   */
  readonly onError?: ((error: RequestAuthError, ctx: Context) => void | Promise<void>) | undefined
  /**
   * `false` for explicit-handle mode: the middleware sets `ctx.state.auth` and installs no async context (no
   * `AsyncLocalStorage` scope) around the rest of the request, so it costs no more than the framework
   * without it. Handlers then call the management API through `ctx.state.auth.client` only: making the
   * middleware turns server mode on (`AuthScope.enableServerMode()`), so an ambient call
   * (`runs.list()`) in such a handler rejects with `OutsideAuthScope` and sends nothing, instead of
   * going out with the process default. Default `true`: the rest of the request runs in the request's
   * auth scope, and ambient calls use its credential.
   */
  readonly ambient?: boolean | undefined
}

/**
 * Answers a refused request: status, `WWW-Authenticate` and the problem as `application/problem+json`.
 *
 * @example
 * ```ts
 * import { authContext, sendProblem } from "@authctx/koa"
 *
 * const auth = authContext({
 *   onError: (error, ctx) => {
 *     ctx.set("Cache-Control", "no-store")
 *     sendProblem(error, ctx)
 *   }
 * })
 * ```
 */
export const sendProblem = (error: RequestAuthError, ctx: Context): void => {
  ctx.status = error.status
  ctx.set("WWW-Authenticate", error.headers["WWW-Authenticate"])
  ctx.body = JSON.stringify(error.problem)
  ctx.type = problemContentType
}

/**
 * Per-request auth middleware. On success it sets `ctx.state.auth` and runs the downstream middleware
 * inside the request's auth scope (`AuthScope.runWith`) (none with `ambient: false`, the explicit-handle mode); on failure it calls `onError` (by default
 * {@link sendProblem}) and stops. See `RequestAuth.make` for the options and the failures; options are
 * validated at once (it throws when they cannot work).
 *
 * Its type adds `{ auth: AuthHandle<K> }` to the state, so `app.use(authContext(…))` returns an app whose
 * middleware see `ctx.state.auth` typed by what `resolve` can return, within `accept`. A request keeps the
 * kind its first auth middleware gave: a second one that resolves another kind refuses it.
 *
 * @example
 * ```ts
 * import { authContext } from "@authctx/koa"
 * import { runs } from "@authctx/client/promise"
 * import Koa from "koa"
 *
 * const keys = new Map([["acme", process.env["ACME_TRIGGER_KEY"]]])
 * const app = new Koa().use(authContext({ resolve: (ctx) => keys.get(ctx.get("x-tenant")), accept: ["SecretKey"] }))
 * app.use(async (ctx) => {
 *   ctx.body = await runs.list({ limit: 10 })
 * })
 * ```
 */
export const authContext = <
  K extends Credential.Kind = Credential.KeyKind,
  const R extends RequestAuth.Resolved = RequestAuth.Resolved
>(
  options: Options<K, R> = {}
): Middleware<KindState<RequestAuth.AuthenticatedKind<K, R>>> => {
  const authenticate = RequestAuth.make<K, Context, R>(options)
  const onError = options.onError ?? sendProblem
  const ambient = options.ambient !== false
  if (!ambient) AuthScope.enableServerMode()
  const settle = (
    result: Either.Either<Auth.AuthContext<RequestAuth.AuthenticatedKind<K, R>>, RequestAuthError>,
    ctx: Context,
    next: Next
  ): unknown => {
    if (Either.isLeft(result)) return onError(result.left, ctx)
    // A request keeps the kind its first auth middleware gave (RequestAuth.kindChanged).
    const earlier = ctx.state.auth
    const kind = result.right.credential._tag
    if (earlier !== undefined && earlier.kind !== kind) {
      return onError(RequestAuth.kindChanged(authenticate.realm, earlier.kind, kind), ctx)
    }
    const context = Auth.widen(result.right)
    // A public-token handle is typed by its route (accept: ["PublicAccessToken"]); the state declares keys.
    ctx.state.auth = Handle.make(context) as unknown as Handle.AuthHandle
    // `next` itself: no closure per request; the middleware stays synchronous and returns downstream's promise.
    return ambient ? AuthScope.runWith(context, next) : next()
  }
  // Synchronous until downstream runs, unless resolve or verify is async.
  const middleware: Middleware = (ctx, next) => {
    const outcome = authenticate({ header: RequestAuth.nodeHeader(ctx.req), request: ctx })
    return outcome instanceof Promise
      ? outcome.then((result) => settle(result, ctx, next))
      : settle(outcome, ctx, next)
  }
  // The handle is of kind AuthenticatedKind<K, R> (the authenticator's); the state type says so to what follows.
  return middleware as Middleware<KindState<RequestAuth.AuthenticatedKind<K, R>>>
}
