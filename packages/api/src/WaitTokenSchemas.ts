/**
 * Wire schemas of the wait-token routes (`wait.createToken`, `wait.listTokens`, `wait.retrieveToken`,
 * `wait.completeToken`) and of `idempotencyKeys.reset`, mirroring `v3/schemas/api.js` of
 * `@trigger.dev/core` 4.8.3 (docs/reference/wait-tokens.md).
 *
 * @example
 * ```ts
 * import { WaitTokenSchemas } from "@authctx/api"
 * import { Schema } from "effect"
 *
 * const body = Schema.decodeUnknownSync(WaitTokenSchemas.CreateWaitpointTokenRequestBody)({ timeout: "1h" })
 * ```
 */
import * as Schema from "effect/Schema"
import { CursorPage, RunTags } from "./Schemas.js"

/** Mirrors `TimePeriod`: a duration string (`"30s"`, `"2h"`, `"4w"`) or a date (ISO-8601 on the wire). */
export const TimePeriod = Schema.Union(Schema.String, Schema.Date)
export type TimePeriod = typeof TimePeriod.Type

/** Mirrors `CreateWaitpointTokenRequestBody` (the key is capped at 2,048 characters, as upstream). */
export const CreateWaitpointTokenRequestBody = Schema.Struct({
  idempotencyKey: Schema.optional(Schema.String.pipe(Schema.maxLength(2048))),
  idempotencyKeyTTL: Schema.optional(Schema.String),
  timeout: Schema.optional(TimePeriod),
  tags: Schema.optional(RunTags)
})
export type CreateWaitpointTokenRequestBody = typeof CreateWaitpointTokenRequestBody.Type

/** Mirrors `CreateWaitpointTokenResponseBody`: `isCached` is true when an idempotency key found a token. */
export const CreateWaitpointTokenResponseBody = Schema.Struct({
  id: Schema.String,
  isCached: Schema.Boolean,
  url: Schema.String
})
export type CreateWaitpointTokenResponseBody = typeof CreateWaitpointTokenResponseBody.Type

/** Mirrors `WaitpointTokenStatus`. */
export const WaitpointTokenStatus = Schema.Literal("WAITING", "COMPLETED", "TIMED_OUT")
export type WaitpointTokenStatus = typeof WaitpointTokenStatus.Type

const tokenFields = {
  id: Schema.String,
  url: Schema.String,
  status: WaitpointTokenStatus,
  completedAt: Schema.optional(Schema.Date),
  timeoutAt: Schema.optional(Schema.Date),
  idempotencyKey: Schema.optional(Schema.String),
  idempotencyKeyExpiresAt: Schema.optional(Schema.Date),
  tags: Schema.Array(Schema.String),
  createdAt: Schema.Date
}

/** Mirrors `WaitpointTokenItem` (an item of `wait.listTokens`; `completedAfter` is never sent by the server). */
export const WaitpointTokenItem = Schema.Struct({
  ...tokenFields,
  completedAfter: Schema.optional(Schema.Date)
})
export type WaitpointTokenItem = typeof WaitpointTokenItem.Type

/** The cursor page of `wait.listTokens`. */
export const ListWaitpointTokensResponse = CursorPage(WaitpointTokenItem)
export type ListWaitpointTokensResponse = typeof ListWaitpointTokensResponse.Type

/** Mirrors `WaitpointRetrieveTokenResponse`: the token and its output packet once completed. */
export const WaitpointRetrieveTokenResponse = Schema.Struct({
  ...tokenFields,
  output: Schema.optional(Schema.String),
  outputType: Schema.optional(Schema.String),
  outputIsError: Schema.optional(Schema.Boolean)
})
export type WaitpointRetrieveTokenResponse = typeof WaitpointRetrieveTokenResponse.Type

/** Mirrors `CompleteWaitpointTokenRequestBody`: any JSON `data` (or none). */
export const CompleteWaitpointTokenRequestBody = Schema.Struct({
  data: Schema.optional(Schema.Unknown)
})
export type CompleteWaitpointTokenRequestBody = typeof CompleteWaitpointTokenRequestBody.Type

/** Mirrors `CompleteWaitpointTokenResponseBody`. */
export const CompleteWaitpointTokenResponseBody = Schema.Struct({ success: Schema.Literal(true) })
export type CompleteWaitpointTokenResponseBody = typeof CompleteWaitpointTokenResponseBody.Type

/** The body of `idempotencyKeys.reset`: the task whose runs hold the key. */
export const ResetIdempotencyKeyRequestBody = Schema.Struct({ taskIdentifier: Schema.String })
export type ResetIdempotencyKeyRequestBody = typeof ResetIdempotencyKeyRequestBody.Type

/** Mirrors `ResetIdempotencyKeyResponse`: `id` is the key that was reset. */
export const ResetIdempotencyKeyResponse = Schema.Struct({ id: Schema.String })
export type ResetIdempotencyKeyResponse = typeof ResetIdempotencyKeyResponse.Type
