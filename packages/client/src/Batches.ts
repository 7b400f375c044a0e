/**
 * Batches: retrieve a batch's status and run ids (the SDK's `batch.retrieve`). Triggering a batch is
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
import * as Calls from "./Calls.js"
import { type Call, call } from "./ManagementClient.js"

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

/**
 * The batch calls, as one object: what the Promise API's `batch` (ambient and per client) is derived from.
 *
 * @example
 * ```ts
 * import { Batches } from "@authctx/client"
 *
 * Object.keys(Batches.calls) // ["retrieve"]
 * ```
 */
export const calls = {
  /** Retrieves a batch (SecretKey only). */
  retrieve: Calls.make(ManagementApi.batchRetrieve, retrieve, 1)
}
