/**
 * The adapter suites' public-token load case (docs/public-tokens.md, "Per tenant in a server"): an app
 * whose `/mint/:kind` route mints a token with the request handle for the tenant `x-tenant` names; 2,000
 * requests over 50 secret-key tenants; every token verified with jose (HS256, issuer, audience) against its
 * tenant's environment key, its `sub` the tenant's environment and its scopes those asked for, and refused
 * by every other environment's key.
 */
import { PublicTokens } from "@authctx/client"
import { jwtVerify } from "jose"
import { previewBranch, runLoad, type Tenant, type World } from "./index.js"

/** What a `/mint/:kind` request mints: `createPublicToken`, `createTriggerPublicToken` or `createBatchTriggerPublicToken`. */
export type MintKind = "read" | "trigger" | "batch"

export const mintKinds: ReadonlyArray<MintKind> = ["read", "trigger", "batch"]

/** The run a `read` token of `tenant` reads; the task a `trigger` or `batch` token of `tenant` triggers. */
export const mintTarget = (tenant: string) => ({ run: `run_${tenant}`, task: `task-${tenant}` }) as const

/** The scopes a token of `kind` for `tenant` must carry (what the route asks for). */
export const mintScopes = (kind: MintKind, tenant: string): ReadonlyArray<string> => {
  const { run, task } = mintTarget(tenant)
  return kind === "read"
    ? [`read:runs:${run}`]
    : kind === "trigger"
      ? [`trigger:tasks:${task}`]
      : [`batchTrigger:tasks:${task}`]
}

/** The world's first 50 tenants whose credential is a secret key (root or additional); PATs cannot mint. */
export const mintingTenants = (world: World, count = 50): ReadonlyArray<Tenant> => {
  const tenants = world.tenants.filter((t) => t.kind === "SecretKey").slice(0, count)
  if (tenants.length < count)
    throw new Error(`the world has ${tenants.length} secret-key tenants, not ${count}`)
  return tenants
}

const environmentOf = (tenant: Tenant): string => `${tenant.projectRef}/${tenant.env}`

/** Verifies `jwt` with `key` as the server does; the payload, or undefined when it does not verify. */
const verify = async (jwt: string, key: Uint8Array) => {
  try {
    const { payload } = await jwtVerify(jwt, key, {
      issuer: PublicTokens.issuer,
      audience: PublicTokens.audience,
      algorithms: ["HS256"]
    })
    return payload
  } catch {
    return undefined
  }
}

/**
 * Sends `total` requests (64 in flight) to `${url}/mint/<kind>` with `x-tenant`, over `tenants` and
 * {@link mintKinds}; the answer is `{ token }`. Returns the broken promises, one line each (none when every
 * token verifies for its own tenant's environment only, with its tenant's `sub` and scopes, and every
 * tenant was served).
 */
export const publicTokenLoadCase = async (
  world: World,
  tenants: ReadonlyArray<Tenant>,
  url: string,
  total = 2000
): Promise<ReadonlyArray<string>> => {
  const encoder = new TextEncoder()
  const keys = new Map<string, Uint8Array>()
  for (const project of world.emulator.credentials.projects) {
    for (const [env, environment] of Object.entries(project.environments)) {
      keys.set(`${project.ref}/${env}`, encoder.encode(environment.secretKey))
    }
  }
  // each tenant's environment id, as the claims route answers it (a preview tenant's is its branch's)
  const subjects = new Map<string, unknown>()
  for (const tenant of tenants) {
    const response = await fetch(`${world.emulator.url}/api/v1/auth/jwt/claims`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tenant.token}`,
        ...(tenant.env === "preview" ? { "x-trigger-branch": previewBranch } : {})
      }
    })
    subjects.set(tenant.id, ((await response.json()) as { sub?: unknown }).sub)
  }
  const problems: Array<string> = []
  const served = new Set<string>()
  let verified = 0
  await runLoad(total, 64, async (index) => {
    const tenant = tenants[index % tenants.length]
    const kind = mintKinds[Math.floor(index / tenants.length) % mintKinds.length]
    if (tenant === undefined || kind === undefined) throw new Error("no tenant")
    const where = `${tenant.id} ${kind}`
    try {
      const response = await fetch(`${url}/mint/${kind}`, {
        headers: { "x-tenant": tenant.id },
        signal: AbortSignal.timeout(30_000)
      })
      const text = await response.text()
      if (response.status !== 200) {
        problems.push(`${where}: ${response.status} ${text.slice(0, 200)}`)
        return
      }
      const jwt = (JSON.parse(text) as { token?: unknown }).token
      if (typeof jwt !== "string") {
        problems.push(`${where}: no token in the answer`)
        return
      }
      const own = keys.get(environmentOf(tenant))
      const payload = own === undefined ? undefined : await verify(jwt, own)
      if (payload === undefined) {
        problems.push(`${where}: does not verify with its environment's key`)
        return
      }
      if (payload["sub"] !== subjects.get(tenant.id))
        problems.push(`${where}: the sub of another environment`)
      if (JSON.stringify(payload["scopes"]) !== JSON.stringify(mintScopes(kind, tenant.id))) {
        problems.push(`${where}: scopes ${JSON.stringify(payload["scopes"])}`)
      }
      for (const [environment, key] of keys) {
        if (environment !== environmentOf(tenant) && (await verify(jwt, key)) !== undefined) {
          problems.push(`${where}: verifies with the key of ${environment}`)
        }
      }
      verified += 1
      served.add(tenant.id)
    } catch (error) {
      problems.push(`${where}: ${String(error)}`)
    }
  })
  if (verified !== total) problems.push(`${verified} of ${total} tokens verified`)
  if (served.size !== tenants.length)
    problems.push(`${served.size} tenants served, expected ${tenants.length}`)
  return problems
}
