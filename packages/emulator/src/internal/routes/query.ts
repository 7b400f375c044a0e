/**
 * The query routes: `query.execute`, the emulator's small TRQL subset over the runs it holds
 * (`../query.ts`), and `query.dashboards.list`, two fixed built-in dashboards whose widget queries that
 * subset runs (docs/reference/query.md).
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import type { Environment, Run } from "../model.js"
import * as Query from "../query.js"
import { type Context, fail, handle, ok, type RouteHandler, withEnvironment } from "./handle.js"

/** The runs a scope reads: the key's environment, its project, or every project (one organization). */
const runsInScope = (
  context: Context,
  environment: Environment,
  scope: Schemas.QueryScope
): ReadonlyArray<Run> =>
  context.state.runList.filter((run) =>
    scope === "environment"
      ? run.environment === environment
      : scope === "project"
        ? run.environment.project === environment.project
        : true
  )

/** The time range of the request, as `[from, to]` epoch milliseconds, or why it is invalid. */
const timeRange = (
  context: Context,
  body: Schemas.QueryExecuteRequestBody
): readonly [number, number] | string => {
  const { period, from, to } = body
  if (period !== undefined && period !== null) {
    if ((from !== undefined && from !== null) || (to !== undefined && to !== null))
      return "Use either period or from and to, not both"
    const ms = Query.periodMs(period)
    if (ms === undefined) return `Invalid period "${period}": a whole number and s, m, h, d or w ("7d")`
    return [context.now - ms, Number.POSITIVE_INFINITY]
  }
  const start = from === undefined || from === null ? Number.NEGATIVE_INFINITY : Date.parse(from)
  const end = to === undefined || to === null ? Number.POSITIVE_INFINITY : Date.parse(to)
  if (Number.isNaN(start)) return `Invalid from "${from}": an ISO 8601 date expected`
  if (Number.isNaN(end)) return `Invalid to "${to}": an ISO 8601 date expected`
  return [start, end]
}

/** The built-in dashboards of the emulator: stand-ins for the server's `overview` and `llm`. */
const dashboards: Schemas.ListDashboardsResponseBody = {
  dashboards: [
    {
      key: "overview",
      title: "Overview",
      widgets: [
        {
          id: "total-runs",
          title: "Total runs",
          query: "SELECT count() AS runs FROM runs",
          type: "bignumber"
        },
        {
          id: "runs-by-status",
          title: "Runs by status",
          query: "SELECT status, count() AS runs FROM runs GROUP BY status ORDER BY runs DESC",
          type: "chart"
        },
        {
          id: "recent-runs",
          title: "Recent runs",
          query:
            "SELECT run_id, task_identifier, status, triggered_at FROM runs ORDER BY triggered_at DESC LIMIT 20",
          type: "table"
        }
      ]
    },
    {
      key: "llm",
      title: "LLM usage",
      widgets: [
        {
          id: "runs-by-task",
          title: "Runs by task",
          query:
            "SELECT task_identifier, count() AS runs FROM runs GROUP BY task_identifier ORDER BY runs DESC",
          type: "table"
        }
      ]
    }
  ]
}

/** The query handlers, one per route of the `query` group. */
export const query: readonly [
  RouteHandler<typeof ManagementApi.queryExecute>,
  RouteHandler<typeof ManagementApi.queryDashboardsList>
] = [
  handle(ManagementApi.queryExecute, (context, { payload }) =>
    withEnvironment<Schemas.QueryExecuteResponseBody>(context, (environment) => {
      const parsed = Query.parse(payload.query)
      if (typeof parsed === "string") return fail(400, parsed)
      const range = timeRange(context, payload)
      if (typeof range === "string") return fail(400, range)
      const [start, end] = range
      const rows = runsInScope(context, environment, payload.scope ?? "environment")
        .filter((run) => run.createdAt >= start && run.createdAt <= end)
        .map((run) => Query.runRow(run, context.now, context.state))
      const results = Query.execute(parsed, rows)
      if (typeof results === "string") return fail(400, results)
      return payload.format === "csv"
        ? ok({ format: "csv" as const, results: Query.toCsv(Query.columnsOf(parsed), results) })
        : ok({ format: "json" as const, results })
    })
  ),
  handle(ManagementApi.queryDashboardsList, (context) => withEnvironment(context, () => ok(dashboards)))
]
