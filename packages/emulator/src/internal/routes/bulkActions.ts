/**
 * The bulk actions routes (`runs.bulk.*`): create cancels or replays the matching runs of the environment
 * at once and counts them; the action then stays `PENDING` for {@link pendingMs} (or one run's execution
 * time, `timings.executingMs`, if longer) before it is `COMPLETED`, so `poll` and `abort` have a window to
 * act in (docs/reference/bulk-actions.md). The emulator's bulk actions live here, per world, not in the
 * model.
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import { createRun, type Environment, isFinal, newId, type Run, runState, type State } from "../model.js"
import { fail, handle, ok, type Result, type RouteHandler, withEnvironment } from "./handle.js"
import { buildFilter, type ListQuery, matches } from "./runs.js"

interface BulkAction {
  readonly id: string
  readonly seq: number
  readonly environment: Environment
  readonly name: string | undefined
  readonly type: Schemas.BulkActionType
  readonly createdAt: number
  readonly doneAt: number
  readonly total: number
  readonly success: number
  readonly failure: number
  abortedAt: number | undefined
}

interface Store {
  readonly byId: Map<string, BulkAction>
  /** In creation order. */
  readonly list: Array<BulkAction>
}

const stores = new WeakMap<State, Store>()

const storeOf = (state: State): Store => {
  let store = stores.get(state)
  if (store === undefined) {
    store = { byId: new Map(), list: [] }
    stores.set(state, store)
  }
  return store
}

const notFound = fail(404, "Bulk action not found")

/**
 * How long a bulk action stays `PENDING` at least: 1 s, long enough for a create then an abort to land
 * inside it on a loaded machine (the test suites run 8 at once on 2 cores), short enough for a poll.
 */
const pendingMs = 1_000

const find = (state: State, environment: Environment, id: string): BulkAction | undefined => {
  const action = storeOf(state).byId.get(id)
  return action !== undefined && action.environment === environment ? action : undefined
}

const statusOf = (action: BulkAction, now: number): Schemas.BulkActionStatus =>
  action.abortedAt !== undefined ? "ABORTED" : now >= action.doneAt ? "COMPLETED" : "PENDING"

const shown = (action: BulkAction, now: number): Schemas.BulkActionObject => {
  const status = statusOf(action, now)
  return {
    id: action.id,
    ...(action.name === undefined ? {} : { name: action.name }),
    type: action.type,
    status,
    counts: { total: action.total, success: action.success, failure: action.failure },
    createdAt: new Date(action.createdAt),
    ...(status === "COMPLETED" ? { completedAt: new Date(action.doneAt) } : {})
  }
}

const joined = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  value === undefined ? undefined : typeof value === "string" ? value : value.join(",")

const epoch = (value: Date | number | undefined): string | undefined =>
  value === undefined ? undefined : String(typeof value === "number" ? value : value.getTime())

const queueName = (queue: typeof Schemas.BulkActionQueue.Type): string =>
  queue.type === "task" ? `task/${queue.name}` : queue.name

/** The body's filter as the `runs.list` query it means, so both select runs by one definition. */
const asListQuery = (filter: Schemas.BulkActionFilter): ListQuery => ({
  "filter[status]": joined(filter.status),
  "filter[taskIdentifier]": joined(filter.taskIdentifier),
  "filter[version]": joined(filter.version),
  "filter[tag]": joined(filter.tag),
  "filter[bulkAction]": filter.bulkAction,
  "filter[schedule]": filter.schedule,
  "filter[isTest]": filter.isTest === undefined ? undefined : String(filter.isTest),
  "filter[createdAt][from]": epoch(filter.from),
  "filter[createdAt][to]": epoch(filter.to),
  "filter[createdAt][period]": filter.period,
  "filter[batch]": filter.batch,
  "filter[queue]":
    filter.queue === undefined
      ? undefined
      : "type" in filter.queue
        ? queueName(filter.queue as typeof Schemas.BulkActionQueue.Type)
        : (filter.queue as ReadonlyArray<typeof Schemas.BulkActionQueue.Type>).map(queueName).join(","),
  "filter[machine]": joined(filter.machine),
  "filter[region]": joined(filter.region),
  "filter[env]": undefined,
  "page[size]": undefined,
  "page[after]": undefined,
  "page[before]": undefined
})

/** The server's rule: at least one filter with a value (an empty string or an empty list is none). */
const isSet = (value: unknown): boolean =>
  value === undefined
    ? false
    : Array.isArray(value)
      ? value.some(isSet)
      : typeof value === "string"
        ? value.trim().length > 0
        : true

/** The runs of the environment the body selects (newest first), or why the body is refused. */
const selected = (
  state: State,
  environment: Environment,
  body: Schemas.CreateBulkActionRequestBody,
  now: number
): ReadonlyArray<Run> | Result<never> => {
  if ((body.filter === undefined ? 0 : 1) + (body.runIds === undefined ? 0 : 1) !== 1)
    return fail(400, "Exactly one of filter or runIds must be provided")
  if (body.action === "cancel" && body.targetRegion !== undefined)
    return fail(400, "targetRegion is only allowed for a replay")
  if (body.runIds !== undefined) {
    if (body.runIds.length === 0) return fail(400, "runIds must contain at least one run id")
    const out: Array<Run> = []
    for (const id of new Set(body.runIds)) {
      const run = state.runs.get(id)
      if (run !== undefined && run.environment === environment) out.push(run)
    }
    return out.sort((a, b) => b.seq - a.seq)
  }
  const filter = body.filter ?? {}
  if (!Object.values(filter).some(isSet)) return fail(400, "At least one filter must be provided")
  const runFilter = buildFilter(new Set([environment]), asListQuery(filter), now)
  if ("ok" in runFilter) return runFilter
  const out: Array<Run> = []
  for (let i = state.runList.length - 1; i >= 0; i--) {
    const run = state.runList[i] as Run
    if (matches(runFilter, run, () => runState(run, now, state.timings))) out.push(run)
  }
  return out
}

const defaultPageSize = 20
const maxPageSize = 100

/** A cursor page of the environment's bulk actions, newest first (cursors are bulk action ids). */
const listPage = (
  state: State,
  environment: Environment,
  query: typeof ManagementApi.ListBulkActionsUrlParams.Type,
  now: number
): Result<Schemas.ListBulkActionsResponseBody> => {
  const sizeText = query["page[size]"]
  let size = defaultPageSize
  if (sizeText !== undefined) {
    if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1)
      return fail(400, "page[size] must be a positive integer")
    size = Math.min(Number(sizeText), maxPageSize)
  }
  const mine = storeOf(state)
    .list.filter((action) => action.environment === environment)
    .reverse()
  const before = query["page[before]"]
  const after = before === undefined ? query["page[after]"] : undefined
  const cursorId = after ?? before
  const at = cursorId === undefined ? -1 : mine.findIndex((action) => action.id === cursorId)
  if (cursorId !== undefined && at === -1)
    return fail(
      400,
      `Invalid cursor ${after !== undefined ? "page[after]" : "page[before]"}: no such bulk action`
    )
  const start = before !== undefined ? Math.max(0, at - size) : after !== undefined ? at + 1 : 0
  const end = before !== undefined ? at : start + size
  const page = mine.slice(start, end)
  const last = page[page.length - 1]
  const first = page[0]
  return ok({
    data: page.map((action) => shown(action, now)),
    pagination: {
      ...(last !== undefined && end < mine.length ? { next: last.id } : {}),
      ...(first !== undefined && start > 0 ? { previous: first.id } : {})
    }
  })
}

/** The bulk actions handlers, one per route of the `bulkActions` group. */
export const bulkActions: readonly [
  RouteHandler<typeof ManagementApi.bulkActionsCreate>,
  RouteHandler<typeof ManagementApi.bulkActionsList>,
  RouteHandler<typeof ManagementApi.bulkActionsRetrieve>,
  RouteHandler<typeof ManagementApi.bulkActionsAbort>
] = [
  handle(ManagementApi.bulkActionsCreate, (context, { payload }) =>
    withEnvironment(context, (environment) => {
      const { state, now } = context
      const runs = selected(state, environment, payload, now)
      if ("ok" in runs) return runs
      let success = 0
      let failure = 0
      for (const run of runs) {
        if (payload.action === "cancel") {
          // as the server counts it: a run that already finished is a failure
          if (isFinal(runState(run, now, state.timings).status)) failure++
          else {
            run.canceledAt = now
            success++
          }
        } else {
          createRun(
            state,
            {
              environment,
              taskIdentifier: run.taskIdentifier,
              queue: run.queue,
              version: run.version,
              machine: run.machine,
              payload: run.payload,
              delayedUntil: undefined,
              tags: run.tags,
              metadata: run.metadata,
              idempotencyKey: undefined,
              idempotencyKeyTTL: undefined,
              batchId: undefined,
              isTest: run.isTest,
              ttl: run.ttl,
              triggerFunction: "trigger"
            },
            now
          )
          success++
        }
      }
      const store = storeOf(state)
      const action: BulkAction = {
        id: newId(state, "bulk_"),
        seq: store.list.length,
        environment,
        name: payload.name,
        type: payload.action === "cancel" ? "CANCEL" : "REPLAY",
        createdAt: now,
        doneAt: now + Math.max(pendingMs, state.timings.executingMs),
        total: runs.length,
        success,
        failure,
        abortedAt: undefined
      }
      store.byId.set(action.id, action)
      store.list.push(action)
      return ok({ id: action.id })
    })
  ),

  handle(ManagementApi.bulkActionsList, (context, { query }) =>
    withEnvironment(context, (environment) => listPage(context.state, environment, query, context.now))
  ),

  handle(ManagementApi.bulkActionsRetrieve, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const action = find(context.state, environment, path.bulkActionId)
      return action === undefined ? notFound : ok(shown(action, context.now))
    })
  ),

  handle(ManagementApi.bulkActionsAbort, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const action = find(context.state, environment, path.bulkActionId)
      if (action === undefined) return notFound
      const status = statusOf(action, context.now)
      if (status === "COMPLETED") return fail(400, `Bulk action group already completed: ${action.id}`)
      if (status === "ABORTED") return fail(400, `Bulk action group already aborted: ${action.id}`)
      action.abortedAt = context.now
      return ok({ id: action.id })
    })
  )
]
