/**
 * Sessions: a stateful run of an agent task that spans several runs (the SDK's `sessions.start`, `.retrieve`,
 * `.update`, `.close`, `.list`). A session is addressed by its id (`session_…`) or by the `externalId` you
 * gave it. SecretKey only; the session's realtime channels (`sessions.open`) are not here
 * (docs/reference/sessions.md).
 *
 * @example
 * ```ts
 * import { ManagementClient, Sessions } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const started = Sessions.start({
 *   type: "chat.agent",
 *   taskIdentifier: "support-agent",
 *   externalId: "chat-1234",
 *   triggerConfig: { basePayload: { chatId: "chat-1234" } }
 * }).pipe(
 *   Auth.withAuth({ accessToken: "tr_prod_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { ManagementApi, type Schemas, type SchemasSessions } from "@authctx/api"
import type * as Stream from "effect/Stream"
import * as Calls from "./Calls.js"
import * as Arguments from "./internal/arguments.js"
import { type Call, type CallContext, type CallError, call } from "./ManagementClient.js"
import { type CursorPage, cursorPages, cursorStream, type PagePromise } from "./Page.js"

type OneOrMany<A> = A | ReadonlyArray<A>

/**
 * The trigger config as `sessions.start` takes it: `externalDeploymentId` may be `null` (no version pinning,
 * as in the SDK). authctx sends only an `externalDeploymentId` you give: it does not read it from the
 * environment (`TRIGGER_EXTERNAL_DEPLOYMENT_ID`, CI commit variables) as the SDK does.
 */
export type SessionTriggerConfigInput = Omit<SchemasSessions.SessionTriggerConfig, "externalDeploymentId"> & {
  readonly externalDeploymentId?: string | null | undefined
}

/** The body of `sessions.start`, with the caller-facing trigger config (the SDK's `CreateSessionInput`). */
export type StartSessionInput = Omit<SchemasSessions.CreateSessionRequestBody, "triggerConfig"> & {
  readonly triggerConfig: SessionTriggerConfigInput
}

/** Filters and paging of `sessions.list`, as the SDK takes them. */
export interface ListSessionsParams {
  readonly type?: OneOrMany<string> | undefined
  readonly tag?: OneOrMany<string> | undefined
  readonly taskIdentifier?: OneOrMany<string> | undefined
  readonly externalId?: string | undefined
  readonly status?: OneOrMany<SchemasSessions.SessionStatus> | undefined
  /** Created within this period before now (`"1h"`, `"7d"`). */
  readonly period?: string | undefined
  readonly from?: Date | number | undefined
  readonly to?: Date | number | undefined
  /** Page size (`page[size]`, 1 to 100; the server's default is 20). */
  readonly limit?: number | undefined
  /** Cursor: the page after this one (a page's `pagination.next`). */
  readonly after?: string | undefined
  /** Cursor: the page before this one (a page's `pagination.previous`). */
  readonly before?: string | undefined
}

const joined = (value: OneOrMany<string> | undefined): string | undefined =>
  value === undefined ? undefined : typeof value === "string" ? value : value.join(",")

const epochMs = (value: Date | number | undefined): string | undefined =>
  value === undefined ? undefined : String(typeof value === "number" ? value : value.getTime())

/** The wire query, as the SDK builds it (an empty `externalId` or `period` is not sent). */
const toUrlParams = (params: ListSessionsParams = {}): typeof ManagementApi.ListSessionsUrlParams.Type => ({
  "filter[type]": joined(params.type),
  "filter[tags]": joined(params.tag),
  "filter[taskIdentifier]": joined(params.taskIdentifier),
  "filter[externalId]": params.externalId === "" ? undefined : params.externalId,
  "filter[status]": joined(params.status),
  "filter[createdAt][period]": params.period === "" ? undefined : params.period,
  "filter[createdAt][from]": epochMs(params.from),
  "filter[createdAt][to]": epochMs(params.to),
  "page[size]": params.limit === undefined ? undefined : String(params.limit),
  "page[after]": params.after,
  "page[before]": params.before
})

/** The body sent: a `null` (or blank) `externalDeploymentId` is left out, as the SDK leaves it out. */
const toBody = (input: StartSessionInput): SchemasSessions.CreateSessionRequestBody => {
  const { externalDeploymentId, ...config } = input.triggerConfig
  const pinned = externalDeploymentId?.trim()
  return {
    ...input,
    triggerConfig:
      pinned === undefined || pinned === "" ? config : { ...config, externalDeploymentId: pinned }
  }
}

/**
 * Starts a session and its first run. With an `externalId`, a second start answers the same session
 * (`isCached: true`) with its live run, or a new run when the last one ended; a closed or expired session
 * is a `ConflictError`. The answer's `publicAccessToken` reads and writes the session's channels.
 *
 * @example
 * ```ts
 * import { Sessions } from "@authctx/client"
 *
 * const started = Sessions.start({
 *   type: "chat.agent",
 *   taskIdentifier: "support-agent",
 *   externalId: "chat-1234",
 *   triggerConfig: { basePayload: { chatId: "chat-1234" }, idleTimeoutInSeconds: 300 }
 * })
 * ```
 */
export const start = (input: StartSessionInput): Call<typeof ManagementApi.sessionsStart> =>
  Arguments.refusing(ManagementApi.sessionsStart.capability.name, () =>
    call(ManagementApi.sessionsStart, { payload: toBody(input) })
  )

/**
 * Retrieves a session by its id (`session_…`) or its external id.
 *
 * @example
 * ```ts
 * import { Sessions } from "@authctx/client"
 *
 * const session = Sessions.retrieve("chat-1234")
 * ```
 */
export const retrieve = (sessionIdOrExternalId: string): Call<typeof ManagementApi.sessionsRetrieve> =>
  call(ManagementApi.sessionsRetrieve, { path: { id: sessionIdOrExternalId } })

/**
 * Replaces a session's tags or metadata (`metadata: null` clears it). Its `externalId` cannot change: a
 * different one is an `UnprocessableEntityError`.
 *
 * @example
 * ```ts
 * import { Sessions } from "@authctx/client"
 *
 * const updated = Sessions.update("chat-1234", { tags: ["vip"], metadata: { plan: "pro" } })
 * ```
 */
export const update = (
  sessionIdOrExternalId: string,
  body: SchemasSessions.UpdateSessionRequestBody
): Call<typeof ManagementApi.sessionsUpdate> =>
  call(ManagementApi.sessionsUpdate, { path: { id: sessionIdOrExternalId }, payload: body })

/**
 * Closes a session, for good. Closing a closed session succeeds and keeps the first close's time and reason.
 *
 * @example
 * ```ts
 * import { Sessions } from "@authctx/client"
 *
 * const closed = Sessions.close("chat-1234", { reason: "resolved" })
 * ```
 */
export const close = (
  sessionIdOrExternalId: string,
  body?: SchemasSessions.CloseSessionRequestBody
): Call<typeof ManagementApi.sessionsClose> =>
  call(ManagementApi.sessionsClose, { path: { id: sessionIdOrExternalId }, payload: body ?? {} })

/**
 * One page of the environment's sessions, newest first. The items have no `triggerConfig` (the server's list
 * leaves it out). Pass one value per filter: the server reads a comma-joined list as one value
 * (docs/reference/sessions.md).
 *
 * @example
 * ```ts
 * import { Sessions } from "@authctx/client"
 *
 * const active = Sessions.list({ status: "ACTIVE", type: "chat.agent", limit: 20 })
 * ```
 */
export const list = (params?: ListSessionsParams): Call<typeof ManagementApi.sessionsList> =>
  Arguments.refusing(ManagementApi.sessionsList.capability.name, () =>
    call(ManagementApi.sessionsList, {
      urlParams: toUrlParams(Arguments.listParams(ManagementApi.sessionsList.capability.name, params))
    })
  )

/**
 * Every session matching the filters, page after page, as a `Stream` (a cursor named twice fails with
 * `ApiSchemaError` instead of looping).
 *
 * @example
 * ```ts
 * import { Sessions } from "@authctx/client"
 * import { Stream } from "effect"
 *
 * const ids = Sessions.stream({ status: "ACTIVE" }).pipe(Stream.map((session) => session.id), Stream.runCollect)
 * ```
 */
export const stream = (
  params: ListSessionsParams = {}
): Stream.Stream<SchemasSessions.SessionItem, CallError, CallContext<typeof ManagementApi.sessionsList>> =>
  Arguments.refusingStream(ManagementApi.sessionsList.capability.name, () =>
    cursorStream(
      ManagementApi.sessionsList.capability.name,
      (cursor) => list(cursor === undefined ? params : { ...params, after: cursor, before: undefined }),
      Arguments.listParams(ManagementApi.sessionsList.capability.name, params)?.after
    )
  )

// ---------------------------------------------------------------------------------------------------------
// The call object: the Promise API's `sessions` is derived from it
// ---------------------------------------------------------------------------------------------------------

/** A page of sessions that is also a promise of it: `await` it, or `for await` over every session. */
export type SessionsPage = PagePromise<CursorPage<SchemasSessions.SessionItem>, SchemasSessions.SessionItem>

const listPages = (run: Calls.Run, params?: ListSessionsParams): SessionsPage =>
  cursorPages(ManagementApi.sessionsList.capability.name, (cursor) =>
    run(list(cursor === undefined ? params : { ...params, after: cursor.after, before: cursor.before })).then(
      (page) => ({ data: page.data, pagination: page.pagination as Schemas.CursorPagination })
    )
  )

type ListPages = (params?: ListSessionsParams, requestOptions?: Calls.RequestOptions) => SessionsPage

/**
 * The sessions calls, as one object: what the Promise API's `sessions` (ambient and per client) is derived
 * from.
 *
 * @example
 * ```ts
 * import { Sessions } from "@authctx/client"
 *
 * Object.keys(Sessions.calls) // ["start", "retrieve", "update", "close", "list"]
 * ```
 */
export const calls = {
  /** Starts a session and its first run (`sessions.start`). */
  start: Calls.make(ManagementApi.sessionsStart, start, 1),
  /** Retrieves a session by id or external id (`sessions.retrieve`). */
  retrieve: Calls.make(ManagementApi.sessionsRetrieve, retrieve, 1),
  /** Updates a session's tags or metadata (`sessions.update`). */
  update: Calls.make(ManagementApi.sessionsUpdate, update, 2),
  /** Closes a session (`sessions.close`). */
  close: Calls.make(ManagementApi.sessionsClose, close, 2),
  /** Lists sessions a page at a time (`sessions.list`). */
  list: Calls.custom<
    Calls.Variant<typeof ManagementApi.sessionsList.capability.name, "SecretKey", ListPages>
  >()(
    ManagementApi.sessionsList.capability.name,
    [ManagementApi.sessionsList],
    (runner): ListPages =>
      (params, requestOptions) =>
        listPages(runner(requestOptions), Arguments.listParams("sessions.list", params))
  )
}
