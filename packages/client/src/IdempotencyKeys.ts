/**
 * Idempotency keys as `@trigger.dev/sdk` 4.8.3 makes them outside a task: a key passed to `Tasks.trigger`
 * or `Tasks.batchTrigger` is sent as its SHA-256 hash with `idempotencyKeyOptions`, and batch items get
 * keys derived from the batch key, so the same key through the SDK and through authctx names one run
 * (docs/reference/idempotency.md).
 *
 * @example
 * ```ts
 * import { IdempotencyKeys, Tasks } from "@authctx/client"
 *
 * const idempotencyKey = IdempotencyKeys.create(["order", "1234"], { scope: "global" })
 * const run = Tasks.trigger("ship-order", { orderId: "1234" }, { idempotencyKey, idempotencyKeyTTL: "1h" })
 * ```
 */
export {
  create,
  type IdempotencyKeyInput,
  type IdempotencyKeyOptions,
  type IdempotencyKeyScope,
  itemKey
} from "./internal/idempotency.js"
