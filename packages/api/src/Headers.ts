/**
 * The HTTP header names of the management API, defined once for the client (which sends them) and the
 * emulator (which reads and answers them). Lower-case, as Node reports incoming header names. What each
 * one means, who sends it and when: docs/reference/headers-and-branches.md.
 *
 * @example
 * ```ts
 * import { Headers } from "@authctx/api"
 *
 * const sent = { [Headers.realtimeStreamsVersion]: Headers.realtimeStreamsV2 }
 * ```
 */

/** `Authorization: Bearer <token>`. */
export const authorization = "authorization"

/** The API version the client speaks; the server answers older versions with legacy status names. */
export const apiVersion = "x-trigger-api-version"

/** Who is calling (`sdk` for the official SDK, `authctx` by default here). */
export const source = "x-trigger-source"

/** The client library's version. */
export const clientVersion = "trigger-version"

/** One value per logical call, the same on every retry: the server replays the first answer. */
export const requestIdempotencyKey = "x-trigger-request-idempotency-key"

/**
 * The branch: selects a preview branch environment (preview keys, PATs on `preview`) or a dev branch
 * environment (dev keys, PATs on `dev`). The client sends it only there.
 */
export const branch = "x-trigger-branch"

/** The realtime streams protocol the runs a call triggers will use; 4.8.3 sends `v2` on every request. */
export const realtimeStreamsVersion = "x-trigger-realtime-streams-version"

/** The value of {@link realtimeStreamsVersion} the official SDK 4.8.3 sends by default. */
export const realtimeStreamsV2 = "v2"

/** A public access token for the run or batch a trigger created, in the answer. */
export const jwt = "x-trigger-jwt"

/** The claims of {@link jwt}, as JSON, in the answer. */
export const jwtClaims = "x-trigger-jwt-claims"

/** In a 429 answer: when the rate limit resets, in epoch milliseconds (epoch seconds are also seen). */
export const rateLimitReset = "x-ratelimit-reset"

/** In a 429 (or 503) answer: seconds to wait, or an HTTP date; read when {@link rateLimitReset} is absent. */
export const retryAfter = "retry-after"

/** In an error answer: `true` or `false`, the server's word on whether retrying can help. */
export const shouldRetry = "x-should-retry"
