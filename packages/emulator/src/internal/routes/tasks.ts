/**
 * The tasks routes: trigger, and the two phases of a batch trigger (create, then NDJSON items).
 */
import { ManagementApi, Schemas } from "@authctx/api"
import { Either, Schema } from "effect"
import { type Batch, createRun, type Environment, type NewRun, newId } from "../model.js"
import * as PublicToken from "../publicToken.js"
import * as PublicTokenAuth from "../publicTokenAuth.js"
import { formatIssues, notFound, triggerRun } from "./common.js"
import { type Context, fail, handle, ok, type Result, type RouteHandler, withEnvironment } from "./handle.js"

/**
 * Request bodies over these sizes (by `content-length`, checked after auth) are answered 413
 * `Request body too large`, as the server's route builder answers them (`maxContentLength`): 3 MiB on
 * `tasks.trigger` (`TASK_PAYLOAD_MAXIMUM_SIZE`, 3,145,728 bytes), 128 KiB on the batch create call. A body
 * without `content-length` is refused there too, as the server refuses it.
 */
const triggerMaxBytes = 3_145_728
const createBatchMaxBytes = 131_072

const decodeItem = Schema.decodeUnknownEither(Schemas.BatchItemNDJSON)

const streamItems = (
  context: Context,
  environment: Environment,
  batch: Batch,
  body: string
): Result<Schemas.StreamBatchItemsResponse> => {
  // as the server: a sealed batch (every item arrived) takes no more items
  if (batch.items.size === batch.runCount)
    return fail(422, `Batch ${batch.id} is already sealed and cannot accept more items`)
  const items: Array<{ index: number; run: NewRun }> = []
  const lines = body.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim()
    if (line.length === 0) continue
    const where = `Line ${i + 1}`
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch {
      return fail(400, `${where}: not valid JSON`)
    }
    const decoded = decodeItem(json)
    if (Either.isLeft(decoded)) return fail(400, `${where}: ${formatIssues(decoded.left)}`)
    const item = decoded.right
    if (item.index >= batch.runCount)
      return fail(
        400,
        `${where}: index ${item.index} is out of range: the batch has ${batch.runCount} items (0..${batch.runCount - 1})`
      )
    const run = triggerRun(context, environment, item.task, item.payload, item.options, batch.id)
    if (typeof run === "string") return fail(400, `${where}: ${run}`)
    items.push({ index: item.index, run })
  }
  let itemsAccepted = 0
  let itemsDeduplicated = 0
  for (const { index, run } of items) {
    if (batch.items.has(index)) {
      itemsDeduplicated++
      continue
    }
    batch.items.set(index, createRun(context.state, run, context.now).run.id)
    itemsAccepted++
  }
  const sealed = batch.items.size === batch.runCount
  return ok({
    id: batch.id,
    itemsAccepted,
    itemsDeduplicated,
    sealed,
    ...(sealed ? {} : { enqueuedCount: batch.items.size, expectedCount: batch.runCount })
  })
}

/**
 * Whether the request may go on as far as one-time use goes: always for a key or a token without `otu`;
 * for a one-time token only its first trigger or batch (the server records its digest on what it creates).
 */
const usedOnce = (context: Context): boolean =>
  context.principal.kind !== "PublicAccessToken" ||
  !context.principal.oneTimeUse ||
  PublicTokenAuth.claimOnce(context.state, context.principal, context.now)

/** The tasks handlers, one per route of the `tasks` group. */
export const tasks: readonly [
  RouteHandler<typeof ManagementApi.tasksTrigger>,
  RouteHandler<typeof ManagementApi.tasksCreateBatch>,
  RouteHandler<typeof ManagementApi.tasksStreamBatchItems>
] = [
  handle(
    ManagementApi.tasksTrigger,
    (context, { path, payload }) =>
      withEnvironment(context, (environment) => {
        const run = triggerRun(context, environment, path.taskId, payload.payload, payload.options, undefined)
        if (typeof run === "string") return fail(400, run)
        if (!usedOnce(context))
          return fail(
            422,
            `Cannot trigger ${path.taskId} with a one-time use token as it has already been used.`
          )
        const created = createRun(context.state, run, context.now)
        const principal = context.principal
        return ok(
          { id: created.run.id, isCached: created.cached },
          PublicToken.forRun(
            context.state,
            environment,
            created.run.id,
            principal.kind === "PublicAccessToken" ? principal.realtime : undefined
          )
        )
      }),
    { maxContentLength: triggerMaxBytes }
  ),

  handle(
    ManagementApi.tasksCreateBatch,
    (context, { payload }) =>
      withEnvironment(context, (environment) => {
        if (!usedOnce(context))
          return fail(422, "Cannot create batch with a one-time use token as it has already been used.")
        const key = payload.idempotencyKey
        const existing = key === undefined ? undefined : environment.batchesByIdempotencyKey.get(key)
        const batch: Batch = existing ?? {
          id: newId(context.state, "batch_"),
          environment,
          runCount: payload.runCount,
          idempotencyKey: key,
          createdAt: context.now,
          items: new Map()
        }
        if (existing === undefined) {
          context.state.batches.set(batch.id, batch)
          if (key !== undefined) environment.batchesByIdempotencyKey.set(key, batch)
        }
        return ok(
          {
            id: batch.id,
            runCount: batch.runCount,
            isCached: existing !== undefined,
            ...(batch.idempotencyKey === undefined ? {} : { idempotencyKey: batch.idempotencyKey })
          },
          PublicToken.forBatch(context.state, environment, batch.id)
        )
      }),
    { maxContentLength: createBatchMaxBytes }
  ),

  handle(ManagementApi.tasksStreamBatchItems, (context, { path, payload }) =>
    withEnvironment(context, (environment) => {
      const batch = context.state.batches.get(path.batchId)
      if (batch === undefined || batch.environment !== environment) return notFound.batch
      return streamItems(context, environment, batch, payload)
    })
  )
]
