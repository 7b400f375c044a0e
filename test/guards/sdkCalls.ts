/**
 * Every HTTP call of `@trigger.dev/sdk` 4.8.3 (its `ApiClient` in `@trigger.dev/core` 4.8.3, plus the SDK's
 * own `schedules.timezones` fetch), as checked-in data: the rows of docs/research/whole-api.md §2. The
 * coverage table (docs/reference/coverage.md, test/guards/coverage.ts) joins these rows with the catalog by
 * method and path template, so a route another change adds to the catalog marks its row covered.
 *
 * `status`: `counted` is one of the 62 calls a backend can make whose route exists upstream (the count of
 * issue #12); every other status says why the call is out of scope. `kinds` and `jwt` are the server's
 * facts from the research; for a covered row the table shows the catalog's kinds and scopes instead.
 */

/** Why a call is or is not in the 62 a backend needs. */
export type Status =
  | "counted"
  | "realtime" // `/realtime/v1/...`: a separate piece of work
  | "task-only" // made from inside a running task (a run token or a parent run)
  | "no-route" // the SDK calls it, but the server repository has no such route
  | "client-only" // an `ApiClient` method no public SDK function reaches

/** One HTTP call of the SDK. */
export interface SdkCall {
  /** The public SDK function (or `ApiClient` method when none reaches it). */
  readonly sdk: string
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /** The path template, `{param}` for a path parameter. */
  readonly path: string
  readonly status: Status
  /** The kinds the server accepts: SecretKey, PAT; `none` for a route without authentication. */
  readonly kinds: string
  /** The abilities that admit a public access token, `""` for any token of the environment, absent when refused. */
  readonly jwt?: ReadonlyArray<string>
  /** How many SDK calls the row stands for (several functions of one route, or a group of no-route calls). */
  readonly calls?: number
}

const SK = "SecretKey"
const SKPAT = "SecretKey, PAT"

/** The rows, in the order of the research document's §2. */
export const sdkCalls: ReadonlyArray<SdkCall> = [
  // runs, tasks, batches
  {
    sdk: "tasks.trigger",
    method: "POST",
    path: "/api/v1/tasks/{taskId}/trigger",
    status: "counted",
    kinds: SK,
    jwt: ["trigger:tasks:{taskId}"]
  },
  {
    sdk: "tasks.batchTrigger (phase 1)",
    method: "POST",
    path: "/api/v3/batches",
    status: "counted",
    kinds: SK,
    jwt: ["batchTrigger:tasks:{taskId} (every item)", "batchTrigger:batch", "batchTrigger:tasks"]
  },
  {
    sdk: "tasks.batchTrigger (phase 2)",
    method: "POST",
    path: "/api/v3/batches/{batchId}/items",
    status: "counted",
    kinds: SK,
    jwt: ["(route-local check)"]
  },
  {
    sdk: "packets upload (payloads ≥ 128 KiB)",
    method: "PUT",
    path: "/api/v2/packets/{filename}",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "packets download (wait.retrieveToken offloaded output)",
    method: "GET",
    path: "/api/v1/packets/{filename}",
    status: "counted",
    kinds: SK,
    jwt: [""]
  },
  {
    sdk: "runs.list()",
    method: "GET",
    path: "/api/v1/runs",
    status: "counted",
    kinds: SK,
    jwt: ["read:runs", "read:tasks"]
  },
  {
    sdk: "runs.list(projectRef)",
    method: "GET",
    path: "/api/v1/projects/{projectRef}/runs",
    status: "counted",
    kinds: "PAT"
  },
  {
    sdk: "runs.retrieve, runs.poll",
    method: "GET",
    path: "/api/v3/runs/{runId}",
    status: "counted",
    kinds: SK,
    jwt: ["read:runs:{runId}", "read:tasks:{task}", "read:tags:{tag}", "read:batch:{batch}"]
  },
  {
    sdk: "runs.cancel",
    method: "POST",
    path: "/api/v2/runs/{runId}/cancel",
    status: "counted",
    kinds: SK,
    jwt: ["write:runs:{runId}", "write:tasks:{task}"]
  },
  { sdk: "runs.replay", method: "POST", path: "/api/v1/runs/{runId}/replay", status: "counted", kinds: SK },
  {
    sdk: "runs.reschedule",
    method: "POST",
    path: "/api/v1/runs/{runId}/reschedule",
    status: "counted",
    kinds: SK
  },
  { sdk: "tags.add", method: "POST", path: "/api/v1/runs/{runId}/tags", status: "counted", kinds: SK },
  {
    sdk: "metadata (read by run id)",
    method: "GET",
    path: "/api/v1/runs/{runId}/metadata",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "metadata (update by run id)",
    method: "PUT",
    path: "/api/v1/runs/{runId}/metadata",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "batch.retrieve",
    method: "GET",
    path: "/api/v2/batches/{batchId}",
    status: "counted",
    kinds: SK,
    jwt: ["read:batch:{batchId}", "read:runs"]
  },
  {
    sdk: "batchTriggerV3 (legacy)",
    method: "POST",
    path: "/api/v2/tasks/batch",
    status: "client-only",
    kinds: SK,
    jwt: ["batchTrigger:tasks:{taskId} (every item)"]
  },
  {
    sdk: "getRunResult",
    method: "GET",
    path: "/api/v1/runs/{runId}/result",
    status: "client-only",
    kinds: SK
  },
  {
    sdk: "getBatchResults",
    method: "GET",
    path: "/api/v1/batches/{batchId}/results",
    status: "client-only",
    kinds: SK
  },
  {
    sdk: "retrieveRunTrace, retrieveRunTracePage",
    method: "GET",
    path: "/api/v1/runs/{runId}/trace",
    status: "client-only",
    kinds: SK,
    jwt: ["read:runs:{runId}"],
    calls: 2
  },
  {
    sdk: "retrieveSpan",
    method: "GET",
    path: "/api/v1/runs/{runId}/spans/{spanId}",
    status: "client-only",
    kinds: SK,
    jwt: ["read:runs:{runId}"]
  },
  {
    sdk: "listRunEvents",
    method: "GET",
    path: "/api/v1/runs/{runId}/events",
    status: "client-only",
    kinds: SK,
    jwt: ["read:runs:{runId}"]
  },
  {
    sdk: "getRunPacketUrl",
    method: "GET",
    path: "/api/v1/runs/{runId}/packets/{field}",
    status: "no-route",
    kinds: "–"
  },
  {
    sdk: "wait.forToken (task)",
    method: "POST",
    path: "/engine/v1/runs/{runId}/waitpoints/tokens/{waitpointId}/wait",
    status: "task-only",
    kinds: "run token"
  },
  {
    sdk: "wait.for / wait.until (task)",
    method: "POST",
    path: "/engine/v1/runs/{runId}/wait/duration",
    status: "task-only",
    kinds: "run token"
  },
  // bulk actions, idempotency keys, queues, deployments, schedules, env vars
  {
    sdk: "runs.bulk.cancel, runs.bulk.replay",
    method: "POST",
    path: "/api/v1/bulk-actions",
    status: "counted",
    kinds: SK
  },
  { sdk: "runs.bulk.list", method: "GET", path: "/api/v1/bulk-actions", status: "counted", kinds: SK },
  {
    sdk: "runs.bulk.retrieve, runs.bulk.poll",
    method: "GET",
    path: "/api/v1/bulk-actions/{id}",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "runs.bulk.abort",
    method: "POST",
    path: "/api/v1/bulk-actions/{id}/abort",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "idempotencyKeys.reset",
    method: "POST",
    path: "/api/v1/idempotencyKeys/{key}/reset",
    status: "counted",
    kinds: SK,
    jwt: ["write:runs"]
  },
  { sdk: "queues.list", method: "GET", path: "/api/v1/queues", status: "counted", kinds: SK },
  {
    sdk: "queues.retrieve",
    method: "GET",
    path: "/api/v1/queues/{value}",
    status: "counted",
    kinds: SK,
    jwt: ["read:queues"]
  },
  {
    sdk: "queues.pause, queues.resume",
    method: "POST",
    path: "/api/v1/queues/{value}/pause",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "queues.overrideConcurrencyLimit",
    method: "POST",
    path: "/api/v1/queues/{value}/concurrency/override",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "queues.resetConcurrencyLimit",
    method: "POST",
    path: "/api/v1/queues/{value}/concurrency/reset",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "deployments.list",
    method: "GET",
    path: "/api/v1/deployments",
    status: "counted",
    kinds: SK,
    jwt: ["read:deployments"]
  },
  {
    sdk: "deployments.retrieveCurrent",
    method: "GET",
    path: "/api/v1/deployments/current",
    status: "counted",
    kinds: SK,
    jwt: ["read:deployments:current", "read:deployments"]
  },
  { sdk: "schedules.list", method: "GET", path: "/api/v1/schedules", status: "counted", kinds: SK },
  { sdk: "schedules.create", method: "POST", path: "/api/v1/schedules", status: "counted", kinds: SK },
  { sdk: "schedules.retrieve", method: "GET", path: "/api/v1/schedules/{id}", status: "counted", kinds: SK },
  { sdk: "schedules.update", method: "PUT", path: "/api/v1/schedules/{id}", status: "counted", kinds: SK },
  {
    sdk: "schedules.activate",
    method: "POST",
    path: "/api/v1/schedules/{id}/activate",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "schedules.deactivate",
    method: "POST",
    path: "/api/v1/schedules/{id}/deactivate",
    status: "counted",
    kinds: SK
  },
  { sdk: "schedules.del", method: "DELETE", path: "/api/v1/schedules/{id}", status: "counted", kinds: SK },
  { sdk: "schedules.timezones", method: "GET", path: "/api/v1/timezones", status: "counted", kinds: "none" },
  {
    sdk: "envvars.list",
    method: "GET",
    path: "/api/v1/projects/{projectRef}/envvars/{env}",
    status: "counted",
    kinds: SKPAT
  },
  {
    sdk: "envvars.retrieve",
    method: "GET",
    path: "/api/v1/projects/{projectRef}/envvars/{env}/{name}",
    status: "counted",
    kinds: SKPAT
  },
  {
    sdk: "envvars.upload",
    method: "POST",
    path: "/api/v1/projects/{projectRef}/envvars/{env}/import",
    status: "counted",
    kinds: SKPAT
  },
  {
    sdk: "envvars.create",
    method: "POST",
    path: "/api/v1/projects/{projectRef}/envvars/{env}",
    status: "counted",
    kinds: SKPAT
  },
  {
    sdk: "envvars.update",
    method: "PUT",
    path: "/api/v1/projects/{projectRef}/envvars/{env}/{name}",
    status: "counted",
    kinds: SKPAT
  },
  {
    sdk: "envvars.del",
    method: "DELETE",
    path: "/api/v1/projects/{projectRef}/envvars/{env}/{name}",
    status: "counted",
    kinds: SKPAT
  },
  {
    sdk: "concurrencyLimits.* (list, retrieve, retrieve key, override, override key, pause/resume, reset, reset key)",
    method: "GET",
    path: "/api/v1/concurrency-limits[/{name}[/…]]",
    status: "no-route",
    kinds: "–",
    calls: 9
  },
  // wait tokens, auth, query, prompts, sessions, webhooks
  {
    sdk: "wait.createToken",
    method: "POST",
    path: "/api/v1/waitpoints/tokens",
    status: "counted",
    kinds: SK
  },
  { sdk: "wait.listTokens", method: "GET", path: "/api/v1/waitpoints/tokens", status: "counted", kinds: SK },
  {
    sdk: "wait.retrieveToken",
    method: "GET",
    path: "/api/v1/waitpoints/tokens/{id}",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "wait.completeToken",
    method: "POST",
    path: "/api/v1/waitpoints/tokens/{id}/complete",
    status: "counted",
    kinds: SK,
    jwt: ["write:waitpoints:{id}"]
  },
  {
    sdk: "auth.createPublicToken … (root key: JWT claims)",
    method: "POST",
    path: "/api/v1/auth/jwt/claims",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "auth.createPublicToken … (additional key)",
    method: "POST",
    path: "/api/v1/auth/public-tokens",
    status: "counted",
    kinds: SK
  },
  {
    sdk: "query.execute",
    method: "POST",
    path: "/api/v1/query",
    status: "counted",
    kinds: SK,
    jwt: ["read:query:{table} (every table read)"]
  },
  {
    sdk: "getQuerySchema",
    method: "GET",
    path: "/api/v1/query/schema",
    status: "client-only",
    kinds: SK,
    jwt: ["read:query"]
  },
  {
    sdk: "query.dashboards.list",
    method: "GET",
    path: "/api/v1/query/dashboards",
    status: "counted",
    kinds: SK,
    jwt: ["read:query"]
  },
  {
    sdk: "query.dashboards.retrieve/create/update/replace/del, .widgets.add/update/del",
    method: "POST",
    path: "/api/v1/query/dashboards[/{id}[/widgets/{widgetId}]]",
    status: "no-route",
    kinds: "–",
    calls: 8
  },
  {
    sdk: "getReport",
    method: "GET",
    path: "/api/v1/reports/{key}",
    status: "client-only",
    kinds: SK,
    jwt: ["(route-local check)"]
  },
  {
    sdk: "prompts.resolve",
    method: "POST",
    path: "/api/v1/prompts/{slug}",
    status: "counted",
    kinds: SK,
    jwt: ["read:prompts:{slug}"]
  },
  {
    sdk: "prompts.list",
    method: "GET",
    path: "/api/v1/prompts",
    status: "counted",
    kinds: SK,
    jwt: ["read:prompts"]
  },
  {
    sdk: "prompts.versions",
    method: "GET",
    path: "/api/v1/prompts/{slug}/versions",
    status: "counted",
    kinds: SK,
    jwt: ["read:prompts:{slug}"]
  },
  {
    sdk: "prompts.promote",
    method: "POST",
    path: "/api/v1/prompts/{slug}/promote",
    status: "counted",
    kinds: SK,
    jwt: ["update:prompts:{slug}"]
  },
  {
    sdk: "prompts.createOverride",
    method: "POST",
    path: "/api/v1/prompts/{slug}/override",
    status: "counted",
    kinds: SK,
    jwt: ["update:prompts:{slug}"]
  },
  {
    sdk: "prompts.updateOverride",
    method: "PUT",
    path: "/api/v1/prompts/{slug}/override",
    status: "counted",
    kinds: SK,
    jwt: ["update:prompts:{slug}"]
  },
  {
    sdk: "prompts.removeOverride",
    method: "DELETE",
    path: "/api/v1/prompts/{slug}/override",
    status: "counted",
    kinds: SK,
    jwt: ["update:prompts:{slug}"]
  },
  {
    sdk: "prompts.reactivateOverride",
    method: "POST",
    path: "/api/v1/prompts/{slug}/override/reactivate",
    status: "counted",
    kinds: SK,
    jwt: ["update:prompts:{slug}"]
  },
  {
    sdk: "sessions.start",
    method: "POST",
    path: "/api/v1/sessions",
    status: "counted",
    kinds: SK,
    jwt: ["write:tasks:{taskIdentifier}", "write:sessions"]
  },
  {
    sdk: "sessions.retrieve",
    method: "GET",
    path: "/api/v1/sessions/{id}",
    status: "counted",
    kinds: SK,
    jwt: ["read:sessions:{id}"]
  },
  {
    sdk: "sessions.update",
    method: "PATCH",
    path: "/api/v1/sessions/{id}",
    status: "counted",
    kinds: SK,
    jwt: ["admin:sessions:{id}"]
  },
  {
    sdk: "sessions.close",
    method: "POST",
    path: "/api/v1/sessions/{id}/close",
    status: "counted",
    kinds: SK,
    jwt: ["admin:sessions:{id}"]
  },
  {
    sdk: "sessions.list",
    method: "GET",
    path: "/api/v1/sessions",
    status: "counted",
    kinds: SK,
    jwt: ["read:sessions", "read:tasks"]
  },
  {
    sdk: "chat agent: endAndContinueSession",
    method: "POST",
    path: "/api/v1/sessions/{id}/end-and-continue",
    status: "task-only",
    kinds: SK
  },
  {
    sdk: "chat agent: createChatSnapshotUploadUrl",
    method: "PUT",
    path: "/api/v1/sessions/{id}/snapshot-url",
    status: "task-only",
    kinds: SK
  },
  {
    sdk: "chat agent: getChatSnapshotUrl",
    method: "GET",
    path: "/api/v1/sessions/{id}/snapshot-url",
    status: "task-only",
    kinds: SK
  },
  {
    sdk: "chat transcript: getSessionTranscript",
    method: "GET",
    path: "/api/v1/sessions/{id}/transcript",
    status: "no-route",
    kinds: "–"
  },
  {
    sdk: "streams input wait (task)",
    method: "POST",
    path: "/api/v1/runs/{runId}/input-streams/wait",
    status: "task-only",
    kinds: "run token"
  },
  {
    sdk: "sessions.open stream wait (task)",
    method: "POST",
    path: "/api/v1/runs/{runId}/session-streams/wait",
    status: "task-only",
    kinds: "run token"
  },
  {
    sdk: "listWebhookEndpoints",
    method: "GET",
    path: "/api/v1/webhooks/endpoints",
    status: "client-only",
    kinds: SK,
    jwt: ["read:webhooks"]
  },
  {
    sdk: "retrieveWebhookEndpoint",
    method: "GET",
    path: "/api/v1/webhooks/endpoints/{id}",
    status: "client-only",
    kinds: SK,
    jwt: ["read:webhooks"]
  },
  {
    sdk: "generateWebhookEndpointSecret",
    method: "POST",
    path: "/api/v1/webhooks/endpoints/{id}/rotate-secret",
    status: "client-only",
    kinds: SK,
    jwt: ["write:webhooks"]
  },
  {
    sdk: "listWebhookDeliveries",
    method: "GET",
    path: "/api/v1/webhooks/deliveries",
    status: "client-only",
    kinds: SK,
    jwt: ["read:webhooks"]
  },
  {
    sdk: "retrieveWebhookDelivery",
    method: "GET",
    path: "/api/v1/webhooks/deliveries/{id}",
    status: "client-only",
    kinds: SK,
    jwt: ["read:webhooks"]
  },
  {
    sdk: "replayWebhookDelivery",
    method: "POST",
    path: "/api/v1/webhooks/deliveries/{id}/replay",
    status: "client-only",
    kinds: SK,
    jwt: ["write:webhooks"]
  },
  {
    sdk: "setWebhookEndpointSecret",
    method: "PUT",
    path: "/api/v1/webhooks/endpoints/{id}/secret",
    status: "no-route",
    kinds: "–"
  },
  {
    sdk: "webhookWaiters.create",
    method: "POST",
    path: "/api/v1/webhooks/endpoints/{id}/waiters",
    status: "no-route",
    kinds: "–"
  },
  {
    sdk: "webhookWaiters.cancel",
    method: "POST",
    path: "/api/v1/webhooks/waiters/{id}/cancel",
    status: "no-route",
    kinds: "–"
  },
  // realtime
  {
    sdk: "runs.subscribeToRun",
    method: "GET",
    path: "/realtime/v1/runs/{runId}",
    status: "realtime",
    kinds: SK,
    jwt: ["read:runs:{runId}"]
  },
  {
    sdk: "runs.subscribeToRunsWithTag",
    method: "GET",
    path: "/realtime/v1/runs",
    status: "realtime",
    kinds: SK,
    jwt: ["read:runs", "read:tags:{tag}"]
  },
  {
    sdk: "runs.subscribeToBatch",
    method: "GET",
    path: "/realtime/v1/batches/{batchId}",
    status: "realtime",
    kinds: SK,
    jwt: ["read:batch:{batchId}"]
  },
  {
    sdk: "runs.fetchStream, streams.read",
    method: "GET",
    path: "/realtime/v1/streams/{runId}/{streamId}",
    status: "realtime",
    kinds: SK,
    jwt: ["read:runs:{runId}"]
  },
  {
    sdk: "streams.pipe (task)",
    method: "PUT",
    path: "/realtime/v1/streams/{runId}/{target}/{streamId}",
    status: "realtime",
    kinds: SK
  },
  {
    sdk: "streams.append (task)",
    method: "POST",
    path: "/realtime/v1/streams/{runId}/{target}/{streamId}/append",
    status: "realtime",
    kinds: SK
  },
  {
    sdk: "streams.send (input streams)",
    method: "POST",
    path: "/realtime/v1/streams/{runId}/input/{streamId}",
    status: "realtime",
    kinds: SK,
    jwt: ["write:inputStreams:{runId}"]
  },
  {
    sdk: "sessions.open channels (initialize, append, records, subscribe)",
    method: "GET",
    path: "/realtime/v1/sessions/{id}/{io}[/append|/records]",
    status: "realtime",
    kinds: SK,
    jwt: ["read:sessions:{id}", "write:sessions:{id}"],
    calls: 4
  }
]
