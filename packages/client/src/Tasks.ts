/**
 * Tasks: trigger one run, or a batch in two phases (create the batch, then stream its items as NDJSON).
 * SecretKey only.
 *
 * @example
 * ```ts
 * import { ManagementClient, Tasks } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const run = Tasks.trigger("send-email", { to: "ada@example.com" }).pipe(
 *   Auth.withAuth({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Calls from "./Calls.js"
import * as Arguments from "./internal/arguments.js"
import * as Batch from "./internal/batch.js"
import * as Idempotency from "./internal/idempotency.js"
import * as Payload from "./internal/payload.js"
import { publicAccessTokenOf, type SdkShaped, toWireOptions } from "./internal/sdkShapes.js"
import { type CallContext, type CallError, callWithHeaders } from "./ManagementClient.js"

/**
 * Trigger options: the public API's `options`, all optional, with the SDK's shapes accepted too:
 * `queue: "name"` (sent as `queue: { name }`), `version` (sent as `lockToVersion`), and `idempotencyKey`
 * sent as the SDK sends it (docs/reference/results-and-pages.md, docs/reference/idempotency.md).
 */
export type TriggerOptions = Idempotency.AcceptKey<SdkShaped<Schemas.TriggerTaskOptions>>

/**
 * The result of a trigger: the run id, whether an idempotency key matched an existing run, and a public
 * access token for the run (read from the `x-trigger-jwt` header; `undefined` when the server sent none).
 * The token is a credential (it reads the run): it stays `Redacted` until you hand it to a frontend with
 * `Redacted.value` (docs/decisions/0009-public-access-token-in-results.md).
 */
export interface TriggerResult extends Schemas.TriggerTaskResponse {
  readonly publicAccessToken: Redacted.Redacted<string> | undefined
}

/**
 * Triggers a task: `POST /api/v1/tasks/{taskId}/trigger`. With `options.idempotencyKey`, a repeat returns
 * the first run (`isCached: true`).
 *
 * The payload is sent as the SDK sends it (docs/reference/payloads.md): SuperJSON text
 * (`application/super+json`, so `Date`, `BigInt`, `Map`, `Set`, `RegExp` and `undefined` members survive),
 * a string as itself (`text/plain`), with `payloadSize`; at 128 KiB or more it is uploaded first
 * (`packets.upload`) and the trigger carries its storage path (`application/store`).
 *
 * @example
 * ```ts
 * import { Tasks } from "@authctx/client"
 * import { Effect, Redacted } from "effect"
 *
 * const run = Tasks.trigger("resize-image", { url: "https://example.com/a.png" }, { tags: ["images"], queue: "media" })
 * const forBrowser = Effect.map(run, (r) => ({ id: r.id, token: r.publicAccessToken && Redacted.value(r.publicAccessToken) }))
 * ```
 */
export const trigger = (
  taskId: string,
  payload: unknown,
  options?: TriggerOptions
): Effect.Effect<TriggerResult, CallError, CallContext<typeof ManagementApi.tasksTrigger>> =>
  Effect.flatMap(Payload.prepare(ManagementApi.tasksTrigger.capability, payload, "trigger"), (wire) =>
    Effect.map(
      callWithHeaders(ManagementApi.tasksTrigger, {
        path: { taskId },
        payload: {
          ...(wire.payload === undefined ? {} : { payload: wire.payload }),
          options: { ...Idempotency.triggerOptions(toWireOptions(options)), ...Payload.optionsOf(wire) }
        }
      }),
      ({ value, headers }) => ({ ...value, publicAccessToken: publicAccessTokenOf(headers) })
    )
  )

/** The options of one batch item, with the SDK's `queue: "name"`, `version` and `idempotencyKey` accepted. */
export type BatchItemOptions = Idempotency.AcceptKey<SdkShaped<Schemas.BatchItemOptions>>

/** One item of a batch: a payload and its own options. */
export interface BatchItem {
  readonly payload: unknown
  readonly options?: BatchItemOptions | undefined
}

/** Batch options. */
export interface BatchOptions {
  /**
   * A repeat with the same key returns the first batch (`isCached: true`) and creates no runs. Items without
   * their own key get one derived from it, as the SDK derives them (docs/reference/idempotency.md).
   */
  readonly idempotencyKey?: Idempotency.IdempotencyKeyInput | undefined
  /** The TTL of the items' idempotency keys (`"1h"`, `"30m"`, `"7d"`) where an item sets none. */
  readonly idempotencyKeyTTL?: string | undefined
}

/** The result of a batch trigger. */
export interface BatchResult {
  readonly batchId: string
  readonly runCount: number
  /**
   * The batch existed already under its idempotency key. Its items are sent again all the same: the
   * server accepts them only if it is missing some, and otherwise refuses (then `itemsAccepted` is 0).
   */
  readonly isCached: boolean
  /** Whether the server holds every item (it answers `sealed: true`). */
  readonly sealed: boolean
  readonly itemsAccepted: number
  readonly itemsDeduplicated: number
  /**
   * A public access token that reads the batch (the `x-trigger-jwt` header of the batch creation), kept
   * `Redacted`; `undefined` when the server sent none.
   */
  readonly publicAccessToken: Redacted.Redacted<string> | undefined
}

/**
 * Triggers one task for many payloads, in two phases: `POST /api/v3/batches`, then
 * `POST /api/v3/batches/{batchId}/items` with one NDJSON line per item (resent, deduplicated by index on
 * the server, while the batch is not sealed). Each item's payload is serialized as `trigger` serializes
 * one, and items of 128 KiB or more are uploaded before the batch is created (docs/reference/payloads.md).
 *
 * @example
 * ```ts
 * import { Tasks } from "@authctx/client"
 *
 * const batch = Tasks.batchTrigger("send-email", [{ payload: { to: "a@example.com" } }, { payload: { to: "b@example.com" } }])
 * ```
 */
export const batchTrigger = (
  taskId: string,
  items: ReadonlyArray<BatchItem>,
  options?: BatchOptions
): Effect.Effect<
  BatchResult,
  CallError,
  CallContext<typeof ManagementApi.tasksCreateBatch> | CallContext<typeof ManagementApi.tasksStreamBatchItems>
> =>
  Arguments.refusing("tasks.batchTrigger", () =>
    Batch.trigger(
      Arguments.batchItems("tasks.batchTrigger", items).map((item) => ({ ...item, task: taskId })),
      options,
      "withKeyOptions"
    )
  )

// ---------------------------------------------------------------------------------------------------------
// The call object: the Promise API's `tasks` is derived from it
// ---------------------------------------------------------------------------------------------------------

/**
 * A triggered run, as the SDK returns it: its id, `isCached`, and `publicAccessToken`, a JWT that reads
 * this run, as a plain string to hand to a frontend (`undefined` when the server sent none). It is a
 * credential: do not log it (docs/decisions/0009-public-access-token-in-results.md).
 */
export interface TriggerHandle extends Schemas.TriggerTaskResponse {
  readonly publicAccessToken: string | undefined
}

/** A triggered batch, with `publicAccessToken` (a JWT that reads the batch) as a plain string. */
export interface BatchHandle extends Omit<BatchResult, "publicAccessToken"> {
  readonly publicAccessToken: string | undefined
}

const reveal = (token: Redacted.Redacted<string> | undefined): string | undefined =>
  token === undefined ? undefined : Redacted.value(token)

const triggerHandle = (result: TriggerResult): TriggerHandle => ({
  ...result,
  publicAccessToken: reveal(result.publicAccessToken)
})

/**
 * The task calls, as one object: what the Promise API's `tasks` (ambient and per client) is derived from.
 * Their Promise forms answer the SDK's handles, whose `publicAccessToken` is a plain string.
 *
 * @example
 * ```ts
 * import { Tasks } from "@authctx/client"
 *
 * Object.keys(Tasks.calls) // ["trigger", "batchTrigger"]
 * ```
 */
export const calls = {
  /** Triggers a task; the handle carries the run's id and a public access token that reads it. */
  trigger: Calls.make(ManagementApi.tasksTrigger, trigger, 3, triggerHandle),
  /** Triggers a batch of one task; the handle carries the batch's id and counts. */
  batchTrigger: Calls.make(ManagementApi.tasksCreateBatch, batchTrigger, 3, Batch.handle)
}
