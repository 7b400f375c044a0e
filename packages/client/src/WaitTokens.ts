/**
 * Wait tokens, the calls a backend makes to resume a waiting run (the SDK's `wait.createToken`,
 * `wait.listTokens`, `wait.retrieveToken`, `wait.completeToken`; `wait.for…` are task-side and not here).
 * The Promise API names this namespace `waitTokens` (`waitTokens.create` is the SDK's `wait.createToken`).
 * SecretKey only; an additional key (`tr_<env>_sk_…`) is refused by the server (403) on create, list and
 * retrieve (docs/reference/wait-tokens.md).
 *
 * @example
 * ```ts
 * import { ManagementClient, WaitTokens } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const token = WaitTokens.create({ timeout: "1h", idempotencyKey: "approval-1234" }).pipe(
 *   Auth.withAuth({ accessToken: "tr_prod_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { ManagementApi, type Schemas, type WaitTokenSchemas } from "@authctx/api"
import * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import * as Calls from "./Calls.js"
import { ApiSchemaError } from "./Errors.js"
import * as Arguments from "./internal/arguments.js"
import * as Payload from "./internal/payload.js"
import { type Call, type CallContext, type CallError, call } from "./ManagementClient.js"
import { type CursorPage, cursorPages, cursorStream, type PagePromise } from "./Page.js"

type OneOrMany<A> = A | ReadonlyArray<A>

/** Filters and paging of `wait.listTokens`, as the SDK takes them. */
export interface ListWaitTokensParams {
  readonly status?: OneOrMany<WaitTokenSchemas.WaitpointTokenStatus> | undefined
  readonly idempotencyKey?: string | undefined
  readonly tags?: OneOrMany<string> | undefined
  /** Created within this period before now (`"1h"`, `"7d"`). */
  readonly period?: string | undefined
  readonly from?: Date | number | undefined
  readonly to?: Date | number | undefined
  /** Page size (`page[size]`). */
  readonly limit?: number | undefined
  /** Cursor: the page after this token id. */
  readonly after?: string | undefined
  /** Cursor: the page before this token id. */
  readonly before?: string | undefined
}

const joined = (value: OneOrMany<string> | undefined): string | undefined =>
  value === undefined ? undefined : typeof value === "string" ? value : value.join(",")

const epochMs = (value: Date | number | undefined): string | undefined =>
  value === undefined ? undefined : String(typeof value === "number" ? value : value.getTime())

const toUrlParams = (
  params: ListWaitTokensParams = {}
): typeof ManagementApi.ListWaitTokensUrlParams.Type => ({
  "filter[status]": joined(params.status),
  "filter[idempotencyKey]": params.idempotencyKey,
  "filter[tags]": joined(params.tags),
  "filter[createdAt][period]": params.period,
  "filter[createdAt][from]": epochMs(params.from),
  "filter[createdAt][to]": epochMs(params.to),
  "page[size]": params.limit === undefined ? undefined : String(params.limit),
  "page[after]": params.after,
  "page[before]": params.before
})

/**
 * Creates a wait token. With an `idempotencyKey`, a second create answers the same token with
 * `isCached: true` until `idempotencyKeyTTL` passes.
 *
 * @example
 * ```ts
 * import { WaitTokens } from "@authctx/client"
 *
 * const created = WaitTokens.create({ timeout: "10m", tags: ["user:1234"] })
 * ```
 */
export const create = (
  options: WaitTokenSchemas.CreateWaitpointTokenRequestBody = {}
): Call<typeof ManagementApi.waitTokensCreate> => call(ManagementApi.waitTokensCreate, { payload: options })

/**
 * One page of wait tokens, newest first.
 *
 * @example
 * ```ts
 * import { WaitTokens } from "@authctx/client"
 *
 * const waiting = WaitTokens.list({ status: "WAITING", limit: 20 })
 * ```
 */
export const list = (params?: ListWaitTokensParams): Call<typeof ManagementApi.waitTokensList> =>
  Arguments.refusing(ManagementApi.waitTokensList.capability.name, () =>
    call(ManagementApi.waitTokensList, {
      urlParams: toUrlParams(Arguments.listParams(ManagementApi.waitTokensList.capability.name, params))
    })
  )

/**
 * Every wait token matching the filters, page after page, as a `Stream` (a cursor named twice fails with
 * `ApiSchemaError` instead of looping).
 *
 * @example
 * ```ts
 * import { WaitTokens } from "@authctx/client"
 * import { Stream } from "effect"
 *
 * const ids = WaitTokens.stream({ status: "WAITING" }).pipe(Stream.map((token) => token.id), Stream.runCollect)
 * ```
 */
export const stream = (
  params: ListWaitTokensParams = {}
): Stream.Stream<
  WaitTokenSchemas.WaitpointTokenItem,
  CallError,
  CallContext<typeof ManagementApi.waitTokensList>
> =>
  Arguments.refusingStream(ManagementApi.waitTokensList.capability.name, () => {
    const checked = Arguments.listParams(ManagementApi.waitTokensList.capability.name, params)
    return cursorStream(ManagementApi.waitTokensList.capability.name, (cursor) =>
      list(cursor === undefined ? checked : { ...checked, after: cursor, before: undefined })
    )
  })

/**
 * A retrieved wait token as the SDK's `wait.retrieveToken` answers it: the wire fields, and `output`, the
 * completion data decoded from its JSON packet (`undefined` while waiting).
 */
export interface RetrievedWaitToken extends Omit<WaitTokenSchemas.WaitpointRetrieveTokenResponse, "output"> {
  readonly output: unknown
}

const decodeOutput = (
  token: WaitTokenSchemas.WaitpointRetrieveTokenResponse
): Effect.Effect<RetrievedWaitToken, ApiSchemaError> => {
  const raw = token.output
  if (raw === undefined) return Effect.succeed({ ...token, output: undefined })
  if (token.outputType !== undefined && token.outputType !== "application/json")
    return Effect.succeed({ ...token, output: raw })
  return Effect.try({
    try: (): RetrievedWaitToken => ({ ...token, output: JSON.parse(raw) as unknown }),
    catch: () =>
      new ApiSchemaError({
        endpoint: ManagementApi.waitTokensRetrieve.capability.name,
        status: 200,
        issue: "output is not JSON although outputType says application/json"
      })
  })
}

/**
 * Retrieves a wait token, its completion data decoded (`output`).
 *
 * @example
 * ```ts
 * import { WaitTokens } from "@authctx/client"
 *
 * const token = WaitTokens.retrieve("waitpoint_1234")
 * ```
 */
export const retrieve = (
  token: string | { readonly id: string }
): Effect.Effect<
  RetrievedWaitToken,
  CallError,
  CallContext<typeof ManagementApi.waitTokensRetrieve> | CallContext<typeof ManagementApi.packetsDownload>
> =>
  Arguments.refusing(ManagementApi.waitTokensRetrieve.capability.name, () =>
    Effect.flatMap(
      call(ManagementApi.waitTokensRetrieve, {
        path: { waitpointId: typeof token === "string" ? token : token.id }
      }),
      (answer) => (answer.outputType === "application/store" ? downloadOutput(answer) : decodeOutput(answer))
    )
  )

// ---- query: packets.download ----
/**
 * An output the server offloaded (`application/store`, completion data of 512 KiB or more): where to read it
 * is asked of `packets.download` with its storage path, then the packet is downloaded and parsed by its
 * `content-type`, as the SDK's `wait.retrieveToken` does (docs/reference/payloads.md).
 */
const downloadOutput = (
  token: WaitTokenSchemas.WaitpointRetrieveTokenResponse
): Effect.Effect<RetrievedWaitToken, CallError, CallContext<typeof ManagementApi.packetsDownload>> => {
  const path = token.output
  if (path === undefined) return Effect.succeed({ ...token, output: undefined })
  return Effect.flatMap(
    call(ManagementApi.packetsDownload, { path: { filename: path } }),
    ({ presignedUrl }) =>
      Effect.map(
        Payload.download(`${ManagementApi.waitTokensRetrieve.capability.name} (output)`, presignedUrl),
        (output): RetrievedWaitToken => ({ ...token, output })
      )
  )
}

/**
 * Completes a wait token with `data`, resuming the runs waiting for it. Completing a completed token
 * succeeds again and keeps the first data.
 *
 * @example
 * ```ts
 * import { WaitTokens } from "@authctx/client"
 *
 * const done = WaitTokens.complete("waitpoint_1234", { status: "approved" })
 * ```
 */
export const complete = (
  token: string | { readonly id: string },
  data?: unknown
): Call<typeof ManagementApi.waitTokensComplete> =>
  Arguments.refusing(ManagementApi.waitTokensComplete.capability.name, () =>
    call(ManagementApi.waitTokensComplete, {
      path: { waitpointId: typeof token === "string" ? token : token.id },
      payload: { data }
    })
  )

// ---------------------------------------------------------------------------------------------------------
// The call object: the Promise API's `waitTokens` is derived from it
// ---------------------------------------------------------------------------------------------------------

/** A page of wait tokens that is also a promise of it: `await` it, or `for await` over every token. */
export type WaitTokensPage = PagePromise<
  CursorPage<WaitTokenSchemas.WaitpointTokenItem>,
  WaitTokenSchemas.WaitpointTokenItem
>

const listPages = (run: Calls.Run, params?: ListWaitTokensParams): WaitTokensPage =>
  cursorPages(ManagementApi.waitTokensList.capability.name, (cursor) =>
    run(list(cursor === undefined ? params : { ...params, after: cursor.after, before: cursor.before })).then(
      (page) => ({ data: page.data, pagination: page.pagination as Schemas.CursorPagination })
    )
  )

type ListPages = (params?: ListWaitTokensParams, requestOptions?: Calls.RequestOptions) => WaitTokensPage

/**
 * The wait-token calls, as one object: what the Promise API's `waitTokens` (ambient and per client) is
 * derived from.
 *
 * @example
 * ```ts
 * import { WaitTokens } from "@authctx/client"
 *
 * Object.keys(WaitTokens.calls) // ["create", "list", "retrieve", "complete"]
 * ```
 */
export const calls = {
  /** Creates a wait token (`wait.createToken`). */
  create: Calls.make(ManagementApi.waitTokensCreate, create, 1),
  /** Lists wait tokens a page at a time (`wait.listTokens`). */
  list: Calls.custom<
    Calls.Variant<typeof ManagementApi.waitTokensList.capability.name, "SecretKey", ListPages>
  >()(
    ManagementApi.waitTokensList.capability.name,
    [ManagementApi.waitTokensList],
    (runner): ListPages =>
      (params, requestOptions) =>
        listPages(runner(requestOptions), Arguments.listParams("waitTokens.list", params))
  ),
  /** Retrieves a wait token (`wait.retrieveToken`). */
  retrieve: Calls.make(ManagementApi.waitTokensRetrieve, retrieve, 1),
  /** Completes a wait token (`wait.completeToken`). */
  complete: Calls.make(ManagementApi.waitTokensComplete, complete, 2)
}
