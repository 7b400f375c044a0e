/**
 * `@authctx/hono`: per-request auth for Hono 4. `authContext(options)` finds the request's credential (your
 * `resolve`, or the `Authorization: Bearer …` header), validates it, and runs the rest of the request
 * inside its auth scope, so the Promise API's ambient calls (`runs.list()`, `envvars.list(…)`) use this
 * request's credential — after awaits, in timers, while streaming. Handlers also get `c.var.auth`.
 *
 * @example
 * ```ts
 * import { authContext } from "@authctx/hono"
 * import { Hono } from "hono"
 *
 * const app = new Hono()
 * app.get("/runs", authContext({ accept: ["SecretKey"] }), async (c) =>
 *   c.json(await c.var.auth.client.runs.list({ limit: 10 }))
 * )
 * ```
 */

import { type Auth, AuthScope, type Credential } from "@authctx/core"
import {
  AuthHandle as Handle,
  problemBody,
  problemContentType,
  RequestAuth,
  RequestAuthError
} from "@authctx/server"
import { Either } from "effect"
import type { Context, Env, Handler, Input, MiddlewareHandler, Next } from "hono"
import { HTTPException } from "hono/http-exception"
import type { BlankInput, HandlerResponse } from "hono/types"
import { nodeValue } from "./nodeRequest.js"

const nothing = (): undefined => undefined

/**
 * The request as `RequestAuth` sees it: the headers are read only when bearer pass-through asks, and no
 * closure is made per request. On `@hono/node-server`, while nothing on the request has read its fetch
 * headers, straight from the Node request's `rawHeaders` (`RequestAuth.nodeHeader`: a header sent twice is
 * two values), which spares node-server building its `Headers` (decision 0037); otherwise through the fetch
 * `Request`, as `c.req.header` does, where a header sent twice is joined with ", ". RequestAuth refuses
 * both (two values, or a comma in a Bearer header): a duplicate is a 400 on every runtime.
 */
class View implements RequestAuth.RequestView<Context> {
  readonly request: Context
  constructor(request: Context) {
    this.request = request
  }
  header(name: string): string | ReadonlyArray<string> | undefined {
    const raw = this.request.req.raw
    const value = nodeValue(raw, this.request.env, name)
    return value !== null ? value : (raw.headers.get(name) ?? undefined)
  }
}

/** The request's auth handle (see `AuthHandle` in `@authctx/server`). */
export type AuthHandle<K extends Credential.Kind = Credential.KeyKind> = Handle.AuthHandle<K>
/** The handle of one kind. */
export type HandleOf<K extends Credential.Kind> = Handle.HandleOf<K>

/** The `Env` a middleware of kind `K` adds: `c.var.auth` (and `c.get("auth")`), typed by its kind. */
type KindEnv<K extends Credential.Kind> = { Variables: { auth: Handle.AuthHandle<K> } }

/**
 * A refused request: `status` 401 or 400, `code`, `headers` with the `WWW-Authenticate` challenge and the
 * `problem` body; the `cause` of the `HTTPException` the middleware throws, and what `onError` gets. The
 * same class as `RequestAuthError` of `@authctx/server` (and of `@authctx/express` and `@authctx/koa`).
 */
export { RequestAuthError }

/**
 * The `Env` of an app or a handler behind `authContext`. `AuthEnv` alone has a handle of unknown kind
 * (narrow it on `auth.kind`); `AuthEnv<typeof auth>` has the kind that middleware enforces. A kind cannot
 * be written by hand (`AuthEnv<"SecretKey">` does not compile): only a middleware that checks it gives one.
 * Chaining (`new Hono().use(auth)`, `app.get(path, auth, handler)`) types the handlers without it.
 *
 * @example
 * ```ts
 * import { type AuthEnv, authContext } from "@authctx/hono"
 * import { Hono } from "hono"
 *
 * const auth = authContext({ accept: ["SecretKey"] })
 * const app = new Hono<AuthEnv<typeof auth>>()
 * app.use(auth)
 * app.get("/env", (c) => c.text(c.var.auth.context.credential.environment))
 * ```
 */
export type AuthEnv<
  Middleware extends (c: never, next: never) => unknown = MiddlewareHandler<KindEnv<Credential.KeyKind>>
> = Middleware extends MiddlewareHandler<infer E> ? E : never

/**
 * Options of {@link authContext}: those of `RequestAuth.Options` (with Hono's `Context`) and `onError`.
 *
 * @example
 * ```ts
 * import type { Options } from "@authctx/hono"
 *
 * const options: Options<"SecretKey"> = { accept: ["SecretKey"], header: "x-api-key" }
 * ```
 */
export interface Options<
  K extends Credential.Kind = Credential.KeyKind,
  R extends RequestAuth.Resolved = RequestAuth.Resolved
> extends RequestAuth.Options<K, Context, R> {
  /**
   * The response to a refused request. By default the middleware throws an `HTTPException` whose response
   * ({@link problemResponse}) has the status, the `WWW-Authenticate` challenge and a problem+json body;
   * Hono sends it, or your `app.onError` gets it (`err.getResponse()`, `err.cause` is the
   * {@link RequestAuthError}).
   */
  readonly onError?: ((failure: RequestAuthError, c: Context) => Response | Promise<Response>) | undefined
  /**
   * `false` for explicit-handle mode: the middleware sets `c.var.auth` and installs no async context (no
   * `AsyncLocalStorage` scope) around the rest of the request. At the framework's own speed, use it as the
   * route's one handler, `auth.handler(fn)`: a middleware, any middleware, costs Hono +1.4–1.5 µs per
   * request over a route with one handler (decision 0033). Handlers then call the management API through
   * `c.var.auth.client` (or `fn`'s handle) only: making the
   * middleware turns server mode on (`AuthScope.enableServerMode()`), so an ambient call
   * (`runs.list()`) in such a handler rejects with `OutsideAuthScope` and sends nothing, instead of
   * going out with the process default. Default `true`: the rest of the request runs in the request's
   * auth scope, and ambient calls use its credential.
   */
  readonly ambient?: boolean | undefined
}

/**
 * The response to a refused request: status, `WWW-Authenticate` and the problem as
 * `application/problem+json`.
 *
 * @example
 * ```ts
 * import { authContext, problemResponse } from "@authctx/hono"
 *
 * const auth = authContext({
 *   onError: (failure) => {
 *     const res = problemResponse(failure)
 *     res.headers.set("Cache-Control", "no-store")
 *     return res
 *   }
 * })
 * ```
 */
export const problemResponse = (failure: RequestAuthError): Response =>
  new Response(problemBody(failure), {
    status: failure.status,
    headers: { "Content-Type": problemContentType, "WWW-Authenticate": failure.headers["WWW-Authenticate"] }
  })

/**
 * The middleware {@link authContext} returns (a `MiddlewareHandler` of its kind's `Env`), with `handler`.
 */
export interface AuthMiddleware<K extends Credential.Kind> extends MiddlewareHandler<KindEnv<K>> {
  /**
   * The route's one handler, authenticated: the explicit-handle mode at the framework's own speed. It
   * authenticates the request inside the handler (the same credential, checks, memo and refusals as the
   * middleware), then calls `fn` with the context and the request's handle (also `c.var.auth`): in the
   * request's auth scope by default, with no async context at all under `ambient: false`. Hono keeps its
   * synchronous one-handler path, which any middleware leaves (+1.4–1.5 µs per request, decision 0033):
   * a request whose credential was seen before, answered synchronously by `fn`, stays synchronous. Behind
   * this same middleware (`app.use(auth)`), it takes the middleware's handle and does not authenticate
   * again; behind another auth middleware, the request keeps that one's kind (as stacked middlewares do).
   *
   * Types: TypeScript cannot carry a route's path into a handler made by a call, so name the path for typed
   * parameters, `auth.handler<"/runs/:id">(…)` (else `c.req.param("id")` is `string | undefined`), and
   * the app's `Env` second when a handler reads `c.env` (`auth.handler<"/runs/:id", AppEnv>(…)`).
   *
   * @example
   * ```ts
   * import { authContext } from "@authctx/hono"
   * import { Hono } from "hono"
   *
   * const auth = authContext({ accept: ["SecretKey"], ambient: false })
   * const app = new Hono()
   * app.get(
   *   "/runs/:id",
   *   auth.handler<"/runs/:id">(async (c, auth) => c.json(await auth.client.runs.retrieve(c.req.param("id"))))
   * )
   * ```
   */
  handler<
    P extends string = string,
    E extends Env = Env,
    I extends Input = BlankInput,
    R extends HandlerResponse<unknown> = HandlerResponse<unknown>
  >(
    fn: (c: Context<E & KindEnv<K>, P, I>, auth: Handle.AuthHandle<K>) => R
  ): Handler<E, P, I, R | Promise<Response>>
  /** The framework-neutral authenticator this middleware uses. */
  readonly authenticate: RequestAuth.Authenticator<K, Context>
}

/**
 * Per-request auth middleware, the `bearerAuth` way. On success it sets `c.var.auth` and runs the rest of
 * the request inside the request's auth scope (`AuthScope.runWith`) (none with `ambient: false`, the explicit-handle mode); on failure it throws an
 * `HTTPException` carrying the problem response, or returns `onError`'s response. See `RequestAuth.make`
 * for the options and the failures; options are validated at once (it throws when they cannot work).
 *
 * Its type is a `MiddlewareHandler` of its kind's `Env`, so handlers after it in `app.get(path, auth,
 * handler)` see `c.var.auth` typed by what `resolve` can return, within `accept`. A request keeps the kind
 * its first auth middleware gave: a second one that resolves another kind refuses it
 * (`RequestAuth.kindChanged`), so stacked middlewares' types hold.
 *
 * @example
 * ```ts
 * import { authContext } from "@authctx/hono"
 * import { runs } from "@authctx/client/promise"
 * import { Hono } from "hono"
 *
 * const keys = new Map([["acme", process.env["ACME_TRIGGER_KEY"]]])
 * const auth = authContext({ resolve: (c) => keys.get(c.req.header("x-tenant") ?? ""), accept: ["SecretKey"] })
 * const app = new Hono().get("/runs", auth, async (c) => c.json(await runs.list({ limit: 10 })))
 * ```
 */
export const authContext = <
  K extends Credential.Kind = Credential.KeyKind,
  const R extends RequestAuth.Resolved = RequestAuth.Resolved
>(
  options: Options<K, R> = {}
): AuthMiddleware<RequestAuth.AuthenticatedKind<K, R>> => {
  type Kind = RequestAuth.AuthenticatedKind<K, R>
  const authenticate = RequestAuth.make<K, Context, R>(options)
  const { onError } = options
  const ambient = options.ambient !== false
  if (!ambient) AuthScope.enableServerMode()
  // A refusal is a rejected promise, never a synchronous throw, whatever calls the middleware.
  const refuse = (failure: RequestAuthError, c: Context): Promise<Response> =>
    onError !== undefined
      ? Promise.resolve().then(() => onError(failure, c))
      : Promise.reject(
          new HTTPException(failure.status, {
            res: problemResponse(failure),
            message: failure.message,
            cause: failure
          })
        )
  // The request's handle, set as `c.var.auth`, or its refusal: the one admission rule of the middleware and
  // of `handler(fn)`. A request keeps the kind its first auth middleware gave (RequestAuth.kindChanged).
  const admit = (
    c: Context,
    context: Auth.AuthContext<Kind>
  ): Handle.AuthHandle<Kind> | Promise<Response> => {
    // Absent unless an earlier auth middleware ran on this request (the type says present).
    const earlier: { readonly kind: Credential.Kind } | undefined = c.get("auth")
    const kind = context.credential._tag
    if (earlier !== undefined && earlier.kind !== kind) {
      return refuse(RequestAuth.kindChanged(authenticate.realm, earlier.kind, kind), c)
    }
    const handle = Handle.make<Kind>(context)
    c.set("auth", handle)
    return handle
  }
  const proceed = (
    c: Context,
    next: Next,
    result: Either.Either<Auth.AuthContext<Kind>, RequestAuthError>
  ): Promise<Response | undefined> => {
    if (Either.isLeft(result)) return refuse(result.left, c)
    const handle = admit(c, result.right)
    if (handle instanceof Promise) return handle
    // Under this middleware's own key too, so that its `handler(fn)` later on the request does not
    // authenticate again (and a handle another middleware set is never taken for this one's).
    slots(c).set(own, handle)
    return ambient ? AuthScope.runWith(result.right, next).then(nothing) : next().then(nothing)
  }
  // Not async: with a credential seen before, authenticating is synchronous (a memo hit) and the only
  // promise the middleware makes is the one it returns. `next()` resolves to Hono's Context, which must
  // not reach compose as a response (a handler that returns nothing would send it): `then(nothing)`.
  const middleware: MiddlewareHandler<KindEnv<Kind>> = (c, next) => {
    const outcome = authenticate(new View(c))
    return outcome instanceof Promise
      ? outcome.then((result) => proceed(c, next, result))
      : proceed(c, next, outcome)
  }

  // This middleware's key among the request's variables: a symbol, so it never meets an app's names.
  const own: unique symbol = Symbol("authctx.hono.handle")

  /** What `handler(fn)` wraps, seen from inside: its types are the public `handler`'s. */
  type Fn = (c: Context, auth: Handle.AuthHandle<Kind>) => unknown

  const settle = (
    c: Context,
    fn: Fn,
    result: Either.Either<Auth.AuthContext<Kind>, RequestAuthError>
  ): unknown => {
    if (Either.isLeft(result)) return refuse(result.left, c)
    const handle = admit(c, result.right)
    if (handle instanceof Promise) return handle
    return ambient ? AuthScope.runWith(result.right, () => fn(c, handle)) : fn(c, handle)
  }

  // Not async either: a request whose credential was seen before, answered synchronously by `fn`, stays on
  // Hono's synchronous one-handler path (decision 0033: any middleware costs +1.4–1.5 µs over it).
  const handler =
    (fn: Fn) =>
    (c: Context): unknown => {
      // This middleware ran on the request: it authenticated, and its scope (ambient) is around us.
      // (Only this middleware writes under `own`, and only a handle of its kind.)
      const done = slots(c).get(own) as Handle.AuthHandle<Kind> | undefined
      if (done !== undefined) return fn(c, done)
      const outcome = authenticate(new View(c))
      return outcome instanceof Promise
        ? outcome.then((result) => settle(c, fn, result))
        : settle(c, fn, outcome)
    }

  // The public signature is generic in the route's path, Env, input and response, which the wrapper only
  // passes through: one cast here instead of one per call.
  return Object.assign(middleware, {
    handler: handler as unknown as AuthMiddleware<Kind>["handler"],
    authenticate
  })
}

/** Hono's request variables under a symbol key (its `Map` takes any key; its types only strings). */
interface Slots {
  get(key: symbol): unknown
  set(key: symbol, value: unknown): void
}
const slots = (c: Context): Slots => c as unknown as Slots
