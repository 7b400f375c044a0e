/**
 * The demo's tenants: ~40 tenant ids of a multi-tenant backend, each mapped (the way a real backend maps
 * its customers) onto one of the emulator's demo credentials — both projects' SecretKeys and scoped keys of
 * every environment, and the users' PATs. Each tenant owns one environment variable whose name says whose it
 * is, so every emulator request a handler makes for a tenant names that tenant in its path. The tenant, the
 * mapping and the variables are the adapter suites' own (`@authctx/adapter-testkit`): the demo shows what
 * they test.
 */
import * as Testkit from "@authctx/adapter-testkit"
import type { Emulator } from "@authctx/emulator"

/** An environment slug of the envvars routes. */
export type Slug = Testkit.Slug

/** The preview branch the preview tenants use (the emulator's demo projects both have it). */
export const previewBranch = Testkit.previewBranch

/** What kind of demo credential a tenant is mapped to, in words. */
export type KeyKind = Testkit.KeyKind

/** One tenant of the demo backend: the testkit's tenant, the one the adapter suites use. */
export type Tenant = Testkit.Tenant

/** The tenants, by id and by variable name. */
export interface Tenants {
  readonly all: ReadonlyArray<Tenant>
  readonly byId: ReadonlyMap<string, Tenant>
  readonly byVarName: ReadonlyMap<string, Tenant>
  /** How many different credentials the tenants map to. */
  readonly credentials: number
}

/** Maps `count` tenants round-robin onto the emulator's credentials and creates their variables. */
export const startTenants = async (emulator: Emulator, count: number): Promise<Tenants> => {
  const all = Testkit.tenantsOn(emulator, count)
  await Testkit.seedTenants(emulator, all)
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
