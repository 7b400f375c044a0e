/**
 * What a route handler is: a plain synchronous function from the decoded request (path, query and body,
 * decoded with the endpoint's own schemas) and its scope to a value of the endpoint's success type, or a
 * refusal. The dispatcher encodes the value with the endpoint's success schema.
 *
 * Handlers are written with {@link handle}, which takes the catalog's route OBJECT
 * (`ManagementApi.runsRetrieve`), not a string: the route must be one of `ManagementApi.routes`, the
 * handler's input and value are typed by that route's endpoint, and {@link table} refuses to compile when
 * a catalog route has no handler (`test/Routes.test-d.ts` proves each).
 */
import type { ManagementApi } from "@authctx/api"
import type { HttpApiEndpoint } from "@effect/platform"
import type { Environment, Principal, Project, State } from "../model.js"
import type { PublicTokenPrincipal } from "../publicTokenAuth.js"

/**
 * Response headers: at once, or once a promise settles (a public access token is signed asynchronously,
 * see `publicToken.ts`).
 */
export type ResponseHeaders = Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>

/**
 * A slot holding the encoded body of a value that no longer changes (a finished run): the dispatcher
 * encodes the value with the success schema once, stores the JSON here and reuses it.
 */
export interface Memo {
  body: string | undefined
  /**
   * The dispatcher's answer for `body` (status, body, response headers worked out once); it serves only
   * while its body is the memo's, so emptying `body` is enough to drop it.
   */
  answer?: KeptAnswer | undefined
}

/** An answer worked out once and given again: no extra headers, the `writeHead` array ready. */
export interface KeptAnswer {
  readonly status: number
  readonly body: string
  readonly headers: undefined
  readonly head: ReadonlyArray<string>
}

/**
 * A handler's answer: a value of the success type (plus response headers), the same built lazily for a
 * memo slot, or a status and message.
 */
export type Result<A> =
  | {
      readonly ok: true
      readonly value: A
      readonly headers: ResponseHeaders | undefined
      readonly memo?: undefined
      readonly status?: undefined
    }
  | {
      readonly ok: true
      /** A value known only once a promise settles (a body holding a token signed asynchronously). */
      readonly later: Promise<A>
      readonly status: number | undefined
      readonly headers: undefined
      readonly memo?: undefined
    }
  | {
      readonly ok: true
      readonly memo: Memo
      readonly build: () => A
      readonly headers: ResponseHeaders | undefined
      readonly status?: undefined
    }
  | { readonly ok: false; readonly status: number; readonly error: string }
  | {
      /** The answer once an asynchronous step settles (signing a token with `jose`). */
      readonly ok: "later"
      readonly later: Promise<Result<A>>
    }

const noHeaders = undefined

/**
 * An answer that needs an asynchronous step first (signing a public access token with `jose`): the
 * dispatcher answers once `later` settles; a rejection is a 500 reported as a defect.
 */
export const later = <A>(result: Promise<Result<A>>): Result<A> => ({ ok: "later", later: result })

/** A success. */
export const ok = <A>(value: A, headers?: ResponseHeaders): Result<A> => ({
  ok: true,
  value,
  headers: headers ?? noHeaders
})

/**
 * A success whose value is known once `later` settles (a token in the body, signed asynchronously), with
 * `status` instead of the route's when given. A rejection is a 500 reported as a defect.
 */
export const okLater = <A>(later: Promise<A>, status?: number): Result<A> => ({
  ok: true,
  later,
  status,
  headers: noHeaders
})

/** A success whose encoded body is kept in `memo` (use only for values that no longer change). */
export const okMemo = <A>(memo: Memo, build: () => A): Result<A> => ({
  ok: true,
  memo,
  build,
  headers: noHeaders
})

/** A refusal with a status and an `error` message. */
export const fail = (status: number, error: string): Result<never> => ({ ok: false, status, error })

/** Who sent a request: a key or PAT the emulator issued, or a verified public access token. */
export type Caller = Principal | PublicTokenPrincipal

/** Where the request acts and who sent it. */
export interface Context {
  readonly state: State
  readonly principal: Caller
  readonly project: Project
  /** Absent on project-wide routes (`runs.listProject`). */
  readonly environment: Environment | undefined
  readonly now: number
  /** The emulator's own origin (`http://127.0.0.1:port`), for the presigned URLs it serves. */
  readonly origin: string
}

/** The decoded request parts. */
export interface Input<Path, UrlParams, Payload> {
  readonly path: Path
  readonly query: UrlParams
  readonly payload: Payload
}

/** A handler as the dispatcher calls it (its types were checked where it was written, by `handle`). */
export type Run = (context: Context, input: Input<unknown, unknown, unknown>) => Result<unknown>

type EndpointOf<R extends ManagementApi.AnyRoute> = R["endpoint"]

/** The handler function of route `R`: its input and value typed by the route's endpoint schemas. */
export type HandlerFunction<R extends ManagementApi.AnyRoute> = (
  context: Context,
  input: Input<
    HttpApiEndpoint.HttpApiEndpoint.PathParsed<EndpointOf<R>>,
    HttpApiEndpoint.HttpApiEndpoint.UrlParams<EndpointOf<R>>,
    HttpApiEndpoint.HttpApiEndpoint.Payload<EndpointOf<R>>
  >
) => Result<HttpApiEndpoint.HttpApiEndpoint.Success<EndpointOf<R>>>

/** A route's handler, keyed by the route object itself. */
export interface RouteHandler<R extends ManagementApi.AnyRoute = ManagementApi.AnyRoute> {
  readonly route: R
  readonly run: Run
  /**
   * The server's body limit on this route: a body over it (or of unknown length) is 413 after auth, as
   * the server's route builder answers (`maxContentLength`).
   */
  readonly maxContentLength: number | undefined
  /**
   * The route needs no credential (`Capability.open`): the dispatcher authenticates nothing and gives the
   * handler an {@link OpenContext}. Only {@link handleOpen} sets it; `compile` checks it matches the route.
   */
  readonly open: boolean
}

/**
 * The handler for one catalog route: `route` is the route object (`ManagementApi.tasksTrigger`), and
 * `input.path`, `input.query`, `input.payload` and the value are that route's types.
 */
export const handle = <R extends ManagementApi.AnyRoute>(
  route: R,
  run: HandlerFunction<R>,
  options?: { readonly maxContentLength?: number }
): RouteHandler<R> => ({
  route,
  // Erased for the dispatcher's table; `run`'s own type was checked against the route just above.
  run: run as unknown as Run,
  maxContentLength: options?.maxContentLength,
  open: false
})

/** What the handler of a route that needs no credential knows: no principal, project or environment. */
export interface OpenContext {
  readonly state: State
  readonly now: number
  readonly origin: string
}

/**
 * The handler for a catalog route that needs no credential (`Capability.open`, such as
 * `schedules.timezones`): nothing is authenticated, and the handler gets an {@link OpenContext}.
 */
export const handleOpen = <R extends ManagementApi.AnyRoute>(
  route: R,
  run: (context: OpenContext, input: Parameters<HandlerFunction<R>>[1]) => ReturnType<HandlerFunction<R>>
): RouteHandler<R> => ({
  route,
  // Erased for the dispatcher's table: the dispatcher gives handlers of open routes an OpenContext only.
  run: run as unknown as Run,
  maxContentLength: undefined,
  open: true
})

/** The route ids a list of handlers leaves without one. */
export type Unhandled<T extends ReadonlyArray<RouteHandler>> = Exclude<
  ManagementApi.AnyId,
  T[number]["route"]["id"]
>

/**
 * The complete handler table: compiles only when every catalog route has a handler (otherwise the
 * argument is asked for a `missingHandlersFor` field naming the ids that lack one). A route handled twice
 * throws here, when the module loads.
 */
export const table = <const T extends ReadonlyArray<RouteHandler>>(
  handlers: T & ([Unhandled<T>] extends [never] ? unknown : { readonly missingHandlersFor: Unhandled<T> })
): ReadonlyMap<ManagementApi.AnyRoute, RouteHandler> => {
  const out = new Map<ManagementApi.AnyRoute, RouteHandler>()
  for (const handler of handlers) {
    if (out.has(handler.route)) throw new Error(`Two emulator handlers for the route ${handler.route.id}`)
    out.set(handler.route, handler)
  }
  return out
}

/**
 * Runs `f` with the environment of an environment-scoped route. Auth always sets it there; on a
 * project-wide route it is absent and the request is refused.
 */
export const withEnvironment = <A>(
  context: Context,
  f: (environment: Environment) => Result<A>
): Result<A> =>
  context.environment === undefined ? fail(400, "This route acts on one environment") : f(context.environment)
