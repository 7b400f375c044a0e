/**
 * The emulator's handler table: one handler per catalog route, keyed by the route object and split by
 * group. `table` makes a missing handler a compile error; `handle` makes a handler for a route that is
 * not in the catalog, or one whose types do not match its route, a compile error.
 */
import type { ManagementApi } from "@authctx/api"
import { auth } from "./auth.js"
import { batch } from "./batch.js"
import { bulkActions } from "./bulkActions.js"
import { deployments } from "./deployments.js"
import { envvars } from "./envvars.js"
import { type RouteHandler, table } from "./handle.js"
import { idempotencyKeys } from "./idempotencyKeys.js"
import { packets } from "./packets.js"
// ---- prompts ----
import { prompts } from "./prompts.js"
// ---- query ----
import { query } from "./query.js"
import { queues } from "./queues.js"
import { runs } from "./runs.js"
import { schedules } from "./schedules.js"
// ---- sessions ----
import { sessions } from "./sessions.js"
import { tasks } from "./tasks.js"
import { waitTokens } from "./waitTokens.js"

/** Every handler, keyed by its catalog route object. */
export const handlers: ReadonlyMap<ManagementApi.AnyRoute, RouteHandler> = table([
  ...tasks,
  ...packets,
  ...runs,
  ...envvars,
  ...schedules,
  // ---- deployments ----
  ...deployments,
  // ---- batch ----
  ...batch,
  // ---- bulk actions ----
  ...bulkActions,
  // ---- queues ----
  ...queues,
  ...waitTokens,
  ...idempotencyKeys,
  // ---- sessions ----
  ...sessions,
  // ---- auth ----
  ...auth,
  // ---- query ----
  ...query,
  // ---- prompts ----
  ...prompts
])
