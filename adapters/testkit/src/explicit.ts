/**
 * The explicit-handle mode (`authContext({ ambient: false })`) judged by the emulator's request log: the
 * handler's `auth.client` call carries the tenant's credential, and an ambient call in the same handler —
 * which runs in no auth scope — rejects with `OutsideAuthScope` and sends nothing, although the process has
 * a default credential (another tenant's) that a silent fallback would have used.
 */
import { configure, envvars } from "@authctx/client/promise"
import { AuthScope } from "@authctx/core"
import { checkLog, type EnvvarsCalls, runLoad, type Tenant, type World } from "./index.js"
import { trapTenants } from "./traps.js"

/** What an explicit-mode handler answers. */
export interface ExplicitAnswer {
  readonly tenant: string
  /** The tenant's variable read through the request's `auth.client`. */
  readonly own: string
  /** How the ambient call of the same variable ended: the error's tag, or `"sent"`. */
  readonly ambient: string
  /** Whether an auth scope was active in the handler (none must be). */
  readonly scoped: boolean
}

const tagOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
    ? error._tag
    : "untagged error"

/** The handler body of the `/explicit/:tenant` route: one call through `client`, one ambient call. */
export const explicitWork = async (tenant: Tenant, client: EnvvarsCalls): Promise<ExplicitAnswer> => {
  const scoped = AuthScope.current() !== undefined
  const own = await client.retrieve(tenant.projectRef, tenant.env, tenant.varName)
  let ambient = "sent"
  try {
    await envvars.retrieve(tenant.projectRef, tenant.env, tenant.varName)
  } catch (error) {
    ambient = tagOf(error)
  }
  return { tenant: tenant.id, own: own.value, ambient, scoped }
}

/**
 * Drives `total` requests (`x-tenant` header) to a server whose `/explicit/:tenant` route runs
 * {@link explicitWork} behind `authContext({ ambient: false, resolve })`, with another tenant's credential
 * configured as the process default, and judges the answers and the request log. Returns the broken
 * promises (none when the mode holds). Turns server mode off and clears the default afterwards.
 */
export const explicitCase = async (
  world: World,
  url: string,
  total = 200,
  concurrency = 16
): Promise<ReadonlyArray<string>> => {
  const problems: Array<string> = []
  if (!AuthScope.isServerMode()) problems.push("authContext({ ambient: false }) did not turn server mode on")
  const { fallback } = trapTenants(world)
  // The default a silent fallback would send (naming no serverMode keeps the middleware's server mode on).
  configure({ ...fallback.config, baseURL: world.emulator.url })
  world.emulator.clearRequests()
  try {
    await runLoad(total, concurrency, async (index) => {
      const tenant = world.tenants[index % world.tenants.length]
      if (tenant === undefined) throw new Error("no tenant")
      try {
        const response = await fetch(`${url}/explicit/${tenant.id}`, {
          headers: { "x-tenant": tenant.id },
          signal: AbortSignal.timeout(30_000)
        })
        const text = await response.text()
        const answer = JSON.parse(text) as ExplicitAnswer
        if (
          response.status !== 200 ||
          answer.own !== tenant.id ||
          answer.ambient !== "OutsideAuthScope" ||
          answer.scoped
        )
          problems.push(`${tenant.id}: ${response.status} ${text.slice(0, 200)}`)
      } catch (error) {
        problems.push(`${tenant.id}: ${String(error)}`)
      }
    })
    const records = world.emulator.requests()
    const log = checkLog(records, world.tenants)
    // One request per handler (its auth.client call): the ambient calls sent nothing.
    if (records.length !== total) problems.push(`the emulator saw ${records.length} calls, expected ${total}`)
    if (log.attributed !== total) problems.push(`${log.attributed} calls name a tenant, expected ${total}`)
    for (const r of log.crossTenant) problems.push(`cross-tenant: ${r.method} ${r.path} (${r.credential})`)
    for (const r of log.failed) problems.push(`failed: ${r.method} ${r.path} ${r.status}`)
    return problems
  } finally {
    configure({ serverMode: false })
  }
}
