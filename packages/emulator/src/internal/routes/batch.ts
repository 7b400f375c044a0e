/**
 * The batch route: `batch.retrieve`, a batch of this environment with its runs by item index
 * (docs/reference/run-edits.md).
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import { type Batch, isFinal, runState } from "../model.js"
import { notFound } from "./common.js"
import { type Context, handle, ok, type RouteHandler, withEnvironment } from "./handle.js"

/**
 * A batch as the server shows it: `PENDING` until every item has arrived and every run has finished, then
 * `COMPLETED` (the emulator's items never fail to become runs, so `processing.errors` is empty).
 */
const shownBatch = (batch: Batch, context: Context): Schemas.RetrieveBatchV2Response => {
  const runs = [...batch.items.entries()].sort(([a], [b]) => a - b).map(([, id]) => id)
  let finishedAt: number | undefined = batch.items.size === batch.runCount ? batch.createdAt : undefined
  for (const id of runs) {
    const run = context.state.runs.get(id)
    const s = run === undefined ? undefined : runState(run, context.now, context.state.timings)
    if (s === undefined || !isFinal(s.status) || finishedAt === undefined) {
      finishedAt = undefined
      break
    }
    finishedAt = Math.max(finishedAt, s.finishedAt ?? s.updatedAt)
  }
  const sealed = batch.items.size === batch.runCount
  return {
    id: batch.id,
    status: finishedAt === undefined ? "PENDING" : "COMPLETED",
    ...(batch.idempotencyKey === undefined ? {} : { idempotencyKey: batch.idempotencyKey }),
    createdAt: new Date(batch.createdAt),
    updatedAt: new Date(finishedAt ?? batch.createdAt),
    runCount: batch.runCount,
    runs,
    processing: { ...(sealed ? { completedAt: new Date(batch.createdAt) } : {}), errors: [] }
  }
}

/** The batch handlers, one per route of the `batch` group. */
export const batch: readonly [RouteHandler<typeof ManagementApi.batchRetrieve>] = [
  handle(ManagementApi.batchRetrieve, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const found = context.state.batches.get(path.batchId)
      if (found === undefined || found.environment !== environment) return notFound.batch
      return ok(shownBatch(found, context))
    })
  )
]
