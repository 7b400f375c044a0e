/**
 * The sessions routes (`sessions.start`, `sessions.retrieve`, `sessions.update`, `sessions.close`,
 * `sessions.list`) as the server answers them (docs/reference/sessions.md). The realtime channels of a
 * session (`/realtime/v1/sessions/…`) are not emulated.
 */
import { ManagementApi, type SchemasSessions } from "@authctx/api"
import { createRun, type Environment, isFinal, newId, runState } from "../model.js"
import * as PublicToken from "../publicToken.js"
import { nextInternalId, resolve, type Session, type Store, statusOf, storeOf } from "../sessions.js"
import { triggerRun } from "./common.js"
import {
  type Context,
  fail,
  handle,
  ok,
  okLater,
  type Result,
  type RouteHandler,
  withEnvironment
} from "./handle.js"

/**
 * The server's body limits (`maxContentLength`, checked after auth; a body without `content-length` is
 * refused too): 32 KiB on start and update, 1 KiB on close.
 */
const startMaxBytes = 32_768
const updateMaxBytes = 32_768
const closeMaxBytes = 1_024

/** The list's page size when `page[size]` is absent, and its bounds (outside them: 400). */
const defaultPageSize = 20
const maxPageSize = 100

const sessionNotFound = fail(404, "Session not found")

/** A session as the routes answer it; `withTriggerConfig: false` on list items (the server's list omits it). */
const shown = (session: Session, withTriggerConfig: boolean): SchemasSessions.SessionItem => ({
  id: session.id,
  externalId: session.externalId ?? null,
  type: session.type,
  taskIdentifier: session.taskIdentifier,
  ...(withTriggerConfig ? { triggerConfig: session.triggerConfig } : {}),
  currentRunId: session.currentRunId ?? null,
  tags: session.tags,
  metadata: session.metadata,
  closedAt: session.closedAt === undefined ? null : new Date(session.closedAt),
  closedReason: session.closedReason,
  expiresAt: session.expiresAt === undefined ? null : new Date(session.expiresAt),
  createdAt: new Date(session.createdAt),
  updatedAt: new Date(session.updatedAt)
})

/**
 * The session's live run: its current run while that has not finished, else a new run of its task from
 * `triggerConfig` (payload: `basePayload`, `idleTimeoutInSeconds`, `sessionId`; a run after an ended one
 * also gets `continuation: true` and `previousRunId`, without the first run's `message`, `messages` and
 * `trigger`), as the server's `ensureRunForSession` does. A string when the config cannot start a run.
 */
const ensureRun = (context: Context, environment: Environment, session: Session): string | undefined => {
  const current =
    session.currentRunId === undefined ? undefined : context.state.runs.get(session.currentRunId)
  if (current !== undefined && !isFinal(runState(current, context.now, context.state.timings).status))
    return undefined
  const config = session.triggerConfig
  const {
    message: _message,
    messages: _messages,
    trigger: _trigger,
    ...continued
  } = config.basePayload as Readonly<Record<string, unknown>>
  const payload = {
    ...(current === undefined ? config.basePayload : continued),
    ...(config.idleTimeoutInSeconds === undefined
      ? {}
      : { idleTimeoutInSeconds: config.idleTimeoutInSeconds }),
    sessionId: session.id,
    ...(current === undefined ? {} : { continuation: true, previousRunId: current.id })
  }
  const run = triggerRun(
    context,
    environment,
    session.taskIdentifier,
    payload,
    {
      ...(config.machine === undefined ? {} : { machine: config.machine }),
      ...(config.queue === undefined ? {} : { queue: { name: config.queue } }),
      ...(config.tags === undefined ? {} : { tags: config.tags }),
      ...(config.lockToVersion === undefined ? {} : { lockToVersion: config.lockToVersion })
    },
    undefined
  )
  if (typeof run === "string") return run
  session.currentRunId = createRun(context.state, run, context.now).run.id
  return undefined
}

/** The session of `sessions.start`: the one its external id names (config refreshed), or a new one. */
const findOrCreate = (
  context: Context,
  store: Store,
  payload: SchemasSessions.CreateSessionRequestBody
): { readonly session: Session; readonly isCached: boolean } => {
  const externalId = payload.externalId?.trim()
  const existing = externalId === undefined ? undefined : store.byExternalId.get(externalId)
  if (existing !== undefined) {
    // the server's upsert writes only the trigger config on an existing row
    existing.triggerConfig = payload.triggerConfig
    existing.updatedAt = context.now
    return { session: existing, isCached: true }
  }
  const session: Session = {
    internalId: nextInternalId(store, newId(context.state, "", 8)),
    id: newId(context.state, "session_"),
    externalId,
    type: payload.type,
    taskIdentifier: payload.taskIdentifier,
    triggerConfig: payload.triggerConfig,
    currentRunId: undefined,
    tags: payload.tags ?? [],
    metadata: payload.metadata ?? null,
    closedAt: undefined,
    closedReason: null,
    expiresAt: payload.expiresAt?.getTime(),
    createdAt: context.now,
    updatedAt: context.now
  }
  store.list.push(session)
  store.byId.set(session.id, session)
  if (externalId !== undefined) store.byExternalId.set(externalId, session)
  return { session, isCached: false }
}

type ListQuery = typeof ManagementApi.ListSessionsUrlParams.Type

const queryError = fail(400, "Query Error")

/** `parse-duration`'s common forms (`"30m"`, `"1.5h"`, `"7d"`); another text is no filter, as on the server. */
const periodMs = (period: string | undefined): number | undefined => {
  if (period === undefined) return undefined
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|y)$/.exec(period.trim())
  if (match === null) return undefined
  const units: Readonly<Record<string, number>> = {
    ms: 1,
    s: 1_000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
    y: 31_557_600_000
  }
  return Number(match[1]) * (units[match[2] ?? "ms"] ?? 1)
}

/** An epoch-milliseconds filter (`z.coerce.number().int()`): absent, a number, or a query error. */
const epochOf = (text: string | undefined): number | undefined | "invalid" => {
  if (text === undefined) return undefined
  const value = Number(text)
  return Number.isInteger(value) ? value : "invalid"
}

const statuses: ReadonlyArray<string> = ["ACTIVE", "CLOSED", "EXPIRED"]

/**
 * The filter of a list query, or its 400. The server reads each key once: a comma-joined list is one value
 * (a type, tag or task named `a,b`), and `ACTIVE,CLOSED` is not a status.
 */
const filterOf = (query: ListQuery, now: number): ((session: Session) => boolean) | Result<never> => {
  const status = query["filter[status]"]
  if (status !== undefined && !statuses.includes(status)) return queryError
  const from = epochOf(query["filter[createdAt][from]"])
  const to = epochOf(query["filter[createdAt][to]"])
  if (from === "invalid" || to === "invalid") return queryError
  const period = periodMs(query["filter[createdAt][period]"])
  const since = period === undefined || period === 0 ? undefined : now - period
  const type = query["filter[type]"]
  const tag = query["filter[tags]"]
  const task = query["filter[taskIdentifier]"]
  const externalId = query["filter[externalId]"]
  return (session) =>
    (type === undefined || session.type === type) &&
    (tag === undefined || session.tags.includes(tag)) &&
    (task === undefined || session.taskIdentifier === task) &&
    (externalId === undefined || externalId === "" || session.externalId === externalId) &&
    (status === undefined || statusOf(session, now) === status) &&
    (since === undefined || session.createdAt >= since) &&
    (from === undefined || from === 0 || session.createdAt >= from) &&
    (to === undefined || to === 0 || session.createdAt <= to)
}

/**
 * One page as the server's sessions repository cuts it: newest first; `page[after]` takes the sessions whose
 * internal id is below the cursor, `page[before]` those above it (nearest first), one more than the page to
 * learn whether more exist; the cursors it answers are internal ids.
 */
const pageOf = (
  store: Store,
  filter: (session: Session) => boolean,
  size: number,
  after: string | undefined,
  before: string | undefined
): SchemasSessions.ListSessionsResponseBody => {
  const backward = before !== undefined
  const cursor = after ?? before
  const matching = store.list.filter(filter)
  const window = backward
    ? matching.filter((session) => session.internalId > (before as string))
    : [...matching].reverse().filter((session) => cursor === undefined || session.internalId < cursor)
  const ids = window.slice(0, size + 1).map((session) => session.internalId)
  const hasMore = ids.length > size
  let next: string | undefined
  let previous: string | undefined
  if (!backward) {
    previous = cursor === undefined ? undefined : ids[0]
    if (hasMore) next = ids[size - 1]
  } else {
    const reversed = [...ids].reverse()
    if (hasMore) {
      previous = reversed[1]
      next = reversed[size]
    } else next = reversed[size - 1]
  }
  const data = window
    .slice(0, size)
    .sort((a, b) => b.createdAt - a.createdAt || (a.internalId < b.internalId ? 1 : -1))
    .map((session) => shown(session, false))
  return {
    data,
    pagination: {
      ...(next === undefined ? {} : { next }),
      ...(previous === undefined ? {} : { previous })
    }
  }
}

/** The sessions handlers, one per route of the `sessions` group. */
export const sessions: readonly [
  RouteHandler<typeof ManagementApi.sessionsStart>,
  RouteHandler<typeof ManagementApi.sessionsRetrieve>,
  RouteHandler<typeof ManagementApi.sessionsUpdate>,
  RouteHandler<typeof ManagementApi.sessionsClose>,
  RouteHandler<typeof ManagementApi.sessionsList>
] = [
  handle(
    ManagementApi.sessionsStart,
    (context, { payload }) =>
      withEnvironment(context, (environment): Result<SchemasSessions.CreatedSessionResponseBody> => {
        const { session, isCached } = findOrCreate(context, storeOf(environment), payload)
        // `close` is one-way, and an expired session takes no input: both refuse a start with their external id
        if (session.closedAt !== undefined)
          return fail(409, "Session is closed; use a different externalId to create a new session")
        if (session.expiresAt !== undefined && session.expiresAt < context.now)
          return fail(409, "Session is expired; use a different externalId to create a new session")
        const invalid = ensureRun(context, environment, session)
        if (invalid !== undefined) return fail(422, invalid)
        const item = shown(session, true)
        const runId = session.currentRunId ?? ""
        const token = PublicToken.forSession(context.state, environment, session.externalId ?? session.id)
        return okLater(
          token.then((publicAccessToken) => {
            if (publicAccessToken === undefined) throw new Error("the environment has no signing key")
            return { ...item, runId, publicAccessToken, isCached }
          }),
          isCached ? 200 : 201
        )
      }),
    { maxContentLength: startMaxBytes }
  ),

  handle(ManagementApi.sessionsRetrieve, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const session = resolve(storeOf(environment), path.id)
      // the route builder's not-found answer (the session is its resource)
      return session === undefined ? fail(404, "Not found") : ok(shown(session, true))
    })
  ),

  handle(
    ManagementApi.sessionsUpdate,
    (context, { path, payload }) =>
      withEnvironment(context, (environment) => {
        const session = resolve(storeOf(environment), path.id)
        if (session === undefined) return sessionNotFound
        const externalId = payload.externalId === null ? null : payload.externalId?.trim()
        if (externalId !== undefined && externalId !== (session.externalId ?? null))
          return fail(
            422,
            "externalId cannot be changed after creation; close this session and create a new one with the desired externalId"
          )
        if (payload.tags !== undefined) session.tags = payload.tags
        if (payload.metadata !== undefined) session.metadata = payload.metadata
        session.updatedAt = context.now
        return ok(shown(session, true))
      }),
    { maxContentLength: updateMaxBytes }
  ),

  handle(
    ManagementApi.sessionsClose,
    (context, { path, payload }) =>
      withEnvironment(context, (environment) => {
        const session = resolve(storeOf(environment), path.id)
        if (session === undefined) return sessionNotFound
        // closing is write-once: a second close answers the session as the first left it
        if (session.closedAt === undefined) {
          session.closedAt = context.now
          session.closedReason = payload.reason ?? null
          session.updatedAt = context.now
        }
        return ok(shown(session, true))
      }),
    { maxContentLength: closeMaxBytes }
  ),

  handle(ManagementApi.sessionsList, (context, { query }) =>
    withEnvironment(context, (environment) => {
      const after = query["page[after]"]
      const before = query["page[before]"]
      if (after !== undefined && after !== "" && before !== undefined && before !== "") return queryError
      const sizeText = query["page[size]"]
      const size = sizeText === undefined ? defaultPageSize : Number(sizeText)
      if (!Number.isInteger(size) || size < 1 || size > maxPageSize) return queryError
      const filter = filterOf(query, context.now)
      if (typeof filter !== "function") return filter
      return ok(
        pageOf(
          storeOf(environment),
          filter,
          size,
          after === "" ? undefined : after,
          before === "" ? undefined : before
        )
      )
    })
  )
]
