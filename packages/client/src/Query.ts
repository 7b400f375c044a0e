/**
 * Query (SecretKey only): run a TRQL query over the runs of the key's environment, project or organization
 * (`query.execute`), and list the built-in dashboards with their widgets' queries (`query.dashboards.list`),
 * as `@trigger.dev/sdk` 4.8.3's `query` does. The facts: docs/reference/query.md.
 *
 * @example
 * ```ts
 * import { ManagementClient, Query } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const byStatus = Query.execute<{ status: string; runs: number }>(
 *   "SELECT status, count() AS runs FROM runs GROUP BY status",
 *   { period: "7d" }
 * ).pipe(
 *   Auth.withAuth({ accessToken: "tr_prod_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import * as Effect from "effect/Effect"
import * as Calls from "./Calls.js"
import { ApiSchemaError, InvalidArgumentsError } from "./Errors.js"
import { type Call, type CallContext, type CallError, call } from "./ManagementClient.js"

/** Where and when a query reads, and how its results come back (the SDK's `QueryOptions`). */
export interface QueryOptions {
  /** `"environment"` (default): the key's environment; `"project"`: all its environments; `"organization"`. */
  readonly scope?: Schemas.QueryScope | undefined
  /** Only runs of this period before now (`"7d"`, `"30d"`, `"1h"`); not with `from`/`to`. */
  readonly period?: string | undefined
  /** Start of the time range: a `Date` or epoch milliseconds (sent as ISO 8601). */
  readonly from?: Date | number | undefined
  /** End of the time range: a `Date` or epoch milliseconds (sent as ISO 8601). */
  readonly to?: Date | number | undefined
  /** `"json"` (default): rows as records; `"csv"`: one CSV string. */
  readonly format?: Schemas.QueryFormat | undefined
}

/** The JSON answer: one record per row. `TRow` is the caller's word for the rows' shape, not checked. */
export interface QueryJsonResult<TRow extends Record<string, unknown> = Record<string, unknown>> {
  readonly format: "json"
  readonly results: ReadonlyArray<TRow>
}

/** The CSV answer: the rows as CSV text, a header line first. */
export type QueryCsvResult = Schemas.QueryExecuteCSVResponseBody

type ExecuteEffect<A> = Effect.Effect<A, CallError, CallContext<typeof ManagementApi.queryExecute>>

/** A date option as ISO 8601, `undefined` when absent, or the invalid option's name (`new Date(NaN)`). */
const isoOf = (date: Date | number | undefined): string | undefined | { readonly invalid: true } => {
  if (date === undefined) return undefined
  const time = date instanceof Date ? date.getTime() : date
  return Number.isFinite(time) ? new Date(time).toISOString() : { invalid: true }
}

/**
 * Executes a TRQL query (SecretKey only) and answers its rows as JSON records, or, with `format: "csv"`,
 * as one CSV string. A query the server cannot run fails with its 400 (`BadRequestError`, the server's
 * message). The row type `TRow` is an assertion, as in the SDK: rows are decoded as records only.
 *
 * @example
 * ```ts
 * import { Query } from "@authctx/client"
 *
 * const recent = Query.execute("SELECT run_id, status FROM runs LIMIT 10")
 * const csv = Query.execute("SELECT run_id, status FROM runs", { format: "csv", period: "1d" })
 * ```
 */
export function execute(
  query: string,
  options: QueryOptions & { readonly format: "csv" }
): ExecuteEffect<QueryCsvResult>
export function execute<TRow extends Record<string, unknown> = Record<string, unknown>>(
  query: string,
  options?: QueryOptions & { readonly format?: "json" | undefined }
): ExecuteEffect<QueryJsonResult<TRow>>
export function execute(
  query: string,
  options?: QueryOptions
): ExecuteEffect<Schemas.QueryExecuteResponseBody> {
  return executeAnyFormat(query, options)
}

/** `execute` without the overloads: the answer in whichever format was asked for. */
const executeAnyFormat = (
  query: string,
  options: QueryOptions | undefined
): ExecuteEffect<Schemas.QueryExecuteResponseBody> => {
  const format = options?.format ?? "json"
  const from = isoOf(options?.from)
  const to = isoOf(options?.to)
  if (typeof from === "object" || typeof to === "object")
    return Effect.fail(
      new InvalidArgumentsError({
        endpoint: ManagementApi.queryExecute.capability.name,
        issue: `${typeof from === "object" ? "from" : "to"} is not a valid date`
      })
    )
  const sent: Call<typeof ManagementApi.queryExecute> = call(ManagementApi.queryExecute, {
    payload: { query, scope: options?.scope ?? "environment", period: options?.period, from, to, format }
  })
  // The answer's format must be the one asked for: the overloads promise it.
  return Effect.flatMap(sent, (answer) =>
    answer.format === format
      ? Effect.succeed(answer)
      : Effect.fail(
          new ApiSchemaError({
            endpoint: ManagementApi.queryExecute.capability.name,
            status: 200,
            issue: `format is "${answer.format}" although "${format}" was asked for`
          })
        )
  )
}

/**
 * Lists the built-in dashboards (SecretKey only), each with its widgets' titles, kinds and queries (the
 * SDK's `query.dashboards.list`).
 *
 * @example
 * ```ts
 * import { Query } from "@authctx/client"
 *
 * const dashboards = Query.listDashboards()
 * ```
 */
export const listDashboards = (): Call<typeof ManagementApi.queryDashboardsList> =>
  call(ManagementApi.queryDashboardsList, {})

// ---------------------------------------------------------------------------------------------------------
// The call objects: the Promise API's `query` and `query.dashboards` are derived from them
// ---------------------------------------------------------------------------------------------------------

/** `query.execute` of the Promise API: JSON rows, or a CSV string with `format: "csv"`. */
export interface ExecutePromise {
  (
    query: string,
    options: QueryOptions & { readonly format: "csv" },
    requestOptions?: Calls.RequestOptions
  ): Promise<QueryCsvResult>
  <TRow extends Record<string, unknown> = Record<string, unknown>>(
    query: string,
    options?: QueryOptions & { readonly format?: "json" | undefined },
    requestOptions?: Calls.RequestOptions
  ): Promise<QueryJsonResult<TRow>>
}

/**
 * The query calls, as one object: what the Promise API's `query` (ambient and per client) is derived from.
 *
 * @example
 * ```ts
 * import { Query } from "@authctx/client"
 *
 * Object.keys(Query.calls) // ["execute"]
 * ```
 */
export const calls = {
  /** Executes a TRQL query (SecretKey only). */
  execute: Calls.custom<
    Calls.Variant<typeof ManagementApi.queryExecute.capability.name, "SecretKey", ExecutePromise>
  >()(
    "query.execute",
    [ManagementApi.queryExecute],
    (runner): ExecutePromise =>
      ((query: string, options?: QueryOptions, requestOptions?: Calls.RequestOptions) =>
        runner(requestOptions)(executeAnyFormat(query, options))) as ExecutePromise
  )
}

/**
 * The dashboards calls, as one object: the Promise API's `query.dashboards`.
 *
 * @example
 * ```ts
 * import { Query } from "@authctx/client"
 *
 * Object.keys(Query.dashboardsCalls) // ["list"]
 * ```
 */
export const dashboardsCalls = {
  /** Lists the built-in dashboards (SecretKey only). */
  list: Calls.make(ManagementApi.queryDashboardsList, listDashboards, 0)
}
