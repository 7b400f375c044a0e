/**
 * The queues routes. An environment's queues are derived from its runs: a task's own queue
 * (`task/<id>`) for every task triggered there, and every custom queue a trigger named
 * (`options.queue.name`). What the API changes on a queue (paused, a concurrency override) is kept here,
 * per environment, beside the derivation; `running` and `queued` count its runs at the request's instant.
 * Facts: docs/reference/queues.md.
 */
import { createHash } from "node:crypto"
import { ManagementApi, type Schemas } from "@authctx/api"
import { type Environment, runState, type State } from "../model.js"
import { type Context, fail, handle, ok, type Result, type RouteHandler, withEnvironment } from "./handle.js"

/** What the API has changed on one queue. */
interface QueueSettings {
  paused: boolean
  /** The override, while one is active. */
  override: { readonly limit: number; readonly at: Date } | undefined
}

/** A queue as the routes see it: its stored name (`task/<id>` or the custom name) and counts. */
interface Queue {
  readonly id: string
  readonly name: string
  readonly running: number
  readonly queued: number
}

/** Settings by environment, then by stored queue name; gone with the environment (and the emulator). */
const settingsOf = new WeakMap<Environment, Map<string, QueueSettings>>()

const settings = (environment: Environment, name: string): QueueSettings => {
  let byName = settingsOf.get(environment)
  if (byName === undefined) {
    byName = new Map()
    settingsOf.set(environment, byName)
  }
  let found = byName.get(name)
  if (found === undefined) {
    found = { paused: false, override: undefined }
    byName.set(name, found)
  }
  return found
}

const taskPrefix = "task/"

/**
 * A queue's id: `queue_` + 25 characters derived from the environment and the name, so the same queue keeps
 * its id without storing one and without drawing from the emulator's id source (which would shift the ids
 * of later runs).
 */
const queueId = (environment: Environment, name: string): string =>
  `queue_${createHash("sha256").update(`${environment.id}\u0000${name}`).digest("hex").slice(0, 25)}`

/** The environment's queues at `now`, ordered by name (as the server lists them). */
const queuesOf = (state: State, environment: Environment, now: number): ReadonlyArray<Queue> => {
  const counts = new Map<string, { running: number; queued: number }>()
  for (const run of state.runList) {
    if (run.environment !== environment) continue
    let count = counts.get(run.queue)
    if (count === undefined) {
      count = { running: 0, queued: 0 }
      counts.set(run.queue, count)
    }
    const status = runState(run, now, state.timings).status
    if (status === "EXECUTING") count.running += 1
    else if (status === "QUEUED") count.queued += 1
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, count]) => ({ id: queueId(environment, name), name, ...count }))
}

/**
 * The queue a path value names: by id, by a task's id (`task/` added unless present) or by a custom name.
 * The SDK encodes a `/` in the value twice (`%252F`), so after the router's decoding a `%2F` is a `/`.
 */
const findQueue = (
  context: Context,
  environment: Environment,
  value: string,
  type: Schemas.RetrieveQueueType
): Queue | undefined => {
  const decoded = value.replace(/%2F/gi, "/")
  const name =
    type === "task"
      ? `${taskPrefix}${decoded.startsWith(taskPrefix) ? decoded.slice(taskPrefix.length) : decoded}`
      : decoded
  return queuesOf(context.state, environment, context.now).find((queue) =>
    type === "id" ? queue.id === decoded : queue.name === name
  )
}

/** A queue as the server shows it (a V1 queue: the emulator's queues carry their own limit). */
const shown = (environment: Environment, queue: Queue): Schemas.QueueItem => {
  const { paused, override } = settings(environment, queue.name)
  const limit = override?.limit ?? null
  return {
    id: queue.id,
    name: queue.name.startsWith(taskPrefix) ? queue.name.slice(taskPrefix.length) : queue.name,
    type: queue.name.startsWith(taskPrefix) ? "task" : "custom",
    running: queue.running,
    queued: queue.queued,
    paused,
    concurrencyLimit: limit,
    version: "V1",
    concurrency: {
      current: limit,
      base: null,
      override: limit,
      overriddenAt: override?.at ?? null,
      overriddenBy: null
    }
  }
}

const queueNotFound = fail(404, "Queue not found")

/** Finds the queue, applies `change` to its settings, and answers it. */
const queueAnswer = (
  context: Context,
  value: string,
  type: Schemas.RetrieveQueueType,
  change: (settings: QueueSettings) => void
): Result<Schemas.QueueItem> =>
  withEnvironment(context, (environment) => {
    const queue = findQueue(context, environment, value, type)
    if (queue === undefined) return queueNotFound
    change(settings(environment, queue.name))
    return ok(shown(environment, queue))
  })

const defaultPerPage = 10

/** The queues handlers, one per route of the `queues` group. */
export const queues: readonly [
  RouteHandler<typeof ManagementApi.queuesList>,
  RouteHandler<typeof ManagementApi.queuesRetrieve>,
  RouteHandler<typeof ManagementApi.queuesPause>,
  RouteHandler<typeof ManagementApi.queuesOverrideConcurrencyLimit>,
  RouteHandler<typeof ManagementApi.queuesResetConcurrencyLimit>
] = [
  handle(ManagementApi.queuesList, (context, { query }) =>
    withEnvironment(context, (environment) => {
      const page = query.page ?? 1
      const perPage = query.perPage ?? defaultPerPage
      const all = queuesOf(context.state, environment, context.now)
      return ok({
        data: all.slice((page - 1) * perPage, page * perPage).map((queue) => shown(environment, queue)),
        pagination: { currentPage: page, totalPages: Math.ceil(all.length / perPage), count: all.length }
      })
    })
  ),

  handle(ManagementApi.queuesRetrieve, (context, { path, query }) =>
    queueAnswer(context, path.queue, query.type, () => undefined)
  ),

  handle(ManagementApi.queuesPause, (context, { path, payload }) =>
    queueAnswer(context, path.queue, payload.type, (queue) => {
      queue.paused = payload.action === "pause"
    })
  ),

  handle(ManagementApi.queuesOverrideConcurrencyLimit, (context, { path, payload }) =>
    queueAnswer(context, path.queue, payload.type, (queue) => {
      queue.override = { limit: payload.concurrencyLimit, at: new Date(context.now) }
    })
  ),

  handle(ManagementApi.queuesResetConcurrencyLimit, (context, { path, payload }) =>
    queueAnswer(context, path.queue, payload.type, (queue) => {
      queue.override = undefined
    })
  )
]
