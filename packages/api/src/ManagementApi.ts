/**
 * The management API as one catalog: every route (docs/research/trigger-wire.md) as an `@effect/platform` `HttpApiEndpoint`
 * with its wire schemas, grouped into an `HttpApi` (`tasks`, `packets`, `runs`, `envvars`, `schedules`),
 * and each endpoint annotated with the credential kinds it accepts (an `@authctx/core` capability). Routes
 * the SDK sends inside another call (`packets.upload`) carry a `PartOf` annotation. The client, the
 * emulator, the endpoint table (docs/reference/endpoints.md) and the table tests all read this one catalog.
 *
 * @example
 * ```ts
 * import { ManagementApi } from "@authctx/api"
 *
 * ManagementApi.runsRetrieve.capability.accepts // ["SecretKey"]
 * ManagementApi.runsRetrieve.endpoint.path // "/api/v3/runs/:runId"
 * ```
 */
import { Capability, Credential } from "@authctx/core"
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import * as AuthSchemas from "./AuthSchemas.js"
import * as Schemas from "./Schemas.js"
import * as SchemasPrompts from "./SchemasPrompts.js"
import * as SchemasSessions from "./SchemasSessions.js"
import * as WaitTokenSchemas from "./WaitTokenSchemas.js"

/** The endpoint annotation holding the capability (call name and accepted kinds). */
export class Accepts extends Context.Tag("@authctx/api/Accepts")<
  Accepts,
  Capability.Capability<string, Credential.Kind>
>() {}

/** The SDK call an endpoint serves (`runs.list` has two routes; `tasks.batchTrigger` two phases). */
export class CallName extends Context.Tag("@authctx/api/CallName")<CallName, string>() {}

/**
 * On a wire-only route (one the official page's table of calls does not list): the calls that use it as a
 * step. `packets.upload` is part of `tasks.trigger` and `tasks.batchTrigger` (payloads of 128 KiB or more).
 */
export class PartOf extends Context.Tag("@authctx/api/PartOf")<PartOf, ReadonlyArray<string>>() {}

/**
 * A route's one id, `<group>.<endpoint name>` (`runs.retrieve`, `runs.listProject`, `tasks.createBatch`):
 * the name of the route in the request log, in fault rules, in the emulator's errors and in the docs.
 * An id equals a call name (`runs.retrieve`) exactly when the call has that one route; a call with
 * several routes (`runs.list`, `tasks.batchTrigger`) has ids of its own for each (docs/emulator.md).
 */
export class RouteId extends Context.Tag("@authctx/api/RouteId")<RouteId, string>() {}

/**
 * On a route the server lets a public access token (a JWT with `pub: true`) call: the abilities any one of
 * which admits the token, with `{param}` for a path parameter (`["read:runs:{runId}", "read:tasks"]`) and
 * `{name}` for something else the server reads: on runs routes a property of the run it looks up
 * (`read:tasks:{task}`, `read:tags:{tag}`, `read:batch:{batch}`: the run's task, any one of its tags, its
 * batch), on `tasks.createBatch` the body's `{taskIdentifiers}` and on `tasks.streamBatchItems` each NDJSON
 * item's `{task}` (every one must be granted, and a stream needs one item at least). Only the server (and
 * the emulator, from its state and the body) can check those. An empty list admits any valid token of the
 * environment. Routes without it refuse JWTs. A recorded fact of the server (docs/reference/public-tokens.md);
 * the route's capability carries it too (`Capability.withPublicTokens`), for the client's type-level and
 * run-time checks.
 */
export class PublicTokenScopes extends Context.Tag("@authctx/api/PublicTokenScopes")<
  PublicTokenScopes,
  ReadonlyArray<string>
>() {}

/**
 * The optional facts of a route: see {@link PartOf} and {@link PublicTokenScopes}. The scopes are kept as
 * literal types, so that the route's capability admits exactly the public tokens whose scopes cover one.
 */
export interface RouteOptions<Scopes extends ReadonlyArray<string> = ReadonlyArray<string>> {
  readonly partOf?: ReadonlyArray<string>
  readonly publicTokenScopes?: Scopes
}

/** The kinds a route's public-token abilities add to its capability (none without `publicTokenScopes`). */
type PublicRouteKinds<Scopes extends ReadonlyArray<string>> = [Scopes] extends [never]
  ? never
  : Credential.PublicKinds<Scopes[number]>

/**
 * A route of the catalog: its id, the SDK call it serves, the HTTP endpoint (annotated) and its
 * capability, with the literal types kept for the client's requirement types and the emulator's handler
 * table.
 */
export interface Route<
  C extends Capability.Capability<string, Credential.Kind>,
  E extends HttpApiEndpoint.HttpApiEndpoint.Any,
  Id extends string = string,
  Call extends string = string
> {
  /** The route's one id (see {@link RouteId}). */
  readonly id: Id
  /** The SDK call it serves; several routes may serve one call. */
  readonly call: Call
  readonly capability: C
  readonly endpoint: E
}

/** What `route` needs of an endpoint: `annotate`, which returns the same endpoint type. */
interface Annotatable<E> {
  readonly annotate: <I, S>(tag: Context.Tag<I, S>, value: S) => E
}

const route = <
  const Id extends string,
  const Call extends string,
  const Name extends string,
  const Kinds extends Credential.Kind,
  E extends HttpApiEndpoint.HttpApiEndpoint.Any & Annotatable<E>,
  const Scopes extends ReadonlyArray<string> = never
>(
  id: Id,
  call: Call,
  declared: Capability.Capability<Name, Kinds>,
  endpoint: E,
  options: RouteOptions<Scopes> = {}
): Route<Capability.Capability<Name, Kinds | PublicRouteKinds<Scopes>>, E, Id, Call> => {
  const capability =
    options.publicTokenScopes === undefined
      ? declared
      : (Capability.withPublicTokens(declared, options.publicTokenScopes) as Capability.Capability<
          Name,
          Kinds | PublicRouteKinds<Scopes>
        >)
  const annotated = endpoint.annotate(Accepts, capability).annotate(CallName, call).annotate(RouteId, id)
  const withPartOf = options.partOf === undefined ? annotated : annotated.annotate(PartOf, options.partOf)
  return {
    id,
    call,
    capability,
    endpoint:
      options.publicTokenScopes === undefined
        ? withPartOf
        : withPartOf.annotate(PublicTokenScopes, options.publicTokenScopes)
  }
}

/**
 * A path segment: decoded as is, encoded with `encodeURIComponent` so ids with `/`, `?`, `#` or spaces
 * reach the server intact (the route table in docs/research/trigger-wire.md: path segments are percent-encoded).
 */
export const PathSegment = Schema.transform(Schema.String, Schema.String, {
  strict: true,
  decode: (segment) => segment,
  encode: (segment) => encodeURIComponent(segment)
}).annotations({ identifier: "PathSegment" })

/** The environment slug of envvars routes: `Credential.Environment`, the one definition of the slugs. */
export const EnvironmentSlug: typeof Credential.Environment = Credential.Environment

/** The NDJSON body of batch phase 2: raw bytes on the wire, a string in code. */
export const NdjsonBody = Schema.transform(Schema.Uint8ArrayFromSelf, Schema.String, {
  strict: true,
  decode: (bytes) => new TextDecoder().decode(bytes),
  encode: (text) => new TextEncoder().encode(text)
}).pipe(HttpApiSchema.withEncoding({ kind: "Uint8Array", contentType: "application/x-ndjson" }))

const secretKeyOnly = ["SecretKey"] as const
const bothKinds = Credential.keyKinds

// ---------------------------------------------------------------------------------------------------------
// tasks
// ---------------------------------------------------------------------------------------------------------

/** `tasks.trigger`: `POST /api/v1/tasks/{taskId}/trigger`. */
export const tasksTrigger = route(
  "tasks.trigger",
  "tasks.trigger",
  Capability.make("tasks.trigger", secretKeyOnly),
  HttpApiEndpoint.post("trigger", "/api/v1/tasks/:taskId/trigger")
    .setPath(Schema.Struct({ taskId: PathSegment }))
    .setPayload(Schemas.TriggerTaskRequestBody)
    .addSuccess(Schemas.TriggerTaskResponse),
  { publicTokenScopes: ["trigger:tasks:{taskId}"] }
)

/** `tasks.batchTrigger`, phase 1: `POST /api/v3/batches`. */
export const tasksCreateBatch = route(
  "tasks.createBatch",
  "tasks.batchTrigger",
  Capability.make("tasks.batchTrigger", secretKeyOnly),
  HttpApiEndpoint.post("createBatch", "/api/v3/batches")
    .setPayload(Schemas.CreateBatchRequestBody)
    .addSuccess(Schemas.CreateBatchResponse),
  { publicTokenScopes: ["batchTrigger:tasks:{taskIdentifiers}", "batchTrigger:batch"] }
)

/** `tasks.batchTrigger`, phase 2: `POST /api/v3/batches/{batchId}/items`, an NDJSON body. */
export const tasksStreamBatchItems = route(
  "tasks.streamBatchItems",
  "tasks.batchTrigger",
  Capability.make("tasks.batchTrigger", secretKeyOnly),
  HttpApiEndpoint.post("streamBatchItems", "/api/v3/batches/:batchId/items")
    .setPath(Schema.Struct({ batchId: PathSegment }))
    .setPayload(NdjsonBody)
    .addSuccess(Schemas.StreamBatchItemsResponse),
  { publicTokenScopes: ["write:batch:{batchId}", "batchTrigger:tasks:{task}"] }
)

/**
 * `packets.upload`: `PUT /api/v2/packets/{filename}`, a step of `tasks.trigger` and `tasks.batchTrigger`
 * for payloads of 128 KiB or more: answers where to `PUT` the packet and the `storagePath` the trigger
 * then sends as its payload (docs/reference/payloads.md). The SDK sends the filename as one
 * percent-encoded segment (`trigger%2Fpacket_…%2Fpayload.json`). No body.
 */
export const packetsUpload = route(
  "packets.upload",
  "packets.upload",
  Capability.make("packets.upload", secretKeyOnly),
  HttpApiEndpoint.put("upload", "/api/v2/packets/:filename")
    .setPath(Schema.Struct({ filename: PathSegment }))
    .addSuccess(Schemas.CreateUploadPayloadUrlResponseBody),
  { partOf: ["tasks.trigger", "tasks.batchTrigger"] }
)

// ---------------------------------------------------------------------------------------------------------
// runs
// ---------------------------------------------------------------------------------------------------------

const optionalString = Schema.optional(Schema.String)

/**
 * The `runs.list` query as it is on the wire: bracketed keys, lists comma-joined, dates as epoch
 * milliseconds. The client builds it from friendly parameters.
 */
export const ListRunsUrlParams = Schema.Struct({
  "filter[status]": optionalString,
  "filter[taskIdentifier]": optionalString,
  "filter[version]": optionalString,
  "filter[tag]": optionalString,
  "filter[bulkAction]": optionalString,
  "filter[schedule]": optionalString,
  "filter[isTest]": optionalString,
  "filter[createdAt][from]": optionalString,
  "filter[createdAt][to]": optionalString,
  "filter[createdAt][period]": optionalString,
  "filter[batch]": optionalString,
  "filter[queue]": optionalString,
  "filter[machine]": optionalString,
  "filter[region]": optionalString,
  "page[size]": optionalString,
  "page[after]": optionalString,
  "page[before]": optionalString
})

/** The project route's query adds `filter[env]`. */
export const ListProjectRunsUrlParams = Schema.Struct({
  ...ListRunsUrlParams.fields,
  "filter[env]": optionalString
})

/** `runs.list` for a SecretKey: the key's environment. `GET /api/v1/runs`. */
export const runsList = route(
  "runs.listEnvironment",
  "runs.list",
  Capability.make("runs.list (environment)", secretKeyOnly),
  HttpApiEndpoint.get("listEnvironment", "/api/v1/runs")
    .setUrlParams(ListRunsUrlParams)
    .addSuccess(Schemas.ListRunResponse),
  { publicTokenScopes: ["read:runs", "read:tasks"] }
)

/** `runs.list` for a PAT: one project. `GET /api/v1/projects/{projectRef}/runs`. */
export const runsListProject = route(
  "runs.listProject",
  "runs.list",
  Capability.make("runs.list (project)", ["PersonalAccessToken"]),
  HttpApiEndpoint.get("listProject", "/api/v1/projects/:projectRef/runs")
    .setPath(Schema.Struct({ projectRef: PathSegment }))
    .setUrlParams(ListProjectRunsUrlParams)
    .addSuccess(Schemas.ListRunResponse)
)

const RunPath = Schema.Struct({ runId: PathSegment })

/** `runs.retrieve`: `GET /api/v3/runs/{runId}`. */
export const runsRetrieve = route(
  "runs.retrieve",
  "runs.retrieve",
  Capability.make("runs.retrieve", secretKeyOnly),
  HttpApiEndpoint.get("retrieve", "/api/v3/runs/:runId")
    .setPath(RunPath)
    .addSuccess(Schemas.RetrieveRunResponse),
  { publicTokenScopes: ["read:runs:{runId}", "read:tasks:{task}", "read:tags:{tag}", "read:batch:{batch}"] }
)

/** `runs.cancel`: `POST /api/v2/runs/{runId}/cancel`. */
export const runsCancel = route(
  "runs.cancel",
  "runs.cancel",
  Capability.make("runs.cancel", secretKeyOnly),
  HttpApiEndpoint.post("cancel", "/api/v2/runs/:runId/cancel")
    .setPath(RunPath)
    .addSuccess(Schemas.CanceledRunResponse),
  { publicTokenScopes: ["write:runs:{runId}", "write:tasks:{task}"] }
)

/** `runs.replay`: `POST /api/v1/runs/{runId}/replay`, with an optional override body. */
export const runsReplay = route(
  "runs.replay",
  "runs.replay",
  Capability.make("runs.replay", secretKeyOnly),
  HttpApiEndpoint.post("replay", "/api/v1/runs/:runId/replay")
    .setPath(RunPath)
    .setPayload(Schemas.ReplayRunRequestBody)
    .addSuccess(Schemas.ReplayRunResponse)
)

// ---- runs: reschedule, tags, metadata ----

/** `runs.reschedule`: `POST /api/v1/runs/{runId}/reschedule`, a delayed run's new `delay`. */
export const runsReschedule = route(
  "runs.reschedule",
  "runs.reschedule",
  Capability.make("runs.reschedule", secretKeyOnly),
  HttpApiEndpoint.post("reschedule", "/api/v1/runs/:runId/reschedule")
    .setPath(RunPath)
    .setPayload(Schemas.RescheduleRunRequestBody)
    .addSuccess(Schemas.RetrieveRunResponse)
)

/** `runs.addTags` (the SDK's in-task `tags.add`, by run id): `POST /api/v1/runs/{runId}/tags`. */
export const runsAddTags = route(
  "runs.addTags",
  "runs.addTags",
  Capability.make("runs.addTags", secretKeyOnly),
  HttpApiEndpoint.post("addTags", "/api/v1/runs/:runId/tags")
    .setPath(RunPath)
    .setPayload(Schemas.AddTagsRequestBody)
    .addSuccess(Schemas.AddTagsResponse)
)

/** `runs.retrieveMetadata` (the SDK's `getRunMetadata`): `GET /api/v1/runs/{runId}/metadata`. */
export const runsRetrieveMetadata = route(
  "runs.retrieveMetadata",
  "runs.retrieveMetadata",
  Capability.make("runs.retrieveMetadata", secretKeyOnly),
  HttpApiEndpoint.get("retrieveMetadata", "/api/v1/runs/:runId/metadata")
    .setPath(RunPath)
    .addSuccess(Schemas.UpdateMetadataResponseBody)
)

/** `runs.updateMetadata` (the SDK's `updateRunMetadata`): `PUT /api/v1/runs/{runId}/metadata`. */
export const runsUpdateMetadata = route(
  "runs.updateMetadata",
  "runs.updateMetadata",
  Capability.make("runs.updateMetadata", secretKeyOnly),
  HttpApiEndpoint.put("updateMetadata", "/api/v1/runs/:runId/metadata")
    .setPath(RunPath)
    .setPayload(Schemas.UpdateMetadataRequestBody)
    .addSuccess(Schemas.UpdateMetadataResponseBody)
)

// ---- batch: retrieve ----

/**
 * `batch.retrieve`: `GET /api/v2/batches/{batchId}`. The server also lets a public access token with
 * `read:batch:<id>` or `read:runs` call it.
 */
export const batchRetrieve = route(
  "batch.retrieve",
  "batch.retrieve",
  Capability.make("batch.retrieve", secretKeyOnly),
  HttpApiEndpoint.get("retrieve", "/api/v2/batches/:batchId")
    .setPath(Schema.Struct({ batchId: PathSegment }))
    .addSuccess(Schemas.RetrieveBatchV2Response),
  { publicTokenScopes: ["read:batch:{batchId}", "read:runs"] }
)

// ---------------------------------------------------------------------------------------------------------
// envvars
// ---------------------------------------------------------------------------------------------------------

const EnvVarsPath = Schema.Struct({ projectRef: PathSegment, env: EnvironmentSlug })
const EnvVarPath = Schema.Struct({ projectRef: PathSegment, env: EnvironmentSlug, name: PathSegment })

/** `envvars.list`: `GET /api/v1/projects/{projectRef}/envvars/{env}`. */
export const envvarsList = route(
  "envvars.list",
  "envvars.list",
  Capability.make("envvars.list", bothKinds),
  HttpApiEndpoint.get("list", "/api/v1/projects/:projectRef/envvars/:env")
    .setPath(EnvVarsPath)
    .addSuccess(Schemas.ListEnvironmentVariablesResponse)
)

/** `envvars.retrieve`: `GET /api/v1/projects/{projectRef}/envvars/{env}/{name}`. */
export const envvarsRetrieve = route(
  "envvars.retrieve",
  "envvars.retrieve",
  Capability.make("envvars.retrieve", bothKinds),
  HttpApiEndpoint.get("retrieve", "/api/v1/projects/:projectRef/envvars/:env/:name")
    .setPath(EnvVarPath)
    .addSuccess(Schemas.EnvironmentVariableWithSecret)
)

/** `envvars.upload`: `POST /api/v1/projects/{projectRef}/envvars/{env}/import`. */
export const envvarsUpload = route(
  "envvars.upload",
  "envvars.upload",
  Capability.make("envvars.upload", bothKinds),
  HttpApiEndpoint.post("upload", "/api/v1/projects/:projectRef/envvars/:env/import")
    .setPath(EnvVarsPath)
    .setPayload(Schemas.ImportEnvironmentVariablesRequestBody)
    .addSuccess(Schemas.EnvironmentVariableResponseBody)
)

/** `envvars.create`: `POST /api/v1/projects/{projectRef}/envvars/{env}`. */
export const envvarsCreate = route(
  "envvars.create",
  "envvars.create",
  Capability.make("envvars.create", bothKinds),
  HttpApiEndpoint.post("create", "/api/v1/projects/:projectRef/envvars/:env")
    .setPath(EnvVarsPath)
    .setPayload(Schemas.CreateEnvironmentVariableRequestBody)
    .addSuccess(Schemas.EnvironmentVariableResponseBody)
)

/** `envvars.update`: `PUT /api/v1/projects/{projectRef}/envvars/{env}/{name}`. */
export const envvarsUpdate = route(
  "envvars.update",
  "envvars.update",
  Capability.make("envvars.update", bothKinds),
  HttpApiEndpoint.put("update", "/api/v1/projects/:projectRef/envvars/:env/:name")
    .setPath(EnvVarPath)
    .setPayload(Schemas.UpdateEnvironmentVariableRequestBody)
    .addSuccess(Schemas.EnvironmentVariableResponseBody)
)

/** `envvars.del`: `DELETE /api/v1/projects/{projectRef}/envvars/{env}/{name}`. */
export const envvarsDel = route(
  "envvars.del",
  "envvars.del",
  Capability.make("envvars.del", bothKinds),
  HttpApiEndpoint.del("del", "/api/v1/projects/:projectRef/envvars/:env/:name")
    .setPath(EnvVarPath)
    .addSuccess(Schemas.EnvironmentVariableResponseBody)
)

// ---------------------------------------------------------------------------------------------------------
// schedules
// ---------------------------------------------------------------------------------------------------------

const SchedulePath = Schema.Struct({ id: PathSegment })

/** The `schedules.list` query: `page` and `perPage`. */
export const ListSchedulesUrlParams = Schema.Struct({
  page: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.positive())),
  perPage: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.positive()))
})

/** `schedules.list`: `GET /api/v1/schedules?page=&perPage=`. */
export const schedulesList = route(
  "schedules.list",
  "schedules.list",
  Capability.make("schedules.list", secretKeyOnly),
  HttpApiEndpoint.get("list", "/api/v1/schedules")
    .setUrlParams(ListSchedulesUrlParams)
    .addSuccess(Schemas.ListSchedulesResult)
)

/** `schedules.create`: `POST /api/v1/schedules`. */
export const schedulesCreate = route(
  "schedules.create",
  "schedules.create",
  Capability.make("schedules.create", secretKeyOnly),
  HttpApiEndpoint.post("create", "/api/v1/schedules")
    .setPayload(Schemas.CreateScheduleOptions)
    .addSuccess(Schemas.ScheduleObject)
)

/** `schedules.retrieve`: `GET /api/v1/schedules/{id}`. */
export const schedulesRetrieve = route(
  "schedules.retrieve",
  "schedules.retrieve",
  Capability.make("schedules.retrieve", secretKeyOnly),
  HttpApiEndpoint.get("retrieve", "/api/v1/schedules/:id")
    .setPath(SchedulePath)
    .addSuccess(Schemas.ScheduleObject)
)

/** `schedules.update`: `PUT /api/v1/schedules/{id}`. */
export const schedulesUpdate = route(
  "schedules.update",
  "schedules.update",
  Capability.make("schedules.update", secretKeyOnly),
  HttpApiEndpoint.put("update", "/api/v1/schedules/:id")
    .setPath(SchedulePath)
    .setPayload(Schemas.UpdateScheduleOptions)
    .addSuccess(Schemas.ScheduleObject)
)

/** `schedules.activate`: `POST /api/v1/schedules/{id}/activate`. */
export const schedulesActivate = route(
  "schedules.activate",
  "schedules.activate",
  Capability.make("schedules.activate", secretKeyOnly),
  HttpApiEndpoint.post("activate", "/api/v1/schedules/:id/activate")
    .setPath(SchedulePath)
    .addSuccess(Schemas.ScheduleObject)
)

/** `schedules.deactivate`: `POST /api/v1/schedules/{id}/deactivate`. */
export const schedulesDeactivate = route(
  "schedules.deactivate",
  "schedules.deactivate",
  Capability.make("schedules.deactivate", secretKeyOnly),
  HttpApiEndpoint.post("deactivate", "/api/v1/schedules/:id/deactivate")
    .setPath(SchedulePath)
    .addSuccess(Schemas.ScheduleObject)
)

/** `schedules.del`: `DELETE /api/v1/schedules/{id}`. */
export const schedulesDel = route(
  "schedules.del",
  "schedules.del",
  Capability.make("schedules.del", secretKeyOnly),
  HttpApiEndpoint.del("del", "/api/v1/schedules/:id")
    .setPath(SchedulePath)
    .addSuccess(Schemas.DeletedScheduleObject)
)

/**
 * `schedules.timezones`: `GET /api/v1/timezones[?excludeUtc=true]`, the time zones a schedule may name.
 * The server asks for no credential here (an open capability: a call without any auth compiles and runs).
 */
export const schedulesTimezones = route(
  "schedules.timezones",
  "schedules.timezones",
  Capability.open("schedules.timezones"),
  HttpApiEndpoint.get("timezones", "/api/v1/timezones")
    .setUrlParams(Schema.Struct({ excludeUtc: optionalString }))
    .addSuccess(Schemas.TimezonesResult)
)

// ---- deployments ----

/** The `deployments.list` query as it is on the wire. */
export const ListDeploymentsUrlParams = Schema.Struct({
  status: optionalString,
  period: optionalString,
  from: optionalString,
  to: optionalString,
  "page[size]": optionalString,
  "page[after]": optionalString
})

/** `deployments.list`: `GET /api/v1/deployments`, the key's environment, cursor pages (size clamped 5–100). */
export const deploymentsList = route(
  "deployments.list",
  "deployments.list",
  Capability.make("deployments.list", secretKeyOnly),
  HttpApiEndpoint.get("list", "/api/v1/deployments")
    .setUrlParams(ListDeploymentsUrlParams)
    .addSuccess(Schemas.ListDeploymentsResponse),
  { publicTokenScopes: ["read:deployments"] }
)

/** `deployments.retrieveCurrent`: `GET /api/v1/deployments/current`, the environment's promoted deployment. */
export const deploymentsRetrieveCurrent = route(
  "deployments.retrieveCurrent",
  "deployments.retrieveCurrent",
  Capability.make("deployments.retrieveCurrent", secretKeyOnly),
  HttpApiEndpoint.get("retrieveCurrent", "/api/v1/deployments/current").addSuccess(Schemas.DeploymentItem),
  { publicTokenScopes: ["read:deployments:current", "read:deployments"] }
)

// ---------------------------------------------------------------------------------------------------------
// ---- bulk actions ----
// ---------------------------------------------------------------------------------------------------------

/** The cursor query of `runs.bulk.list`. */
export const ListBulkActionsUrlParams = Schema.Struct({
  "page[size]": optionalString,
  "page[after]": optionalString,
  "page[before]": optionalString
})

const BulkActionPath = Schema.Struct({ bulkActionId: PathSegment })

/**
 * `runs.bulk.cancel` and `runs.bulk.replay`: `POST /api/v1/bulk-actions`, answered with 202 (the server
 * queues the work). Secret key only; the server refuses public tokens here (docs/reference/bulk-actions.md).
 */
export const bulkActionsCreate = route(
  "bulkActions.create",
  "runs.bulk.create",
  Capability.make("runs.bulk.create", secretKeyOnly),
  HttpApiEndpoint.post("create", "/api/v1/bulk-actions")
    .setPayload(Schemas.CreateBulkActionRequestBody)
    .addSuccess(Schemas.CreateBulkActionResponseBody, { status: 202 })
)

/** `runs.bulk.list`: `GET /api/v1/bulk-actions`, cursor pages. */
export const bulkActionsList = route(
  "bulkActions.list",
  "runs.bulk.list",
  Capability.make("runs.bulk.list", secretKeyOnly),
  HttpApiEndpoint.get("list", "/api/v1/bulk-actions")
    .setUrlParams(ListBulkActionsUrlParams)
    .addSuccess(Schemas.ListBulkActionsResponseBody)
)

/** `runs.bulk.retrieve` (and `runs.bulk.poll`): `GET /api/v1/bulk-actions/{bulkActionId}`. */
export const bulkActionsRetrieve = route(
  "bulkActions.retrieve",
  "runs.bulk.retrieve",
  Capability.make("runs.bulk.retrieve", secretKeyOnly),
  HttpApiEndpoint.get("retrieve", "/api/v1/bulk-actions/:bulkActionId")
    .setPath(BulkActionPath)
    .addSuccess(Schemas.BulkActionObject)
)

/** `runs.bulk.abort`: `POST /api/v1/bulk-actions/{bulkActionId}/abort`. */
export const bulkActionsAbort = route(
  "bulkActions.abort",
  "runs.bulk.abort",
  Capability.make("runs.bulk.abort", secretKeyOnly),
  HttpApiEndpoint.post("abort", "/api/v1/bulk-actions/:bulkActionId/abort")
    .setPath(BulkActionPath)
    .addSuccess(Schemas.AbortBulkActionResponseBody)
)

// ---- queues ----

/** A queue in the path: its id, a task's id or a custom queue's name, as the `type` beside it says. */
const QueuePath = Schema.Struct({ queue: PathSegment })

/** The `queues.list` query: `page` and `perPage`. */
export const ListQueuesUrlParams = Schema.Struct({
  page: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.positive())),
  perPage: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.positive()))
})

/** The `queues.retrieve` query: how the path's value names the queue (`id`, `task` or `custom`). */
export const RetrieveQueueUrlParams = Schema.Struct({ type: Schemas.RetrieveQueueType })

/** `queues.list`: `GET /api/v1/queues?page=&perPage=`. */
export const queuesList = route(
  "queues.list",
  "queues.list",
  Capability.make("queues.list", secretKeyOnly),
  HttpApiEndpoint.get("list", "/api/v1/queues")
    .setUrlParams(ListQueuesUrlParams)
    .addSuccess(Schemas.ListQueuesResult)
)

/** `queues.retrieve`: `GET /api/v1/queues/{queue}?type=id|task|custom` (a public access token may read it). */
export const queuesRetrieve = route(
  "queues.retrieve",
  "queues.retrieve",
  Capability.make("queues.retrieve", secretKeyOnly),
  HttpApiEndpoint.get("retrieve", "/api/v1/queues/:queue")
    .setPath(QueuePath)
    .setUrlParams(RetrieveQueueUrlParams)
    .addSuccess(Schemas.QueueItem),
  { publicTokenScopes: ["read:queues"] }
)

/**
 * `queues.pause` and `queues.resume`: `POST /api/v1/queues/{queue}/pause` with `{type, action}`; one route
 * serves both calls (the route id and call are `queues.pause`; `Queues.resume` sends `action: "resume"`).
 */
export const queuesPause = route(
  "queues.pause",
  "queues.pause",
  Capability.make("queues.pause", secretKeyOnly),
  HttpApiEndpoint.post("pause", "/api/v1/queues/:queue/pause")
    .setPath(QueuePath)
    .setPayload(Schemas.PauseQueueRequestBody)
    .addSuccess(Schemas.QueueItem)
)

/** `queues.overrideConcurrencyLimit`: `POST /api/v1/queues/{queue}/concurrency/override`. */
export const queuesOverrideConcurrencyLimit = route(
  "queues.overrideConcurrencyLimit",
  "queues.overrideConcurrencyLimit",
  Capability.make("queues.overrideConcurrencyLimit", secretKeyOnly),
  HttpApiEndpoint.post("overrideConcurrencyLimit", "/api/v1/queues/:queue/concurrency/override")
    .setPath(QueuePath)
    .setPayload(Schemas.OverrideQueueConcurrencyRequestBody)
    .addSuccess(Schemas.QueueItem)
)

/** `queues.resetConcurrencyLimit`: `POST /api/v1/queues/{queue}/concurrency/reset`. */
export const queuesResetConcurrencyLimit = route(
  "queues.resetConcurrencyLimit",
  "queues.resetConcurrencyLimit",
  Capability.make("queues.resetConcurrencyLimit", secretKeyOnly),
  HttpApiEndpoint.post("resetConcurrencyLimit", "/api/v1/queues/:queue/concurrency/reset")
    .setPath(QueuePath)
    .setPayload(Schemas.ResetQueueConcurrencyRequestBody)
    .addSuccess(Schemas.QueueItem)
)

// ---------------------------------------------------------------------------------------------------------
// ---- waitTokens ----
// ---------------------------------------------------------------------------------------------------------

/** The `wait.listTokens` query as it is on the wire (lists comma-joined, dates as epoch milliseconds). */
export const ListWaitTokensUrlParams = Schema.Struct({
  "filter[status]": optionalString,
  "filter[idempotencyKey]": optionalString,
  "filter[tags]": optionalString,
  "filter[createdAt][period]": optionalString,
  "filter[createdAt][from]": optionalString,
  "filter[createdAt][to]": optionalString,
  "page[size]": optionalString,
  "page[after]": optionalString,
  "page[before]": optionalString
})

const WaitTokenPath = Schema.Struct({ waitpointId: PathSegment })

/**
 * `wait.createToken`: `POST /api/v1/waitpoints/tokens`. An `idempotencyKey` in the body answers the same
 * token (`isCached: true`) until its `idempotencyKeyTTL` passes.
 */
export const waitTokensCreate = route(
  "waitTokens.create",
  "waitTokens.create",
  Capability.make("waitTokens.create", secretKeyOnly),
  HttpApiEndpoint.post("create", "/api/v1/waitpoints/tokens")
    .setPayload(WaitTokenSchemas.CreateWaitpointTokenRequestBody)
    .addSuccess(WaitTokenSchemas.CreateWaitpointTokenResponseBody)
)

/** `wait.listTokens`: `GET /api/v1/waitpoints/tokens`, cursor pages with filters. */
export const waitTokensList = route(
  "waitTokens.list",
  "waitTokens.list",
  Capability.make("waitTokens.list", secretKeyOnly),
  HttpApiEndpoint.get("list", "/api/v1/waitpoints/tokens")
    .setUrlParams(ListWaitTokensUrlParams)
    .addSuccess(WaitTokenSchemas.ListWaitpointTokensResponse)
)

/** `wait.retrieveToken`: `GET /api/v1/waitpoints/tokens/{waitpointId}`. */
export const waitTokensRetrieve = route(
  "waitTokens.retrieve",
  "waitTokens.retrieve",
  Capability.make("waitTokens.retrieve", secretKeyOnly),
  HttpApiEndpoint.get("retrieve", "/api/v1/waitpoints/tokens/:waitpointId")
    .setPath(WaitTokenPath)
    .addSuccess(WaitTokenSchemas.WaitpointRetrieveTokenResponse)
)

/**
 * `wait.completeToken`: `POST /api/v1/waitpoints/tokens/{waitpointId}/complete`. Completing a completed
 * token answers 200 again and keeps the first data. A public access token with
 * `write:waitpoints:{waitpointId}` (the one `wait.createToken` answers) may call it.
 */
export const waitTokensComplete = route(
  "waitTokens.complete",
  "waitTokens.complete",
  Capability.make("waitTokens.complete", secretKeyOnly),
  HttpApiEndpoint.post("complete", "/api/v1/waitpoints/tokens/:waitpointId/complete")
    .setPath(WaitTokenPath)
    .setPayload(WaitTokenSchemas.CompleteWaitpointTokenRequestBody)
    .addSuccess(WaitTokenSchemas.CompleteWaitpointTokenResponseBody),
  { publicTokenScopes: ["write:waitpoints:{waitpointId}"] }
)

// ---------------------------------------------------------------------------------------------------------
// ---- idempotencyKeys ----
// ---------------------------------------------------------------------------------------------------------

/**
 * `idempotencyKeys.reset`: `POST /api/v1/idempotencyKeys/{key}/reset` with `{ taskIdentifier }`. The key
 * is one percent-encoded segment (a key may hold `/`). The task's runs with the key let go of it, so the
 * next trigger with it creates a new run.
 */
export const idempotencyKeysReset = route(
  "idempotencyKeys.reset",
  "idempotencyKeys.reset",
  Capability.make("idempotencyKeys.reset", secretKeyOnly),
  HttpApiEndpoint.post("reset", "/api/v1/idempotencyKeys/:key/reset")
    .setPath(Schema.Struct({ key: PathSegment }))
    .setPayload(WaitTokenSchemas.ResetIdempotencyKeyRequestBody)
    .addSuccess(WaitTokenSchemas.ResetIdempotencyKeyResponse),
  { publicTokenScopes: ["write:runs"] }
)

// ---------------------------------------------------------------------------------------------------------
// ---- sessions ----
// ---------------------------------------------------------------------------------------------------------

/**
 * The `sessions.list` query as it is on the wire (lists comma-joined as the SDK sends them, dates as epoch
 * milliseconds). The server reads each key once, so a comma-joined list is one value to it
 * (docs/reference/sessions.md).
 */
export const ListSessionsUrlParams = Schema.Struct({
  "filter[type]": optionalString,
  "filter[tags]": optionalString,
  "filter[taskIdentifier]": optionalString,
  "filter[externalId]": optionalString,
  "filter[status]": optionalString,
  "filter[createdAt][period]": optionalString,
  "filter[createdAt][from]": optionalString,
  "filter[createdAt][to]": optionalString,
  "page[size]": optionalString,
  "page[after]": optionalString,
  "page[before]": optionalString
})

/** A session in the path: its id (`session_…`) or its external id (the server tells them by the prefix). */
const SessionPath = Schema.Struct({ id: PathSegment })

/**
 * `sessions.start`: `POST /api/v1/sessions`, a session and its first run. Idempotent on the `externalId`:
 * the same one answers the existing session (`isCached: true`, status 200 instead of 201), with its live
 * run (or a new one when it ended); a closed or expired one is a 409. A public access token with
 * `write:tasks:{taskIdentifier}` (the body's task) or `write:sessions` may call it.
 */
export const sessionsStart = route(
  "sessions.start",
  "sessions.start",
  Capability.make("sessions.start", secretKeyOnly),
  HttpApiEndpoint.post("start", "/api/v1/sessions")
    .setPayload(SchemasSessions.CreateSessionRequestBody)
    .addSuccess(SchemasSessions.CreatedSessionResponseBody, { status: 201 }),
  { publicTokenScopes: ["write:tasks:{taskIdentifier}", "write:sessions"] }
)

/**
 * `sessions.retrieve`: `GET /api/v1/sessions/{id}` by id or external id. A public access token scoped to
 * either of the session's ids (`{friendlyId}`, `{externalId}`: the server checks both, whichever the path
 * names) may read it.
 */
export const sessionsRetrieve = route(
  "sessions.retrieve",
  "sessions.retrieve",
  Capability.make("sessions.retrieve", secretKeyOnly),
  HttpApiEndpoint.get("retrieve", "/api/v1/sessions/:id")
    .setPath(SessionPath)
    .addSuccess(SchemasSessions.RetrieveSessionResponseBody),
  { publicTokenScopes: ["read:sessions:{id}", "read:sessions:{friendlyId}", "read:sessions:{externalId}"] }
)

/**
 * `sessions.update`: `PATCH /api/v1/sessions/{id}`, tags and metadata. A public access token needs
 * `admin:sessions:{id}`, the id exactly as the path names it.
 */
export const sessionsUpdate = route(
  "sessions.update",
  "sessions.update",
  Capability.make("sessions.update", secretKeyOnly),
  HttpApiEndpoint.patch("update", "/api/v1/sessions/:id")
    .setPath(SessionPath)
    .setPayload(SchemasSessions.UpdateSessionRequestBody)
    .addSuccess(SchemasSessions.RetrieveSessionResponseBody),
  { publicTokenScopes: ["admin:sessions:{id}"] }
)

/**
 * `sessions.close`: `POST /api/v1/sessions/{id}/close`. Closing is one-way; closing a closed session answers
 * it unchanged (the first reason and time kept). A public access token needs `admin:sessions:{id}`.
 */
export const sessionsClose = route(
  "sessions.close",
  "sessions.close",
  Capability.make("sessions.close", secretKeyOnly),
  HttpApiEndpoint.post("close", "/api/v1/sessions/:id/close")
    .setPath(SessionPath)
    .setPayload(SchemasSessions.CloseSessionRequestBody)
    .addSuccess(SchemasSessions.RetrieveSessionResponseBody),
  { publicTokenScopes: ["admin:sessions:{id}"] }
)

/**
 * `sessions.list`: `GET /api/v1/sessions`, the key's environment, newest first, cursor pages. A public access
 * token with `read:sessions` or `read:tasks` may list (with `filter[taskIdentifier]`, `read:tasks:<id>` of
 * the task filtered on also does).
 */
export const sessionsList = route(
  "sessions.list",
  "sessions.list",
  Capability.make("sessions.list", secretKeyOnly),
  HttpApiEndpoint.get("list", "/api/v1/sessions")
    .setUrlParams(ListSessionsUrlParams)
    .addSuccess(SchemasSessions.ListSessionsResponseBody),
  { publicTokenScopes: ["read:sessions", "read:tasks"] }
)

// ---------------------------------------------------------------------------------------------------------
// ---- auth ----
// ---------------------------------------------------------------------------------------------------------

/**
 * `auth.jwtClaims`: `POST /api/v1/auth/jwt/claims`, no body. Answers `{ sub, pub: true }` for the
 * environment the secret key acts on; the SDK's `auth.createPublicToken`, `createTriggerPublicToken` and
 * `createBatchTriggerPublicToken` call it with a root key, add the scopes and sign the claims HS256 with
 * that key (docs/reference/public-tokens.md).
 */
export const authJwtClaims = route(
  "auth.jwtClaims",
  "auth.jwtClaims",
  Capability.make("auth.jwtClaims", secretKeyOnly),
  HttpApiEndpoint.post("jwtClaims", "/api/v1/auth/jwt/claims").addSuccess(AuthSchemas.JwtClaimsResponse)
)

/**
 * `auth.createPublicToken`: `POST /api/v1/auth/public-tokens`, the server signs the token (for keys that
 * cannot sign themselves: additional `tr_<env>_sk_` keys; root keys may call it too). Public access
 * tokens and PATs cannot mint.
 */
export const authCreatePublicToken = route(
  "auth.createPublicToken",
  "auth.createPublicToken",
  Capability.make("auth.createPublicToken", secretKeyOnly),
  HttpApiEndpoint.post("createPublicToken", "/api/v1/auth/public-tokens")
    .setPayload(AuthSchemas.CreatePublicTokenRequestBody)
    .addSuccess(AuthSchemas.CreatePublicTokenResponseBody)
)

// ---------------------------------------------------------------------------------------------------------
// ---- query ----
// ---------------------------------------------------------------------------------------------------------

/**
 * `query.execute`: `POST /api/v1/query`, a TRQL query over the environment's (project's, organization's)
 * runs, answered as JSON rows or CSV. A public access token needs `read:query:{table}` for every table the
 * query reads (or `read:query`); the server finds the tables in the query text (docs/reference/query.md).
 */
export const queryExecute = route(
  "query.execute",
  "query.execute",
  Capability.make("query.execute", secretKeyOnly),
  HttpApiEndpoint.post("execute", "/api/v1/query")
    .setPayload(Schemas.QueryExecuteRequestBody)
    .addSuccess(Schemas.QueryExecuteResponseBody),
  { publicTokenScopes: ["read:query:{table}", "read:query"] }
)

/** `query.dashboards.list`: `GET /api/v1/query/dashboards`, the built-in dashboards and their widgets. */
export const queryDashboardsList = route(
  "query.dashboardsList",
  "query.dashboards.list",
  Capability.make("query.dashboards.list", secretKeyOnly),
  HttpApiEndpoint.get("dashboardsList", "/api/v1/query/dashboards").addSuccess(
    Schemas.ListDashboardsResponseBody
  ),
  { publicTokenScopes: ["read:query:dashboards", "read:query"] }
)

/**
 * `packets.download`: `GET /api/v1/packets/{filename}`, where to `GET` a packet stored under `filename`
 * (`{ presignedUrl }`). The SDK calls it to read an `application/store` packet it meets in an answer: a
 * wait token's output (`wait.retrieveToken`), and in tasks a child run's output. Any public access token
 * of the environment may call it (docs/reference/payloads.md).
 */
export const packetsDownload = route(
  "packets.download",
  "packets.download",
  Capability.make("packets.download", secretKeyOnly),
  HttpApiEndpoint.get("download", "/api/v1/packets/:filename")
    .setPath(Schema.Struct({ filename: PathSegment }))
    .addSuccess(Schemas.CreateUploadPayloadUrlResponseBody),
  { partOf: ["waitTokens.retrieve"], publicTokenScopes: [] }
)

// ---------------------------------------------------------------------------------------------------------
// ---- prompts ----
// ---------------------------------------------------------------------------------------------------------

/** A prompt in the path: its slug (the `id` it was defined with), one percent-encoded segment. */
const PromptPath = Schema.Struct({ slug: PathSegment })

/**
 * `prompts.resolve`: `POST /api/v1/prompts/{slug}`, the version asked for (a number, else an active
 * override, else a label, `current` by default) with the variables put into its template
 * (docs/reference/prompts.md).
 */
export const promptsResolve = route(
  "prompts.resolve",
  "prompts.resolve",
  Capability.make("prompts.resolve", secretKeyOnly),
  HttpApiEndpoint.post("resolve", "/api/v1/prompts/:slug")
    .setPath(PromptPath)
    .setPayload(SchemasPrompts.ResolvePromptRequestBody)
    .addSuccess(SchemasPrompts.ResolvePromptResponseBody),
  { publicTokenScopes: ["read:prompts:{slug}"] }
)

/** `prompts.list`: `GET /api/v1/prompts`, every prompt of the environment (no pages). */
export const promptsList = route(
  "prompts.list",
  "prompts.list",
  Capability.make("prompts.list", secretKeyOnly),
  HttpApiEndpoint.get("list", "/api/v1/prompts").addSuccess(SchemasPrompts.ListPromptsResponseBody),
  { publicTokenScopes: ["read:prompts"] }
)

/** `prompts.versions`: `GET /api/v1/prompts/{slug}/versions`, the newest 50 versions, newest first. */
export const promptsVersions = route(
  "prompts.versions",
  "prompts.versions",
  Capability.make("prompts.versions", secretKeyOnly),
  HttpApiEndpoint.get("versions", "/api/v1/prompts/:slug/versions")
    .setPath(PromptPath)
    .addSuccess(SchemasPrompts.ListPromptVersionsResponseBody),
  { publicTokenScopes: ["read:prompts:{slug}"] }
)

/** `prompts.promote`: `POST /api/v1/prompts/{slug}/promote`, a deployed (`code`) version becomes `current`. */
export const promptsPromote = route(
  "prompts.promote",
  "prompts.promote",
  Capability.make("prompts.promote", secretKeyOnly),
  HttpApiEndpoint.post("promote", "/api/v1/prompts/:slug/promote")
    .setPath(PromptPath)
    .setPayload(SchemasPrompts.PromotePromptVersionRequestBody)
    .addSuccess(SchemasPrompts.PromptOkResponseBody),
  { publicTokenScopes: ["update:prompts:{slug}"] }
)

/** `prompts.createOverride`: `POST /api/v1/prompts/{slug}/override`, a new version labelled `override`. */
export const promptsCreateOverride = route(
  "prompts.createOverride",
  "prompts.createOverride",
  Capability.make("prompts.createOverride", secretKeyOnly),
  HttpApiEndpoint.post("createOverride", "/api/v1/prompts/:slug/override")
    .setPath(PromptPath)
    .setPayload(SchemasPrompts.CreatePromptOverrideRequestBody)
    .addSuccess(SchemasPrompts.PromptOverrideCreatedResponseBody),
  { publicTokenScopes: ["update:prompts:{slug}"] }
)

/** `prompts.updateOverride`: `PUT /api/v1/prompts/{slug}/override`, edits the active override in place. */
export const promptsUpdateOverride = route(
  "prompts.updateOverride",
  "prompts.updateOverride",
  Capability.make("prompts.updateOverride", secretKeyOnly),
  HttpApiEndpoint.put("updateOverride", "/api/v1/prompts/:slug/override")
    .setPath(PromptPath)
    .setPayload(SchemasPrompts.UpdatePromptOverrideRequestBody)
    .addSuccess(SchemasPrompts.PromptOkResponseBody),
  { publicTokenScopes: ["update:prompts:{slug}"] }
)

/** `prompts.removeOverride`: `DELETE /api/v1/prompts/{slug}/override`; the deployed version serves again. */
export const promptsRemoveOverride = route(
  "prompts.removeOverride",
  "prompts.removeOverride",
  Capability.make("prompts.removeOverride", secretKeyOnly),
  HttpApiEndpoint.del("removeOverride", "/api/v1/prompts/:slug/override")
    .setPath(PromptPath)
    .addSuccess(SchemasPrompts.PromptOkResponseBody),
  { publicTokenScopes: ["update:prompts:{slug}"] }
)

/** `prompts.reactivateOverride`: `POST /api/v1/prompts/{slug}/override/reactivate`, an earlier override again. */
export const promptsReactivateOverride = route(
  "prompts.reactivateOverride",
  "prompts.reactivateOverride",
  Capability.make("prompts.reactivateOverride", secretKeyOnly),
  HttpApiEndpoint.post("reactivateOverride", "/api/v1/prompts/:slug/override/reactivate")
    .setPath(PromptPath)
    .setPayload(SchemasPrompts.ReactivatePromptOverrideRequestBody)
    .addSuccess(SchemasPrompts.PromptOkResponseBody),
  { publicTokenScopes: ["update:prompts:{slug}"] }
)

// ---------------------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------------------

/**
 * The whole management API as an `HttpApi`. Build a server with `HttpApiBuilder`, a client with
 * `HttpApiClient`, or docs with `OpenApi.fromApi`; or read it with `HttpApi.reflect` (see `Catalog`).
 */
export const api = HttpApi.make("management")
  .add(
    HttpApiGroup.make("tasks")
      .add(tasksTrigger.endpoint)
      .add(tasksCreateBatch.endpoint)
      .add(tasksStreamBatchItems.endpoint)
  )
  .add(
    HttpApiGroup.make("packets")
      .add(packetsUpload.endpoint)
      // ---- query: packets.download ----
      .add(packetsDownload.endpoint)
  )
  .add(
    HttpApiGroup.make("runs")
      .add(runsList.endpoint)
      .add(runsListProject.endpoint)
      .add(runsRetrieve.endpoint)
      .add(runsCancel.endpoint)
      .add(runsReplay.endpoint)
      // ---- runs: reschedule, tags, metadata ----
      .add(runsReschedule.endpoint)
      .add(runsAddTags.endpoint)
      .add(runsRetrieveMetadata.endpoint)
      .add(runsUpdateMetadata.endpoint)
  )
  .add(
    HttpApiGroup.make("envvars")
      .add(envvarsList.endpoint)
      .add(envvarsRetrieve.endpoint)
      .add(envvarsUpload.endpoint)
      .add(envvarsCreate.endpoint)
      .add(envvarsUpdate.endpoint)
      .add(envvarsDel.endpoint)
  )
  .add(
    HttpApiGroup.make("schedules")
      .add(schedulesList.endpoint)
      .add(schedulesCreate.endpoint)
      .add(schedulesRetrieve.endpoint)
      .add(schedulesUpdate.endpoint)
      .add(schedulesActivate.endpoint)
      .add(schedulesDeactivate.endpoint)
      .add(schedulesDel.endpoint)
      .add(schedulesTimezones.endpoint)
  )
  // ---- deployments ----
  .add(
    HttpApiGroup.make("deployments").add(deploymentsList.endpoint).add(deploymentsRetrieveCurrent.endpoint)
  )
  // ---- batch ----
  .add(HttpApiGroup.make("batch").add(batchRetrieve.endpoint))
  // ---- bulk actions ----
  .add(
    HttpApiGroup.make("bulkActions")
      .add(bulkActionsCreate.endpoint)
      .add(bulkActionsList.endpoint)
      .add(bulkActionsRetrieve.endpoint)
      .add(bulkActionsAbort.endpoint)
  )
  // ---- queues ----
  .add(
    HttpApiGroup.make("queues")
      .add(queuesList.endpoint)
      .add(queuesRetrieve.endpoint)
      .add(queuesPause.endpoint)
      .add(queuesOverrideConcurrencyLimit.endpoint)
      .add(queuesResetConcurrencyLimit.endpoint)
  )
  // ---- waits ----
  .add(
    HttpApiGroup.make("waitTokens")
      .add(waitTokensCreate.endpoint)
      .add(waitTokensList.endpoint)
      .add(waitTokensRetrieve.endpoint)
      .add(waitTokensComplete.endpoint)
  )
  .add(HttpApiGroup.make("idempotencyKeys").add(idempotencyKeysReset.endpoint))
  // ---- sessions ----
  .add(
    HttpApiGroup.make("sessions")
      .add(sessionsStart.endpoint)
      .add(sessionsRetrieve.endpoint)
      .add(sessionsUpdate.endpoint)
      .add(sessionsClose.endpoint)
      .add(sessionsList.endpoint)
  )
  // ---- auth ----
  .add(HttpApiGroup.make("auth").add(authJwtClaims.endpoint).add(authCreatePublicToken.endpoint))
  // ---- query ----
  .add(HttpApiGroup.make("query").add(queryExecute.endpoint).add(queryDashboardsList.endpoint))
  // ---- prompts ----
  .add(
    HttpApiGroup.make("prompts")
      .add(promptsResolve.endpoint)
      .add(promptsList.endpoint)
      .add(promptsVersions.endpoint)
      .add(promptsPromote.endpoint)
      .add(promptsCreateOverride.endpoint)
      .add(promptsUpdateOverride.endpoint)
      .add(promptsRemoveOverride.endpoint)
      .add(promptsReactivateOverride.endpoint)
  )

/**
 * Every route of the catalog as its `Route` object, in the order of the API (the emulator's handler table
 * is checked against this list at compile time).
 *
 * @example
 * ```ts
 * import { ManagementApi } from "@authctx/api"
 *
 * ManagementApi.routes.map((route) => route.id) // ["tasks.trigger", "tasks.createBatch", …]
 * ```
 */
export const routes = [
  tasksTrigger,
  tasksCreateBatch,
  tasksStreamBatchItems,
  packetsUpload,
  // ---- query: packets.download ----
  packetsDownload,
  runsList,
  runsListProject,
  runsRetrieve,
  runsCancel,
  runsReplay,
  // ---- runs: reschedule, tags, metadata ----
  runsReschedule,
  runsAddTags,
  runsRetrieveMetadata,
  runsUpdateMetadata,
  envvarsList,
  envvarsRetrieve,
  envvarsUpload,
  envvarsCreate,
  envvarsUpdate,
  envvarsDel,
  schedulesList,
  schedulesCreate,
  schedulesRetrieve,
  schedulesUpdate,
  schedulesActivate,
  schedulesDeactivate,
  schedulesDel,
  schedulesTimezones,
  // ---- deployments ----
  deploymentsList,
  deploymentsRetrieveCurrent,
  // ---- batch ----
  batchRetrieve,
  // ---- bulk actions ----
  bulkActionsCreate,
  bulkActionsList,
  bulkActionsRetrieve,
  bulkActionsAbort,
  // ---- queues ----
  queuesList,
  queuesRetrieve,
  queuesPause,
  queuesOverrideConcurrencyLimit,
  queuesResetConcurrencyLimit,
  // ---- waits ----
  waitTokensCreate,
  waitTokensList,
  waitTokensRetrieve,
  waitTokensComplete,
  idempotencyKeysReset,
  // ---- sessions ----
  sessionsStart,
  sessionsRetrieve,
  sessionsUpdate,
  sessionsClose,
  sessionsList,
  // ---- auth ----
  authJwtClaims,
  authCreatePublicToken,
  // ---- query ----
  queryExecute,
  queryDashboardsList,
  // ---- prompts ----
  promptsResolve,
  promptsList,
  promptsVersions,
  promptsPromote,
  promptsCreateOverride,
  promptsUpdateOverride,
  promptsRemoveOverride,
  promptsReactivateOverride
] as const

/** Any route of the catalog. */
export type AnyRoute = (typeof routes)[number]

/**
 * The id of any route: `"tasks.trigger" | "tasks.createBatch" | … | "runs.listEnvironment" | …`.
 *
 * @example
 * ```ts
 * import type { ManagementApi } from "@authctx/api"
 *
 * const id: ManagementApi.AnyId = "runs.listProject"
 * ```
 */
export type AnyId = AnyRoute["id"]

/**
 * The name of any SDK call the catalog serves: `"tasks.trigger" | "tasks.batchTrigger" | "runs.list" | …`.
 *
 * @example
 * ```ts
 * import type { ManagementApi } from "@authctx/api"
 *
 * const call: ManagementApi.AnyCall = "runs.list" // both runs.listEnvironment and runs.listProject
 * ```
 */
export type AnyCall = AnyRoute["call"]
