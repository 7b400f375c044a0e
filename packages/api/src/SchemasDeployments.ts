/**
 * The wire schemas of `deployments.list`, `deployments.retrieveCurrent` and `schedules.timezones`, mirroring
 * `@trigger.dev/core` 4.8.3's `v3/schemas/api.js` (the facts: docs/reference/deployments.md). Re-exported
 * by `Schemas`.
 *
 * @example
 * ```ts
 * import { Schemas } from "@authctx/api"
 * import { Schema } from "effect"
 *
 * const item = Schema.decodeUnknownSync(Schemas.DeploymentItem)({
 *   id: "deployment_1", createdAt: "2026-12-01T00:00:00.000Z", shortCode: "abc123", version: "20261201.1",
 *   runtime: "node", runtimeVersion: "22.0.0", status: "DEPLOYED"
 * })
 * ```
 */
import * as Schema from "effect/Schema"

/** Mirrors the `status` enum of `ApiDeploymentListResponseItem`. */
export const DeploymentStatus = Schema.Literal(
  "PENDING",
  "BUILDING",
  "DEPLOYING",
  "DEPLOYED",
  "FAILED",
  "CANCELED",
  "TIMED_OUT"
)
export type DeploymentStatus = typeof DeploymentStatus.Type

/** Mirrors `DeploymentErrorData`. */
export const DeploymentErrorData = Schema.Struct({
  name: Schema.String,
  message: Schema.String,
  stack: Schema.optional(Schema.String),
  stderr: Schema.optional(Schema.String)
})

/** Mirrors `ApiDeploymentListResponseItem` (also `RetrieveCurrentDeploymentResponseBody`). */
export const DeploymentItem = Schema.Struct({
  id: Schema.String,
  createdAt: Schema.Date,
  shortCode: Schema.String,
  version: Schema.String,
  runtime: Schema.NullOr(Schema.String),
  runtimeVersion: Schema.NullOr(Schema.String),
  status: DeploymentStatus,
  deployedAt: Schema.optional(Schema.Date),
  git: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  error: Schema.optional(DeploymentErrorData),
  externalId: Schema.optional(Schema.NullOr(Schema.String))
})
export type DeploymentItem = typeof DeploymentItem.Type

/** The cursor page of `deployments.list` (`zodfetchCursorPage` of `ApiDeploymentListResponseItem`). */
export const ListDeploymentsResponse = Schema.Struct({
  data: Schema.Array(DeploymentItem),
  pagination: Schema.Struct({
    next: Schema.optional(Schema.String),
    previous: Schema.optional(Schema.String)
  })
})
export type ListDeploymentsResponse = typeof ListDeploymentsResponse.Type

/** Mirrors `TimezonesResult`: the IANA time zone names the server accepts for schedules. */
export const TimezonesResult = Schema.Struct({ timezones: Schema.Array(Schema.String) })
export type TimezonesResult = typeof TimezonesResult.Type
