/**
 * Wire schemas of the sessions routes (`sessions.start`, `sessions.retrieve`, `sessions.update`,
 * `sessions.close`, `sessions.list`), mirroring `v3/schemas/api.js` of `@trigger.dev/core` 4.8.3 (the facts:
 * docs/reference/sessions.md).
 *
 * @example
 * ```ts
 * import { SchemasSessions } from "@authctx/api"
 * import { Schema } from "effect"
 *
 * const body = Schema.decodeUnknownSync(SchemasSessions.CreateSessionRequestBody)({
 *   type: "chat.agent",
 *   taskIdentifier: "support-agent",
 *   externalId: "chat-1234",
 *   triggerConfig: { basePayload: { chatId: "chat-1234" } }
 * })
 * ```
 */
import * as Schema from "effect/Schema"
import { CursorPage, MachinePresetName, RunTag } from "./Schemas.js"

/** The prefix of a session's own id (`session_…`); an `externalId` may not start with it. */
export const sessionIdPrefix = "session_"

/**
 * Mirrors the `externalId` of the create and update bodies: 1 to 256 characters once trimmed (the server
 * trims it), not starting with `session_` (the prefix of the server's own ids).
 */
export const SessionExternalId = Schema.String.pipe(
  Schema.filter((value) => {
    const trimmed = value.trim()
    if (trimmed.length === 0) return "externalId must not be empty"
    if (trimmed.length > 256) return "externalId must be at most 256 characters"
    if (trimmed.startsWith(sessionIdPrefix))
      return "externalId cannot start with 'session_' (reserved prefix for internal friendlyIds)"
    return true
  })
).annotations({ identifier: "SessionExternalId" })

/** Mirrors the session tags: up to 10, each at most 128 characters. */
export const SessionTags = Schema.Array(RunTag).pipe(Schema.maxItems(10))

/** Mirrors the trigger-time named concurrency limits: at most 2 names of `[a-zA-Z0-9_-]{1,122}`. */
export const SessionConcurrencyLimits = Schema.Array(
  Schema.String.pipe(Schema.pattern(/^[a-zA-Z0-9_-]{1,122}$/))
).pipe(Schema.maxItems(2))

const positiveInt = Schema.Number.pipe(Schema.int(), Schema.positive())

/**
 * Mirrors `SessionTriggerConfig`: what every run the session triggers is started with. `basePayload` is the
 * run's payload.
 */
export const SessionTriggerConfig = Schema.Struct({
  basePayload: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  machine: Schema.optional(MachinePresetName),
  queue: Schema.optional(Schema.String.pipe(Schema.maxLength(128))),
  concurrency: Schema.optional(SessionConcurrencyLimits),
  /** The server stores it as a string (a number is converted). */
  concurrencyKey: Schema.optional(Schema.Union(Schema.String, Schema.Number)),
  tags: Schema.optional(SessionTags),
  maxAttempts: Schema.optional(positiveInt.pipe(Schema.lessThanOrEqualTo(10))),
  /** Seconds. */
  maxDuration: Schema.optional(positiveInt),
  lockToVersion: Schema.optional(Schema.String),
  /** Pins the session's runs to the deployment carrying this id (at most 128 characters). */
  externalDeploymentId: Schema.optional(Schema.String.pipe(Schema.maxLength(128))),
  region: Schema.optional(Schema.String),
  idleTimeoutInSeconds: Schema.optional(positiveInt.pipe(Schema.lessThanOrEqualTo(3600))),
  ttl: Schema.optional(
    Schema.Union(Schema.String, Schema.Number.pipe(Schema.int(), Schema.greaterThanOrEqualTo(0)))
  )
})
export type SessionTriggerConfig = typeof SessionTriggerConfig.Type

/** Mirrors `CreateSessionRequestBody`, the body of `sessions.start`. */
export const CreateSessionRequestBody = Schema.Struct({
  /** A free label such as `"chat.agent"` (1 to 64 characters). */
  type: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64)),
  /** The caller's idempotency key: one session per environment and external id. */
  externalId: Schema.optional(SessionExternalId),
  taskIdentifier: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128)),
  triggerConfig: SessionTriggerConfig,
  tags: Schema.optional(SessionTags),
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  expiresAt: Schema.optional(Schema.Date)
})
export type CreateSessionRequestBody = typeof CreateSessionRequestBody.Type

/** Mirrors `SessionItem`: a session as every sessions route answers it. */
export const SessionItem = Schema.Struct({
  id: Schema.String,
  externalId: Schema.NullOr(Schema.String),
  type: Schema.String,
  taskIdentifier: Schema.String,
  /** Absent on `sessions.list` items (the server's list does not read it). */
  triggerConfig: Schema.optional(SessionTriggerConfig),
  currentRunId: Schema.optional(Schema.NullOr(Schema.String)),
  tags: Schema.Array(Schema.String),
  metadata: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  closedAt: Schema.NullOr(Schema.Date),
  closedReason: Schema.NullOr(Schema.String),
  expiresAt: Schema.NullOr(Schema.Date),
  createdAt: Schema.Date,
  updatedAt: Schema.Date
})
export type SessionItem = typeof SessionItem.Type

/**
 * Mirrors `CreatedSessionResponseBody`: the session, its live run, a public access token scoped to the
 * session (`read:sessions:<key>`, `write:sessions:<key>`, the key being the external id, else the id) and
 * `isCached` (the external id named a session that already existed).
 */
export const CreatedSessionResponseBody = Schema.Struct({
  ...SessionItem.fields,
  runId: Schema.String,
  publicAccessToken: Schema.String,
  isCached: Schema.Boolean,
  pendingVersion: Schema.optional(Schema.Boolean)
})
export type CreatedSessionResponseBody = typeof CreatedSessionResponseBody.Type

/** Mirrors `RetrieveSessionResponseBody` (a `SessionItem`). */
export const RetrieveSessionResponseBody = SessionItem
export type RetrieveSessionResponseBody = typeof RetrieveSessionResponseBody.Type

/**
 * Mirrors `UpdateSessionRequestBody`: new tags, new metadata (`null` clears it), and `externalId` (the
 * server refuses a change of it with 422; sending the same value again is accepted).
 */
export const UpdateSessionRequestBody = Schema.Struct({
  tags: Schema.optional(SessionTags),
  metadata: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  externalId: Schema.optional(Schema.NullOr(SessionExternalId))
})
export type UpdateSessionRequestBody = typeof UpdateSessionRequestBody.Type

/** Mirrors `CloseSessionRequestBody`: an optional reason (at most 256 characters). */
export const CloseSessionRequestBody = Schema.Struct({
  reason: Schema.optional(Schema.String.pipe(Schema.maxLength(256))),
  /** Set by a session's own run when it closes itself; a backend leaves it out. */
  callingRunId: Schema.optional(Schema.String)
})
export type CloseSessionRequestBody = typeof CloseSessionRequestBody.Type

/** Mirrors `SessionStatus`: derived from `closedAt` and `expiresAt`, not stored. */
export const SessionStatus = Schema.Literal("ACTIVE", "CLOSED", "EXPIRED")
export type SessionStatus = typeof SessionStatus.Type

/** Mirrors `ListSessionsResponseBody`: the cursor page of `sessions.list` (items without `triggerConfig`). */
export const ListSessionsResponseBody = CursorPage(SessionItem)
export type ListSessionsResponseBody = typeof ListSessionsResponseBody.Type
