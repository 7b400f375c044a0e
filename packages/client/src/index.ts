/**
 * `@authctx/client`: the typed Effect client of the Trigger.dev management API. Every call reads the
 * current `Auth` and carries its endpoint's capability requirement in `R`.
 *
 * @example
 * ```ts
 * import { ManagementClient, Runs } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const program = Runs.list({ limit: 5 }).pipe(
 *   Auth.withAuth({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */

export * as Batches from "./Batches.js"

export * as BulkActions from "./BulkActions.js"
export * as Calls from "./Calls.js"
export * as Deployments from "./Deployments.js"
export * as Envvars from "./Envvars.js"
export * from "./Errors.js"
export * as IdempotencyKeys from "./IdempotencyKeys.js"
export * as ManagementClient from "./ManagementClient.js"
export * as Prompts from "./Prompts.js"
export * as PublicTokens from "./PublicTokens.js"
export * as Query from "./Query.js"
export * as Queues from "./Queues.js"
export * as Runs from "./Runs.js"
export * as Schedules from "./Schedules.js"
export * as Sessions from "./Sessions.js"
export * as Tasks from "./Tasks.js"
export * as Transport from "./Transport.js"
export * as WaitTokens from "./WaitTokens.js"
