/**
 * Deployments of the key's environment (SecretKey only): list them (cursor pages, or a `Stream`) and
 * retrieve the current (promoted) one. The facts: docs/reference/deployments.md.
 *
 * @example
 * ```ts
 * import { Deployments, ManagementClient } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const current = Deployments.retrieveCurrent().pipe(
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
import { type CursorPage, cursorPages, cursorStream, type PagePromise } from "./Page.js"

/** Filters and paging of `deployments.list`, as the SDK's `ApiDeploymentListOptions`. */
export interface ListDeploymentsParams {
  /** Only deployments in this status. */
  readonly status?: Schemas.DeploymentStatus | undefined
  /** Only deployments created within this period before now (`"1d"`, `"7d"`, `"3h"`). */
  readonly period?: string | undefined
  /** Only deployments created from this date (ISO 8601). */
  readonly from?: string | undefined
  /** Only deployments created up to this date (ISO 8601). */
  readonly to?: string | undefined
  /** The deployment id to continue after (`page[after]`): the `pagination.next` of a page. */
  readonly cursor?: string | undefined
  /** Page size (`page[size]`): default 20; the server clamps it to 5–100. */
  readonly limit?: number | undefined
}

/**
 * One page of the environment's deployments, newest first.
 *
 * @example
 * ```ts
 * import { Deployments } from "@authctx/client"
 *
 * const failed = Deployments.list({ status: "FAILED", limit: 10 })
 * ```
 */
export const list = (params: ListDeploymentsParams = {}): Call<typeof ManagementApi.deploymentsList> =>
  Arguments.refusing(ManagementApi.deploymentsList.capability.name, () => {
    const { status, period, from, to, limit, cursor } =
      Arguments.listParams(ManagementApi.deploymentsList.capability.name, params) ?? {}
    return call(ManagementApi.deploymentsList, {
      urlParams: { status, period, from, to, "page[size]": limit, "page[after]": cursor }
    })
  })

/**
 * Every deployment matching the filters, page after page, as a `Stream` (a server that repeats a cursor
 * fails with `ApiSchemaError` instead of looping).
 *
 * @example
 * ```ts
 * import { Deployments } from "@authctx/client"
 * import { Stream } from "effect"
 *
 * const all = Deployments.stream({ limit: 100 }).pipe(Stream.runCollect)
 * ```
 */
export const stream = (
  params: ListDeploymentsParams = {}
): Stream.Stream<Schemas.DeploymentItem, CallError, CallContext<typeof ManagementApi.deploymentsList>> =>
  Arguments.refusingStream(ManagementApi.deploymentsList.capability.name, () =>
    cursorStream(
      ManagementApi.deploymentsList.capability.name,
      (cursor) => list({ ...params, cursor }),
      Arguments.listParams(ManagementApi.deploymentsList.capability.name, params)?.cursor
    )
  )

/**
 * The environment's current (promoted) deployment; `NotFoundError` (404) when it has none.
 *
 * @example
 * ```ts
 * import { Deployments } from "@authctx/client"
 *
 * const current = Deployments.retrieveCurrent()
 * ```
 */
export const retrieveCurrent = (): Call<typeof ManagementApi.deploymentsRetrieveCurrent> =>
  call(ManagementApi.deploymentsRetrieveCurrent, {})

// ---------------------------------------------------------------------------------------------------------
// The call object: the Promise API's `deployments` is derived from it
// ---------------------------------------------------------------------------------------------------------

/** A page of deployments that is also a promise of it: `await` it, or `for await` over every deployment. */
export type DeploymentsPage = PagePromise<CursorPage<Schemas.DeploymentItem>, Schemas.DeploymentItem>

/** `deployments.list` as pages: the first with the caller's parameters, the next ones at their cursors. */
const listPages = (run: Calls.Run, params?: ListDeploymentsParams): DeploymentsPage =>
  cursorPages("deployments.list", (cursor) =>
    run(list(cursor?.after === undefined ? params : { ...params, cursor: cursor.after }))
  )

/** `deployments.list` of the Promise API: a page that is also a promise of it. */
type ListPages = (params?: ListDeploymentsParams, requestOptions?: Calls.RequestOptions) => DeploymentsPage

/**
 * The deployments calls, as one object: what the Promise API's `deployments` (ambient and per client) is
 * derived from.
 *
 * @example
 * ```ts
 * import { Deployments } from "@authctx/client"
 *
 * Object.keys(Deployments.calls) // ["list", "retrieveCurrent"]
 * ```
 */
export const calls = {
  /** Lists deployments, a page at a time: `await` the first page, or `for await` over every deployment. */
  list: Calls.custom<
    Calls.Variant<typeof ManagementApi.deploymentsList.capability.name, "SecretKey", ListPages>
  >()(
    "deployments.list",
    [ManagementApi.deploymentsList],
    (runner): ListPages =>
      (params, requestOptions) =>
        listPages(runner(requestOptions), Arguments.listParams("deployments.list", params))
  ),
  /** Retrieves the current (promoted) deployment. */
  retrieveCurrent: Calls.make(ManagementApi.deploymentsRetrieveCurrent, retrieveCurrent, 0)
}
