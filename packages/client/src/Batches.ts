/**
 * Batches: retrieve a batch's status and run ids (the SDK's `batch.retrieve`), and trigger a batch whose
 * items name their own task (`batch.trigger`, `batch.triggerByTask`). A batch of one task is
 * `Tasks.batchTrigger`.
 *
 * @example
 * ```ts
 * import { Batches, ManagementClient } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const batch = Batches.retrieve("batch_1234").pipe(
 *   Auth.withAuth({ accessToken: "tr_prod_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { ManagementApi } from "@authctx/api"
import type * as Effect from "effect/Effect"
import * as Calls from "./Calls.js"
import * as Arguments from "./internal/arguments.js"
import * as Batch from "./internal/batch.js"
import { type Call, type CallContext, type CallError, call } from "./ManagementClient.js"
import type * as Tasks from "./Tasks.js"

/**
 * Retrieves a batch (SecretKey only): its status, run count, run ids and processing errors. An unknown
 * batch fails with `NotFoundError`.
 *
 * @example
 * ```ts
 * import { Batches } from "@authctx/client"
 *
 * const batch = Batches.retrieve("batch_1234")
 * ```
 */
export const retrieve = (batchId: string): Call<typeof ManagementApi.batchRetrieve> =>
  call(ManagementApi.batchRetrieve, { path: { batchId } })

// ---------------------------------------------------------------------------------------------------------
// ---- query: multi-task batch.trigger / batch.triggerByTask ----
// ---------------------------------------------------------------------------------------------------------

/** One item of `batch.trigger`: the task's id, its payload and options (the SDK's `BatchByIdItem`). */
export interface BatchByIdItem extends Tasks.BatchItem {
  readonly id: string
}

/**
 * One item of `batch.triggerByTask`: a task (anything with its `id`, such as the SDK's task objects), its
 * payload and options (the SDK's `BatchByTaskItem`).
 */
export interface BatchByTaskItem extends Tasks.BatchItem {
  readonly task: { readonly id: string }
}

/** What `trigger` and `triggerByTask` need: the two batch routes (SecretKey only). */
type TriggerContext =
  | CallContext<typeof ManagementApi.tasksCreateBatch>
  | CallContext<typeof ManagementApi.tasksStreamBatchItems>

/**
 * Triggers a batch whose items name their own task (SecretKey only; the SDK's `batch.trigger`): the same
 * two phases as `Tasks.batchTrigger` (`POST /api/v3/batches`, then the items as NDJSON), the batch
 * listing every task once. Idempotency keys are sent as the SDK's `batch.trigger` sends them: hashed,
 * without `idempotencyKeyOptions` (docs/reference/idempotency.md).
 *
 * @example
 * ```ts
 * import { Batches } from "@authctx/client"
 *
 * const batch = Batches.trigger([
 *   { id: "send-email", payload: { to: "a@example.com" } },
 *   { id: "resize-image", payload: { url: "https://example.com/a.png" }, options: { tags: ["images"] } }
 * ])
 * ```
 */
export const trigger = (
  items: ReadonlyArray<BatchByIdItem>,
  options?: Tasks.BatchOptions
): Effect.Effect<Tasks.BatchResult, CallError, TriggerContext> =>
  Arguments.refusing("batch.trigger", () =>
    Batch.trigger(
      Arguments.batchItems("batch.trigger", items).map((item) => ({
        task: item.id,
        payload: item.payload,
        options: item.options
      })),
      options,
      "withoutKeyOptions"
    )
  )

/**
 * Triggers a batch of items that each carry their task (SecretKey only; the SDK's `batch.triggerByTask`):
 * as {@link trigger}, with the task's `id` read from `item.task`.
 *
 * @example
 * ```ts
 * import { Batches } from "@authctx/client"
 *
 * const sendEmail = { id: "send-email" }
 * const batch = Batches.triggerByTask([{ task: sendEmail, payload: { to: "a@example.com" } }])
 * ```
 */
export const triggerByTask = (
  items: ReadonlyArray<BatchByTaskItem>,
  options?: Tasks.BatchOptions
): Effect.Effect<Tasks.BatchResult, CallError, TriggerContext> =>
  Arguments.refusing("batch.triggerByTask", () =>
    Batch.trigger(
      Arguments.batchItems("batch.triggerByTask", items).map((item) => ({
        task: item.task.id,
        payload: item.payload,
        options: item.options
      })),
      options,
      "withoutKeyOptions"
    )
  )

/** A Promise-API batch call: items, batch options, request options; the batch's handle. */
type TriggerPromise<Item> = (
  items: ReadonlyArray<Item>,
  options?: Tasks.BatchOptions,
  requestOptions?: Calls.RequestOptions
) => Promise<Tasks.BatchHandle>

/** The multi-task batch calls of the Promise API's `batch` (they take the batch routes of `tasks.batchTrigger`). */
const triggerCalls = {
  /** Triggers a batch whose items name their task by id (SecretKey only). */
  trigger: Calls.custom<Calls.Variant<"batch.trigger", "SecretKey", TriggerPromise<BatchByIdItem>>>()(
    "batch.trigger",
    [ManagementApi.tasksCreateBatch, ManagementApi.tasksStreamBatchItems],
    (runner): TriggerPromise<BatchByIdItem> =>
      (items, options, requestOptions) =>
        runner(requestOptions)(trigger(items, options)).then(Batch.handle)
  ),
  /** Triggers a batch whose items carry their task (SecretKey only). */
  triggerByTask: Calls.custom<
    Calls.Variant<"batch.triggerByTask", "SecretKey", TriggerPromise<BatchByTaskItem>>
  >()(
    "batch.triggerByTask",
    [ManagementApi.tasksCreateBatch, ManagementApi.tasksStreamBatchItems],
    (runner): TriggerPromise<BatchByTaskItem> =>
      (items, options, requestOptions) =>
        runner(requestOptions)(triggerByTask(items, options)).then(Batch.handle)
  )
}

/**
 * The batch calls, as one object: what the Promise API's `batch` (ambient and per client) is derived from.
 *
 * @example
 * ```ts
 * import { Batches } from "@authctx/client"
 *
 * Object.keys(Batches.calls) // ["retrieve", "trigger", "triggerByTask"]
 * ```
 */
export const calls = {
  /** Retrieves a batch (SecretKey only). */
  retrieve: Calls.make(ManagementApi.batchRetrieve, retrieve, 1),
  // ---- query: multi-task batch.trigger / batch.triggerByTask ----
  ...triggerCalls
}
