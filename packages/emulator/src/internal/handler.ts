/**
 * What a route handler is: a plain synchronous function from the decoded request (path, query and body,
 * decoded with the endpoint's own schemas) and its scope to a value of the endpoint's success type, or a
 * refusal. The dispatcher encodes the value with the endpoint's success schema.
 */
import type { ManagementApi } from "@authctx/api"
import type { Capability, Credential } from "@authctx/core"
import type { HttpApiEndpoint } from "@effect/platform"
import type { Environment, Principal, Project, State } from "./model.js"

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
    }
  | {
      readonly ok: true
      readonly memo: Memo
      readonly build: () => A
      readonly headers: ResponseHeaders | undefined
    }
  | { readonly ok: false; readonly status: number; readonly error: string }

const noHeaders = undefined

/** A success. */
export const ok = <A>(value: A, headers?: ResponseHeaders): Result<A> => ({
  ok: true,
  value,
  headers: headers ?? noHeaders
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

/** Where the request acts and who sent it. */
export interface Context {
  readonly state: State
  readonly principal: Principal
  readonly project: Project
  /** Absent on project-wide routes (`runs.list (project)`). */
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

/** A handler as the dispatcher stores it (the types are checked where it is defined, with `define`). */
export type Handler = (context: Context, input: Input<unknown, unknown, unknown>) => Result<unknown>

type Endpoint = HttpApiEndpoint.HttpApiEndpoint.Any

/**
 * A handler for one catalog route, typed by that route's endpoint: `input.path`, `input.query` and
 * `input.payload` are the decoded types of its schemas and the value must be its success type.
 */
export const define = <E extends Endpoint>(
  _route: ManagementApi.Route<Capability.Capability<string, Credential.Kind>, E>,
  handler: (
    context: Context,
    input: Input<
      HttpApiEndpoint.HttpApiEndpoint.PathParsed<E>,
      HttpApiEndpoint.HttpApiEndpoint.UrlParams<E>,
      HttpApiEndpoint.HttpApiEndpoint.Payload<E>
    >
  ) => Result<HttpApiEndpoint.HttpApiEndpoint.Success<E>>
): Handler => handler as unknown as Handler

/**
 * Runs `f` with the environment of an environment-scoped route. Auth always sets it there; on a
 * project-wide route it is absent and the request is refused.
 */
export const withEnvironment = <A>(
  context: Context,
  f: (environment: Environment) => Result<A>
): Result<A> =>
  context.environment === undefined ? fail(400, "This route acts on one environment") : f(context.environment)
