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
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { type Call, type CallContext, type CallError, call } from "./ManagementClient.js"

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
  call(ManagementApi.schedulesList, { urlParams: { page: params.page, perPage: params.perPage } })

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
  Stream.paginateChunkEffect(params.page ?? 1, (page: number) =>
    Effect.map(list({ ...params, page }), (result) => {
      const more =
        result.data.length > 0 && Number(result.pagination.currentPage) < Number(result.pagination.totalPages)
      return [Chunk.fromIterable(result.data), more ? Option.some(page + 1) : Option.none()] as const
    })
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
