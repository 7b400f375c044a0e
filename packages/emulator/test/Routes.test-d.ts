/**
 * Type tests for the handler table (checked by `tsc`; every `@ts-expect-error` must stay an error): a
 * handler is keyed by a catalog route object, typed by that route's schemas, and the table does not
 * compile with a route left out.
 */
import { ManagementApi } from "@authctx/api"
import { HttpApiEndpoint } from "@effect/platform"
import { Schema } from "effect"
import { describe, it } from "vitest"
import { auth } from "../src/internal/routes/auth.js"
import { batch } from "../src/internal/routes/batch.js"
import { bulkActions } from "../src/internal/routes/bulkActions.js"
import { deployments } from "../src/internal/routes/deployments.js"
import { envvars } from "../src/internal/routes/envvars.js"
import { fail, handle, ok, table } from "../src/internal/routes/handle.js"
import { idempotencyKeys } from "../src/internal/routes/idempotencyKeys.js"
import { packets } from "../src/internal/routes/packets.js"
// ---- prompts ----
import { prompts } from "../src/internal/routes/prompts.js"
// ---- query ----
import { query as queryRoutes } from "../src/internal/routes/query.js"
import { queues } from "../src/internal/routes/queues.js"
import { runs } from "../src/internal/routes/runs.js"
import { schedules } from "../src/internal/routes/schedules.js"
import { sessions } from "../src/internal/routes/sessions.js"
import { tasks } from "../src/internal/routes/tasks.js"
import { waitTokens } from "../src/internal/routes/waitTokens.js"

describe("handle", () => {
  it("types the input and the value by the route", () => {
    handle(ManagementApi.runsCancel, (_context, { path }) => ok({ id: path.runId }))
    handle(ManagementApi.schedulesList, (_context, { query }) =>
      ok({ data: [], pagination: { currentPage: query.page ?? 1, totalPages: 0, count: 0 } })
    )
  })

  it("refuses a value that is not the route's success type", () => {
    // runs.cancel answers { id }, not { name }
    // @ts-expect-error Property 'id' is missing in type '{ name: string; }'
    handle(ManagementApi.runsCancel, () => ok({ name: "x" }))
    // runs.cancel's path has runId, not taskId
    // @ts-expect-error Property 'taskId' does not exist on type '{ readonly runId: string; }'
    handle(ManagementApi.runsCancel, (_context, { path }) => ok({ id: path.taskId }))
    // runs.cancel has no payload to read a field of
    // @ts-expect-error Property 'id' does not exist on type 'never'
    handle(ManagementApi.runsCancel, (_context, { payload }) => ok({ id: payload.id }))
    // a refusal fits every route
    handle(ManagementApi.runsCancel, () => fail(404, "Run not found"))
  })

  it("refuses a route that is not in the catalog", () => {
    const pause = {
      id: "runs.pause" as const,
      call: "runs.pause" as const,
      capability: ManagementApi.runsCancel.capability,
      endpoint: HttpApiEndpoint.post("pause", "/api/v1/runs/:runId/pause").addSuccess(
        Schema.Struct({ id: Schema.String })
      )
    }
    // runs.pause is not a route of ManagementApi.routes
    // @ts-expect-error Type '"runs.pause"' is not assignable to type
    handle(pause, () => ok({ id: "run_1" }))
  })
})

describe("table", () => {
  it("compiles with every catalog route handled", () => {
    table([
      ...tasks,
      ...packets,
      ...runs,
      ...envvars,
      ...schedules,
      ...batch,
      ...deployments,
      ...bulkActions,
      ...queues,
      ...waitTokens,
      ...idempotencyKeys,
      ...sessions,
      ...auth,
      // ---- query ----
      ...queryRoutes,
      // ---- prompts ----
      ...prompts
    ])
  })

  it("does not compile with a route left out", () => {
    // missingHandlersFor: the packets routes (packets.upload, packets.download)
    // @ts-expect-error Property 'missingHandlersFor' is missing in type
    table([
      ...tasks,
      ...runs,
      ...envvars,
      ...schedules,
      ...batch,
      ...deployments,
      ...bulkActions,
      ...queues,
      ...waitTokens,
      ...idempotencyKeys,
      ...sessions,
      ...auth,
      ...queryRoutes,
      // ---- prompts ----
      ...prompts
    ])
    // missingHandlersFor: the runs routes
    // @ts-expect-error Property 'missingHandlersFor' is missing in type
    table([
      ...tasks,
      ...packets,
      ...envvars,
      ...schedules,
      ...deployments,
      ...batch,
      ...bulkActions,
      ...queues,
      ...waitTokens,
      ...idempotencyKeys,
      ...sessions,
      // ---- prompts ----
      ...prompts
    ])
  })

  it("keeps a group's list complete: a group's tuple type names each of its routes", () => {
    // the tasks tuple has three handlers, not two
    // @ts-expect-error Source has 2 element(s) but target requires 3
    const _two: typeof tasks = [tasks[0], tasks[1]]
  })
})
