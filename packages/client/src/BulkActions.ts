/**
 * Bulk actions (the SDK's `runs.bulk`): cancel or replay every run a filter (or a list of run ids)
 * selects, list and retrieve bulk actions, poll one until it finishes, abort one still running. Secret
 * key only (docs/reference/bulk-actions.md).
 *
 * @example
 * ```ts
 * import { BulkActions, ManagementClient } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const program = BulkActions.cancel({ filter: { status: "QUEUED", taskIdentifier: "send-email" } }).pipe(
 *   Effect.flatMap(({ id }) => BulkActions.poll(id)),
 *   Auth.withAuth({ accessToken: "tr_prod_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as Calls from "./Calls.js"
import * as Arguments from "./internal/arguments.js"
import { type Call, type CallContext, type CallError, call } from "./ManagementClient.js"
import { type CursorPage, cursorPages, cursorStream, type PagePromise } from "./Page.js"

/**
 * The runs a bulk action acts on: exactly one of `filter` (the filters of `runs.list`, at least one set)
 * or `runIds` (at least one), and an optional `name` (at most 255 characters).
 */
export type BulkActionSelection =
  | {
      readonly filter: Schemas.BulkActionFilter
      readonly runIds?: never
      readonly name?: string | undefined
    }
  | {
      readonly runIds: ReadonlyArray<string>
      readonly filter?: never
      readonly name?: string | undefined
    }

/** `runs.bulk.cancel` options. */
export type BulkCancelOptions = BulkActionSelection & { readonly targetRegion?: never }

/** `runs.bulk.replay` options: `targetRegion` replays the runs in that region (default: each run's own). */
export type BulkReplayOptions = BulkActionSelection & { readonly targetRegion?: string | undefined }

/** The cursor paging of `runs.bulk.list`. */
export interface ListBulkActionsParams {
  /** Page size (`page[size]`). */
  readonly limit?: number | undefined
  /** Cursor: the page after this bulk action id. */
  readonly after?: string | undefined
  /** Cursor: the page before this bulk action id. */
  readonly before?: string | undefined
}

/** `runs.bulk.poll` options: the wait between two retrieves (default 1000 ms, as the SDK). */
export interface PollOptions {
  readonly pollIntervalMs?: number | undefined
}

/** How many times `poll` retrieves before giving up: the SDK's 500. */
export const maxPollAttempts = 500

/** The SDK's default wait between two retrieves of `poll`. */
export const defaultPollIntervalMs = 1000

/**
 * `poll` retrieved the bulk action {@link maxPollAttempts} times and it was still `PENDING`.
 *
 * @example
 * ```ts
 * import { BulkActions } from "@authctx/client"
 *
 * const error = new BulkActions.BulkActionNotFinished({ bulkActionId: "bulk_1234", attempts: 500 })
 * ```
 */
export class BulkActionNotFinished extends Schema.TaggedError<BulkActionNotFinished>(
  "@authctx/client/BulkActionNotFinished"
)("BulkActionNotFinished", {
  bulkActionId: Schema.String,
  attempts: Schema.Number
}) {
  override get message(): string {
    return `Bulk action ${this.bulkActionId} was still PENDING after ${this.attempts} retrieves; retrieve it later, or poll with a longer pollIntervalMs`
  }
}

const create = (body: Schemas.CreateBulkActionRequestBody): Call<typeof ManagementApi.bulkActionsCreate> =>
  call(ManagementApi.bulkActionsCreate, { payload: body })

/**
 * Cancels every run the selection matches (SecretKey only). The server answers 202 with the bulk action's
 * id and does the work afterwards: poll it to wait.
 *
 * @example
 * ```ts
 * import { BulkActions } from "@authctx/client"
 *
 * const started = BulkActions.cancel({ filter: { tag: "tenant-42", status: ["QUEUED", "DELAYED"] } })
 * ```
 */
export const cancel = (options: BulkCancelOptions): Call<typeof ManagementApi.bulkActionsCreate> =>
  create({ ...options, action: "cancel" })

/**
 * Replays every run the selection matches as new runs (SecretKey only); answered with 202 and the bulk
 * action's id.
 *
 * @example
 * ```ts
 * import { BulkActions } from "@authctx/client"
 *
 * const started = BulkActions.replay({ runIds: ["run_1234", "run_5678"], name: "retry failed imports" })
 * ```
 */
export const replay = (options: BulkReplayOptions): Call<typeof ManagementApi.bulkActionsCreate> =>
  create({ ...options, action: "replay" })

/**
 * One page of the environment's bulk actions, newest first (SecretKey only).
 *
 * @example
 * ```ts
 * import { BulkActions } from "@authctx/client"
 *
 * const page = BulkActions.list({ limit: 10 })
 * ```
 */
export const list = (params: ListBulkActionsParams = {}): Call<typeof ManagementApi.bulkActionsList> =>
  Arguments.refusing(ManagementApi.bulkActionsList.capability.name, () => {
    const { limit, after, before } =
      Arguments.listParams(ManagementApi.bulkActionsList.capability.name, params) ?? {}
    return call(ManagementApi.bulkActionsList, {
      urlParams: { "page[size]": limit, "page[after]": after, "page[before]": before }
    })
  })

/**
 * Every bulk action of the environment, page after page, as a `Stream` (from the given cursor, if any).
 * A cursor named twice fails with `ApiSchemaError` instead of looping.
 *
 * @example
 * ```ts
 * import { BulkActions } from "@authctx/client"
 * import { Stream } from "effect"
 *
 * const pending = BulkActions.stream().pipe(Stream.filter((action) => action.status === "PENDING"), Stream.runCollect)
 * ```
 */
export const stream = (
  params: ListBulkActionsParams = {}
): Stream.Stream<Schemas.BulkActionObject, CallError, CallContext<typeof ManagementApi.bulkActionsList>> =>
  Arguments.refusingStream(ManagementApi.bulkActionsList.capability.name, () => {
    const checked = Arguments.listParams(ManagementApi.bulkActionsList.capability.name, params)
    return cursorStream(ManagementApi.bulkActionsList.capability.name, (cursor) =>
      cursor === undefined ? list(checked) : list({ ...checked, after: cursor, before: undefined })
    )
  })

/**
 * Retrieves a bulk action: its type, status and counts (SecretKey only); 404 `NotFoundError` for an id
 * of another environment.
 *
 * @example
 * ```ts
 * import { BulkActions } from "@authctx/client"
 *
 * const action = BulkActions.retrieve("bulk_1234")
 * ```
 */
export const retrieve = (bulkActionId: string): Call<typeof ManagementApi.bulkActionsRetrieve> =>
  call(ManagementApi.bulkActionsRetrieve, { path: { bulkActionId } })

/**
 * Aborts a bulk action that is still `PENDING` (SecretKey only). A finished or already aborted one is a
 * 400 `BadRequestError` (the server's "already completed" / "already aborted").
 *
 * @example
 * ```ts
 * import { BulkActions } from "@authctx/client"
 *
 * const aborted = BulkActions.abort("bulk_1234")
 * ```
 */
export const abort = (bulkActionId: string): Call<typeof ManagementApi.bulkActionsAbort> =>
  call(ManagementApi.bulkActionsAbort, { path: { bulkActionId } })

/**
 * Retrieves the bulk action until it is no longer `PENDING`, as the SDK's `runs.bulk.poll`: one retrieve,
 * then one every `pollIntervalMs` (default 1000), at most {@link maxPollAttempts} in all; then
 * `BulkActionNotFinished`. Interrupting the fiber (or the Promise call's `signal`) stops the wait.
 *
 * @example
 * ```ts
 * import { BulkActions } from "@authctx/client"
 *
 * const finished = BulkActions.poll("bulk_1234", { pollIntervalMs: 5_000 })
 * ```
 */
export const poll = (
  bulkActionId: string,
  options?: PollOptions
): Effect.Effect<
  Schemas.BulkActionObject,
  CallError | BulkActionNotFinished,
  CallContext<typeof ManagementApi.bulkActionsRetrieve>
> => {
  const interval = Duration.millis(Math.max(0, options?.pollIntervalMs ?? defaultPollIntervalMs))
  const schedule = Schedule.spaced(interval).pipe(
    // the first retrieve is not a repetition
    Schedule.intersect(Schedule.recurs(maxPollAttempts - 1)),
    Schedule.whileInput((action: Schemas.BulkActionObject) => action.status === "PENDING"),
    Schedule.passthrough
  )
  return retrieve(bulkActionId).pipe(
    Effect.repeat(schedule),
    Effect.filterOrFail(
      (action) => action.status !== "PENDING",
      () => new BulkActionNotFinished({ bulkActionId, attempts: maxPollAttempts })
    )
  )
}

// ---------------------------------------------------------------------------------------------------------
// The call object: the Promise API's `runs.bulk` is derived from it
// ---------------------------------------------------------------------------------------------------------

/** A page of bulk actions that is also a promise of it: `await` it, or `for await` over every action. */
export type BulkActionsPage = PagePromise<CursorPage<Schemas.BulkActionObject>, Schemas.BulkActionObject>

const listPages = (run: Calls.Run, params: ListBulkActionsParams | undefined): BulkActionsPage =>
  cursorPages(ManagementApi.bulkActionsList.call, (cursor) =>
    run(list(cursor === undefined ? params : { ...params, after: cursor.after, before: cursor.before }))
  )

type ListSignature = (
  params?: ListBulkActionsParams,
  requestOptions?: Calls.RequestOptions
) => BulkActionsPage
type CancelSignature = (
  options: BulkCancelOptions,
  requestOptions?: Calls.RequestOptions
) => Promise<Schemas.CreateBulkActionResponseBody>
type ReplaySignature = (
  options: BulkReplayOptions,
  requestOptions?: Calls.RequestOptions
) => Promise<Schemas.CreateBulkActionResponseBody>
type PollSignature = (
  bulkActionId: string,
  options?: PollOptions,
  requestOptions?: Calls.RequestOptions
) => Promise<Schemas.BulkActionObject>

/**
 * The bulk action calls, as one object: what the Promise API's `runs.bulk` (ambient and per client) is
 * derived from, with the SDK's names and signatures. `cancel` and `replay` are two calls of one route
 * (`bulkActions.create`, the body's `action` tells them apart); `poll` is a helper over `retrieve`'s route.
 *
 * @example
 * ```ts
 * import { BulkActions } from "@authctx/client"
 *
 * Object.keys(BulkActions.calls) // ["cancel", "replay", "list", "retrieve", "abort", "poll"]
 * ```
 */
export const calls = {
  /** Cancels every run the selection matches; answers `{ id }` (202). */
  cancel: Calls.custom<Calls.Variant<"runs.bulk.cancel", "SecretKey", CancelSignature>>()(
    "runs.bulk.cancel",
    [ManagementApi.bulkActionsCreate],
    (runner): CancelSignature =>
      (options, requestOptions) =>
        runner(requestOptions)(cancel(options))
  ),
  /** Replays every run the selection matches; answers `{ id }` (202). */
  replay: Calls.custom<Calls.Variant<"runs.bulk.replay", "SecretKey", ReplaySignature>>()(
    "runs.bulk.replay",
    [ManagementApi.bulkActionsCreate],
    (runner): ReplaySignature =>
      (options, requestOptions) =>
        runner(requestOptions)(replay(options))
  ),
  /** Lists the environment's bulk actions, a page at a time. */
  list: Calls.custom<
    Calls.Variant<typeof ManagementApi.bulkActionsList.capability.name, "SecretKey", ListSignature>
  >()(
    ManagementApi.bulkActionsList.capability.name,
    [ManagementApi.bulkActionsList],
    (runner): ListSignature =>
      (params, requestOptions) =>
        listPages(runner(requestOptions), Arguments.listParams("runs.bulk.list", params))
  ),
  /** Retrieves a bulk action. */
  retrieve: Calls.make(ManagementApi.bulkActionsRetrieve, retrieve, 1),
  /** Aborts a pending bulk action. */
  abort: Calls.make(ManagementApi.bulkActionsAbort, abort, 1),
  /** Retrieves the bulk action until it is no longer `PENDING` (every `pollIntervalMs`, 500 times at most). */
  poll: Calls.custom<Calls.Variant<"runs.bulk.poll", "SecretKey", PollSignature>>()(
    "runs.bulk.poll",
    [ManagementApi.bulkActionsRetrieve],
    (runner): PollSignature =>
      (bulkActionId, options, requestOptions) =>
        runner(requestOptions)(poll(bulkActionId, options))
  )
}
