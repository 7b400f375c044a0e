/**
 * The deployments routes. The emulator deploys nothing: each environment holds ONE synthetic deployment,
 * made on first use, status `DEPLOYED` and promoted (the current one). `deployments.list` answers it
 * through the filters (`status`, `period`, `from`, `to`) in a cursor page whose `page[size]` is clamped to
 * 5–100 as the server's; `deployments.retrieveCurrent` answers it. docs/reference/deployments.md.
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import type { Environment } from "../model.js"
import { fail, handle, ok, type Result, type RouteHandler, withEnvironment } from "./handle.js"

const statuses: ReadonlySet<string> = new Set([
  "PENDING",
  "BUILDING",
  "DEPLOYING",
  "DEPLOYED",
  "FAILED",
  "CANCELED",
  "TIMED_OUT"
])

/** The synthetic deployment of each environment, made on first use (kept out of the shared model). */
const current = new WeakMap<Environment, Schemas.DeploymentItem>()

const deploymentOf = (environment: Environment, now: number): Schemas.DeploymentItem => {
  let deployment = current.get(environment)
  if (deployment === undefined) {
    const at = new Date(now)
    const day = at.toISOString().slice(0, 10).replace(/-/g, "")
    deployment = {
      id: `deployment_${environment.id}`,
      createdAt: at,
      shortCode: environment.id.slice(-8),
      version: `${day}.1`,
      runtime: "node",
      runtimeVersion: process.versions.node,
      status: "DEPLOYED",
      deployedAt: at,
      externalId: null
    }
    current.set(environment, deployment)
  }
  return deployment
}

/** `1d`, `7d`, `3h`, `30m`, `2w` in ms, or `undefined` when it is not a period. */
const periodMs = (period: string): number | undefined => {
  const match = /^(\d{1,6})([smhdw])$/.exec(period)
  if (match === null) return undefined
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as "s"]
  return Number(match[1]) * unit
}

const queryError = (issue: string): Result<never> => fail(400, `Query Error: ${issue}`)

/** The server's page size: 20 by default, clamped to 5–100. */
const pageSize = (size: string | undefined): number | undefined => {
  if (size === undefined) return 20
  const n = Number(size)
  if (!Number.isFinite(n)) return undefined
  return Math.min(100, Math.max(5, Math.trunc(n)))
}

/** The deployments handlers, one per route of the `deployments` group. */
export const deployments: readonly [
  RouteHandler<typeof ManagementApi.deploymentsList>,
  RouteHandler<typeof ManagementApi.deploymentsRetrieveCurrent>
] = [
  handle(ManagementApi.deploymentsList, (context, { query }) =>
    withEnvironment(context, (environment) => {
      if (query.status !== undefined && !statuses.has(query.status)) return queryError("status")
      const size = pageSize(query["page[size]"])
      if (size === undefined) return queryError("page[size]")
      let since: number | undefined
      if (query.period !== undefined) {
        const ms = periodMs(query.period)
        if (ms === undefined) return queryError("period")
        since = context.now - ms
      }
      const from = query.from === undefined ? undefined : Date.parse(query.from)
      const to = query.to === undefined ? undefined : Date.parse(query.to)
      if (from !== undefined && Number.isNaN(from)) return queryError("from")
      if (to !== undefined && Number.isNaN(to)) return queryError("to")
      const all = [deploymentOf(environment, context.now)].filter((deployment) => {
        const created = deployment.createdAt.getTime()
        return (
          (query.status === undefined || deployment.status === query.status) &&
          (since === undefined || created >= since) &&
          (from === undefined || created >= from) &&
          (to === undefined || created <= to)
        )
      })
      const after = query["page[after]"]
      const start = after === undefined ? 0 : all.findIndex((deployment) => deployment.id === after) + 1
      const data = all.slice(start, start + size)
      const last = data[data.length - 1]
      const more = start + size < all.length && last !== undefined
      return ok({ data, pagination: more ? { next: last.id } : {} })
    })
  ),
  handle(ManagementApi.deploymentsRetrieveCurrent, (context) =>
    withEnvironment(context, (environment) => ok(deploymentOf(environment, context.now)))
  )
]
