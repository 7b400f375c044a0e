/**
 * Minting public access tokens per request on a real Express 5 app (docs/public-tokens.md, "Per tenant in
 * a server"): `req.auth.createPublicToken(…)`, `createTriggerPublicToken` and `createBatchTriggerPublicToken`
 * mint for the request's tenant. Under load (2,000 requests, 64 connections, 50 secret-key tenants) every
 * token verifies with jose for its tenant's environment only (`publicTokenLoadCase`).
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
import { authContext } from "@authctx/express"
import { Redacted } from "effect"
import express from "express"
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

const listen = (app: express.Express): Promise<Running> => serve(createServer({ maxHeaderSize }, app))

/** The app: `/mint/:kind` mints for the tenant `x-tenant` names, with the request's secret key. */
const mintApp = (): express.Express => {
  const app = express()
  const auth = authContext({
    resolve: (req) => tenants.find((t) => t.id === req.get("x-tenant"))?.config,
    accept: ["SecretKey"],
    baseURL: world.emulator.url
  })
  app.get(
    "/mint/:kind",
    auth,
    auth.handler(async (req, res) => {
      const { run, task } = mintTarget(req.get("x-tenant") ?? "")
      const kind = req.params["kind"]
      const token =
        kind === "read"
          ? await req.auth.createPublicToken({ scopes: { read: { runs: [run] } } })
          : kind === "trigger"
            ? await req.auth.createTriggerPublicToken(task, { multipleUse: true })
            : await req.auth.createBatchTriggerPublicToken(task, { expirationTime: "1h" })
      res.json({ token: Redacted.value(token.token) })
    })
  )
  return app
}

describe("per-request minting under load", () => {
  it("2,000 requests, 64 connections, 50 tenants: every token verifies for its tenant's environment only", async () => {
    await withServer(listen(mintApp()), async (server) => {
      expect(await publicTokenLoadCase(world, tenants, server.url)).toEqual([])
    })
  })
})
