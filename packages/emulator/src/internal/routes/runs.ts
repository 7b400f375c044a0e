/**
 * The runs routes: list (per environment, and per project for a PAT) with filters and cursor pages,
 * retrieve, cancel and replay (docs/reference/results-and-pages.md); reschedule, tags and metadata by run
 * id (docs/reference/run-edits.md).
 */
import { ManagementApi, Schemas } from "@authctx/api"
import {
  createRun,
  type Environment,
  environmentName,
  environmentsOf,
  findRun,
  isFinal,
  isSlug,
  parseDelay,
  type Run,
  type RunState,
  runState,
  type State,
  slugs
} from "../model.js"
import { applyOperations, maxMetadataBytes, maxTagsPerRun, newTags } from "../runEdits.js"
import { isStored, notFound, outputPacket, shownPacket, storedPacket, toTags, toTtl } from "./common.js"
import {
  type Context,
  fail,
  handle,
  ok,
  okMemo,
  type Result,
  type RouteHandler,
  withEnvironment
} from "./handle.js"

const runFields = (run: Run, s: RunState) => ({
  id: run.id,
  status: s.status,
  taskIdentifier: run.taskIdentifier,
  ...(run.idempotencyKey === undefined ? {} : { idempotencyKey: run.idempotencyKey }),
  ...(run.version === undefined ? {} : { version: run.version }),
  isQueued: s.status === "QUEUED" || s.status === "DELAYED",
  isExecuting: s.status === "EXECUTING",
  isWaiting: false,
  isCompleted: isFinal(s.status),
  isSuccess: s.status === "COMPLETED",
  isFailed: s.status === "FAILED",
  isCancelled: s.status === "CANCELED",
  isTest: run.isTest,
  createdAt: new Date(run.createdAt),
  updatedAt: new Date(s.updatedAt),
  ...(s.startedAt === undefined ? {} : { startedAt: new Date(s.startedAt) }),
  ...(s.finishedAt === undefined ? {} : { finishedAt: new Date(s.finishedAt) }),
  ...(run.delayedUntil === undefined ? {} : { delayedUntil: new Date(run.delayedUntil) }),
  ...(run.ttl === undefined ? {} : { ttl: run.ttl }),
  tags: run.tags,
  costInCents: s.durationMs * 0.0001,
  baseCostInCents: s.startedAt === undefined ? 0 : 0.0025,
  durationMs: s.durationMs,
  ...(run.metadata === undefined ? {} : { metadata: run.metadata }),
  taskKind: "STANDARD"
})

const retrievedRun = (run: Run, context: Context): Schemas.RetrieveRunResponse => {
  const s = runState(run, context.now, context.state.timings)
  return {
    ...runFields(run, s),
    depth: 0,
    triggerFunction: run.triggerFunction,
    ...(run.batchId === undefined ? {} : { batchId: run.batchId }),
    ...shownPacket(context, run.environment, "payload", run.payload),
    ...(s.status === "COMPLETED" ? shownPacket(context, run.environment, "output", outputPacket(run)) : {}),
    ...(s.status === "FAILED"
      ? {
          error: {
            name: "Error",
            message: `Task "${run.taskIdentifier}" failed (the emulator fails every task whose id starts with "fail")`,
            stackTrace: `Error: Task "${run.taskIdentifier}" failed\n    at authctx-emulator`
          }
        }
      : {}),
    relatedRuns: {},
    attemptCount: s.startedAt === undefined ? 0 : 1
  }
}

const listedRun = (run: Run, s: RunState): Schemas.ListRunResponseItem => ({
  ...runFields(run, s),
  env: { id: run.environment.id, name: environmentName(run.environment) }
})

type ListQuery = typeof ManagementApi.ListProjectRunsUrlParams.Type

const commaList = (value: string | undefined): ReadonlyArray<string> | undefined => {
  if (value === undefined) return undefined
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
  return items.length === 0 ? undefined : items
}

const runStatuses: ReadonlySet<string> = new Set(Schemas.RunStatus.literals)

interface RunFilter {
  readonly environments: ReadonlySet<Environment>
  readonly statuses: ReadonlySet<string> | undefined
  readonly tasks: ReadonlySet<string> | undefined
  readonly tags: ReadonlySet<string> | undefined
  readonly batch: string | undefined
  readonly queues: ReadonlySet<string> | undefined
  readonly versions: ReadonlySet<string> | undefined
  readonly machines: ReadonlySet<string> | undefined
  readonly isTest: boolean | undefined
  readonly from: number | undefined
  readonly to: number | undefined
}

const parseEpoch = (name: string, value: string | undefined): number | undefined | Result<never> => {
  if (value === undefined) return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : fail(400, `${name} must be a time in epoch milliseconds`)
}

const periodUnits: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

/** `filter[createdAt][period]` (`"30m"`, `"1d"`, `"7d"`, …) as the earliest creation time it allows. */
const parsePeriod = (value: string | undefined, now: number): number | undefined | Result<never> => {
  if (value === undefined) return undefined
  const period = /^(\d+)([smhdw])$/.exec(value.trim())
  if (period === null)
    return fail(
      400,
      `Invalid filter[createdAt][period] "${value}": use a duration such as "30m", "1d" or "7d"`
    )
  return now - Number(period[1]) * (periodUnits[period[2] ?? "s"] ?? 1_000)
}

const setOf = (value: string | undefined): ReadonlySet<string> | undefined => {
  const items = commaList(value)
  return items && new Set(items)
}

/**
 * The filters the emulator applies (docs/reference/results-and-pages.md): status, task, tag, batch, queue, version, machine, isTest, created
 * from/to/period. The others the server knows (`bulkAction`, `schedule`, `region`) are accepted and
 * ignored: no run here belongs to a bulk action, a schedule or a region.
 */
const buildFilter = (
  environments: ReadonlySet<Environment>,
  query: ListQuery,
  now: number
): RunFilter | Result<never> => {
  const statuses = commaList(query["filter[status]"])
  const unknown = statuses?.find((status) => !runStatuses.has(status))
  if (unknown !== undefined) return fail(400, `Invalid filter[status]: "${unknown}" is not a run status`)
  const isTest = query["filter[isTest]"]
  if (isTest !== undefined && isTest !== "true" && isTest !== "false")
    return fail(400, 'filter[isTest] must be "true" or "false"')
  const from = parseEpoch("filter[createdAt][from]", query["filter[createdAt][from]"])
  if (typeof from === "object") return from
  const to = parseEpoch("filter[createdAt][to]", query["filter[createdAt][to]"])
  if (typeof to === "object") return to
  const since = parsePeriod(query["filter[createdAt][period]"], now)
  if (typeof since === "object") return since
  return {
    environments,
    statuses: statuses && new Set(statuses),
    tasks: setOf(query["filter[taskIdentifier]"]),
    tags: setOf(query["filter[tag]"]),
    batch: query["filter[batch]"],
    queues: setOf(query["filter[queue]"]),
    versions: setOf(query["filter[version]"]),
    machines: setOf(query["filter[machine]"]),
    isTest: isTest === undefined ? undefined : isTest === "true",
    from: from === undefined ? since : since === undefined ? from : Math.max(from, since),
    to
  }
}

const matches = (filter: RunFilter, run: Run, s: () => RunState): boolean => {
  if (!filter.environments.has(run.environment)) return false
  if (filter.tasks !== undefined && !filter.tasks.has(run.taskIdentifier)) return false
  if (filter.tags !== undefined && !run.tags.some((tag) => filter.tags?.has(tag))) return false
  if (filter.batch !== undefined && run.batchId !== filter.batch) return false
  if (filter.queues !== undefined && !filter.queues.has(run.queue)) return false
  if (filter.versions !== undefined && (run.version === undefined || !filter.versions.has(run.version)))
    return false
  if (filter.machines !== undefined && (run.machine === undefined || !filter.machines.has(run.machine)))
    return false
  if (filter.isTest !== undefined && run.isTest !== filter.isTest) return false
  if (filter.from !== undefined && run.createdAt < filter.from) return false
  if (filter.to !== undefined && run.createdAt > filter.to) return false
  if (filter.statuses !== undefined && !filter.statuses.has(s().status)) return false
  return true
}

const defaultPageSize = 25
const maxPageSize = 100

/**
 * A cursor page of runs, newest first. `page[after]=<id>` gives the runs older than that run,
 * `page[before]=<id>` the runs newer than it; `next`/`previous` are set only when such a page exists.
 * A run's `seq` is its index + 1 in `runList`, so a cursor is a position.
 */
const listRuns = (
  state: State,
  environments: ReadonlySet<Environment>,
  query: ListQuery,
  now: number
): Result<Schemas.ListRunResponse> => {
  const filter = buildFilter(environments, query, now)
  if ("ok" in filter) return filter
  const sizeText = query["page[size]"]
  let size = defaultPageSize
  if (sizeText !== undefined) {
    if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1)
      return fail(400, "page[size] must be a positive integer")
    size = Math.min(Number(sizeText), maxPageSize)
  }
  // With both cursors the server pages backward from page[before] (its presenter reads page[before] last);
  // the SDK's getPreviousPage() after a getNextPage() sends both.
  const before = query["page[before]"]
  const after = before === undefined ? query["page[after]"] : undefined
  const cursorId = after ?? before
  const cursor = cursorId === undefined ? undefined : state.runs.get(cursorId)
  if (cursorId !== undefined && cursor === undefined)
    return fail(400, `Invalid cursor ${after !== undefined ? "page[after]" : "page[before]"}: no such run`)

  const list = state.runList
  const statusAt = (run: Run): RunState => runState(run, now, state.timings)
  const picked: Array<{ run: Run; s: RunState }> = []
  const take = (run: Run): boolean => {
    let s: RunState | undefined
    const lazy = () => {
      s ??= statusAt(run)
      return s
    }
    if (!matches(filter, run, lazy)) return false
    picked.push({ run, s: lazy() })
    return true
  }
  if (before !== undefined && cursor !== undefined) {
    for (let i = cursor.seq; i < list.length && picked.length < size; i++) take(list[i] as Run)
    picked.reverse()
  } else {
    const start = cursor === undefined ? list.length - 1 : cursor.seq - 2
    for (let i = start; i >= 0 && picked.length < size; i--) take(list[i] as Run)
  }
  const first = picked[0]
  const last = picked[picked.length - 1]
  const anyMatch = (from: number, to: number, step: 1 | -1): boolean => {
    for (let i = from; step === 1 ? i < to : i > to; i += step) {
      const run = list[i] as Run
      if (matches(filter, run, () => statusAt(run))) return true
    }
    return false
  }
  const next = last !== undefined && anyMatch(last.run.seq - 2, -1, -1) ? last.run.id : undefined
  const previous = first !== undefined && anyMatch(first.run.seq, list.length, 1) ? first.run.id : undefined
  return ok({
    data: picked.map(({ run, s }) => listedRun(run, s)),
    pagination: {
      ...(next === undefined ? {} : { next }),
      ...(previous === undefined ? {} : { previous })
    }
  })
}

/** The runs handlers, one per route of the `runs` group. */
export const runs: readonly [
  RouteHandler<typeof ManagementApi.runsList>,
  RouteHandler<typeof ManagementApi.runsListProject>,
  RouteHandler<typeof ManagementApi.runsRetrieve>,
  RouteHandler<typeof ManagementApi.runsCancel>,
  RouteHandler<typeof ManagementApi.runsReplay>,
  // ---- runs: reschedule, tags, metadata ----
  RouteHandler<typeof ManagementApi.runsReschedule>,
  RouteHandler<typeof ManagementApi.runsAddTags>,
  RouteHandler<typeof ManagementApi.runsRetrieveMetadata>,
  RouteHandler<typeof ManagementApi.runsUpdateMetadata>
] = [
  handle(ManagementApi.runsList, (context, { query }) =>
    withEnvironment(context, (environment) =>
      listRuns(context.state, new Set([environment]), query, context.now)
    )
  ),

  handle(ManagementApi.runsListProject, (context, { query }) => {
    const requested = commaList(query["filter[env]"]) ?? slugs
    const environments = new Set<Environment>()
    for (const slug of requested) {
      if (!isSlug(slug)) return fail(400, `Invalid filter[env]: "${slug}" is not one of ${slugs.join(", ")}`)
      for (const environment of environmentsOf(context.project, slug)) environments.add(environment)
    }
    return listRuns(context.state, environments, query, context.now)
  }),

  handle(ManagementApi.runsRetrieve, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const run = findRun(context.state, environment, path.runId)
      if (run === undefined) return notFound.run
      if (run.final.body !== undefined) return okMemo(run.final, () => retrievedRun(run, context))
      const s = runState(run, context.now, context.state.timings)
      // A presigned URL expires: an answer carrying one is built afresh every time, never memoised.
      const presigns = isStored(run.payload) || (s.status === "COMPLETED" && isStored(outputPacket(run)))
      return isFinal(s.status) && !presigns
        ? okMemo(run.final, () => retrievedRun(run, context))
        : ok(retrievedRun(run, context))
    })
  ),

  handle(ManagementApi.runsCancel, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const run = findRun(context.state, environment, path.runId)
      if (run === undefined) return notFound.run
      if (!isFinal(runState(run, context.now, context.state.timings).status)) run.canceledAt = context.now
      return ok({ id: run.id })
    })
  ),

  handle(ManagementApi.runsReplay, (context, { path, payload }) =>
    withEnvironment(context, (environment) => {
      const original = findRun(context.state, environment, path.runId)
      if (original === undefined) return notFound.run
      const delayedUntil = parseDelay(payload.delay, context.now)
      if (typeof delayedUntil === "string") return fail(400, delayedUntil)
      const created = createRun(
        context.state,
        {
          environment,
          taskIdentifier: original.taskIdentifier,
          queue: payload.queue ?? original.queue,
          version: payload.version ?? original.version,
          machine: payload.machine ?? original.machine,
          payload:
            payload.payload === undefined
              ? original.payload
              : storedPacket(context.state, environment, payload.payload, payload.payloadType),
          delayedUntil,
          tags: payload.tags === undefined ? original.tags : toTags(payload.tags),
          metadata: payload.metadata ?? original.metadata,
          idempotencyKey: payload.idempotencyKey,
          idempotencyKeyTTL: payload.idempotencyKeyTTL,
          batchId: undefined,
          isTest: original.isTest,
          ttl: payload.ttl === undefined ? original.ttl : toTtl(payload.ttl),
          triggerFunction: "trigger"
        },
        context.now
      )
      return ok({ id: created.run.id })
    })
  ),

  // ---- runs: reschedule, tags, metadata ----

  handle(ManagementApi.runsReschedule, (context, { path, payload }) =>
    withEnvironment(context, (environment) => {
      const run = findRun(context.state, environment, path.runId)
      if (run === undefined) return notFound.run
      if (runState(run, context.now, context.state.timings).status !== "DELAYED")
        return fail(422, "Cannot reschedule a run that is not delayed")
      const delayedUntil = parseDelay(payload.delay, context.now)
      if (typeof delayedUntil === "string") return fail(400, delayedUntil)
      // a delay already past queues the run now
      run.delayedUntil = delayedUntil ?? context.now
      return ok(retrievedRun(run, context))
    })
  ),

  handle(ManagementApi.runsAddTags, (context, { path, payload }) =>
    withEnvironment(context, (environment) => {
      const run = findRun(context.state, environment, path.runId)
      if (run === undefined) return notFound.run
      const adding = newTags(run.tags, payload.tags)
      if (run.tags.length + adding.length > maxTagsPerRun)
        return fail(422, `Runs can only have ${maxTagsPerRun} tags.`)
      if (adding.length === 0) return ok({ message: "No new tags to add" })
      run.tags = [...run.tags, ...adding]
      run.final.body = undefined
      return ok({ message: `Successfully set ${adding.length} new tags.` })
    })
  ),

  handle(ManagementApi.runsRetrieveMetadata, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const run = findRun(context.state, environment, path.runId)
      if (run === undefined) return notFound.run
      return ok({ metadata: run.metadata ?? {} })
    })
  ),

  handle(ManagementApi.runsUpdateMetadata, (context, { path, payload }) =>
    withEnvironment(context, (environment) => {
      const run = findRun(context.state, environment, path.runId)
      if (run === undefined) return fail(404, "Task Run not found")
      const base = payload.metadata ?? run.metadata ?? {}
      const next = applyOperations(base, payload.operations ?? [])
      if (typeof next === "string") return fail(400, next)
      if (new TextEncoder().encode(JSON.stringify(next)).byteLength > maxMetadataBytes)
        return fail(413, `Metadata exceeds the maximum size of ${maxMetadataBytes} bytes`)
      // the emulator's runs have no parent or root run: parentOperations and rootOperations change nothing
      run.metadata = next
      run.final.body = undefined
      return ok({ metadata: next })
    })
  )
]
