/**
 * The wire schemas of `query.execute` and `query.dashboards.list`, mirroring `@trigger.dev/core` 4.8.3's
 * `v3/schemas/query.js` (the facts: docs/reference/query.md). Re-exported by `Schemas`.
 *
 * @example
 * ```ts
 * import { Schemas } from "@authctx/api"
 * import { Schema } from "effect"
 *
 * const answer = Schema.decodeUnknownSync(Schemas.QueryExecuteResponseBody)({
 *   format: "json",
 *   results: [{ status: "Completed", count: 3 }]
 * })
 * ```
 */
import * as Schema from "effect/Schema"

/** Which runs a query may read: the key's environment (default), its project, or its organization. */
export const QueryScope = Schema.Literal("environment", "project", "organization")
export type QueryScope = typeof QueryScope.Type

/** How the results come back: JSON rows (default) or one CSV string. */
export const QueryFormat = Schema.Literal("json", "csv")
export type QueryFormat = typeof QueryFormat.Type

/**
 * Mirrors `QueryExecuteRequestBody`: the TRQL text and where and when it reads. `from`/`to` are ISO 8601
 * strings on the wire; `period` (`"7d"`) excludes them.
 */
export const QueryExecuteRequestBody = Schema.Struct({
  query: Schema.String,
  scope: Schema.optional(QueryScope),
  period: Schema.optional(Schema.NullOr(Schema.String)),
  from: Schema.optional(Schema.NullOr(Schema.String)),
  to: Schema.optional(Schema.NullOr(Schema.String)),
  format: Schema.optional(QueryFormat)
})
export type QueryExecuteRequestBody = typeof QueryExecuteRequestBody.Type

/** Mirrors `QueryExecuteJSONResponseBody`: one record per result row, keyed by column name. */
export const QueryExecuteJSONResponseBody = Schema.Struct({
  format: Schema.Literal("json"),
  results: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})
export type QueryExecuteJSONResponseBody = typeof QueryExecuteJSONResponseBody.Type

/** Mirrors `QueryExecuteCSVResponseBody`: the rows as CSV text, a header line first. */
export const QueryExecuteCSVResponseBody = Schema.Struct({
  format: Schema.Literal("csv"),
  results: Schema.String
})
export type QueryExecuteCSVResponseBody = typeof QueryExecuteCSVResponseBody.Type

/** Mirrors `QueryExecuteResponseBody`, a union on `format`. */
export const QueryExecuteResponseBody = Schema.Union(
  QueryExecuteJSONResponseBody,
  QueryExecuteCSVResponseBody
)
export type QueryExecuteResponseBody = typeof QueryExecuteResponseBody.Type

/** Mirrors `DashboardWidgetSummary`. */
export const DashboardWidgetSummary = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  query: Schema.String,
  type: Schema.Literal("bignumber", "chart", "table", "title")
})
export type DashboardWidgetSummary = typeof DashboardWidgetSummary.Type

/** Mirrors `DashboardSummary`: a built-in (read-only) or custom dashboard and its widgets' queries. */
export const DashboardSummary = Schema.Struct({
  key: Schema.String,
  title: Schema.String,
  type: Schema.optional(Schema.Literal("builtIn", "custom")),
  description: Schema.optional(Schema.String),
  widgets: Schema.Array(DashboardWidgetSummary)
})
export type DashboardSummary = typeof DashboardSummary.Type

/** Mirrors `ListDashboardsResponseBody`. */
export const ListDashboardsResponseBody = Schema.Struct({ dashboards: Schema.Array(DashboardSummary) })
export type ListDashboardsResponseBody = typeof ListDashboardsResponseBody.Type
