/**
 * The wait-token routes (`wait.createToken`, `wait.listTokens`, `wait.retrieveToken`,
 * `wait.completeToken`) as the server answers them (docs/reference/wait-tokens.md).
 */
import { ManagementApi, type WaitTokenSchemas } from "@authctx/api"
import * as Idempotency from "../idempotency.js"
import { newId, parseDelay } from "../model.js"
import * as ObjectStore from "../objectStore.js"
import { statusOf, storeOf, type WaitToken } from "../waitTokens.js"
import { serverOffloadBytes, toTags } from "./common.js"
import { type Context, fail, handle, ok, type Result, type RouteHandler, withEnvironment } from "./handle.js"

/**
 * Additional secret keys (`tr_<env>_sk_…`) may be limited to some tasks; the server's wait-token create,
 * list and retrieve routes name no resource to check them against and refuse them all.
 */
const refuseScopedKey = (context: Context): Result<never> | undefined =>
  context.principal.kind === "SecretKey" && context.principal.scoped ? fail(403, "Unauthorized") : undefined

const notFound = fail(404, "Waitpoint not found")

const shown = (token: WaitToken, now: number) => ({
  id: token.id,
  url: token.url,
  status: statusOf(token, now),
  ...(token.completedAt === undefined ? {} : { completedAt: new Date(token.completedAt) }),
  ...(token.timeoutAt === undefined ? {} : { timeoutAt: new Date(token.timeoutAt) }),
  ...(token.idempotencyKey === undefined ? {} : { idempotencyKey: token.idempotencyKey }),
  ...(token.idempotencyKeyExpiresAt === undefined
    ? {}
    : { idempotencyKeyExpiresAt: new Date(token.idempotencyKeyExpiresAt) }),
  tags: token.tags,
  createdAt: new Date(token.createdAt)
})

const defaultPageSize = 25
const maxPageSize = 100

const commaList = (value: string | undefined): ReadonlyArray<string> | undefined =>
  value === undefined
    ? undefined
    : value
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part.length > 0)

const periodUnits: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

type ListQuery = typeof ManagementApi.ListWaitTokensUrlParams.Type

/** The filter of a list query, or a 400. */
const filterOf = (query: ListQuery, now: number): ((token: WaitToken) => boolean) | Result<never> => {
  const statuses = commaList(query["filter[status]"])
  const known = ["WAITING", "COMPLETED", "TIMED_OUT"]
  const unknown = statuses?.find((status) => !known.includes(status))
  if (unknown !== undefined)
    return fail(400, `Invalid filter[status] "${unknown}": use WAITING, COMPLETED or TIMED_OUT`)
  const tags = commaList(query["filter[tags]"])
  const key = query["filter[idempotencyKey]"]
  const period = query["filter[createdAt][period]"]
  const periodMatch = period === undefined ? undefined : /^(\d+)([smhdw])$/.exec(period)
  if (period !== undefined && (periodMatch === null || periodMatch === undefined))
    return fail(400, `Invalid filter[createdAt][period] "${period}": use a duration such as "1h" or "7d"`)
  const epoch = (name: string, text: string | undefined): number | undefined | Result<never> => {
    if (text === undefined) return undefined
    return /^\d+$/.test(text) ? Number(text) : fail(400, `Invalid ${name} "${text}": use epoch milliseconds`)
  }
  const from = epoch("filter[createdAt][from]", query["filter[createdAt][from]"])
  if (typeof from === "object") return from
  const to = epoch("filter[createdAt][to]", query["filter[createdAt][to]"])
  if (typeof to === "object") return to
  const since =
    periodMatch === undefined || periodMatch === null
      ? undefined
      : now - Number(periodMatch[1]) * (periodUnits[periodMatch[2] ?? "s"] ?? 1_000)
  return (token) =>
    (statuses === undefined || statuses.includes(statusOf(token, now))) &&
    (key === undefined || token.idempotencyKey === key) &&
    (tags === undefined || tags.some((tag) => token.tags.includes(tag))) &&
    (since === undefined || token.createdAt >= since) &&
    (from === undefined || token.createdAt >= from) &&
    (to === undefined || token.createdAt <= to)
}

/** The wait-token handlers, one per route of the `waitTokens` group. */
export const waitTokens: readonly [
  RouteHandler<typeof ManagementApi.waitTokensCreate>,
  RouteHandler<typeof ManagementApi.waitTokensList>,
  RouteHandler<typeof ManagementApi.waitTokensRetrieve>,
  RouteHandler<typeof ManagementApi.waitTokensComplete>
] = [
  handle(ManagementApi.waitTokensCreate, (context, { payload }) =>
    withEnvironment(context, (environment): Result<WaitTokenSchemas.CreateWaitpointTokenResponseBody> => {
      const refused = refuseScopedKey(context)
      if (refused !== undefined) return refused
      const store = storeOf(environment)
      const key = payload.idempotencyKey
      if (key !== undefined) {
        const existing = store.byIdempotencyKey.get(key)
        if (existing !== undefined) {
          const expired =
            existing.idempotencyKeyExpiresAt !== undefined && existing.idempotencyKeyExpiresAt <= context.now
          if (!expired) return ok({ id: existing.id, isCached: true, url: existing.url })
          store.byIdempotencyKey.delete(key)
          existing.idempotencyKey = undefined
          existing.idempotencyKeyExpiresAt = undefined
        }
      }
      const timeoutAt = parseDelay(payload.timeout, context.now)
      if (typeof timeoutAt === "string")
        return fail(422, timeoutAt.replace("Invalid delay", "Invalid timeout"))
      const tags = toTags(payload.tags)
      if (tags.length > 10) return fail(422, "A waitpoint can have at most 10 tags")
      const id = newId(context.state, "waitpoint_")
      const token: WaitToken = {
        id,
        environment,
        createdAt: context.now,
        timeoutAt,
        tags,
        url: `${context.origin}/api/v1/waitpoints/tokens/${id}/callback/${newId(context.state, "", 40)}`,
        idempotencyKey: key,
        idempotencyKeyExpiresAt:
          key === undefined ? undefined : Idempotency.runKeyExpiresAt(payload.idempotencyKeyTTL, context.now),
        completedAt: undefined,
        output: undefined,
        outputType: "application/json"
      }
      store.tokens.set(id, token)
      if (key !== undefined) store.byIdempotencyKey.set(key, token)
      return ok({ id, isCached: false, url: token.url })
    })
  ),

  handle(ManagementApi.waitTokensList, (context, { query }) =>
    withEnvironment(context, (environment): Result<WaitTokenSchemas.ListWaitpointTokensResponse> => {
      const refused = refuseScopedKey(context)
      if (refused !== undefined) return refused
      const filter = filterOf(query, context.now)
      if (typeof filter !== "function") return filter
      const sizeText = query["page[size]"]
      let size = defaultPageSize
      if (sizeText !== undefined) {
        if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1)
          return fail(400, "page[size] must be a positive integer")
        size = Math.min(Number(sizeText), maxPageSize)
      }
      const store = storeOf(environment)
      // newest first; a cursor is a position in creation order, so it holds even when the filter drops it
      const all = [...store.tokens.values()].reverse()
      const before = query["page[before]"]
      const after = before === undefined ? query["page[after]"] : undefined
      const cursorId = after ?? before
      const at = cursorId === undefined ? -1 : all.findIndex((token) => token.id === cursorId)
      if (cursorId !== undefined && at < 0)
        return fail(
          400,
          `Invalid cursor ${after !== undefined ? "page[after]" : "page[before]"}: no such waitpoint`
        )
      const older = after !== undefined ? all.slice(at + 1) : before !== undefined ? all.slice(0, at) : all
      const matching = older.filter(filter)
      let start = 0
      let end = Math.min(size, matching.length)
      if (before !== undefined) {
        end = matching.length
        start = Math.max(end - size, 0)
      }
      const page = matching.slice(start, end)
      const last = page[page.length - 1]
      const first = page[0]
      const next = last !== undefined && all.slice(all.indexOf(last) + 1).some(filter) ? last.id : undefined
      const previous =
        first !== undefined && all.slice(0, all.indexOf(first)).some(filter) ? first.id : undefined
      return ok({
        data: page.map((token) => shown(token, context.now)),
        pagination: {
          ...(next === undefined ? {} : { next }),
          ...(previous === undefined ? {} : { previous })
        }
      })
    })
  ),

  handle(ManagementApi.waitTokensRetrieve, (context, { path }) =>
    withEnvironment(context, (environment): Result<WaitTokenSchemas.WaitpointRetrieveTokenResponse> => {
      const refused = refuseScopedKey(context)
      if (refused !== undefined) return refused
      const token = storeOf(environment).tokens.get(path.waitpointId)
      if (token === undefined) return notFound
      return ok({
        ...shown(token, context.now),
        ...(token.output === undefined ? {} : { output: token.output, outputType: token.outputType }),
        ...(token.completedAt === undefined ? {} : { outputIsError: false })
      })
    })
  ),

  handle(ManagementApi.waitTokensComplete, (context, { path, payload }) =>
    withEnvironment(context, (environment): Result<WaitTokenSchemas.CompleteWaitpointTokenResponseBody> => {
      const token = storeOf(environment).tokens.get(path.waitpointId)
      if (token === undefined) return notFound
      if (token.completedAt === undefined) {
        token.completedAt = context.now
        const output = payload.data === undefined ? undefined : JSON.stringify(payload.data)
        // ---- query: packets.download ---- the server offloads completion data of 512 KiB or more
        // (`processWaitpointCompletionPacket`) to `{waitpointId}/token.json`: docs/reference/payloads.md
        if (output !== undefined && Buffer.byteLength(output) >= serverOffloadBytes) {
          const storagePath = `${token.id}/token.json`
          context.state.objects.objects.set(
            ObjectStore.keyOf(environment.project.ref, environment.slug, storagePath),
            { data: output, contentType: "application/json" }
          )
          token.output = storagePath
          token.outputType = "application/store"
        } else token.output = output
      }
      return ok({ success: true as const })
    })
  )
]
