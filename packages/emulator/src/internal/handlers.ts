/**
 * One handler per catalog route, keyed `${group}.${name}` (the dispatcher refuses to start when a catalog
 * route has none). Each is plain synchronous code over the in-memory model; its value is encoded with the
 * route's success schema by the dispatcher.
 */
import { ManagementApi, Packet, Schemas } from "@authctx/api"
import { Either, ParseResult, Schema } from "effect"
import * as Cron from "./cron.js"
import {
  type Context,
  define,
  fail,
  type Handler,
  ok,
  okMemo,
  type Result,
  withEnvironment
} from "./handler.js"
import {
  type Batch,
  createRun,
  type Environment,
  environmentName,
  environmentsOf,
  findRun,
  isFinal,
  isSlug,
  type NewRun,
  newId,
  parseDelay,
  type Run,
  type RunState,
  runState,
  type Schedule,
  type State,
  slugs
} from "./model.js"
import * as ObjectStore from "./objectStore.js"
import * as PublicToken from "./publicToken.js"

// ---------------------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------------------

const notFound = {
  run: fail(404, "Run not found"),
  batch: fail(404, "Batch not found"),
  envvar: fail(404, "Environment variable not found"),
  schedule: fail(404, "Schedule not found")
} as const

const toTags = (tags: Schemas.RunTags | undefined): ReadonlyArray<string> =>
  tags === undefined ? [] : typeof tags === "string" ? [tags] : tags

const toRecord = (value: unknown): Readonly<Record<string, unknown>> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Readonly<Record<string, unknown>>)
    : undefined

const toTtl = (ttl: Schemas.TriggerTtl | undefined): string | undefined =>
  ttl === undefined ? undefined : typeof ttl === "number" ? `${ttl}s` : ttl

const formatIssues = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ")

// ---------------------------------------------------------------------------------------------------------
// Packets (docs/reference/payloads.md)
// ---------------------------------------------------------------------------------------------------------

/**
 * Request bodies over these sizes (by `content-length`, checked after auth) are answered 413
 * `Request body too large`, as the server's route builder answers them (`maxContentLength`): 3 MiB on
 * `tasks.trigger` (`TASK_PAYLOAD_MAXIMUM_SIZE`, 3,145,728 bytes), 128 KiB on the batch create call. A body
 * without `content-length` is refused there too, as the server refuses it.
 */
export const maxContentLength: Readonly<Record<string, number>> = {
  "tasks.trigger": 3_145_728,
  "tasks.createBatch": 131_072
}

/** Inline packets of this many bytes or more are offloaded by the server itself (`TASK_PAYLOAD_OFFLOAD_THRESHOLD`, 512 KiB). */
const serverOffloadBytes = 524_288

/**
 * The payload packet the server stores for a trigger (its `DefaultPayloadProcessor`): with
 * `application/json` (the default) the payload is JSON-encoded; with any other type a string payload is
 * kept as is and anything else is dropped. Inline data of 512 KiB or more goes to object storage.
 */
const storedPacket = (
  state: State,
  environment: Environment,
  payload: unknown,
  payloadType: string | undefined
): Packet.Packet => {
  const dataType = payloadType ?? Packet.DataType.json
  const packet: Packet.Packet =
    dataType === Packet.DataType.json
      ? { data: JSON.stringify(payload) as string | undefined, dataType }
      : typeof payload === "string"
        ? { data: payload, dataType }
        : { dataType }
  if (packet.data === undefined || packet.data.length === 0 || Packet.byteLength(packet) < serverOffloadBytes)
    return packet
  const path = `${newId(state, "packet_")}/payload.json`
  state.objects.objects.set(ObjectStore.keyOf(environment.project.ref, environment.slug, path), {
    data: packet.data,
    contentType: dataType
  })
  return { data: path, dataType: Packet.DataType.store }
}

/** The output a finished run reports: an `echo…` task returns its payload, any other `{ ok, taskIdentifier }`. */
const outputPacket = (run: Run): Packet.Packet =>
  run.taskIdentifier.startsWith("echo")
    ? run.payload
    : Packet.serialize({ ok: true, taskIdentifier: run.taskIdentifier })

const isStored = (packet: Packet.Packet): packet is Packet.Packet & { readonly data: string } =>
  packet.dataType === Packet.DataType.store && typeof packet.data === "string"

/** The JSON form the server answers (`parsePacketAsJson`); a packet that does not parse is shown as its text. */
const jsonOf = (packet: Packet.Packet): unknown => {
  try {
    return Packet.toJson(packet)
  } catch {
    return packet.data
  }
}

/**
 * A packet as `runs.retrieve` shows it: `{field}PresignedUrl` (a GET URL, 300 s) when it is in object
 * storage, the JSON form in `{field}` otherwise, nothing when it has no data.
 */
const shownPacket = (
  context: Context,
  environment: Environment,
  field: "payload" | "output",
  packet: Packet.Packet
): Record<string, unknown> => {
  if (isStored(packet)) {
    const key = ObjectStore.keyOf(environment.project.ref, environment.slug, packet.data)
    return {
      [`${field}PresignedUrl`]: ObjectStore.presign(
        context.state.objects,
        context.origin,
        "GET",
        key,
        context.now
      )
    }
  }
  const json = jsonOf(packet)
  return json === undefined ? {} : { [field]: json }
}

// ---------------------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------------------

/** A task's own queue, as the server names it (and as `filter[queue]` matches it): `task/<id>`. */
const taskQueue = (taskIdentifier: string): string => `task/${taskIdentifier}`

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

/** The new run a trigger (or a batch item) asks for, or why its options are invalid. */
const triggerRun = (
  context: Context,
  environment: Environment,
  taskIdentifier: string,
  payload: unknown,
  options: Schemas.TriggerTaskOptions | Schemas.BatchItemOptions | undefined,
  batchId: string | undefined
): NewRun | string => {
  const delayedUntil = parseDelay(options?.delay, context.now)
  if (typeof delayedUntil === "string") return delayedUntil
  return {
    environment,
    taskIdentifier,
    queue: options?.queue?.name ?? taskQueue(taskIdentifier),
    version: options?.lockToVersion,
    machine: options?.machine,
    payload: storedPacket(context.state, environment, payload, options?.payloadType),
    delayedUntil,
    tags: toTags(options?.tags),
    metadata: toRecord(options?.metadata),
    idempotencyKey: options?.idempotencyKey,
    idempotencyKeyTTL: options?.idempotencyKeyTTL,
    batchId,
    isTest: options?.test ?? false,
    ttl: toTtl(options?.ttl),
    triggerFunction: batchId === undefined ? "trigger" : "batchTrigger"
  }
}

// ---------------------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------
// Env vars
// ---------------------------------------------------------------------------------------------------------

const redacted = "<redacted>"

const shownVariable = (
  name: string,
  value: string,
  isSecret: boolean
): Schemas.EnvironmentVariableWithSecret => ({
  name,
  value: isSecret ? redacted : value,
  isSecret
})

const success = ok({ success: true })

const importVariables = (
  environment: Environment,
  variables: Readonly<Record<string, string>>,
  override: boolean,
  isSecret: boolean | undefined
): void => {
  for (const [name, value] of Object.entries(variables)) {
    const existing = environment.envvars.get(name)
    if (existing === undefined) environment.envvars.set(name, { value, isSecret: isSecret ?? false })
    else if (override) {
      existing.value = value
      if (isSecret !== undefined) existing.isSecret = isSecret
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------------------

const validateSchedule = (cron: string, timezone: string | undefined): Result<never> | undefined => {
  const parsed = Cron.parse(cron)
  if (typeof parsed === "string") return fail(400, `Invalid cron expression "${cron}": ${parsed}`)
  if (timezone !== undefined && !Cron.isValidTimezone(timezone))
    return fail(400, `Invalid timezone "${timezone}": use an IANA time zone name such as "Europe/Paris"`)
  return undefined
}

const shownSchedule = (schedule: Schedule, now: number): Schemas.ScheduleObject => {
  const parsed = Cron.parse(schedule.cron)
  const nextRun =
    schedule.active && typeof parsed !== "string"
      ? Cron.nextRuns(parsed, new Date(now), 1, schedule.timezone)[0]
      : undefined
  const environment = schedule.environment
  return {
    id: schedule.id,
    type: "IMPERATIVE",
    task: schedule.task,
    active: schedule.active,
    deduplicationKey: schedule.deduplicationKey,
    externalId: schedule.externalId ?? null,
    generator: { type: "CRON", expression: schedule.cron, description: Cron.describe(schedule.cron) },
    timezone: schedule.timezone,
    ...(schedule.window === undefined ? {} : { window: schedule.window }),
    nextRun: nextRun ?? null,
    nextRunEffectiveAt: nextRun ?? null,
    environments: [{ id: environment.id, type: environment.type, userName: null }]
  }
}

const findSchedule = (environment: Environment, id: string): Schedule | undefined =>
  environment.schedules.get(id)

const scheduleAnswer = (
  context: Context,
  id: string,
  change: (schedule: Schedule) => Result<never> | undefined
): Result<Schemas.ScheduleObject> =>
  withEnvironment(context, (environment) => {
    const schedule = findSchedule(environment, id)
    if (schedule === undefined) return notFound.schedule
    const refused = change(schedule)
    return refused ?? ok(shownSchedule(schedule, context.now))
  })

const defaultPerPage = 10

// ---------------------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------------------

/** Every handler, keyed `${group}.${name}` as the dispatcher looks them up. */
export const handlers: Readonly<Record<string, Handler>> = {
  "tasks.trigger": define(ManagementApi.tasksTrigger, (context, { path, payload }) =>
    withEnvironment(context, (environment) => {
      const run = triggerRun(context, environment, path.taskId, payload.payload, payload.options, undefined)
      if (typeof run === "string") return fail(400, run)
      const created = createRun(context.state, run, context.now)
      return ok(
        { id: created.run.id, isCached: created.cached },
        PublicToken.forRun(context.state, environment, created.run.id)
      )
    })
  ),

  "tasks.createBatch": define(ManagementApi.tasksCreateBatch, (context, { payload }) =>
    withEnvironment(context, (environment) => {
      const key = payload.idempotencyKey
      const existing = key === undefined ? undefined : environment.batchesByIdempotencyKey.get(key)
      const batch: Batch = existing ?? {
        id: newId(context.state, "batch_"),
        environment,
        runCount: payload.runCount,
        idempotencyKey: key,
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
    })
  ),

  "tasks.streamBatchItems": define(ManagementApi.tasksStreamBatchItems, (context, { path, payload }) =>
    withEnvironment(context, (environment) => {
      const batch = context.state.batches.get(path.batchId)
      if (batch === undefined || batch.environment !== environment) return notFound.batch
      return streamItems(context, environment, batch, payload)
    })
  ),

  "packets.upload": define(ManagementApi.packetsUpload, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const safe = ObjectStore.safePath(path.filename)
      if (safe === undefined) return fail(400, ObjectStore.invalidPathMessage)
      const key = ObjectStore.keyOf(environment.project.ref, environment.slug, safe)
      return ok({
        presignedUrl: ObjectStore.presign(context.state.objects, context.origin, "PUT", key, context.now),
        storagePath: safe
      })
    })
  ),

  "runs.listEnvironment": define(ManagementApi.runsList, (context, { query }) =>
    withEnvironment(context, (environment) =>
      listRuns(context.state, new Set([environment]), query, context.now)
    )
  ),

  "runs.listProject": define(ManagementApi.runsListProject, (context, { query }) => {
    const requested = commaList(query["filter[env]"]) ?? slugs
    const environments = new Set<Environment>()
    for (const slug of requested) {
      if (!isSlug(slug)) return fail(400, `Invalid filter[env]: "${slug}" is not one of ${slugs.join(", ")}`)
      for (const environment of environmentsOf(context.project, slug)) environments.add(environment)
    }
    return listRuns(context.state, environments, query, context.now)
  }),

  "runs.retrieve": define(ManagementApi.runsRetrieve, (context, { path }) =>
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

  "runs.cancel": define(ManagementApi.runsCancel, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const run = findRun(context.state, environment, path.runId)
      if (run === undefined) return notFound.run
      if (!isFinal(runState(run, context.now, context.state.timings).status)) run.canceledAt = context.now
      return ok({ id: run.id })
    })
  ),

  "runs.replay": define(ManagementApi.runsReplay, (context, { path, payload }) =>
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

  "envvars.list": define(ManagementApi.envvarsList, (context) =>
    withEnvironment(context, (environment) =>
      ok([...environment.envvars].map(([name, v]) => shownVariable(name, v.value, v.isSecret)))
    )
  ),

  "envvars.retrieve": define(ManagementApi.envvarsRetrieve, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const variable = environment.envvars.get(path.name)
      return variable === undefined
        ? notFound.envvar
        : ok(shownVariable(path.name, variable.value, variable.isSecret))
    })
  ),

  "envvars.upload": define(ManagementApi.envvarsUpload, (context, { payload }) =>
    withEnvironment(context, (environment) => {
      const override = payload.override ?? false
      importVariables(environment, payload.variables, override, payload.isSecret)
      if (payload.parentVariables !== undefined && environment.parent !== undefined)
        importVariables(environment.parent, payload.parentVariables, override, payload.isSecret)
      return success
    })
  ),

  "envvars.create": define(ManagementApi.envvarsCreate, (context, { payload }) =>
    withEnvironment(context, (environment) => {
      if (environment.envvars.has(payload.name)) return fail(409, "Environment variable already exists")
      environment.envvars.set(payload.name, { value: payload.value, isSecret: payload.isSecret ?? false })
      return success
    })
  ),

  "envvars.update": define(ManagementApi.envvarsUpdate, (context, { path, payload }) =>
    withEnvironment(context, (environment) => {
      const variable = environment.envvars.get(path.name)
      if (variable === undefined) return notFound.envvar
      variable.value = payload.value
      return success
    })
  ),

  "envvars.del": define(ManagementApi.envvarsDel, (context, { path }) =>
    withEnvironment(context, (environment) =>
      environment.envvars.delete(path.name) ? success : notFound.envvar
    )
  ),

  "schedules.list": define(ManagementApi.schedulesList, (context, { query }) =>
    withEnvironment(context, (environment) => {
      const page = query.page ?? 1
      const perPage = query.perPage ?? defaultPerPage
      const all = [...environment.schedules.values()].reverse()
      const data = all.slice((page - 1) * perPage, page * perPage)
      return ok({
        data: data.map((schedule) => shownSchedule(schedule, context.now)),
        pagination: { currentPage: page, totalPages: Math.ceil(all.length / perPage), count: all.length }
      })
    })
  ),

  "schedules.create": define(ManagementApi.schedulesCreate, (context, { payload }) =>
    withEnvironment(context, (environment) => {
      const refused = validateSchedule(payload.cron, payload.timezone)
      if (refused !== undefined) return refused
      const existing = environment.schedulesByDeduplicationKey.get(payload.deduplicationKey)
      if (existing !== undefined) {
        existing.task = payload.task
        existing.cron = payload.cron
        existing.timezone = payload.timezone ?? "UTC"
        existing.externalId = payload.externalId
        existing.window = payload.window
        return ok(shownSchedule(existing, context.now))
      }
      const schedule: Schedule = {
        id: newId(context.state, "sched_"),
        environment,
        deduplicationKey: payload.deduplicationKey,
        task: payload.task,
        cron: payload.cron,
        timezone: payload.timezone ?? "UTC",
        externalId: payload.externalId,
        window: payload.window,
        active: true,
        createdAt: context.now
      }
      environment.schedules.set(schedule.id, schedule)
      environment.schedulesByDeduplicationKey.set(schedule.deduplicationKey, schedule)
      return ok(shownSchedule(schedule, context.now))
    })
  ),

  "schedules.retrieve": define(ManagementApi.schedulesRetrieve, (context, { path }) =>
    scheduleAnswer(context, path.id, () => undefined)
  ),

  "schedules.update": define(ManagementApi.schedulesUpdate, (context, { path, payload }) =>
    scheduleAnswer(context, path.id, (schedule) => {
      const refused = validateSchedule(payload.cron, payload.timezone)
      if (refused !== undefined) return refused
      schedule.task = payload.task
      schedule.cron = payload.cron
      schedule.timezone = payload.timezone ?? "UTC"
      schedule.externalId = payload.externalId
      schedule.window = payload.window
      return undefined
    })
  ),

  "schedules.activate": define(ManagementApi.schedulesActivate, (context, { path }) =>
    scheduleAnswer(context, path.id, (schedule) => {
      schedule.active = true
      return undefined
    })
  ),

  "schedules.deactivate": define(ManagementApi.schedulesDeactivate, (context, { path }) =>
    scheduleAnswer(context, path.id, (schedule) => {
      schedule.active = false
      return undefined
    })
  ),

  "schedules.del": define(ManagementApi.schedulesDel, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const schedule = findSchedule(environment, path.id)
      if (schedule === undefined) return notFound.schedule
      environment.schedules.delete(schedule.id)
      environment.schedulesByDeduplicationKey.delete(schedule.deduplicationKey)
      return ok({ id: schedule.id })
    })
  )
}

/** Formats a schema failure as `path: message; …` (for 400 answers). */
export { formatIssues }
