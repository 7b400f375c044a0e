/**
 * Minting public access tokens per request on a real Koa 3 app (docs/public-tokens.md, "Per tenant in a
 * server"): `ctx.state.auth.createPublicToken(…)`, `createTriggerPublicToken` and
 * `createBatchTriggerPublicToken` mint for the request's tenant. Under load (2,000 requests, 64
 * connections, 50 secret-key tenants) every token verifies with jose for its tenant's environment only
 * (`publicTokenLoadCase`).
 */
import { createServer } from "node:http"
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
import { authContext } from "@authctx/koa"
import { Redacted } from "effect"
import Koa from "koa"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let world: World
let tenants: ReadonlyArray<Tenant>

beforeAll(async () => {
  // more tenants than needed: the round-robin gives some of them PATs, which cannot mint
  world = await startWorld(64)
  tenants = mintingTenants(world)
})

afterAll(async () => {
  await world?.stop()
})

/** Any Koa app, whatever its state type (the app below is typed by its middleware's kind). */
const listen = (app: Pick<Koa, "callback">): Promise<Running> =>
  serve(createServer({ maxHeaderSize }, app.callback()))

/** The app: `/mint/<kind>` mints for the tenant `x-tenant` names, with the request's secret key. */
const mintApp = () =>
  new Koa()
    .use(
      authContext({
        resolve: (ctx) => tenants.find((t) => t.id === ctx.get("x-tenant"))?.config,
        accept: ["SecretKey"],
        baseURL: world.emulator.url
      })
    )
    .use(async (ctx) => {
      const { run, task } = mintTarget(ctx.get("x-tenant"))
      const kind = ctx.path.slice("/mint/".length)
      const auth = ctx.state.auth
      const token =
        kind === "read"
          ? await auth.createPublicToken({ scopes: { read: { runs: [run] } } })
          : kind === "trigger"
            ? await auth.createTriggerPublicToken(task, { multipleUse: true })
            : await auth.createBatchTriggerPublicToken(task, { expirationTime: "1h" })
      ctx.body = { token: Redacted.value(token.token) }
    })

describe("per-request minting under load", () => {
  it("2,000 requests, 64 connections, 50 tenants: every token verifies for its tenant's environment only", async () => {
    await withServer(listen(mintApp()), async (server) => {
      expect(await publicTokenLoadCase(world, tenants, server.url)).toEqual([])
    })
  })
})
