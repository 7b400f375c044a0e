/**
 * Wire schemas of the Trigger.dev management API routes (docs/research/trigger-wire.md), written with `effect/Schema`.
 *
 * Field names, optionality and nullability follow the zod schemas published in `@trigger.dev/core` 4.8.3
 * (`dist/{esm,commonjs}/v3/schemas/api.js` and `v3/schemas/common.js`); each schema's doc comment names the
 * one it mirrors. No code was copied: the shapes were read and re-derived.
 *
 * Conventions:
 * - zod `.optional()` → `Schema.optional(X)`; zod `.nullable()` → `Schema.NullOr(X)`;
 *   zod `.nullish()` → `Schema.optional(Schema.NullishOr(X))` (the key may be absent, `null` or `undefined`).
 * - zod `z.coerce.date()` → `Schema.Date`: the wire carries an ISO-8601 string, the decoded side is a `Date`
 *   (unlike `z.coerce.date()`, a number is not accepted; the server never sends one).
 * - zod `z.any()` / `z.unknown()` payloads and metadata → `Schema.Unknown` /
 *   `Schema.Record({ key: Schema.String, value: Schema.Unknown })`.
 * - Request `options` objects carry an index signature, so option fields this file does not name are
 *   decoded and kept rather than dropped (newer SDKs add options often). Elsewhere, unknown keys are accepted
 *   and dropped (Effect's default `onExcessProperty: "ignore"`, like zod's default strip).
 */
import * as Schema from "effect/Schema"

export * from "./SchemasDeployments.js"
// ---- query ----
export * from "./SchemasQuery.js"

// ---------------------------------------------------------------------------------------------------------
// Shared building blocks
// ---------------------------------------------------------------------------------------------------------

const UnknownRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** Mirrors `RunStatus` (z.enum) in `v3/schemas/api.js`. */
export const RunStatus = Schema.Literal(
  "PENDING_VERSION",
  "QUEUED",
  "DEQUEUED",
  "EXECUTING",
  "WAITING",
  "COMPLETED",
  "CANCELED",
  "FAILED",
  "CRASHED",
  "SYSTEM_FAILURE",
  "DELAYED",
  "EXPIRED",
  "TIMED_OUT"
)
export type RunStatus = typeof RunStatus.Type

/** Mirrors `MachinePresetName` (z.enum) in `v3/schemas/common.js`. */
export const MachinePresetName = Schema.Literal(
  "micro",
  "small-1x",
  "small-2x",
  "medium-1x",
  "medium-2x",
  "large-1x",
  "large-2x"
)
export type MachinePresetName = typeof MachinePresetName.Type

/** Mirrors the `RunTag` string (max 128 characters) behind `RunTags` in `v3/schemas/api.js`. */
export const RunTag = Schema.String.pipe(Schema.maxLength(128))
export type RunTag = typeof RunTag.Type

/** Mirrors `RunTags` in `v3/schemas/api.js`: one tag or an array of tags. */
export const RunTags = Schema.Union(RunTag, Schema.Array(RunTag))
export type RunTags = typeof RunTags.Type

/** Mirrors the inline `idempotencyKey` string (max 2048 characters) repeated across `v3/schemas/api.js`. */
export const IdempotencyKey = Schema.String.pipe(Schema.maxLength(2048))
export type IdempotencyKey = typeof IdempotencyKey.Type

/** Mirrors `IdempotencyKeyOptionsSchema` in `v3/schemas/api.js`: the user's original key and its scope. */
export const IdempotencyKeyOptions = Schema.Struct({
  key: Schema.String,
  scope: Schema.Literal("run", "attempt", "global")
})
export type IdempotencyKeyOptions = typeof IdempotencyKeyOptions.Type

/**
 * Mirrors the private `ConcurrencyKeySchema` in `v3/schemas/api.js`: a string or a number on the wire,
 * always a string once decoded.
 */
export const ConcurrencyKey = Schema.transform(Schema.Union(Schema.String, Schema.Number), Schema.String, {
  strict: true,
  decode: (value) => String(value),
  encode: (value) => value
})
export type ConcurrencyKey = typeof ConcurrencyKey.Type

/**
 * Mirrors the private `TriggerConcurrencyLimitsSchema` in `v3/schemas/api.js`: up to two named
 * concurrency limits, each 1–122 characters of `[A-Za-z0-9_-]`.
 */
export const TriggerConcurrencyLimits = Schema.Array(
  Schema.String.pipe(Schema.pattern(/^[a-zA-Z0-9_-]{1,122}$/))
).pipe(Schema.maxItems(2))
export type TriggerConcurrencyLimits = typeof TriggerConcurrencyLimits.Type

/**
 * Mirrors the private `ExternalDeploymentId` in `v3/schemas/api.js` (max 128 characters). The zod version
 * preprocesses: `null`, `""` and blank strings count as absent and the value is trimmed; here the SDK is
 * expected to have normalised it already (it never sends `null`).
 */
export const ExternalDeploymentId = Schema.String.pipe(Schema.maxLength(128))
export type ExternalDeploymentId = typeof ExternalDeploymentId.Type

/**
 * Mirrors `delay` (`z.string().or(z.coerce.date())`) in `v3/schemas/api.js`: a duration such as `"1h"` or a
 * date. A `Date` is written as its ISO string; a string on the wire decodes as a string (string is tried first).
 */
export const TriggerDelay = Schema.Union(Schema.String, Schema.Date)
export type TriggerDelay = typeof TriggerDelay.Type

/** Mirrors `ttl` (`z.string().or(z.number().nonnegative().int())`) in `v3/schemas/api.js`. */
export const TriggerTtl = Schema.Union(Schema.String, Schema.NonNegativeInt)
export type TriggerTtl = typeof TriggerTtl.Type

/** Mirrors the inline `queue` object of `BatchTriggerTaskItem.options` in `v3/schemas/api.js`. */
export const QueueOption = Schema.Struct({
  name: Schema.String
})
export type QueueOption = typeof QueueOption.Type

/** Mirrors the inline `queue` object of `TriggerTaskRequestBody.options` in `v3/schemas/api.js`. */
export const TriggerQueueOption = Schema.Struct({
  name: Schema.String,
  /** Deprecated upstream: the limit now lives on the queue. */
  concurrencyLimit: Schema.optional(Schema.Int)
})
export type TriggerQueueOption = typeof TriggerQueueOption.Type

/** Mirrors one element of the inline `gates` array in `v3/schemas/api.js`. */
export const QueueGate = Schema.Struct({
  queue: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128)),
  concurrencyKey: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128)))
})
export type QueueGate = typeof QueueGate.Type

/** Mirrors the inline `gates` array (at most 3) in `v3/schemas/api.js`. */
export const QueueGates = Schema.Array(QueueGate).pipe(Schema.maxItems(3))
export type QueueGates = typeof QueueGates.Type

/** Mirrors the inline `debounce` object in `v3/schemas/api.js`. */
export const DebounceOption = Schema.Struct({
  key: Schema.String.pipe(Schema.maxLength(512)),
  delay: Schema.String,
  mode: Schema.optional(Schema.Literal("leading", "trailing")),
  maxDelay: Schema.optional(Schema.String)
})
export type DebounceOption = typeof DebounceOption.Type

// ---------------------------------------------------------------------------------------------------------
// tasks.trigger — POST /api/v1/tasks/{taskId}/trigger
// ---------------------------------------------------------------------------------------------------------

/** Mirrors the `options` object of `TriggerTaskRequestBody` in `v3/schemas/api.js` (extra keys are kept). */
export const TriggerTaskOptions = Schema.Struct(
  {
    /** Deprecated upstream (engine v1 only). */
    dependentAttempt: Schema.optional(Schema.String),
    /** Deprecated upstream (engine v1 only). */
    parentAttempt: Schema.optional(Schema.String),
    /** Deprecated upstream (engine v1 only). */
    dependentBatch: Schema.optional(Schema.String),
    parentBatch: Schema.optional(Schema.String),
    /** Friendly id of the parent run, when triggered from inside a run. */
    parentRunId: Schema.optional(Schema.String),
    resumeParentOnCompletion: Schema.optional(Schema.Boolean),
    lockToVersion: Schema.optional(Schema.String),
    externalDeploymentId: Schema.optional(ExternalDeploymentId),
    queue: Schema.optional(TriggerQueueOption),
    gates: Schema.optional(QueueGates),
    concurrency: Schema.optional(TriggerConcurrencyLimits),
    concurrencyKey: Schema.optional(ConcurrencyKey),
    delay: Schema.optional(TriggerDelay),
    idempotencyKey: Schema.optional(IdempotencyKey),
    idempotencyKeyTTL: Schema.optional(Schema.String),
    idempotencyKeyOptions: Schema.optional(IdempotencyKeyOptions),
    machine: Schema.optional(MachinePresetName),
    maxAttempts: Schema.optional(Schema.Int),
    maxDuration: Schema.optional(Schema.Number),
    metadata: Schema.optional(Schema.Unknown),
    metadataType: Schema.optional(Schema.String),
    payloadType: Schema.optional(Schema.String),
    payloadSize: Schema.optional(Schema.NonNegativeInt),
    tags: Schema.optional(RunTags),
    test: Schema.optional(Schema.Boolean),
    ttl: Schema.optional(TriggerTtl),
    priority: Schema.optional(Schema.Number),
    bulkActionId: Schema.optional(Schema.String),
    region: Schema.optional(Schema.String),
    debounce: Schema.optional(DebounceOption)
  },
  UnknownRecord
)
export type TriggerTaskOptions = typeof TriggerTaskOptions.Type

/**
 * Mirrors `TriggerTaskRequestBody` in `v3/schemas/api.js`, including its refinement: with
 * `options.payloadType` `"application/store"` the payload must be a non-empty string (an object-store path).
 */
export const TriggerTaskRequestBody = Schema.Struct({
  payload: Schema.optional(Schema.Unknown),
  context: Schema.optional(Schema.Unknown),
  options: Schema.optional(TriggerTaskOptions)
}).pipe(
  Schema.filter(
    (body) =>
      body.options?.payloadType !== "application/store" ||
      (typeof body.payload === "string" && body.payload.length > 0) || {
        path: ["payload"],
        message: "payload must be a non-empty string when options.payloadType is application/store"
      }
  )
)
export type TriggerTaskRequestBody = typeof TriggerTaskRequestBody.Type

/** Mirrors `TriggerTaskResponse` in `v3/schemas/api.js` (the SDK adds `publicAccessToken` from a header). */
export const TriggerTaskResponse = Schema.Struct({
  id: Schema.String,
  isCached: Schema.optional(Schema.Boolean)
})
export type TriggerTaskResponse = typeof TriggerTaskResponse.Type

// ---------------------------------------------------------------------------------------------------------
// tasks.batchTrigger — POST /api/v3/batches, then POST /api/v3/batches/{batchId}/items (NDJSON)
// ---------------------------------------------------------------------------------------------------------

/** Mirrors `CreateBatchRequestBody` (phase 1) in `v3/schemas/api.js`. */
export const CreateBatchRequestBody = Schema.Struct({
  /** Number of items the phase-2 stream will carry. */
  runCount: Schema.Int.pipe(Schema.positive()),
  /** Distinct task identifiers of the items (the SDK sends them sorted). */
  taskIdentifiers: Schema.optional(
    Schema.Array(Schema.String.pipe(Schema.minLength(1))).pipe(Schema.minItems(1))
  ),
  parentRunId: Schema.optional(Schema.String),
  resumeParentOnCompletion: Schema.optional(Schema.Boolean),
  idempotencyKey: Schema.optional(IdempotencyKey),
  idempotencyKeyOptions: Schema.optional(IdempotencyKeyOptions)
})
export type CreateBatchRequestBody = typeof CreateBatchRequestBody.Type

/** Mirrors `CreateBatchResponse` (phase 1) in `v3/schemas/api.js`. */
export const CreateBatchResponse = Schema.Struct({
  /** Friendly batch id, `batch_…`. */
  id: Schema.String,
  runCount: Schema.Number,
  /** `true` when the idempotency key matched an existing batch; the SDK then skips phase 2. */
  isCached: Schema.Boolean,
  idempotencyKey: Schema.optional(Schema.String)
})
export type CreateBatchResponse = typeof CreateBatchResponse.Type

/** Mirrors `BatchTriggerTaskItem.shape.options` in `v3/schemas/api.js` (extra keys are kept). */
export const BatchItemOptions = Schema.Struct(
  {
    concurrencyKey: Schema.optional(ConcurrencyKey),
    delay: Schema.optional(TriggerDelay),
    idempotencyKey: Schema.optional(IdempotencyKey),
    idempotencyKeyTTL: Schema.optional(Schema.String),
    idempotencyKeyOptions: Schema.optional(IdempotencyKeyOptions),
    lockToVersion: Schema.optional(Schema.String),
    externalDeploymentId: Schema.optional(ExternalDeploymentId),
    machine: Schema.optional(MachinePresetName),
    maxAttempts: Schema.optional(Schema.Int),
    maxDuration: Schema.optional(Schema.Number),
    metadata: Schema.optional(Schema.Unknown),
    metadataType: Schema.optional(Schema.String),
    parentAttempt: Schema.optional(Schema.String),
    payloadType: Schema.optional(Schema.String),
    payloadSize: Schema.optional(Schema.NonNegativeInt),
    queue: Schema.optional(QueueOption),
    gates: Schema.optional(QueueGates),
    concurrency: Schema.optional(TriggerConcurrencyLimits),
    tags: Schema.optional(RunTags),
    test: Schema.optional(Schema.Boolean),
    ttl: Schema.optional(TriggerTtl),
    priority: Schema.optional(Schema.Number),
    region: Schema.optional(Schema.String),
    debounce: Schema.optional(DebounceOption)
  },
  UnknownRecord
)
export type BatchItemOptions = typeof BatchItemOptions.Type

/** Mirrors `BatchItemNDJSON` (phase 2) in `v3/schemas/api.js`: one line of the `application/x-ndjson` body. */
export const BatchItemNDJSON = Schema.Struct({
  /** Zero-based position in the batch; the server deduplicates retried lines by it. */
  index: Schema.NonNegativeInt,
  /** Task identifier to trigger. */
  task: Schema.String,
  payload: Schema.optional(Schema.Unknown),
  options: Schema.optional(BatchItemOptions)
})
export type BatchItemNDJSON = typeof BatchItemNDJSON.Type

/** Mirrors `StreamBatchItemsResponse` (phase 2) in `v3/schemas/api.js`. */
export const StreamBatchItemsResponse = Schema.Struct({
  id: Schema.String,
  itemsAccepted: Schema.Number,
  itemsDeduplicated: Schema.Number,
  /** `false` when fewer items than `runCount` have arrived; the client should resend the stream. */
  sealed: Schema.Boolean,
  /** Present when `sealed` is `false`. */
  enqueuedCount: Schema.optional(Schema.Number),
  /** Present when `sealed` is `false`. */
  expectedCount: Schema.optional(Schema.Number)
})
export type StreamBatchItemsResponse = typeof StreamBatchItemsResponse.Type

// ---------------------------------------------------------------------------------------------------------
// Packets — PUT /api/v2/packets/{filename} (upload URL for an offloaded payload)
// ---------------------------------------------------------------------------------------------------------

/**
 * Mirrors `CreateUploadPayloadUrlResponseBody` in `v3/schemas/api.js`: where to `PUT` the packet, and the
 * `storagePath` the trigger then sends as its payload (`payloadType: "application/store"`). The v2 route
 * always answers `storagePath`; the SDK refuses an answer without it. See `docs/reference/payloads.md`.
 */
export const CreateUploadPayloadUrlResponseBody = Schema.Struct({
  presignedUrl: Schema.String,
  storagePath: Schema.optional(Schema.String)
})
export type CreateUploadPayloadUrlResponseBody = typeof CreateUploadPayloadUrlResponseBody.Type

// ---------------------------------------------------------------------------------------------------------
// Runs — retrieve, list, replay, cancel
// ---------------------------------------------------------------------------------------------------------

/** Mirrors `TaskRunErrorCause` in `v3/schemas/common.js`. */
export const TaskRunErrorCause = Schema.Struct({
  name: Schema.optional(Schema.String),
  message: Schema.String,
  stackTrace: Schema.optional(Schema.String)
})
export type TaskRunErrorCause = typeof TaskRunErrorCause.Type

/** Mirrors `SerializedError` in `v3/schemas/common.js`. */
export const SerializedError = Schema.Struct({
  message: Schema.String,
  name: Schema.optional(Schema.String),
  stackTrace: Schema.optional(Schema.String),
  causes: Schema.optional(Schema.Array(TaskRunErrorCause))
})
export type SerializedError = typeof SerializedError.Type

/** Mirrors `ScheduleGenerator` in `v3/schemas/api.js`. */
export const ScheduleGenerator = Schema.Struct({
  type: Schema.Literal("CRON"),
  expression: Schema.String,
  description: Schema.String
})
export type ScheduleGenerator = typeof ScheduleGenerator.Type

/** Mirrors `RunScheduleDetails` in `v3/schemas/api.js`. */
export const RunScheduleDetails = Schema.Struct({
  id: Schema.String,
  externalId: Schema.optional(Schema.String),
  deduplicationKey: Schema.optional(Schema.String),
  generator: ScheduleGenerator
})
export type RunScheduleDetails = typeof RunScheduleDetails.Type

/** Mirrors `RunEnvironmentDetails` in `v3/schemas/api.js`. */
export const RunEnvironmentDetails = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  user: Schema.optional(Schema.String)
})
export type RunEnvironmentDetails = typeof RunEnvironmentDetails.Type

/** Mirrors `TriggerFunction` (z.enum) in `v3/schemas/api.js`. */
export const TriggerFunction = Schema.Literal(
  "triggerAndWait",
  "trigger",
  "batchTriggerAndWait",
  "batchTrigger"
)
export type TriggerFunction = typeof TriggerFunction.Type

/** The private `CommonRunFields` of `v3/schemas/api.js`; dates are ISO strings on the wire. */
const commonRunFields = {
  id: Schema.String,
  status: RunStatus,
  taskIdentifier: Schema.String,
  idempotencyKey: Schema.optional(Schema.String),
  version: Schema.optional(Schema.String),
  isQueued: Schema.Boolean,
  isExecuting: Schema.Boolean,
  isWaiting: Schema.Boolean,
  isCompleted: Schema.Boolean,
  isSuccess: Schema.Boolean,
  isFailed: Schema.Boolean,
  isCancelled: Schema.Boolean,
  isTest: Schema.Boolean,
  createdAt: Schema.Date,
  updatedAt: Schema.Date,
  startedAt: Schema.optional(Schema.Date),
  finishedAt: Schema.optional(Schema.Date),
  delayedUntil: Schema.optional(Schema.Date),
  ttl: Schema.optional(Schema.String),
  expiredAt: Schema.optional(Schema.Date),
  tags: Schema.Array(Schema.String),
  costInCents: Schema.Number,
  baseCostInCents: Schema.Number,
  durationMs: Schema.Number,
  metadata: Schema.optional(UnknownRecord),
  taskKind: Schema.optional(Schema.String),
  region: Schema.optional(Schema.String)
}

/** The private `RetrieveRunCommandFields` of `v3/schemas/api.js`. */
const retrieveRunCommandFields = {
  ...commonRunFields,
  depth: Schema.Number,
  triggerFunction: TriggerFunction,
  batchId: Schema.optional(Schema.String)
}

/** Mirrors `RelatedRunDetails` in `v3/schemas/api.js` (root, parent and children of a retrieved run). */
export const RelatedRunDetails = Schema.Struct(retrieveRunCommandFields)
export type RelatedRunDetails = typeof RelatedRunDetails.Type

/**
 * Mirrors `RetrieveRunResponse` in `v3/schemas/api.js`. There is no `attempts` array in 4.8.x, only
 * `attemptCount`, which defaults to `0` when the server omits it.
 */
export const RetrieveRunResponse = Schema.Struct({
  ...retrieveRunCommandFields,
  payload: Schema.optional(Schema.Unknown),
  payloadPresignedUrl: Schema.optional(Schema.String),
  output: Schema.optional(Schema.Unknown),
  outputPresignedUrl: Schema.optional(Schema.String),
  error: Schema.optional(SerializedError),
  schedule: Schema.optional(RunScheduleDetails),
  relatedRuns: Schema.Struct({
    root: Schema.optional(RelatedRunDetails),
    parent: Schema.optional(RelatedRunDetails),
    children: Schema.optional(Schema.Array(RelatedRunDetails))
  }),
  attemptCount: Schema.optionalWith(Schema.Number, { default: () => 0 })
})
export type RetrieveRunResponse = typeof RetrieveRunResponse.Type

/** Mirrors `ListRunResponseItem` in `v3/schemas/api.js`. */
export const ListRunResponseItem = Schema.Struct({
  ...commonRunFields,
  env: RunEnvironmentDetails
})
export type ListRunResponseItem = typeof ListRunResponseItem.Type

/** Mirrors the `pagination` object of the cursor page built by `zodfetchCursorPage` in `v3/apiClient/core.js`. */
export const CursorPagination = Schema.Struct({
  next: Schema.optional(Schema.String),
  previous: Schema.optional(Schema.String)
})
export type CursorPagination = typeof CursorPagination.Type

/** Mirrors the page schema built by `zodfetchCursorPage` in `v3/apiClient/core.js`, for any item schema. */
export const CursorPage = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({
    data: Schema.Array(item),
    pagination: CursorPagination
  })

/** Mirrors `ListRunResponse` in `v3/schemas/api.js`: the cursor page of `runs.list`. */
export const ListRunResponse = CursorPage(ListRunResponseItem)
export type ListRunResponse = typeof ListRunResponse.Type

/**
 * Mirrors `ReplayRunRequestBody` in `v3/schemas/api.js` (all optional; the SDK sends no body when no
 * override is given). Upstream is a zod `strictObject`: reject unknown keys with
 * `{ onExcessProperty: "error" }` to match.
 */
export const ReplayRunRequestBody = Schema.Struct({
  payload: Schema.optional(Schema.Unknown),
  payloadType: Schema.optional(Schema.Literal("application/json", "application/super+json")),
  metadata: Schema.optional(UnknownRecord),
  tags: Schema.optional(RunTags),
  queue: Schema.optional(Schema.String),
  concurrencyKey: Schema.optional(ConcurrencyKey),
  machine: Schema.optional(MachinePresetName),
  version: Schema.optional(Schema.String),
  region: Schema.optional(Schema.String),
  delay: Schema.optional(TriggerDelay),
  ttl: Schema.optional(TriggerTtl),
  idempotencyKey: Schema.optional(IdempotencyKey),
  idempotencyKeyTTL: Schema.optional(Schema.String),
  maxAttempts: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))),
  maxDuration: Schema.optional(Schema.NonNegative),
  priority: Schema.optional(Schema.Number)
}).pipe(
  Schema.filter(
    (body) =>
      body.payloadType !== "application/super+json" ||
      typeof body.payload === "string" || {
        path: ["payload"],
        message: "payload must be a SuperJSON string when payloadType is application/super+json"
      }
  )
)
export type ReplayRunRequestBody = typeof ReplayRunRequestBody.Type

/** Mirrors `ReplayRunResponse` in `v3/schemas/api.js`: the id of the new run. */
export const ReplayRunResponse = Schema.Struct({
  id: Schema.String
})
export type ReplayRunResponse = typeof ReplayRunResponse.Type

/** Mirrors `CanceledRunResponse` in `v3/schemas/api.js`. */
export const CanceledRunResponse = Schema.Struct({
  id: Schema.String
})
export type CanceledRunResponse = typeof CanceledRunResponse.Type

// ---------------------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------------------

const MAX_WINDOW_SECONDS = 24 * 60 * 60

const isScheduleWindow = (value: string): boolean => {
  const duration = /^(0|[1-9]\d*)([mh])$/.exec(value)
  if (duration !== null) {
    const seconds = Number(duration[1]) * (duration[2] === "m" ? 60 : 3_600)
    return Number.isSafeInteger(seconds) && seconds <= MAX_WINDOW_SECONDS
  }
  const percentage = /^(0|[1-9]\d*)%$/.exec(value)
  if (percentage !== null) {
    const amount = Number(percentage[1])
    return Number.isSafeInteger(amount) && amount <= 100
  }
  return false
}

/**
 * Mirrors `ScheduleWindow` in `v3/schemas/scheduleWindow.js`: whole minutes or hours up to 24 hours
 * (`"30m"`, `"2h"`) or a percentage up to 100 (`"30%"`).
 */
export const ScheduleWindow = Schema.String.pipe(
  Schema.filter(isScheduleWindow, {
    message: () =>
      'Schedule window must be a whole duration such as "30m" or "2h" (at most 24 hours), or a percentage such as "30%" (at most 100%)'
  })
)
export type ScheduleWindow = typeof ScheduleWindow.Type

/** Mirrors `ScheduleType` in `v3/schemas/api.js`. */
export const ScheduleType = Schema.Literal("DECLARATIVE", "IMPERATIVE")
export type ScheduleType = typeof ScheduleType.Type

/** Mirrors `ScheduleObject` in `v3/schemas/api.js`. */
export const ScheduleObject = Schema.Struct({
  id: Schema.String,
  type: ScheduleType,
  task: Schema.String,
  active: Schema.Boolean,
  deduplicationKey: Schema.optional(Schema.NullishOr(Schema.String)),
  externalId: Schema.optional(Schema.NullishOr(Schema.String)),
  generator: ScheduleGenerator,
  timezone: Schema.String,
  window: Schema.optional(ScheduleWindow),
  /** The next nominal CRON time. */
  nextRun: Schema.optional(Schema.NullishOr(Schema.Date)),
  /** The stable assigned time (within `window`) of the next nominal CRON time. */
  nextRunEffectiveAt: Schema.optional(Schema.NullishOr(Schema.Date)),
  appliedSchedulePolicy: Schema.optional(
    Schema.Struct({
      minimumWindowSeconds: Schema.Number,
      reason: Schema.Literal("free_schedule")
    })
  ),
  environments: Schema.Array(
    Schema.Struct({
      id: Schema.String,
      type: Schema.String,
      userName: Schema.optional(Schema.NullishOr(Schema.String))
    })
  )
})
export type ScheduleObject = typeof ScheduleObject.Type

/** Mirrors `DeletedScheduleObject` in `v3/schemas/api.js`. */
export const DeletedScheduleObject = Schema.Struct({
  id: Schema.String
})
export type DeletedScheduleObject = typeof DeletedScheduleObject.Type

/** Mirrors `CreateScheduleOptions` in `v3/schemas/api.js` (the `schedules.create` body). */
export const CreateScheduleOptions = Schema.Struct({
  /** Id of the task the schedule triggers. */
  task: Schema.String,
  cron: Schema.String,
  /** Creating twice with the same key updates the existing schedule. */
  deduplicationKey: Schema.String,
  externalId: Schema.optional(Schema.String),
  /** IANA time zone; UTC when absent. */
  timezone: Schema.optional(Schema.String),
  window: Schema.optional(ScheduleWindow)
})
export type CreateScheduleOptions = typeof CreateScheduleOptions.Type

/** Mirrors `UpdateScheduleOptions` in `v3/schemas/api.js`: `CreateScheduleOptions` without `deduplicationKey`. */
export const UpdateScheduleOptions = CreateScheduleOptions.omit("deduplicationKey")
export type UpdateScheduleOptions = typeof UpdateScheduleOptions.Type

/** Mirrors `ListScheduleOptions` in `v3/schemas/api.js` (sent as the `page` and `perPage` query parameters). */
export const ListScheduleOptions = Schema.Struct({
  page: Schema.optional(Schema.Number),
  perPage: Schema.optional(Schema.Number)
})
export type ListScheduleOptions = typeof ListScheduleOptions.Type

/**
 * Mirrors the `pagination` object of the page built by `zodfetchOffsetLimitPage` in `v3/apiClient/core.js`,
 * which coerces each count with `z.coerce.number()`: a number (or a numeric string) on the wire.
 */
export const OffsetLimitPagination = Schema.Struct({
  currentPage: Schema.Union(Schema.Number, Schema.NumberFromString),
  totalPages: Schema.Union(Schema.Number, Schema.NumberFromString),
  count: Schema.Union(Schema.Number, Schema.NumberFromString)
})
export type OffsetLimitPagination = typeof OffsetLimitPagination.Type

/** Mirrors the page schema built by `zodfetchOffsetLimitPage` in `v3/apiClient/core.js`, for any item schema. */
export const OffsetLimitPage = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({
    data: Schema.Array(item),
    pagination: OffsetLimitPagination
  })

/** Mirrors `ListSchedulesResult` in `v3/schemas/api.js`: the offset page of `schedules.list`. */
export const ListSchedulesResult = OffsetLimitPage(ScheduleObject)
export type ListSchedulesResult = typeof ListSchedulesResult.Type

// ---------------------------------------------------------------------------------------------------------
// Environment variables
// ---------------------------------------------------------------------------------------------------------

/** Mirrors `EnvironmentVariable` in `v3/schemas/api.js`. */
export const EnvironmentVariable = Schema.Struct({
  name: Schema.String,
  value: Schema.String
})
export type EnvironmentVariable = typeof EnvironmentVariable.Type

/** Mirrors `EnvironmentVariableWithSecret` in `v3/schemas/api.js`; a secret's `value` is redacted by the server. */
export const EnvironmentVariableWithSecret = Schema.Struct({
  name: Schema.String,
  value: Schema.String,
  isSecret: Schema.Boolean
})
export type EnvironmentVariableWithSecret = typeof EnvironmentVariableWithSecret.Type

/** Mirrors `z.array(EnvironmentVariableWithSecret)`, the `envvars.list` response parsed in `v3/apiClient/index.js`. */
export const ListEnvironmentVariablesResponse = Schema.Array(EnvironmentVariableWithSecret)
export type ListEnvironmentVariablesResponse = typeof ListEnvironmentVariablesResponse.Type

/** Mirrors `EnvironmentVariableValue` in `v3/schemas/api.js`. */
export const EnvironmentVariableValue = Schema.Struct({
  value: Schema.String
})
export type EnvironmentVariableValue = typeof EnvironmentVariableValue.Type

/** Mirrors `EnvironmentVariableResponseBody` in `v3/schemas/api.js` (create, update, delete, import). */
export const EnvironmentVariableResponseBody = Schema.Struct({
  success: Schema.Boolean
})
export type EnvironmentVariableResponseBody = typeof EnvironmentVariableResponseBody.Type

/** Mirrors `CreateEnvironmentVariableRequestBody` in `v3/schemas/api.js`. */
export const CreateEnvironmentVariableRequestBody = Schema.Struct({
  name: Schema.String,
  value: Schema.String,
  /** Non-secret when absent. */
  isSecret: Schema.optional(Schema.Boolean)
})
export type CreateEnvironmentVariableRequestBody = typeof CreateEnvironmentVariableRequestBody.Type

/** Mirrors `UpdateEnvironmentVariableRequestBody` in `v3/schemas/api.js`. */
export const UpdateEnvironmentVariableRequestBody = Schema.Struct({
  value: Schema.String
})
export type UpdateEnvironmentVariableRequestBody = typeof UpdateEnvironmentVariableRequestBody.Type

/** Mirrors the `source` union of `ImportEnvironmentVariablesRequestBody` in `v3/schemas/api.js`. */
export const EnvironmentVariablesImportSource = Schema.Union(
  Schema.Struct({ type: Schema.Literal("user"), userId: Schema.String }),
  Schema.Struct({ type: Schema.Literal("integration"), integration: Schema.String })
)
export type EnvironmentVariablesImportSource = typeof EnvironmentVariablesImportSource.Type

/** Mirrors `ImportEnvironmentVariablesRequestBody` in `v3/schemas/api.js` (the `envvars.upload` body). */
export const ImportEnvironmentVariablesRequestBody = Schema.Struct({
  variables: Schema.Record({ key: Schema.String, value: Schema.String }),
  /** For a preview branch: values to set on the parent preview environment. */
  parentVariables: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  /** Overwrite variables that already exist. */
  override: Schema.optional(Schema.Boolean),
  /** Non-secret when absent. */
  isSecret: Schema.optional(Schema.Boolean),
  source: Schema.optional(EnvironmentVariablesImportSource)
})
export type ImportEnvironmentVariablesRequestBody = typeof ImportEnvironmentVariablesRequestBody.Type

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

/**
 * Mirrors the error body read by `ApiError` in `v3/apiClient/errors.js` (core has no zod schema for it):
 * `error` is the message, `code`/`param`/`type` are optional extras.
 */
export const ApiErrorBody = Schema.Struct({
  error: Schema.String,
  code: Schema.optional(Schema.String),
  param: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String)
})
export type ApiErrorBody = typeof ApiErrorBody.Type

// ---- runs: reschedule, tags, metadata; batches: retrieve ----

/** Mirrors `RescheduleRunRequestBody` in `v3/schemas/api.js`: a duration (`"30m"`) or a date. */
export const RescheduleRunRequestBody = Schema.Struct({ delay: TriggerDelay })
export type RescheduleRunRequestBody = typeof RescheduleRunRequestBody.Type

/** Mirrors `AddTagsRequestBody` in `v3/schemas/api.js`: one tag or an array of tags. */
export const AddTagsRequestBody = Schema.Struct({ tags: RunTags })
export type AddTagsRequestBody = typeof AddTagsRequestBody.Type

/** The answer of `POST /api/v1/runs/{runId}/tags` as the SDK's `addTags` reads it: `{ message }`. */
export const AddTagsResponse = Schema.Struct({ message: Schema.String })
export type AddTagsResponse = typeof AddTagsResponse.Type

/** A run's metadata: a JSON object (`DeserializedJson` records in `v3/schemas/common.js`). */
export const RunMetadata = Schema.Record({ key: Schema.String, value: Schema.Unknown })
export type RunMetadata = typeof RunMetadata.Type

const metadataKey = Schema.String

/** Mirrors `RunMetadataChangeOperation` in `v3/schemas/common.js`: one change to a run's metadata. */
export const RunMetadataChangeOperation = Schema.Union(
  Schema.Struct({ type: Schema.Literal("update"), value: RunMetadata }),
  Schema.Struct({ type: Schema.Literal("set"), key: metadataKey, value: Schema.Unknown }),
  Schema.Struct({ type: Schema.Literal("delete"), key: metadataKey }),
  Schema.Struct({ type: Schema.Literal("append"), key: metadataKey, value: Schema.Unknown }),
  Schema.Struct({ type: Schema.Literal("remove"), key: metadataKey, value: Schema.Unknown }),
  Schema.Struct({ type: Schema.Literal("increment"), key: metadataKey, value: Schema.Number })
)
export type RunMetadataChangeOperation = typeof RunMetadataChangeOperation.Type

/**
 * Mirrors `UpdateMetadataRequestBody` (`FlushedRunMetadata`) in `v3/schemas/common.js`: a whole new
 * `metadata` object, and/or `operations` applied to the run's metadata in order (`parentOperations` and
 * `rootOperations` go to the parent and root runs).
 */
export const UpdateMetadataRequestBody = Schema.Struct({
  metadata: Schema.optional(RunMetadata),
  operations: Schema.optional(Schema.Array(RunMetadataChangeOperation)),
  parentOperations: Schema.optional(Schema.Array(RunMetadataChangeOperation)),
  rootOperations: Schema.optional(Schema.Array(RunMetadataChangeOperation))
})
export type UpdateMetadataRequestBody = typeof UpdateMetadataRequestBody.Type

/** Mirrors `UpdateMetadataResponseBody` in `v3/schemas/api.js`: the run's metadata after the call. */
export const UpdateMetadataResponseBody = Schema.Struct({ metadata: RunMetadata })
export type UpdateMetadataResponseBody = typeof UpdateMetadataResponseBody.Type

/** Mirrors `BatchStatus` in `v3/schemas/api.js`. */
export const BatchStatus = Schema.Literal("PENDING", "PROCESSING", "COMPLETED", "PARTIAL_FAILED", "ABORTED")
export type BatchStatus = typeof BatchStatus.Type

/** Mirrors `RetrieveBatchV2Response` in `v3/schemas/api.js`. */
export const RetrieveBatchV2Response = Schema.Struct({
  id: Schema.String,
  status: BatchStatus,
  idempotencyKey: Schema.optional(Schema.String),
  createdAt: Schema.Date,
  updatedAt: Schema.Date,
  runCount: Schema.Number,
  runs: Schema.Array(Schema.String),
  processing: Schema.Struct({
    completedAt: Schema.optional(Schema.Date),
    errors: Schema.Array(
      Schema.Struct({
        index: Schema.Number,
        taskIdentifier: Schema.String,
        error: Schema.String,
        errorCode: Schema.optional(Schema.String)
      })
    )
  })
})
export type RetrieveBatchV2Response = typeof RetrieveBatchV2Response.Type

// ---------------------------------------------------------------------------------------------------------
// ---- bulk actions ----
// ---------------------------------------------------------------------------------------------------------

/** Mirrors `BulkActionStatus` (z.enum) in `v3/schemas/api.js`. */
export const BulkActionStatus = Schema.Literal("PENDING", "COMPLETED", "ABORTED")
export type BulkActionStatus = typeof BulkActionStatus.Type

/** Mirrors `BulkActionType` (z.enum) in `v3/schemas/api.js`. */
export const BulkActionType = Schema.Literal("CANCEL", "REPLAY")
export type BulkActionType = typeof BulkActionType.Type

const OneOrManyStrings = Schema.Union(Schema.String, Schema.Array(Schema.String))

/** A queue in a bulk action's filter: the SDK's `{ type, name }` (mirrors `QueueTypeName`). */
export const BulkActionQueue = Schema.Struct({
  type: Schema.Literal("task", "custom"),
  name: Schema.String
})

/**
 * Mirrors `BulkActionFilterRequestBody` in `v3/schemas/api.js`: the runs a bulk action acts on, the filters
 * of `runs.list` in a JSON body (a `Date` travels as its ISO string, `from`/`to` may be epoch ms).
 */
export const BulkActionFilter = Schema.Struct({
  status: Schema.optional(Schema.Union(RunStatus, Schema.Array(RunStatus))),
  taskIdentifier: Schema.optional(OneOrManyStrings),
  version: Schema.optional(OneOrManyStrings),
  from: Schema.optional(Schema.Union(Schema.Date, Schema.Number)),
  to: Schema.optional(Schema.Union(Schema.Date, Schema.Number)),
  period: Schema.optional(Schema.String),
  bulkAction: Schema.optional(Schema.String),
  tag: Schema.optional(OneOrManyStrings),
  schedule: Schema.optional(Schema.String),
  isTest: Schema.optional(Schema.Boolean),
  batch: Schema.optional(Schema.String),
  queue: Schema.optional(Schema.Union(BulkActionQueue, Schema.Array(BulkActionQueue))),
  machine: Schema.optional(Schema.Union(MachinePresetName, Schema.Array(MachinePresetName))),
  region: Schema.optional(OneOrManyStrings)
})
export type BulkActionFilter = typeof BulkActionFilter.Type

/**
 * Mirrors `CreateBulkActionRequestBody` in `v3/schemas/api.js`: `action` and exactly one of `filter` (at
 * least one filter set) or `runIds` (at least one id); `targetRegion` only for a replay. The two rules
 * that span fields are checked by the server (400), not by this schema.
 */
export const CreateBulkActionRequestBody = Schema.Struct({
  action: Schema.Literal("cancel", "replay"),
  filter: Schema.optional(BulkActionFilter),
  runIds: Schema.optional(Schema.Array(Schema.String)),
  name: Schema.optional(Schema.String.pipe(Schema.maxLength(255))),
  targetRegion: Schema.optional(Schema.String)
})
export type CreateBulkActionRequestBody = typeof CreateBulkActionRequestBody.Type

/** Mirrors `CreateBulkActionResponseBody` in `v3/schemas/api.js` (answered with status 202). */
export const CreateBulkActionResponseBody = Schema.Struct({ id: Schema.String })
export type CreateBulkActionResponseBody = typeof CreateBulkActionResponseBody.Type

/** Mirrors `AbortBulkActionResponseBody` in `v3/schemas/api.js`. */
export const AbortBulkActionResponseBody = Schema.Struct({ id: Schema.String })
export type AbortBulkActionResponseBody = typeof AbortBulkActionResponseBody.Type

/** Mirrors `BulkActionObject` in `v3/schemas/api.js`. */
export const BulkActionObject = Schema.Struct({
  id: Schema.String,
  name: Schema.optional(Schema.String),
  type: BulkActionType,
  status: BulkActionStatus,
  counts: Schema.Struct({ total: Schema.Number, success: Schema.Number, failure: Schema.Number }),
  createdAt: Schema.Date,
  completedAt: Schema.optional(Schema.Date)
})
export type BulkActionObject = typeof BulkActionObject.Type

/** Mirrors `ListBulkActionsResponseBody` in `v3/schemas/api.js`: a cursor page of bulk actions. */
export const ListBulkActionsResponseBody = CursorPage(BulkActionObject)
export type ListBulkActionsResponseBody = typeof ListBulkActionsResponseBody.Type

// ---- queues ----

/** Mirrors `QueueType` in `v3/schemas/queues.js`: a task's own queue or a custom (named) one. */
export const QueueType = Schema.Literal("task", "custom")
export type QueueType = typeof QueueType.Type

/** Mirrors `RetrieveQueueType` in `v3/schemas/queues.js`: how the path's value names the queue. */
export const RetrieveQueueType = Schema.Literal("id", "task", "custom")
export type RetrieveQueueType = typeof RetrieveQueueType.Type

/**
 * Mirrors `QueueTypeName` in `v3/schemas/queues.js`: a queue by type and name (a task's id for `task`, the
 * declared name for `custom`).
 */
export const QueueTypeName = Schema.Struct({ type: QueueType, name: Schema.String })
export type QueueTypeName = typeof QueueTypeName.Type

/** Mirrors the V1 `concurrency` object of `QueueItem` in `v3/schemas/queues.js` (the override state). */
export const QueueConcurrency = Schema.Struct({
  current: Schema.NullOr(Schema.Number),
  base: Schema.NullOr(Schema.Number),
  override: Schema.NullOr(Schema.Number),
  overriddenAt: Schema.NullOr(Schema.Date),
  overriddenBy: Schema.NullOr(Schema.String)
})
export type QueueConcurrency = typeof QueueConcurrency.Type

/**
 * Mirrors `QueueItem` in `v3/schemas/queues.js`. `version` tells V1 queues (own concurrency limit, with
 * `concurrency`) from V2 ones (no queue-level limit); an answer without it is V1, as the SDK reads it.
 */
export const QueueItem = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  type: QueueType,
  running: Schema.Number,
  queued: Schema.Number,
  paused: Schema.Boolean,
  concurrencyLimit: Schema.NullOr(Schema.Number),
  version: Schema.optionalWith(Schema.Literal("V1", "V2"), { default: () => "V1" as const }),
  concurrency: Schema.optional(QueueConcurrency)
})
export type QueueItem = typeof QueueItem.Type

/** Mirrors `ListQueueOptions` in `v3/schemas/queues.js` (sent as the `page` and `perPage` query parameters). */
export const ListQueueOptions = Schema.Struct({
  page: Schema.optional(Schema.Number),
  perPage: Schema.optional(Schema.Number)
})
export type ListQueueOptions = typeof ListQueueOptions.Type

/** The offset page `queues.list` answers (`zodfetchOffsetLimitPage(QueueItem)` in the SDK). */
export const ListQueuesResult = OffsetLimitPage(QueueItem)
export type ListQueuesResult = typeof ListQueuesResult.Type

/** The `queues.pause` / `queues.resume` body: one route, the action says which. */
export const PauseQueueRequestBody = Schema.Struct({
  type: RetrieveQueueType,
  action: Schema.Literal("pause", "resume")
})
export type PauseQueueRequestBody = typeof PauseQueueRequestBody.Type

/** The `queues.overrideConcurrencyLimit` body: a whole, non-negative limit. */
export const OverrideQueueConcurrencyRequestBody = Schema.Struct({
  type: RetrieveQueueType,
  concurrencyLimit: Schema.Number.pipe(Schema.int(), Schema.nonNegative())
})
export type OverrideQueueConcurrencyRequestBody = typeof OverrideQueueConcurrencyRequestBody.Type

/** The `queues.resetConcurrencyLimit` body. */
export const ResetQueueConcurrencyRequestBody = Schema.Struct({ type: RetrieveQueueType })
export type ResetQueueConcurrencyRequestBody = typeof ResetQueueConcurrencyRequestBody.Type
