/**
 * Schedules of the key's environment (SecretKey only): list (offset pages, or a `Stream`), create (with a
 * `deduplicationKey`), retrieve, update, activate, deactivate, delete.
 *
 * @example
 * ```ts
 * import { ManagementClient, Schedules } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const schedule = Schedules.create({ task: "daily-report", cron: "0 9 * * *", deduplicationKey: "daily-report" }).pipe(
 *   Auth.withAuth({ accessToken: "tr_prod_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import type * as Stream from "effect/Stream"
import * as Calls from "./Calls.js"
import * as Arguments from "./internal/arguments.js"
import { type Call, type CallContext, type CallError, call } from "./ManagementClient.js"
import { numberedStream, OffsetLimitPage, type PagePromise, pagePromise } from "./Page.js"

/** Paging of `schedules.list`. */
export interface ListSchedulesParams {
  readonly page?: number | undefined
  readonly perPage?: number | undefined
}

/**
 * One page of schedules.
 *
 * @example
 * ```ts
 * import { Schedules } from "@authctx/client"
 *
 * const firstPage = Schedules.list({ perPage: 20 })
 * ```
 */
export const list = (params: ListSchedulesParams = {}): Call<typeof ManagementApi.schedulesList> =>
  Arguments.refusing(ManagementApi.schedulesList.capability.name, () => {
    const { page, perPage } = Arguments.listParams(ManagementApi.schedulesList.capability.name, params) ?? {}
    return call(ManagementApi.schedulesList, { urlParams: { page, perPage } })
  })

/**
 * Every schedule, page after page, as a `Stream`: from `params.page` (default 1) while `currentPage` is
 * below `totalPages`. It stops at an empty page, so a `totalPages` larger than the data is not followed
 * page by empty page.
 *
 * @example
 * ```ts
 * import { Schedules } from "@authctx/client"
 * import { Stream } from "effect"
 *
 * const all = Schedules.stream({ perPage: 50 }).pipe(Stream.runCollect)
 * ```
 */
export const stream = (
  params: ListSchedulesParams = {}
): Stream.Stream<Schemas.ScheduleObject, CallError, CallContext<typeof ManagementApi.schedulesList>> =>
  Arguments.refusingStream(ManagementApi.schedulesList.capability.name, () =>
    numberedStream(
      (page: number) => list({ ...params, page }),
      Arguments.listParams(ManagementApi.schedulesList.capability.name, params)?.page ?? 1
    )
  )

/**
 * Creates a schedule; creating again with the same `deduplicationKey` updates that schedule.
 *
 * @example
 * ```ts
 * import { Schedules } from "@authctx/client"
 *
 * const created = Schedules.create({ task: "cleanup", cron: "0 * * * *", deduplicationKey: "hourly-cleanup" })
 * ```
 */
export const create = (options: Schemas.CreateScheduleOptions): Call<typeof ManagementApi.schedulesCreate> =>
  call(ManagementApi.schedulesCreate, { payload: options })

/**
 * Retrieves a schedule.
 *
 * @example
 * ```ts
 * import { Schedules } from "@authctx/client"
 *
 * const schedule = Schedules.retrieve("sched_1234")
 * ```
 */
export const retrieve = (scheduleId: string): Call<typeof ManagementApi.schedulesRetrieve> =>
  call(ManagementApi.schedulesRetrieve, { path: { id: scheduleId } })

/**
 * Updates a schedule.
 *
 * @example
 * ```ts
 * import { Schedules } from "@authctx/client"
 *
 * const updated = Schedules.update("sched_1234", { task: "cleanup", cron: "30 * * * *" })
 * ```
 */
export const update = (
  scheduleId: string,
  options: Schemas.UpdateScheduleOptions
): Call<typeof ManagementApi.schedulesUpdate> =>
  call(ManagementApi.schedulesUpdate, { path: { id: scheduleId }, payload: options })

/**
 * Activates a schedule.
 *
 * @example
 * ```ts
 * import { Schedules } from "@authctx/client"
 *
 * const active = Schedules.activate("sched_1234")
 * ```
 */
export const activate = (scheduleId: string): Call<typeof ManagementApi.schedulesActivate> =>
  call(ManagementApi.schedulesActivate, { path: { id: scheduleId } })

/**
 * Deactivates a schedule.
 *
 * @example
 * ```ts
 * import { Schedules } from "@authctx/client"
 *
 * const inactive = Schedules.deactivate("sched_1234")
 * ```
 */
export const deactivate = (scheduleId: string): Call<typeof ManagementApi.schedulesDeactivate> =>
  call(ManagementApi.schedulesDeactivate, { path: { id: scheduleId } })

/**
 * Deletes a schedule.
 *
 * @example
 * ```ts
 * import { Schedules } from "@authctx/client"
 *
 * const deleted = Schedules.del("sched_1234")
 * ```
 */
export const del = (scheduleId: string): Call<typeof ManagementApi.schedulesDel> =>
  call(ManagementApi.schedulesDel, { path: { id: scheduleId } })

/** Options of `schedules.timezones`. */
export interface TimezonesOptions {
  /** Leave out `"UTC"` (by default it is included, first). */
  readonly excludeUtc?: boolean | undefined
}

/**
 * The IANA time zones a schedule may name. Needs NO credential (the server authenticates nothing there):
 * it runs without any `withAuth`, under any credential kind, and sends no token; the base URL is the
 * current auth's, else `TRIGGER_API_URL`, else `https://api.trigger.dev`.
 *
 * @example
 * ```ts
 * import { ManagementClient, Schedules } from "@authctx/client"
 * import { Effect } from "effect"
 *
 * const zones = Schedules.timezones({ excludeUtc: true }).pipe(Effect.provide(ManagementClient.layerNode()))
 * ```
 */
export const timezones = (options: TimezonesOptions = {}): Call<typeof ManagementApi.schedulesTimezones> =>
  Arguments.refusing(ManagementApi.schedulesTimezones.capability.name, () =>
    call(ManagementApi.schedulesTimezones, {
      urlParams: { excludeUtc: options.excludeUtc === true ? "true" : undefined }
    })
  )

// ---------------------------------------------------------------------------------------------------------
// The call object: the Promise API's `schedules` is derived from it
// ---------------------------------------------------------------------------------------------------------

/** A page of schedules that is also a promise of it: `await` it, or `for await` over every schedule. */
export type SchedulesPage = PagePromise<OffsetLimitPage<Schemas.ScheduleObject>, Schemas.ScheduleObject>

/** `schedules.list` as pages: the first with the caller's parameters, the others by page number. */
const listPages = (run: Calls.Run, params?: ListSchedulesParams): SchedulesPage => {
  const fetch = (page: number | undefined): SchedulesPage =>
    pagePromise(
      run(list(page === undefined ? params : { ...params, page })).then(
        (result) =>
          new OffsetLimitPage("schedules.list", result.data, result.pagination, (next) => fetch(next.page))
      )
    )
  return fetch(undefined)
}

/** `schedules.list` of the Promise API: a page that is also a promise of it. */
type ListPages = (params?: ListSchedulesParams, requestOptions?: Calls.RequestOptions) => SchedulesPage

/**
 * The schedules calls, as one object: what the Promise API's `schedules` (ambient and per client) is
 * derived from.
 *
 * @example
 * ```ts
 * import { Schedules } from "@authctx/client"
 *
 * Object.keys(Schedules.calls) // ["list", "create", "retrieve", "update", "activate", "deactivate", "del", "timezones"]
 * ```
 */
export const calls = {
  /** Lists schedules, a page at a time: `await` the first page, or `for await` over every schedule. */
  list: Calls.custom<
    Calls.Variant<typeof ManagementApi.schedulesList.capability.name, "SecretKey", ListPages>
  >()(
    "schedules.list",
    [ManagementApi.schedulesList],
    (runner): ListPages =>
      (params, requestOptions) =>
        listPages(runner(requestOptions), Arguments.listParams("schedules.list", params))
  ),
  /** Creates a schedule (imperative; a `deduplicationKey` makes a repeat update it instead). */
  create: Calls.make(ManagementApi.schedulesCreate, create, 1),
  /** Retrieves a schedule. */
  retrieve: Calls.make(ManagementApi.schedulesRetrieve, retrieve, 1),
  /** Updates a schedule. */
  update: Calls.make(ManagementApi.schedulesUpdate, update, 2),
  /** Activates a schedule. */
  activate: Calls.make(ManagementApi.schedulesActivate, activate, 1),
  /** Deactivates a schedule. */
  deactivate: Calls.make(ManagementApi.schedulesDeactivate, deactivate, 1),
  /** Deletes a schedule. */
  del: Calls.make(ManagementApi.schedulesDel, del, 1),
  /** The time zones a schedule may name; needs no credential. */
  timezones: Calls.make(ManagementApi.schedulesTimezones, timezones, 1)
}
