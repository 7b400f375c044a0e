/**
 * The schedules routes: cron validation, `deduplicationKey`, activate/deactivate and offset pages.
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import * as Cron from "../cron.js"
import { type Environment, newId, type Schedule } from "../model.js"
import { notFound } from "./common.js"
import {
  type Context,
  fail,
  handle,
  handleOpen,
  ok,
  type Result,
  type RouteHandler,
  withEnvironment
} from "./handle.js"

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

/** The schedules handlers, one per route of the `schedules` group. */
export const schedules: readonly [
  RouteHandler<typeof ManagementApi.schedulesList>,
  RouteHandler<typeof ManagementApi.schedulesCreate>,
  RouteHandler<typeof ManagementApi.schedulesRetrieve>,
  RouteHandler<typeof ManagementApi.schedulesUpdate>,
  RouteHandler<typeof ManagementApi.schedulesActivate>,
  RouteHandler<typeof ManagementApi.schedulesDeactivate>,
  RouteHandler<typeof ManagementApi.schedulesDel>,
  RouteHandler<typeof ManagementApi.schedulesTimezones>
] = [
  handle(ManagementApi.schedulesList, (context, { query }) =>
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

  handle(ManagementApi.schedulesCreate, (context, { payload }) =>
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

  handle(ManagementApi.schedulesRetrieve, (context, { path }) =>
    scheduleAnswer(context, path.id, () => undefined)
  ),

  handle(ManagementApi.schedulesUpdate, (context, { path, payload }) =>
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

  handle(ManagementApi.schedulesActivate, (context, { path }) =>
    scheduleAnswer(context, path.id, (schedule) => {
      schedule.active = true
      return undefined
    })
  ),

  handle(ManagementApi.schedulesDeactivate, (context, { path }) =>
    scheduleAnswer(context, path.id, (schedule) => {
      schedule.active = false
      return undefined
    })
  ),

  handle(ManagementApi.schedulesDel, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const schedule = findSchedule(environment, path.id)
      if (schedule === undefined) return notFound.schedule
      environment.schedules.delete(schedule.id)
      environment.schedulesByDeduplicationKey.delete(schedule.deduplicationKey)
      return ok({ id: schedule.id })
    })
  ),

  // no credential: the server authenticates nothing on this route
  handleOpen(ManagementApi.schedulesTimezones, (_context, { query }) => {
    const exclude = query.excludeUtc
    if (exclude !== undefined && exclude !== "true" && exclude !== "false")
      return fail(400, "Invalid request parameters")
    return ok({ timezones: exclude === "true" ? zones() : ["UTC", ...zones()] })
  })
]

let zoneList: ReadonlyArray<string> | undefined

/** The IANA zones of this runtime's ICU, without `"UTC"` (the answer puts it first unless excluded). */
const zones = (): ReadonlyArray<string> => {
  zoneList ??= Intl.supportedValuesOf("timeZone").filter((zone) => zone !== "UTC")
  return zoneList
}
