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
  mintingTenants,
  mintTarget,
  publicTokenLoadCase,
  type Running,
  serve,
  startWorld,
  type Tenant,
  type World,
  withServer
} from "@authctx/adapter-testkit"
import type { PublicTokens } from "@authctx/client"
import { createClient } from "@authctx/client/promise"
import { CapabilityError, PublicToken } from "@authctx/core"
import { authContext } from "@authctx/hono"
import { createAdaptorServer } from "@hono/node-server"
import { Redacted } from "effect"
import { type Env, Hono } from "hono"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let world: World
/** 50 tenants whose credential is a secret key (root or additional). */
let tenants: ReadonlyArray<Tenant>

beforeAll(async () => {
  // more tenants than needed: the round-robin gives some of them PATs, which cannot mint
  world = await startWorld(64)
  tenants = mintingTenants(world)
})

afterAll(async () => {
  await world?.stop()
})

const listen = <E extends Env>(app: Hono<E>): Promise<Running> =>
  serve(createAdaptorServer({ fetch: app.fetch, serverOptions: { maxHeaderSize } }) as Server)

/** The app: `/mint/:kind` mints for the tenant `x-tenant` names, with the request's secret key. */
const mintApp = (): Hono => {
  const app = new Hono()
  const auth = authContext({
    resolve: (c) => tenants.find((t) => t.id === c.req.header("x-tenant"))?.config,
    accept: ["SecretKey"],
    baseURL: world.emulator.url
  })
  app.get("/mint/:kind", auth, async (c) => {
    const { run, task } = mintTarget(c.req.header("x-tenant") ?? "")
    const kind = c.req.param("kind")
    const token =
      kind === "read"
        ? await c.var.auth.createPublicToken({ scopes: { read: { runs: [run] } } })
        : kind === "trigger"
          ? await c.var.auth.createTriggerPublicToken(task, { multipleUse: true })
          : await c.var.auth.createBatchTriggerPublicToken(task, { expirationTime: "1h" })
    return c.json({ token: Redacted.value(token.token) })
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
      return c.json({
        refused: error instanceof CapabilityError,
        kind: handle.kind,
        // the refusal renders no secret
        leaks: [String(error), JSON.stringify(error)].some((text) => text.includes(world.pat))
      })
    }
  })
  return app
}

describe("minting on the request handle", () => {
  it("a minted token is the tenant's: the emulator accepts it in scope", async () => {
    const tenant = tenants.find((t) => t.env === "dev" && !t.token.includes("_sk_"))
    if (tenant === undefined) throw new Error("no dev root-key tenant")
    await withServer(listen(mintApp()), async (server) => {
      const response = await fetch(`${server.url}/mint/trigger`, { headers: { "x-tenant": tenant.id } })
      expect(response.status).toBe(200)
      const { token: jwt } = (await response.json()) as { token: string }
      const { task } = mintTarget(tenant.id)
      const token = PublicToken.narrow(PublicToken.unsafeParse(jwt), [`trigger:tasks:${task}`])
      expect(token.oneTimeUse).toBe(false)
      const client = createClient({ accessToken: token, baseURL: world.emulator.url })
      const handle = await client.tasks.trigger(task, { n: 1 })
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
      expect(await refused.json()).toEqual({ refused: true, kind: "PersonalAccessToken", leaks: false })
      expect(world.emulator.requests()).toEqual([])
    })
  })
})

describe("per-request minting under load", () => {
  it("2,000 requests, 64 connections, 50 tenants: every token verifies for its tenant's environment only", async () => {
    // root and additional keys (the emulator signs for those), across environments and a preview branch
    expect(new Set(tenants.map((t) => t.token.includes("_sk_"))).size).toBe(2)
    expect(new Set(tenants.map((t) => `${t.projectRef}/${t.env}`)).size).toBeGreaterThan(4)
    expect(tenants.some((t) => t.env === "preview")).toBe(true)
    await withServer(listen(mintApp()), async (server) => {
      expect(await publicTokenLoadCase(world, tenants, server.url)).toEqual([])
    })
  })
})
