/**
 * The errors a management API call can fail with (docs/errors.md): one tagged union. Each HTTP error carries the
 * `status`, the server's `error` message and its `code` / `param` / `type` when sent, and the `endpoint`
 * that was called. None ever carries a credential.
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 * import { Effect } from "effect"
 *
 * const run = Runs.retrieve("run_123").pipe(
 *   Effect.catchTag("NotFoundError", () => Effect.succeed(undefined)),
 *   Effect.catchTag("RateLimitError", (e) => Effect.logWarning(`retry after ${e.resetAt}`))
 * )
 * ```
 */
import * as Schema from "effect/Schema"

const httpErrorFields = {
  /** The HTTP status. */
  status: Schema.Number,
  /** The server's `error` message. */
  error: Schema.String,
  code: Schema.optional(Schema.String),
  param: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  /** The endpoint called, e.g. `runs.retrieve`. */
  endpoint: Schema.String
}

const describe = (self: { status: number; error: string; endpoint: string; code?: string | undefined }) =>
  `${self.endpoint} failed with ${self.status}: ${self.error}${self.code ? ` (code ${self.code})` : ""}`

/** 400: the request was malformed or refused (e.g. a SecretKey on another project's env vars). */
export class BadRequestError extends Schema.TaggedError<BadRequestError>("@authctx/client/BadRequestError")(
  "BadRequestError",
  httpErrorFields
) {
  override get message(): string {
    return describe(this)
  }
}

/** 401: the credential is missing, unknown, or not accepted by this route. */
export class AuthenticationError extends Schema.TaggedError<AuthenticationError>(
  "@authctx/client/AuthenticationError"
)("AuthenticationError", httpErrorFields) {
  override get message(): string {
    return describe(this)
  }
}

/** 403: the credential may not do this. */
export class PermissionDeniedError extends Schema.TaggedError<PermissionDeniedError>(
  "@authctx/client/PermissionDeniedError"
)("PermissionDeniedError", httpErrorFields) {
  override get message(): string {
    return describe(this)
  }
}

/** 404: no such run, schedule, variable or project (as far as this credential can see). */
export class NotFoundError extends Schema.TaggedError<NotFoundError>("@authctx/client/NotFoundError")(
  "NotFoundError",
  httpErrorFields
) {
  override get message(): string {
    return describe(this)
  }
}

/** 409: the resource exists already, or the request conflicts (after retries). */
export class ConflictError extends Schema.TaggedError<ConflictError>("@authctx/client/ConflictError")(
  "ConflictError",
  httpErrorFields
) {
  override get message(): string {
    return describe(this)
  }
}

/** 422: the request was understood but cannot be processed. */
export class UnprocessableEntityError extends Schema.TaggedError<UnprocessableEntityError>(
  "@authctx/client/UnprocessableEntityError"
)("UnprocessableEntityError", httpErrorFields) {
  override get message(): string {
    return describe(this)
  }
}

/** 429: rate limited, after the retries; `resetAt` is when the limit resets (epoch ms), when known. */
export class RateLimitError extends Schema.TaggedError<RateLimitError>("@authctx/client/RateLimitError")(
  "RateLimitError",
  { ...httpErrorFields, resetAt: Schema.optional(Schema.Number) }
) {
  override get message(): string {
    // a server may send any number: only a representable date is shown (toISOString throws otherwise)
    const at = this.resetAt !== undefined ? new Date(this.resetAt) : undefined
    const reset =
      at !== undefined && Number.isFinite(at.getTime()) ? `; the limit resets at ${at.toISOString()}` : ""
    return `${describe(this)}${reset}`
  }
}

/** 5xx: the server failed, after the retries. */
export class InternalServerError extends Schema.TaggedError<InternalServerError>(
  "@authctx/client/InternalServerError"
)("InternalServerError", httpErrorFields) {
  override get message(): string {
    return describe(this)
  }
}

/** Any other non-2xx status (e.g. 405, 413). */
export class UnexpectedStatusError extends Schema.TaggedError<UnexpectedStatusError>(
  "@authctx/client/UnexpectedStatusError"
)("UnexpectedStatusError", httpErrorFields) {
  override get message(): string {
    return describe(this)
  }
}

/** No response: the connection failed, was dropped or timed out, after the retries. */
export class ApiConnectionError extends Schema.TaggedError<ApiConnectionError>(
  "@authctx/client/ApiConnectionError"
)("ApiConnectionError", {
  endpoint: Schema.String,
  /** What went wrong, without the request's headers. */
  reason: Schema.String,
  attempts: Schema.Number
}) {
  override get message(): string {
    return `${this.endpoint}: no response from the management API after ${this.attempts} attempt(s): ${this.reason}`
  }
}

/** A 2xx response whose body does not match the endpoint's schema. Not retried. */
export class ApiSchemaError extends Schema.TaggedError<ApiSchemaError>("@authctx/client/ApiSchemaError")(
  "ApiSchemaError",
  {
    endpoint: Schema.String,
    status: Schema.Number,
    /** The schema's account of the mismatch (paths and expected types; not the body). */
    issue: Schema.String
  }
) {
  override get message(): string {
    return `${this.endpoint}: the response (${this.status}) does not match its schema: ${this.issue}`
  }
}

/**
 * A response whose body is larger than the client's `maxResponseBytes` (default 32 MiB, see
 * docs/reference/retries-and-limits.md): the client stopped reading at the limit and closed the
 * connection, so the answer cost no more memory than the limit. Not retried (the same answer would come
 * back). Raise the limit with `ClientOptions.maxResponseBytes` if the server's answers are legitimately
 * this large.
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 * import { Effect } from "effect"
 *
 * const run = Runs.retrieve("run_123").pipe(
 *   Effect.catchTag("ResponseTooLargeError", (e) => Effect.logWarning(`over ${e.limitBytes} bytes`))
 * )
 * ```
 */
export class ResponseTooLargeError extends Schema.TaggedError<ResponseTooLargeError>(
  "@authctx/client/ResponseTooLargeError"
)("ResponseTooLargeError", {
  endpoint: Schema.String,
  /** The status of the oversized answer. */
  status: Schema.Number,
  /** The limit in bytes that the body passed. */
  limitBytes: Schema.Number
}) {
  override get message(): string {
    return `${this.endpoint}: the response (${this.status}) is larger than the limit of ${this.limitBytes} bytes, so it was not read; raise ClientOptions.maxResponseBytes if such answers are expected`
  }
}

/**
 * Arguments this client refused before sending anything (not an HTTP 400: no request left the process):
 * they do not match the endpoint's schema (the types normally prevent it), they contradict each other
 * (`projectRef` given twice with different values), or a path parameter would change the route (empty,
 * `.`, `..`, a lone surrogate): then `parameter` names it.
 *
 * @example
 * ```ts
 * import { InvalidArgumentsError } from "@authctx/client"
 *
 * const refused = new InvalidArgumentsError({ endpoint: "runs.retrieve", issue: "runId is empty", parameter: "runId" })
 * refused.message // "runs.retrieve: refused before sending (nothing was sent): runId is empty"
 * ```
 */
export class InvalidArgumentsError extends Schema.TaggedError<InvalidArgumentsError>(
  "@authctx/client/InvalidArgumentsError"
)("InvalidArgumentsError", {
  endpoint: Schema.String,
  issue: Schema.String,
  /** The path parameter at fault, e.g. `runId`, when one is. */
  parameter: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return `${this.endpoint}: refused before sending (nothing was sent): ${this.issue}`
  }
}

/** Every error an HTTP call can fail with. */
export type ApiError =
  | BadRequestError
  | AuthenticationError
  | PermissionDeniedError
  | NotFoundError
  | ConflictError
  | UnprocessableEntityError
  | RateLimitError
  | InternalServerError
  | UnexpectedStatusError
  | ApiConnectionError
  | ApiSchemaError
  | ResponseTooLargeError
  | InvalidArgumentsError

/** The fields of an HTTP error, as read from a response. */
export interface HttpErrorFields {
  readonly status: number
  readonly error: string
  readonly code?: string | undefined
  readonly param?: string | undefined
  readonly type?: string | undefined
  readonly endpoint: string
}

/** The error class for a status (docs/errors.md). */
export const fromStatus = (fields: HttpErrorFields, resetAt?: number | undefined): ApiError => {
  const { status } = fields
  const props = {
    status,
    error: fields.error,
    endpoint: fields.endpoint,
    ...(fields.code !== undefined ? { code: fields.code } : {}),
    ...(fields.param !== undefined ? { param: fields.param } : {}),
    ...(fields.type !== undefined ? { type: fields.type } : {})
  }
  switch (status) {
    case 400:
      return new BadRequestError(props)
    case 401:
      return new AuthenticationError(props)
    case 403:
      return new PermissionDeniedError(props)
    case 404:
      return new NotFoundError(props)
    case 409:
      return new ConflictError(props)
    case 422:
      return new UnprocessableEntityError(props)
    case 429:
      return new RateLimitError(resetAt !== undefined ? { ...props, resetAt } : props)
    default:
      return status >= 500 ? new InternalServerError(props) : new UnexpectedStatusError(props)
  }
}

/**
 * `runs.poll` retrieved the run the most times it may (500, as the SDK) and it had not completed: the
 * run's last state is in `status`. Poll again, or with a longer `pollIntervalMs`.
 *
 * @example
 * ```ts
 * import { PollExhaustedError } from "@authctx/client"
 *
 * const error = new PollExhaustedError({ runId: "run_1234", attempts: 500, status: "EXECUTING" })
 * error.message // "runs.poll: run run_1234 did not complete after 500 attempts (last status EXECUTING)"
 * ```
 */
export class PollExhaustedError extends Schema.TaggedError<PollExhaustedError>(
  "@authctx/client/PollExhaustedError"
)("PollExhaustedError", {
  runId: Schema.String,
  attempts: Schema.Number,
  status: Schema.String
}) {
  override get message(): string {
    return `runs.poll: run ${this.runId} did not complete after ${this.attempts} attempts (last status ${this.status})`
  }
}
