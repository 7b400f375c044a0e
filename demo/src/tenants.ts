/**
 * The demo's tenants: ~40 tenant ids of a multi-tenant backend, each mapped (the way a real backend maps
 * its customers) onto one of the emulator's demo credentials — both projects' SecretKeys and scoped keys of
 * every environment, and the two users' PATs. Each tenant owns one environment variable whose name says
 * whose it is, so every emulator request a handler makes for a tenant names that tenant in its path.
 */
import { createClient } from "@authctx/client/promise"
import { type Auth, Credential } from "@authctx/core"
import type { Emulator } from "@authctx/emulator"

/** An environment slug of the envvars routes. */
export type Slug = "dev" | "staging" | "prod" | "preview"

const slugs: ReadonlyArray<Slug> = ["dev", "staging", "prod", "preview"]

/** The preview branch the preview tenants use (the emulator's demo projects both have it). */
export const previewBranch = "feature-a"

/** What kind of demo credential a tenant is mapped to. */
export type KeyKind = "secret key" | "scoped key" | "PAT"

/** One tenant of the demo backend. */
export interface Tenant {
  /** `t00`, `t01`, …: what the demo's routes take (`/t/:tenant/…` or `x-tenant`). */
  readonly id: string
  /** The tenant's own environment variable (its value is the tenant id). */
  readonly varName: string
  readonly projectRef: string
  readonly projectName: string
  readonly env: Slug
  readonly keyKind: KeyKind
  /** The emulator's demo credential this tenant maps to. Never printed except in `--serve` curl lines. */
  readonly token: string
  /** `Credential.fingerprint` of the token: what the emulator's request log records. */
  readonly fingerprint: string
  /** What the servers' `resolve` returns for this tenant. */
  readonly config: Auth.AuthConfig
}

/** The tenants, by id and by variable name. */
export interface Tenants {
  readonly all: ReadonlyArray<Tenant>
  readonly byId: ReadonlyMap<string, Tenant>
  readonly byVarName: ReadonlyMap<string, Tenant>
  /** How many different credentials the tenants map to. */
  readonly credentials: number
}

interface Slot {
  readonly token: string
  readonly projectRef: string
  readonly projectName: string
  readonly env: Slug
  readonly keyKind: KeyKind
}

/** Every demo credential of the emulator, with the project and environment a tenant of it works in. */
const slotsOf = (emulator: Emulator): ReadonlyArray<Slot> => {
  const { projects, users } = emulator.credentials
  const slots: Array<Slot> = []
  for (const project of projects) {
    for (const env of slugs) {
      const keys = project.environments[env]
      const base = { projectRef: project.ref, projectName: project.name, env }
      slots.push({ ...base, token: keys.secretKey, keyKind: "secret key" })
      slots.push({ ...base, token: keys.scopedKey, keyKind: "scoped key" })
    }
  }
  for (const [index, user] of users.entries()) {
    // A PAT reaches every project of its user: its tenants work in the last one, in staging or prod.
    const projectRef = user.projectRefs.at(-1)
    const project = projects.find((p) => p.ref === projectRef)
    if (project === undefined) continue
    slots.push({
      token: user.pat,
      projectRef: project.ref,
      projectName: project.name,
      env: index % 2 === 0 ? "staging" : "prod",
      keyKind: "PAT"
    })
  }
  return slots
}

/** Maps `count` tenants round-robin onto the emulator's credentials. */
export const makeTenants = (emulator: Emulator, count: number): Tenants => {
  const slots = slotsOf(emulator)
  if (slots.length === 0) throw new Error("the emulator has no demo credentials")
  const all: Array<Tenant> = []
  for (let i = 0; i < count; i++) {
    const slot = slots[i % slots.length]
    if (slot === undefined) continue
    const id = `t${String(i).padStart(2, "0")}`
    all.push({
      id,
      varName: `DEMO_TENANT_${id.toUpperCase()}`,
      projectRef: slot.projectRef,
      projectName: slot.projectName,
      env: slot.env,
      keyKind: slot.keyKind,
      token: slot.token,
      fingerprint: Credential.fingerprint(Credential.unsafeParse(slot.token)),
      config:
        slot.env === "preview" ? { accessToken: slot.token, previewBranch } : { accessToken: slot.token }
    })
  }
  return {
    all,
    byId: new Map(all.map((t) => [t.id, t])),
    byVarName: new Map(all.map((t) => [t.varName, t])),
    credentials: new Set(all.map((t) => t.token)).size
  }
}

/** Creates each tenant's variable in its environment, with the tenant's own credential. */
export const seedTenantVariables = async (tenants: Tenants, baseURL: string): Promise<void> => {
  for (const tenant of tenants.all) {
    const client = createClient({ ...tenant.config, baseURL, previewBranch })
    await client.envvars.create(tenant.projectRef, tenant.env, { name: tenant.varName, value: tenant.id })
  }
}

/** The tenant a request names: the `x-tenant` header, else the `:tenant` of a `/t/:tenant/…` path. */
export const tenantIdOf = (path: string, header: string | undefined): string | undefined => {
  if (header !== undefined && header.length > 0) return header
  const match = /^\/t\/([^/]+)(?:\/|$)/.exec(path)
  return match?.[1]
}

/** A short description of a tenant's credential, without the credential. */
export const describeTenant = (tenant: Tenant): string =>
  `${tenant.projectName} · ${tenant.env} · ${tenant.keyKind} (${tenant.fingerprint})`
