/**
 * `@authctx/express`: per-request auth for Express 5. `authContext(options)` finds the request's credential
 * (your `resolve`, or the `Authorization: Bearer …` header), validates it, and runs the rest of the request
 * inside its auth scope, so the Promise API's ambient calls (`runs.list()`, `envvars.list(…)`) in handlers
 * use this request's credential — after awaits, in timers, while streaming. Handlers also get `req.auth`.
 *
 * @example
 * ```ts
 * import { authContext, authErrorHandler } from "@authctx/express"
 * import { envvars } from "@authctx/client/promise"
 * import express from "express"
 *
 * const app = express()
 * const auth = authContext({ accept: ["SecretKey"] })
 * app.get("/vars/:project", auth, auth.handler(async (req, res) => {
 *   res.json(await envvars.list(String(req.params["project"]), req.auth.context.credential.environment))
 * }))
 * app.use(authErrorHandler())
 * ```
 */

import { type Auth, AuthScope, type Credential } from "@authctx/core"
import { AuthHandle as Handle, problemContentType, RequestAuth, RequestAuthError } from "@authctx/server"
import { Either, Schema } from "effect"
import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response
} from "express"
import { prepare, setAuth } from "./internal/authSlot.js"

/** The request's auth handle (see `AuthHandle` in `@authctx/server`). */
export type AuthHandle<K extends Credential.Kind = Credential.KeyKind> = Handle.AuthHandle<K>
/** The handle of one kind. */
export type HandleOf<K extends Credential.Kind> = Handle.HandleOf<K>

declare global {
  namespace Express {
    interface Request {
      /**
       * The request's auth, set by `authContext()` of `@authctx/express`; absent on routes it does not guard.
       * Its kind is not known here: narrow with `req.auth.kind`, or use `middleware.handler(fn)` for a
       * `req.auth` typed by the middleware's `accept`.
       */
      auth?: Handle.AuthHandle | undefined
    }
  }
}

/**
 * A refused request, passed to `next(err)` the express-jwt way: `status` (and `statusCode`) 401 or 400,
 * `code`, `headers` with the `WWW-Authenticate` challenge, and the `problem` body. The same class as
 * `RequestAuthError` of `@authctx/server` (and of `@authctx/koa` and `@authctx/hono`).
 */
export { RequestAuthError }

/**
 * `middleware.handler(fn)` ran on a request that the middleware did not authenticate: mount the middleware
 * before the handler (`app.get(path, auth, auth.handler(fn))` or `app.use(auth)`), and do not replace
 * `res.locals` between them (on Node 20 and 22 `req.auth` is kept there: add to it, or copy it). A
 * programming error, so Express answers 500.
 */
export class MissingAuthMiddleware extends Schema.TaggedError<MissingAuthMiddleware>(
  "@authctx/express/MissingAuthMiddleware"
)("MissingAuthMiddleware", {}) {
  override get message(): string {
    return "auth.handler(fn) ran on a request its authContext() middleware did not authenticate; mount the middleware before the handler, and do not replace res.locals in between (add to it, or copy it: { ...res.locals })"
  }
}

/**
 * Options of {@link authContext}: those of `RequestAuth.Options` (with Express's `Request`) and `onError`.
 *
 * @example
 * ```ts
 * import type { Options } from "@authctx/express"
 *
 * const options: Options<"SecretKey"> = { accept: ["SecretKey"], realm: "tenants" }
 * ```
 */
export interface Options<
  K extends Credential.Kind = Credential.KeyKind,
  R extends RequestAuth.Resolved = RequestAuth.Resolved
> extends RequestAuth.Options<K, Request, R> {
  /**
   * What to do with a refused request. The default is `next(error)`, so the app's error handlers (or
   * {@link authErrorHandler}, or Express's own) answer it. Pass {@link sendProblem} to answer at once.
   */
  readonly onError?:
    | ((error: RequestAuthError, req: Request, res: Response, next: NextFunction) => void)
    | undefined
  /**
   * `false` for explicit-handle mode: the middleware sets `req.auth` and installs no async context (no
   * `AsyncLocalStorage` scope) around the rest of the request, so it costs no more than the framework
   * without it. Handlers then call the management API through `req.auth.client` only: making the
   * middleware turns server mode on (`AuthScope.enableServerMode()`), so an ambient call
   * (`runs.list()`) in such a handler rejects with `OutsideAuthScope` and sends nothing, instead of
   * going out with the process default. Default `true`: the rest of the request runs in the request's
   * auth scope, and ambient calls use its credential.
   */
  readonly ambient?: boolean | undefined
}

/**
 * A request behind a middleware of kind `K`: `req.auth` is set and typed (what `middleware.handler(fn)`
 * gives `fn`).
 *
 * @example
 * ```ts
 * import type { RequestWithAuth } from "@authctx/express"
 *
 * const environment = (req: RequestWithAuth<"SecretKey">) => req.auth.context.credential.environment
 * ```
 */
export type RequestWithAuth<K extends Credential.Kind = Credential.KeyKind> = Request & {
  readonly auth: Handle.AuthHandle<K>
}

/** A handler of a request behind a middleware of kind `K`. */
export type AuthRequestHandler<K extends Credential.Kind> = (
  req: RequestWithAuth<K>,
  res: Response,
  next: NextFunction
) => unknown

/** The middleware {@link authContext} returns. */
export interface AuthMiddleware<K extends Credential.Kind> extends RequestHandler {
  /**
   * Wraps a handler so that its `req.auth` is typed by this middleware's kind (no casts). The middleware
   * must run before it on the same request, else the handler fails with {@link MissingAuthMiddleware}.
   *
   * @example
   * ```ts
   * import { authContext } from "@authctx/express"
   * import express from "express"
   *
   * const app = express()
   * const auth = authContext({ accept: ["SecretKey"] })
   * app.get("/runs/:id", auth, auth.handler(async (req, res) => {
   *   res.json(await req.auth.client.runs.retrieve(String(req.params["id"])))
   * }))
   * ```
   */
  handler(fn: AuthRequestHandler<K>): RequestHandler
  /** The framework-neutral authenticator this middleware uses. */
  readonly authenticate: RequestAuth.Authenticator<K, Request>
}

/**
 * Answers a refused request with its status, `WWW-Authenticate` and the problem as
 * `application/problem+json`. Use it as `onError`, or from your own error handler.
 *
 * @example
 * ```ts
 * import { authContext, sendProblem } from "@authctx/express"
 *
 * const auth = authContext({ onError: (error, _req, res) => sendProblem(res, error) })
 * ```
 */
export const sendProblem = (res: Response, error: RequestAuthError): void => {
  res
    .status(error.status)
    .set("WWW-Authenticate", error.headers["WWW-Authenticate"])
    .set("Content-Type", problemContentType)
    .send(JSON.stringify(error.problem))
}

/**
 * An error handler that answers {@link RequestAuthError}s with problem+json (see {@link sendProblem}) and
 * passes every other error on. Mount it after your routes when the app has no error handler of its own
 * that knows `RequestAuthError` (without it, Express's final handler answers with the right status and
 * `WWW-Authenticate`, but an HTML body).
 *
 * @example
 * ```ts
 * import { authContext, authErrorHandler } from "@authctx/express"
 * import express from "express"
 *
 * const app = express()
 * app.use(authContext())
 * app.get("/", (_req, res) => { res.send("ok") })
 * app.use(authErrorHandler())
 * ```
 */
export const authErrorHandler = (): ErrorRequestHandler => (err, _req, res, next) => {
  if (!(err instanceof RequestAuthError) || res.headersSent) return next(err)
  sendProblem(res, err)
}

const defaultOnError = (error: RequestAuthError, _req: Request, _res: Response, next: NextFunction): void =>
  next(error)

/**
 * Per-request auth middleware. On success it sets `req.auth` and runs the rest of the request inside the
 * request's auth scope (`AuthScope.runWith`) (none with `ambient: false`, the explicit-handle mode); on
 * failure it calls `onError` (by default `next(error)` with a {@link RequestAuthError}). See
 * `RequestAuth.make` for the options and the failures; options are
 * validated at once (it throws when they cannot work).
 *
 * The kind of `req.auth` in `middleware.handler(fn)` is what `resolve` can return, within `accept`.
 *
 * @example
 * ```ts
 * import { authContext, authErrorHandler } from "@authctx/express"
 * import { runs } from "@authctx/client/promise"
 * import express from "express"
 *
 * const keys = new Map([["acme", process.env["ACME_TRIGGER_KEY"]]])
 * const app = express()
 * app.use(authContext({ resolve: (req) => keys.get(req.get("x-tenant") ?? ""), accept: ["SecretKey"] }))
 * app.get("/runs", async (_req, res) => { res.json(await runs.list({ limit: 10 })) })
 * app.use(authErrorHandler())
 * ```
 */
export const authContext = <
  K extends Credential.Kind = Credential.KeyKind,
  const R extends RequestAuth.Resolved = RequestAuth.Resolved
>(
  options: Options<K, R> = {}
): AuthMiddleware<RequestAuth.AuthenticatedKind<K, R>> => {
  type Kind = RequestAuth.AuthenticatedKind<K, R>
  const authenticate = RequestAuth.make<K, Request, R>(options)
  const onError = options.onError ?? defaultOnError
  const ambient = options.ambient !== false
  if (!ambient) AuthScope.enableServerMode()
  prepare(express.request)
  // The handles this middleware gives, one per auth context: the authenticator hands every request with the
  // same credential the same (remembered) context, so a request costs a lookup, not a handle, and `handler`
  // knows this middleware's handles without marking each request (a mark per request — a property of
  // `req`, or a WeakMap entry — cost ~1–5 µs on Node 20, see internal/authSlot.ts). A handle is a pure
  // function of its context (its client is made on first use, bound to that context), and frozen: what one
  // request holds, no other request can change.
  const handles = new WeakMap<object, Handle.AuthHandle<Kind>>()
  const handleOf = (context: Auth.AuthContext<Kind>): Handle.AuthHandle<Kind> => {
    const known = handles.get(context)
    if (known !== undefined) return known
    const handle = Handle.make<Kind>(context)
    Object.freeze(handle)
    handles.set(context, handle)
    return handle
  }

  const settle = (
    result: Either.Either<Auth.AuthContext<Kind>, RequestAuthError>,
    req: Request,
    res: Response,
    next: NextFunction
  ): void => {
    if (Either.isLeft(result)) {
      onError(result.left, req, res, next)
      return
    }
    // A request keeps the kind its first auth middleware gave (RequestAuth.kindChanged). A public-token
    // handle is typed by its route's `handler` (accept: ["PublicAccessToken"]); `req.auth` declares the key
    // kinds every other route gets.
    const earlier = setAuth(req, handleOf(result.right))
    if (earlier !== undefined) {
      onError(
        RequestAuth.kindChanged(
          authenticate.realm,
          earlier.kind as Credential.Kind,
          result.right.credential._tag
        ),
        req,
        res,
        next
      )
      return
    }
    // `next` itself, called with no argument: no closure per request.
    if (ambient) AuthScope.runWith(result.right, next)
    else next()
  }

  // Synchronous unless resolve or verify is async: Express 5 turns a rejected promise into next(err).
  const middleware: RequestHandler = (req, res, next) => {
    const outcome = authenticate.node(req)
    if (outcome instanceof Promise) return outcome.then((result) => settle(result, req, res, next))
    settle(outcome, req, res, next)
  }

  // `req.auth` is a handle of this middleware's (so it ran on this request: handles are set by nobody else).
  const carries = (req: Request): req is RequestWithAuth<Kind> => {
    const auth: object | undefined = req.auth
    return auth !== undefined && handles.get((auth as { readonly context: object }).context) === auth
  }

  const handler = (fn: AuthRequestHandler<Kind>): RequestHandler => {
    return (req, res, next) => {
      if (!carries(req)) return next(new MissingAuthMiddleware())
      return fn(req, res, next)
    }
  }

  return Object.assign(middleware, { handler, authenticate })
}
