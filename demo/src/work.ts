/**
 * What a tenant's request does in every demo server: a small random await (so that concurrent requests
 * overlap), a call through the ambient Promise API, another random await, and a call through the
 * request's own client. Both calls read the tenant's own variable, so the emulator's log can tell, for
 * every call, which tenant it was made for.
 */
import { setTimeout as sleep } from "node:timers/promises"
import { auth, envvars } from "@authctx/client/promise"
import { Credential } from "@authctx/core"
import type { Slug, Tenant } from "./tenants.js"

/** A random await of 0–3 ms: enough for other requests' handlers to run in between. */
export const jitter = (): Promise<void> => sleep(Math.floor(Math.random() * 4))

/** The `envvars.retrieve` of a client (the request's `auth.client.envvars`). */
export interface EnvvarsRetrieve {
  retrieve(projectRef: string, env: Slug, name: string): Promise<{ readonly value: string }>
}

/** One emulator call as the server saw it: which credential it used (fingerprint) and what came back. */
export interface CallReport {
  readonly via: "ambient" | "auth.client" | "sdk" | "global"
  /** The fingerprint of the credential the call used, as far as the server knows. */
  readonly credential: string | undefined
  /** Whether that is the tenant's own credential. */
  readonly own: boolean
  /** The variable's value (the tenant id), or the emulator's status when it refused. */
  readonly value: string
}

/** A demo server's answer to a tenant request. */
export interface TenantAnswer {
  readonly tenant: string
  readonly calls: ReadonlyArray<CallReport>
}

/** A call's report: `own` when `credential` is the tenant's fingerprint. */
export const callReport = (
  tenant: Tenant,
  via: CallReport["via"],
  credential: string | undefined,
  value: string
): CallReport => ({ via, credential, own: credential === tenant.fingerprint, value })

/** The part of a request's auth handle (`req.auth`, `ctx.state.auth`, `c.var.auth`) the handlers use. */
export interface HandleView {
  readonly context: { readonly credential: Credential.Credential }
  readonly client: { readonly envvars: EnvvarsRetrieve }
}

/**
 * The handler body of the authctx servers. It runs inside the request's auth scope (set by the adapter), so
 * the ambient `envvars.retrieve` uses the tenant's credential; `handle` is the request's auth handle.
 */
export const tenantWork = async (tenant: Tenant, handle: HandleView): Promise<TenantAnswer> => {
  await jitter()
  const scoped = auth.current()
  const ambient = await envvars.retrieve(tenant.projectRef, tenant.env, tenant.varName)
  await jitter()
  const own = await handle.client.envvars.retrieve(tenant.projectRef, tenant.env, tenant.varName)
  return {
    tenant: tenant.id,
    calls: [
      callReport(
        tenant,
        "ambient",
        scoped === undefined ? undefined : Credential.fingerprint(scoped.credential),
        ambient.value
      ),
      callReport(tenant, "auth.client", Credential.fingerprint(handle.context.credential), own.value)
    ]
  }
}

/**
 * The handler body of the servers without authctx (the SDK's, the global swap): a random await, `call`,
 * another random await, `call` again; run inside whatever scope the server set for the request.
 */
export const twoCalls = async (
  tenant: Tenant,
  call: (tenant: Tenant) => Promise<CallReport>
): Promise<TenantAnswer> => {
  await jitter()
  const first = await call(tenant)
  await jitter()
  const second = await call(tenant)
  return { tenant: tenant.id, calls: [first, second] }
}

/** Whether an answer is the tenant's own: its id, and every call returned the tenant's variable. */
export const isOwnAnswer = (tenant: Tenant, answer: unknown): boolean => {
  if (typeof answer !== "object" || answer === null) return false
  if (!("tenant" in answer) || answer.tenant !== tenant.id) return false
  if (!("calls" in answer) || !Array.isArray(answer.calls)) return false
  const calls: ReadonlyArray<unknown> = answer.calls
  return (
    calls.length > 0 &&
    calls.every((c) => typeof c === "object" && c !== null && "value" in c && c.value === tenant.id)
  )
}
