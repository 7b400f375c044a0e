/**
 * The errors of `@authctx/server`. {@link RequestAuthError} is the one request-auth error: a refused
 * request, ready to send — its `status` (400 or 401), a stable `code`, `headers` with the
 * `WWW-Authenticate` challenge, and an RFC 9457 `problem` body that never contains the token. The
 * framework-neutral authenticator answers with it, and the adapters hand the same value on: to `next(err)`
 * in Express, upstream in Koa, as the `cause` of Hono's `HTTPException`. {@link InvalidRequestAuthOptions}
 * is thrown once, at set-up, for options that cannot work.
 *
 * @example
 * ```ts
 * import { problemBody, RequestAuth, RequestAuthError } from "@authctx/server"
 * import { Either } from "effect"
 *
 * const result = await RequestAuth.make({})({ header: () => undefined, request: undefined })
 * if (Either.isLeft(result)) {
 *   result.left instanceof RequestAuthError // true
 *   result.left.headers["WWW-Authenticate"] // 'Bearer realm="authctx"'
 *   problemBody(result.left) // '{"type":"urn:authctx:problem:missing_credential",…}'
 * }
 * ```
 */
import { Schema } from "effect"

/**
 * Why a request was refused, as a stable machine-readable code.
 *
 * | code                 | status | when                                                              |
 * |----------------------|--------|-------------------------------------------------------------------|
 * | `missing_credential` | 401    | no credential                                                     |
 * | `invalid_request`    | 400    | a malformed header, or a bearer token that is not a credential    |
 * | `invalid_token`      | 401    | a resolved credential that does not parse, a preview key with no branch |
 * | `unsupported_kind`   | 401    | a kind not in `accept`                                            |
 * | `verify_failed`      | 401    | `verify` answered anything but `true`, or threw                   |
 * | `resolve_failed`     | 401    | `resolve` threw or returned something unusable                    |
 *
 * @example
 * ```ts
 * import { FailureCode } from "@authctx/server"
 * import { Schema } from "effect"
 *
 * Schema.is(FailureCode)("invalid_request") // true
 * ```
 */
export const FailureCode = Schema.Literal(
  "missing_credential",
  "invalid_request",
  "invalid_token",
  "unsupported_kind",
  "verify_failed",
  "resolve_failed"
)
/** @see FailureCode */
export type FailureCode = typeof FailureCode.Type

/**
 * An RFC 9457 problem body: never contains the token (at most its safe prefix and length).
 *
 * @example
 * ```ts
 * import { Problem } from "@authctx/server"
 *
 * const body: Problem = {
 *   type: "urn:authctx:problem:missing_credential",
 *   title: "Missing credential",
 *   status: 401,
 *   detail: 'This request needs a credential: send "Authorization: Bearer <token>".'
 * }
 * ```
 */
export const Problem = Schema.Struct({
  type: Schema.String,
  title: Schema.String,
  status: Schema.Literal(400, 401),
  detail: Schema.String
})
/** @see Problem */
export type Problem = typeof Problem.Type

/**
 * The media type of problem bodies (RFC 9457).
 *
 * @example
 * ```ts
 * import { problemContentType } from "@authctx/server"
 *
 * const headers = { "Content-Type": problemContentType } // "application/problem+json"
 * ```
 */
export const problemContentType = "application/problem+json"

/**
 * A refused request (see the module's doc): `status` (and `statusCode`, the name http-errors and
 * Express's final handler read) 400 or 401, `code`, `headers` with the `WWW-Authenticate` challenge, the
 * `problem` body, and `expose: true` (its message is safe to show the client: it never contains the
 * token). It replaces the two shapes of one refusal of earlier versions: `RequestAuth.AuthFailure` and
 * the adapters' `UnauthorizedError`.
 *
 * @example
 * ```ts
 * import { RequestAuthError } from "@authctx/server"
 * import type { ErrorRequestHandler } from "express"
 *
 * const onAuthError: ErrorRequestHandler = (err, _req, res, next) => {
 *   if (!(err instanceof RequestAuthError)) return next(err)
 *   res.status(err.status).set(err.headers).json({ error: err.code })
 * }
 * ```
 */
export class RequestAuthError extends Schema.TaggedError<RequestAuthError>(
  "@authctx/server/RequestAuthError"
)("RequestAuthError", {
  status: Schema.Literal(400, 401),
  code: FailureCode,
  headers: Schema.Struct({ "WWW-Authenticate": Schema.String }),
  problem: Problem
}) {
  /** The status, under the name http-errors and Express's final handler also read. */
  get statusCode(): 400 | 401 {
    return this.status
  }
  /** The message is safe to show the client (it never contains the token). */
  get expose(): boolean {
    return true
  }
  override get message(): string {
    return `${this.problem.title}: ${this.problem.detail}`
  }
}

/**
 * The body of a refusal, as sent with `Content-Type: application/problem+json`.
 *
 * @example
 * ```ts
 * import { Bearer, problemBody } from "@authctx/server"
 * import { Either } from "effect"
 *
 * const refused = Bearer.read("Token abc")
 * if (Either.isLeft(refused)) problemBody(refused.left) // '{"type":"urn:authctx:problem:invalid_request",…}'
 * ```
 */
export const problemBody = (error: RequestAuthError): string => JSON.stringify(error.problem)

/**
 * Options that cannot work: an empty `accept`, an unknown kind in it, a realm that cannot be quoted in a
 * header, a header name that is not an HTTP token, a `resolve` or `verify` that is not a function. Thrown
 * by `RequestAuth.make` (and every adapter's `authContext`), once, when the server is set up.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/server"
 *
 * RequestAuth.make({ realm: 'my "realm"' }) // throws InvalidRequestAuthOptions (option: "realm")
 * ```
 */
export class InvalidRequestAuthOptions extends Schema.TaggedError<InvalidRequestAuthOptions>(
  "@authctx/server/InvalidRequestAuthOptions"
)("InvalidRequestAuthOptions", {
  option: Schema.Literal("accept", "realm", "header", "resolve", "verify"),
  reason: Schema.String
}) {
  override get message(): string {
    return `Invalid request auth option ${this.option}: ${this.reason}`
  }
}
