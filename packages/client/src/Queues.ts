/**
 * Queues of the key's environment (SecretKey only): list (offset pages, or a `Stream`), retrieve, pause,
 * resume, and override or reset a queue's concurrency limit. A queue is named by its id (`queue_…`) or by
 * `{ type: "task", name: <task id> }` / `{ type: "custom", name }`, as in the SDK; the `type` goes in the
 * query (retrieve) or the body (the others), and pause and resume share one route (docs/reference/queues.md).
 *
 * @example
 * ```ts
 * import { ManagementClient, Queues } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const paused = Queues.pause({ type: "task", name: "send-email" }).pipe(
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

/** Paging of `queues.list`. */
export interface ListQueuesParams {
  readonly page?: number | undefined
  readonly perPage?: number | undefined
}

/**
 * A queue, as the SDK's `RetrieveQueueParam` names one: its id (`queue_…`), or its type and name (a task's id
 * for `task`, the declared name for `custom`).
 *
 * @example
 * ```ts
 * import type { Queues } from "@authctx/client"
 *
 * const ofTask: Queues.RetrieveQueueParam = { type: "task", name: "send-email" }
 * ```
 */
export type RetrieveQueueParam = string | Schemas.QueueTypeName

/** The path value and `type` the server reads a queue argument as: a bare string is a queue id. */
const located = (queue: RetrieveQueueParam) =>
  typeof queue === "string"
    ? { path: { queue }, type: "id" as const }
    : { path: { queue: queue.name }, type: queue.type }

/**
 * One page of queues.
 *
 * @example
 * ```ts
 * import { Queues } from "@authctx/client"
 *
 * const firstPage = Queues.list({ perPage: 20 })
 * ```
 */
export const list = (params: ListQueuesParams = {}): Call<typeof ManagementApi.queuesList> =>
  Arguments.refusing(ManagementApi.queuesList.capability.name, () => {
    const { page, perPage } = Arguments.listParams(ManagementApi.queuesList.capability.name, params) ?? {}
    return call(ManagementApi.queuesList, { urlParams: { page, perPage } })
  })

/**
 * Every queue, page after page, as a `Stream`: from `params.page` (default 1) while `currentPage` is below
 * `totalPages`, stopping at an empty page.
 *
 * @example
 * ```ts
 * import { Queues } from "@authctx/client"
 * import { Stream } from "effect"
 *
 * const all = Queues.stream({ perPage: 50 }).pipe(Stream.runCollect)
 * ```
 */
export const stream = (
  params: ListQueuesParams = {}
): Stream.Stream<Schemas.QueueItem, CallError, CallContext<typeof ManagementApi.queuesList>> =>
  Arguments.refusingStream(ManagementApi.queuesList.capability.name, () =>
    numberedStream(
      (page: number) => list({ ...params, page }),
      Arguments.listParams(ManagementApi.queuesList.capability.name, params)?.page ?? 1
    )
  )

/**
 * Retrieves a queue by id, or by type and name.
 *
 * @example
 * ```ts
 * import { Queues } from "@authctx/client"
 *
 * const byId = Queues.retrieve("queue_1234")
 * const ofTask = Queues.retrieve({ type: "task", name: "send-email" })
 * ```
 */
export const retrieve = (queue: RetrieveQueueParam): Call<typeof ManagementApi.queuesRetrieve> =>
  Arguments.refusing("queues.retrieve", () => {
    const { path, type } = located(queue)
    return call(ManagementApi.queuesRetrieve, { path, urlParams: { type } })
  })

/**
 * Pauses a queue: no new run of it starts; running ones finish.
 *
 * @example
 * ```ts
 * import { Queues } from "@authctx/client"
 *
 * const paused = Queues.pause({ type: "custom", name: "emails" })
 * ```
 */
export const pause = (queue: RetrieveQueueParam): Call<typeof ManagementApi.queuesPause> =>
  Arguments.refusing("queues.pause", () => {
    const { path, type } = located(queue)
    return call(ManagementApi.queuesPause, { path, payload: { type, action: "pause" } })
  })

/**
 * Resumes a paused queue (the route of `pause`, with `action: "resume"`).
 *
 * @example
 * ```ts
 * import { Queues } from "@authctx/client"
 *
 * const resumed = Queues.resume("queue_1234")
 * ```
 */
export const resume = (queue: RetrieveQueueParam): Call<typeof ManagementApi.queuesPause> =>
  Arguments.refusing("queues.resume", () => {
    const { path, type } = located(queue)
    return call(ManagementApi.queuesPause, { path, payload: { type, action: "resume" } })
  })

/**
 * Overrides a queue's concurrency limit (a whole number, 0 or more) until it is reset.
 *
 * @example
 * ```ts
 * import { Queues } from "@authctx/client"
 *
 * const raised = Queues.overrideConcurrencyLimit({ type: "task", name: "send-email" }, 20)
 * ```
 */
export const overrideConcurrencyLimit = (
  queue: RetrieveQueueParam,
  concurrencyLimit: number
): Call<typeof ManagementApi.queuesOverrideConcurrencyLimit> =>
  Arguments.refusing(ManagementApi.queuesOverrideConcurrencyLimit.capability.name, () => {
    const { path, type } = located(queue)
    return call(ManagementApi.queuesOverrideConcurrencyLimit, { path, payload: { type, concurrencyLimit } })
  })

/**
 * Resets a queue's concurrency limit to its base value.
 *
 * @example
 * ```ts
 * import { Queues } from "@authctx/client"
 *
 * const reset = Queues.resetConcurrencyLimit({ type: "task", name: "send-email" })
 * ```
 */
export const resetConcurrencyLimit = (
  queue: RetrieveQueueParam
): Call<typeof ManagementApi.queuesResetConcurrencyLimit> =>
  Arguments.refusing(ManagementApi.queuesResetConcurrencyLimit.capability.name, () => {
    const { path, type } = located(queue)
    return call(ManagementApi.queuesResetConcurrencyLimit, { path, payload: { type } })
  })

// ---------------------------------------------------------------------------------------------------------
// The call object: the Promise API's `queues` is derived from it
// ---------------------------------------------------------------------------------------------------------

/** A page of queues that is also a promise of it: `await` it, or `for await` over every queue. */
export type QueuesPage = PagePromise<OffsetLimitPage<Schemas.QueueItem>, Schemas.QueueItem>

/** `queues.list` as pages: the first with the caller's parameters, the others by page number. */
const listPages = (run: Calls.Run, params?: ListQueuesParams): QueuesPage => {
  const fetch = (page: number | undefined): QueuesPage =>
    pagePromise(
      run(list(page === undefined ? params : { ...params, page })).then(
        (result) =>
          new OffsetLimitPage("queues.list", result.data, result.pagination, (next) => fetch(next.page))
      )
    )
  return fetch(undefined)
}

/** `queues.list` of the Promise API: a page that is also a promise of it. */
export type ListPages = (params?: ListQueuesParams, requestOptions?: Calls.RequestOptions) => QueuesPage

/** `queues.resume` of the Promise API: the pause route with `action: "resume"`. */
export type Resume = (
  queue: RetrieveQueueParam,
  requestOptions?: Calls.RequestOptions
) => Promise<Schemas.QueueItem>

/**
 * The queues calls, as one object: what the Promise API's `queues` (ambient and per client) is derived
 * from.
 *
 * @example
 * ```ts
 * import { Queues } from "@authctx/client"
 *
 * Object.keys(Queues.calls) // ["list", "retrieve", "pause", "resume", "overrideConcurrencyLimit", "resetConcurrencyLimit"]
 * ```
 */
export const calls = {
  /** Lists queues, a page at a time: `await` the first page, or `for await` over every queue. */
  list: Calls.custom<
    Calls.Variant<typeof ManagementApi.queuesList.capability.name, "SecretKey", ListPages>
  >()(
    "queues.list",
    [ManagementApi.queuesList],
    (runner): ListPages =>
      (params, requestOptions) =>
        listPages(runner(requestOptions), Arguments.listParams("queues.list", params))
  ),
  /** Retrieves a queue by id, or by type and name. */
  retrieve: Calls.make(ManagementApi.queuesRetrieve, retrieve, 1),
  /** Pauses a queue. */
  pause: Calls.make(ManagementApi.queuesPause, pause, 1),
  /** Resumes a paused queue (the pause route, with `action: "resume"`). */
  resume: Calls.custom<Calls.Variant<"queues.resume", "SecretKey", Resume>>()(
    "queues.resume",
    [ManagementApi.queuesPause],
    (runner): Resume =>
      (queue, requestOptions) =>
        runner(requestOptions)(resume(queue))
  ),
  /** Overrides a queue's concurrency limit. */
  overrideConcurrencyLimit: Calls.make(
    ManagementApi.queuesOverrideConcurrencyLimit,
    overrideConcurrencyLimit,
    2
  ),
  /** Resets a queue's concurrency limit to its base value. */
  resetConcurrencyLimit: Calls.make(ManagementApi.queuesResetConcurrencyLimit, resetConcurrencyLimit, 1)
}
