/**
 * Minting public access tokens per request on a real Hono app (docs/public-tokens.md, "Per tenant in a
 * server"): `c.var.auth.createPublicToken(…)`, `createTriggerPublicToken` and `createBatchTriggerPublicToken`
 * mint for the request's tenant. Under load (2,000 requests, 64 connections, 50 SecretKey tenants, root and
 * additional keys, preview branches included) every token is verified with jose against its tenant's
 * environment key (issuer, audience, `sub` = the tenant's environment) and fails against every other
 * environment's key. A minted token works against the emulator; a handle of another kind is refused before
 * anything is sent.
 */
import type { Server } from "node:http"
import {
  maxHeaderSize,
  previewBranch,
  type Running,
  runLoad,
  serve,
  startWorld,
  type Tenant,
  type World,
  withServer
} from "@authctx/adapter-testkit"
import { PublicTokens } from "@authctx/client"
import { createClient } from "@authctx/client/promise"
import { CapabilityError, PublicToken } from "@authctx/core"
import { authContext } from "@authctx/hono"
import { createAdaptorServer } from "@hono/node-server"
import { Redacted } from "effect"
import { type Env, Hono } from "hono"
import { jwtVerify } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let world: World
/** 50 tenants whose credential is a secret key (root or additional), in their world order. */
let tenants: ReadonlyArray<Tenant>
/** Each environment's root secret key (the signing key), by `<projectRef>/<env>`. */
let environmentKeys: ReadonlyMap<string, string>
/** The `sub` a tenant's tokens must carry: its environment (the branch's for preview tenants), by tenant id. */
const subjects = new Map<string, string>()

const environmentOf = (tenant: Tenant): string => `${tenant.projectRef}/${tenant.env}`

beforeAll(async () => {
  // more tenants than needed: the round-robin gives some of them PATs, which cannot mint
  world = await startWorld(64)
  tenants = world.tenants.filter((t) => t.kind === "SecretKey").slice(0, 50)
  const keys = new Map<string, string>()
  for (const project of world.emulator.credentials.projects) {
    for (const [env, environment] of Object.entries(project.environments)) {
      keys.set(`${project.ref}/${env}`, environment.secretKey)
    }
  }
  environmentKeys = keys
  for (const tenant of tenants) {
    const response = await fetch(`${world.emulator.url}/api/v1/auth/jwt/claims`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tenant.token}`,
        ...(tenant.env === "preview" ? { "x-trigger-branch": previewBranch } : {})
      }
    })
    const claims = (await response.json()) as { sub?: unknown }
    if (typeof claims.sub !== "string") throw new Error(`no environment for ${tenant.id}`)
    subjects.set(tenant.id, claims.sub)
  }
})

afterAll(async () => {
  await world?.stop()
})

const listen = <E extends Env>(app: Hono<E>): Promise<Running> =>
  serve(createAdaptorServer({ fetch: app.fetch, serverOptions: { maxHeaderSize } }) as Server)

const kinds = ["read", "trigger", "batch"] as const
type MintKind = (typeof kinds)[number]

/** The scopes a request of `kind` for `tenant` asks for. */
const scopesFor = (kind: MintKind, tenant: string): ReadonlyArray<string> =>
  kind === "read"
    ? [`read:runs:run_${tenant}`]
    : kind === "trigger"
      ? [`trigger:tasks:task-${tenant}`]
      : [`batchTrigger:tasks:task-${tenant}`]

/** The app: `/mint/:kind` mints for the tenant `x-tenant` names, with the request's secret key. */
const mintApp = (): Hono => {
  const app = new Hono()
  const auth = authContext({
    resolve: (c) => tenants.find((t) => t.id === c.req.header("x-tenant"))?.config,
    accept: ["SecretKey"],
    baseURL: world.emulator.url
  })
  app.get("/mint/:kind", auth, async (c) => {
    const tenant = c.req.header("x-tenant") ?? ""
    const kind = c.req.param("kind")
    const token =
      kind === "read"
        ? await c.var.auth.createPublicToken({ scopes: { read: { runs: [`run_${tenant}`] } } })
        : kind === "trigger"
          ? await c.var.auth.createTriggerPublicToken(`task-${tenant}`, { multipleUse: true })
          : await c.var.auth.createBatchTriggerPublicToken(`task-${tenant}`, { expirationTime: "1h" })
    return c.json({ token: Redacted.value(token.token), scopes: token.scopes })
  })
  // a route that takes PATs too: minting needs the kind narrowed (the type says so), else it is refused
  app.get("/any", authContext({ baseURL: world.emulator.url }), async (c) => {
    const handle = c.var.auth
    if (handle.kind === "SecretKey") {
      const token = await handle.createPublicToken({ scopes: ["read:runs"] })
      return c.json({ minted: token.scopes })
    }
    // the member is typed Refused on a PAT handle; calling it anyway is refused at run time
    const refused = (
      handle as unknown as { createPublicToken: typeof PublicTokens.createPublicToken }
    ).createPublicToken({ scopes: ["read:runs"] })
    try {
      await (refused as unknown as Promise<unknown>)
      return c.json({ refused: false })
    } catch (error) {
      return c.json({ refused: error instanceof CapabilityError, kind: handle.kind })
    }
  })
  return app
}

/** Verifies `jwt` with `key` as the server does (HS256, issuer, audience); the payload, or undefined. */
const verify = async (jwt: string, key: string) => {
  try {
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(key), {
      issuer: PublicTokens.issuer,
      audience: PublicTokens.audience,
      algorithms: ["HS256"]
    })
    return payload
  } catch {
    return undefined
  }
}

describe("minting on the request handle", () => {
  it("a minted token is the tenant's: the emulator accepts it in scope", async () => {
    const tenant = tenants.find((t) => t.env === "dev" && !t.token.includes("_sk_"))
    if (tenant === undefined) throw new Error("no dev root-key tenant")
    await withServer(listen(mintApp()), async (server) => {
      const response = await fetch(`${server.url}/mint/trigger`, { headers: { "x-tenant": tenant.id } })
      expect(response.status).toBe(200)
      const { token: jwt } = (await response.json()) as { token: string }
      const token = PublicToken.narrow(PublicToken.unsafeParse(jwt), [`trigger:tasks:task-${tenant.id}`])
      expect(token.oneTimeUse).toBe(false)
      const client = createClient({ accessToken: token, baseURL: world.emulator.url })
      const handle = await client.tasks.trigger(`task-${tenant.id}`, { n: 1 })
      expect(handle.id).toMatch(/^run_/)
      // the run is in the tenant's environment: its key reads it
      const owner = createClient({ ...tenant.config, baseURL: world.emulator.url }).requireSecretKey()
      expect((await owner.runs.retrieve(handle.id)).id).toBe(handle.id)
    })
  })

  it("a handle of unknown kind mints once narrowed; a PAT's is refused before sending", async () => {
    await withServer(listen(mintApp()), async (server) => {
      const minted = await fetch(`${server.url}/any`, {
        headers: { authorization: `Bearer ${world.secretKey}` }
      })
      expect(await minted.json()).toEqual({ minted: ["read:runs"] })
      world.emulator.clearRequests()
      const refused = await fetch(`${server.url}/any`, { headers: { authorization: `Bearer ${world.pat}` } })
      expect(await refused.json()).toEqual({ refused: true, kind: "PersonalAccessToken" })
      expect(world.emulator.requests()).toEqual([])
    })
  })
})

describe("per-request minting under load", () => {
  it("2,000 requests, 64 connections, 50 tenants: every token verifies for its tenant's environment only", async () => {
    expect(tenants.length).toBe(50)
    // root and additional keys (the emulator signs for those), across environments and a preview branch
    expect(new Set(tenants.map((t) => t.token.includes("_sk_"))).size).toBe(2)
    expect(new Set(tenants.map(environmentOf)).size).toBeGreaterThan(4)
    expect(tenants.some((t) => t.env === "preview")).toBe(true)
    const otherKeys = (tenant: Tenant) =>
      [...environmentKeys]
        .filter(([environment]) => environment !== environmentOf(tenant))
        .map(([, key]) => key)
    const problems: Array<string> = []
    const perTenant = new Map<string, number>()
    let verified = 0
    await withServer(listen(mintApp()), async (server) => {
      await runLoad(2000, 64, async (index) => {
        const tenant = tenants[index % tenants.length]
        const kind = kinds[Math.floor(index / tenants.length) % kinds.length]
        if (tenant === undefined || kind === undefined) throw new Error("no tenant")
        try {
          const response = await fetch(`${server.url}/mint/${kind}`, {
            headers: { "x-tenant": tenant.id },
            signal: AbortSignal.timeout(30_000)
          })
          const text = await response.text()
          if (response.status !== 200) {
            problems.push(`${tenant.id} ${kind}: ${response.status} ${text.slice(0, 200)}`)
            return
          }
          const { token: jwt } = JSON.parse(text) as { token: string }
          const ownKey = environmentKeys.get(environmentOf(tenant))
          const payload = ownKey === undefined ? undefined : await verify(jwt, ownKey)
          if (payload === undefined) {
            problems.push(`${tenant.id} ${kind}: does not verify with its environment's key`)
            return
          }
          if (payload["sub"] !== subjects.get(tenant.id)) problems.push(`${tenant.id} ${kind}: another sub`)
          if (JSON.stringify(payload["scopes"]) !== JSON.stringify(scopesFor(kind, tenant.id))) {
            problems.push(`${tenant.id} ${kind}: scopes ${JSON.stringify(payload["scopes"])}`)
          }
          for (const key of otherKeys(tenant)) {
            if ((await verify(jwt, key)) !== undefined) {
              problems.push(`${tenant.id} ${kind}: verifies with another environment's key`)
            }
          }
          verified += 1
          perTenant.set(tenant.id, (perTenant.get(tenant.id) ?? 0) + 1)
        } catch (error) {
          problems.push(`${tenant.id} ${kind}: ${String(error)}`)
        }
      })
    })
    expect(problems).toEqual([])
    expect(verified).toBe(2000)
    expect(perTenant.size).toBe(50)
  })
})
