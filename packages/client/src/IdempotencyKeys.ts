/**
 * Idempotency keys as `@trigger.dev/sdk` 4.8.3 makes them outside a task: a key passed to `Tasks.trigger`
 * or `Tasks.batchTrigger` is sent as its SHA-256 hash with `idempotencyKeyOptions`, and batch items get
 * keys derived from the batch key, so the same key through the SDK and through authctx names one run
 * (docs/reference/idempotency.md). `reset` makes a task's runs let go of a key (SecretKey only).
 *
 * @example
 * ```ts
 * import { IdempotencyKeys, Tasks } from "@authctx/client"
 *
 * const idempotencyKey = IdempotencyKeys.create(["order", "1234"], { scope: "global" })
 * const run = Tasks.trigger("ship-order", { orderId: "1234" }, { idempotencyKey, idempotencyKeyTTL: "1h" })
 * ```
 */
import { ManagementApi } from "@authctx/api"
import * as Calls from "./Calls.js"
import * as Arguments from "./internal/arguments.js"
import { createFor, type IdempotencyKeyInput, type IdempotencyKeyScope } from "./internal/idempotency.js"
import { type Call, call } from "./ManagementClient.js"

export {
  create,
  type IdempotencyKeyInput,
  type IdempotencyKeyOptions,
  type IdempotencyKeyScope,
  itemKey
} from "./internal/idempotency.js"

/**
 * Resets an idempotency key of a task (the SDK's `idempotencyKeys.reset`): the task's runs in the key's
 * environment let go of it, so the next trigger with it creates a new run. A 64-character key (what
 * `create` returns) is sent as is; any other key is hashed as a trigger hashes it (with `options.scope`,
 * default `"run"`). Fails with a 404 `NotFoundError` when no run of the task holds the key.
 *
 * @example
 * ```ts
 * import { IdempotencyKeys } from "@authctx/client"
 *
 * const key = IdempotencyKeys.create("order-1234")
 * const reset = IdempotencyKeys.reset("ship-order", key)
 * ```
 */
export const reset = (
  taskIdentifier: string,
  idempotencyKey: IdempotencyKeyInput,
  options?: { readonly scope?: IdempotencyKeyScope }
): Call<typeof ManagementApi.idempotencyKeysReset> =>
  Arguments.refusing(ManagementApi.idempotencyKeysReset.capability.name, () =>
    call(ManagementApi.idempotencyKeysReset, {
      path: {
        key:
          typeof idempotencyKey === "string" && idempotencyKey.length === 64
            ? idempotencyKey
            : createFor(ManagementApi.idempotencyKeysReset.capability.name, idempotencyKey, options)
      },
      payload: { taskIdentifier }
    })
  )

/**
 * The idempotency-key calls that reach the server, as one object: the Promise API's
 * `idempotencyKeys.reset` is derived from it (`create` is local).
 *
 * @example
 * ```ts
 * import { IdempotencyKeys } from "@authctx/client"
 *
 * Object.keys(IdempotencyKeys.calls) // ["reset"]
 * ```
 */
export const calls = {
  /** Resets a task's idempotency key (`idempotencyKeys.reset`). */
  reset: Calls.make(ManagementApi.idempotencyKeysReset, reset, 3)
}
