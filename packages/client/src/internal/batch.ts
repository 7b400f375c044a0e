/**
 * A batch of items, each naming its task, triggered in two phases as the SDK 4.8.3 does: the items are
 * serialized (large ones offloaded), `POST /api/v3/batches` creates the batch, then
 * `POST /api/v3/batches/{batchId}/items` sends one NDJSON line per item. `Tasks.batchTrigger` (one task)
 * and `Batches.trigger`/`Batches.triggerByTask` (items naming their own task) are this one function.
 */
import { ManagementApi } from "@authctx/api"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { InvalidArgumentsError } from "../Errors.js"
import { type CallContext, type CallError, call, callWithHeaders } from "../ManagementClient.js"
import type { BatchHandle, BatchItem, BatchOptions, BatchResult } from "../Tasks.js"
import * as Idempotency from "./idempotency.js"
import * as Payload from "./payload.js"
import { publicAccessTokenOf, toWireOptions } from "./sdkShapes.js"

/** One item of a batch with the task it triggers. */
export interface TaskItem extends BatchItem {
  readonly task: string
}

/**
 * Whether hashed keys carry their `idempotencyKeyOptions` (the caller's key and scope), on the batch and on
 * the items: the SDK's `tasks.batchTrigger` sends them, its `batch.trigger`/`batch.triggerByTask` do not.
 */
export type KeyOptions = "withKeyOptions" | "withoutKeyOptions"

const withoutKeyOptions = <O extends object>(options: O): O => {
  if (!("idempotencyKeyOptions" in options)) return options
  const { idempotencyKeyOptions: _dropped, ...rest } = options
  return rest as O
}

const toNdjson = (
  items: ReadonlyArray<TaskItem>,
  payloads: ReadonlyArray<Payload.WirePayload>,
  batch: BatchOptions | undefined,
  keyOptions: KeyOptions
): string =>
  items
    .map((item, index) => {
      const wire = payloads[index]
      const own = Idempotency.itemOptions(toWireOptions(item.options), batch, index)
      return JSON.stringify({
        index,
        task: item.task,
        ...(wire?.payload === undefined ? {} : { payload: wire.payload }),
        options: {
          ...(own === undefined || keyOptions === "withKeyOptions" ? own : withoutKeyOptions(own)),
          ...(wire === undefined ? {} : Payload.optionsOf(wire))
        }
      })
    })
    .join("\n")
    .concat("\n")

/** Concurrent packet uploads of one batch at most, as the SDK's `offloadBatchItemPayloads`. */
const uploadConcurrency = 10

/** How many times the item stream is sent at most while the server says it is not sealed. */
const maxStreamSends = 3

/** The task identifiers of a batch's items, each once, sorted (the SDK's `uniqueBatchTaskIdentifiers`). */
const taskIdentifiersOf = (items: ReadonlyArray<TaskItem>): Array<string> =>
  [...new Set(items.map((item) => item.task))].sort()

/**
 * Triggers a batch of items, each naming its task (see the module comment).
 */
export const trigger = (
  items: ReadonlyArray<TaskItem>,
  options: BatchOptions | undefined,
  keyOptions: KeyOptions
): Effect.Effect<
  BatchResult,
  CallError,
  CallContext<typeof ManagementApi.tasksCreateBatch> | CallContext<typeof ManagementApi.tasksStreamBatchItems>
> =>
  Effect.gen(function* () {
    // Items are serialized (and large ones offloaded) before the batch exists, as the SDK does.
    const payloads = yield* Effect.forEach(
      items,
      (item) => Payload.prepare(ManagementApi.tasksCreateBatch.capability, item.payload, "batchItem"),
      { concurrency: uploadConcurrency }
    )
    // The item stream is built before the batch exists: items that cannot be serialized (an option that
    // refers to itself, a `toJSON` that throws) are refused with nothing sent, not after an empty batch
    const body = yield* Effect.try({
      try: () => toNdjson(items, payloads, options, keyOptions),
      // the throw's message may quote the caller's data: only its name is kept
      catch: (error) =>
        new InvalidArgumentsError({
          endpoint: ManagementApi.tasksCreateBatch.capability.name,
          issue: `the batch items cannot be serialized as JSON (${error instanceof Error ? error.name : "a throw"})`
        })
    })
    const key = Idempotency.toSend(options?.idempotencyKey)
    const { value: created, headers } = yield* callWithHeaders(ManagementApi.tasksCreateBatch, {
      payload: {
        runCount: items.length,
        taskIdentifiers: taskIdentifiersOf(items),
        ...(key === undefined || keyOptions === "withKeyOptions" ? key : withoutKeyOptions(key))
      }
    })
    const publicAccessToken = publicAccessTokenOf(headers)
    let accepted = 0
    let deduplicated = 0
    for (let send = 1; ; send++) {
      // A refusal because the batch is sealed means it holds every item: the answer to an earlier send was
      // lost, or the batch is a cached one that got its items before (the SDK fails on the first and sends
      // nothing for the second, which leaves a batch whose items were lost empty; docs/reference/idempotency.md)
      const streamed = yield* call(ManagementApi.tasksStreamBatchItems, {
        path: { batchId: created.id },
        payload: body
      }).pipe(Effect.catchIf(Idempotency.isSealedRefusal, () => Effect.succeed(undefined)))
      if (streamed === undefined)
        return {
          batchId: created.id,
          runCount: created.runCount,
          isCached: created.isCached,
          sealed: true,
          itemsAccepted: accepted,
          itemsDeduplicated: deduplicated,
          publicAccessToken
        } satisfies BatchResult
      accepted += streamed.itemsAccepted
      deduplicated += streamed.itemsDeduplicated
      if (streamed.sealed || send >= maxStreamSends) {
        return {
          batchId: created.id,
          runCount: created.runCount,
          isCached: created.isCached,
          sealed: streamed.sealed,
          itemsAccepted: accepted,
          itemsDeduplicated: deduplicated,
          publicAccessToken
        } satisfies BatchResult
      }
    }
  })

/** A batch result as the Promise API answers it: `publicAccessToken` as a plain string. */
export const handle = (result: BatchResult): BatchHandle => ({
  ...result,
  publicAccessToken:
    result.publicAccessToken === undefined ? undefined : Redacted.value(result.publicAccessToken)
})
