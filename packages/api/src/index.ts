/**
 * `@authctx/api`: the Trigger.dev management API contract — one catalog of the endpoints (docs/research/trigger-wire.md) with
 * their wire schemas and accepted credential kinds. No I/O.
 *
 * @example
 * ```ts
 * import { Catalog, Headers, ManagementApi, Schemas } from "@authctx/api"
 *
 * const retrieve = ManagementApi.runsRetrieve // route, capability and HttpApiEndpoint
 * const entries = Catalog.entries // every route, read back from the HttpApi
 * const Run = Schemas.RetrieveRunResponse
 * const branchHeader = Headers.branch // "x-trigger-branch"
 * ```
 */
export * as AuthSchemas from "./AuthSchemas.js"
export * as Catalog from "./Catalog.js"
export * as Headers from "./Headers.js"
export * as ManagementApi from "./ManagementApi.js"
export * as Packet from "./Packet.js"
export * as Schemas from "./Schemas.js"
// ---- prompts ----
export * as SchemasPrompts from "./SchemasPrompts.js"
// ---- sessions ----
export * as SchemasSessions from "./SchemasSessions.js"
export * as WaitTokenSchemas from "./WaitTokenSchemas.js"
