/**
 * `idempotencyKeys.reset`: the task's runs in the environment let go of the key, so the next trigger
 * with it creates a new run (docs/reference/wait-tokens.md).
 */
import { ManagementApi } from "@authctx/api"
import * as Idempotency from "../idempotency.js"
import { fail, handle, ok, type RouteHandler, withEnvironment } from "./handle.js"

/** The idempotency-key handlers, one per route of the `idempotencyKeys` group. */
export const idempotencyKeys: readonly [RouteHandler<typeof ManagementApi.idempotencyKeysReset>] = [
  handle(ManagementApi.idempotencyKeysReset, (context, { path, payload }) =>
    withEnvironment(context, (environment) => {
      const slot = Idempotency.runKeyOf(payload.taskIdentifier, path.key)
      const run = environment.runsByIdempotencyKey.get(slot)
      if (run === undefined)
        return fail(
          404,
          `No runs found with idempotency key: ${path.key} and task: ${payload.taskIdentifier}`
        )
      environment.runsByIdempotencyKey.delete(slot)
      run.idempotencyKey = undefined
      run.idempotencyKeyExpiresAt = undefined
      return ok({ id: path.key })
    })
  )
]
