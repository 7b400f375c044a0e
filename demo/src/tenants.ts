/**
 * The demo's tenants: ~40 tenant ids of a multi-tenant backend, each mapped (the way a real backend maps
 * its customers) onto one of the emulator's demo credentials — both projects' SecretKeys and scoped keys of
 * every environment, and the users' PATs. Each tenant owns one environment variable whose name says whose it
 * is, so every emulator request a handler makes for a tenant names that tenant in its path. The mapping and
 * the variables are the adapter suites' own (`@authctx/adapter-testkit`): the demo shows what they test.
 */
import * as Testkit from "@authctx/adapter-testkit"
import { Credential } from "@authctx/core"
import type { Emulator } from "@authctx/emulator"

/** An environment slug of the envvars routes. */
export type Slug = Testkit.Slug

/** The preview branch the preview tenants use (the emulator's demo projects both have it). */
export const previewBranch = Testkit.previewBranch

/** What kind of demo credential a tenant is mapped to, in words. */
export type KeyKind = "secret key" | "scoped key" | "PAT"

/**
 * One tenant of the demo backend: the testkit's tenant (`id` is what the demo's routes take, `/t/:tenant/…`
 * or `x-tenant`; `token` is never printed except in `--serve` curl lines), with names for the screen.
 */
export interface Tenant extends Testkit.Tenant {
  readonly projectName: string
  readonly keyKind: KeyKind
}

/** The tenants, by id and by variable name. */
export interface Tenants {
  readonly all: ReadonlyArray<Tenant>
  readonly byId: ReadonlyMap<string, Tenant>
  readonly byVarName: ReadonlyMap<string, Tenant>
  /** How many different credentials the tenants map to. */
  readonly credentials: number
}

const keyKindOf = (token: string): KeyKind => {
  const credential = Credential.unsafeParse(token)
  if (credential._tag === "PersonalAccessToken") return "PAT"
  return credential.scoped ? "scoped key" : "secret key"
}

/** Maps `count` tenants round-robin onto the emulator's credentials and creates their variables. */
export const startTenants = async (emulator: Emulator, count: number): Promise<Tenants> => {
  const base = Testkit.tenantsOn(emulator, count)
  await Testkit.seedTenants(emulator, base)
  const names = new Map(emulator.credentials.projects.map((p) => [p.ref, p.name]))
  const all: ReadonlyArray<Tenant> = base.map((tenant) => ({
    ...tenant,
    projectName: names.get(tenant.projectRef) ?? tenant.projectRef,
    keyKind: keyKindOf(tenant.token)
  }))
  return {
    all,
    byId: new Map(all.map((t) => [t.id, t])),
    byVarName: new Map(all.map((t) => [t.varName, t])),
    credentials: new Set(all.map((t) => t.token)).size
  }
}

/** The tenant a request names: the `x-tenant` header, else the `:tenant` of a `/t/:tenant/…` path. */
export const tenantIdOf = (path: string, header: string | undefined): string | undefined => {
  if (header !== undefined && header.length > 0) return header
  const match = /^\/t\/([^/]+)(?:\/|$)/.exec(path)
  return match?.[1]
}
