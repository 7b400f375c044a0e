/**
 * The Express 5 server: `authContext({ resolve })` maps the request's tenant (`/t/:tenant/…` or `x-tenant`)
 * to its credential and runs the handler inside that request's auth scope; `req.auth` is the typed handle.
 * `/api/projects/:projectRef/envvars/:env` takes the caller's own `Authorization: Bearer …` instead.
 */

import { ambient, handlePath, tenantWork } from "@authctx/adapter-testkit"
import { envvars } from "@authctx/client/promise"
import { Credential } from "@authctx/core"
import { authContext, authErrorHandler } from "@authctx/express"
import express, { type ErrorRequestHandler } from "express"
import { tenantIdOf } from "../tenants.js"
import { isSlug, listen, type Running, type ServerContext } from "./listen.js"

export const startExpress = (context: ServerContext): Promise<Running> => {
  const { tenants, baseURL } = context
  const tenantOf = (req: express.Request) => tenants.byId.get(tenantIdOf(req.path, req.get("x-tenant")) ?? "")
  const byTenant = authContext({ resolve: (req) => tenantOf(req)?.config, baseURL })
  const byBearer = authContext({ baseURL })

  const app = express()
  const tenantHandler = byTenant.handler(async (req, res) => {
    const tenant = tenantOf(req)
    if (tenant === undefined) {
      res.status(404).json({ error: "unknown tenant" })
      return
    }
    res.json(await tenantWork(tenant, ambient, handlePath(req.auth)))
  })
  app.get("/t/:tenant/vars", byTenant, tenantHandler)
  app.get("/vars", byTenant, tenantHandler)
  app.get(
    "/api/projects/:projectRef/envvars/:env",
    byBearer,
    byBearer.handler(async (req, res) => {
      const { projectRef, env } = req.params
      if (typeof projectRef !== "string" || typeof env !== "string" || !isSlug(env)) {
        res.status(404).json({ error: "unknown environment" })
        return
      }
      const variables = await envvars.list(projectRef, env)
      res.json({
        kind: req.auth.kind,
        credential: Credential.fingerprint(req.auth.context.credential),
        variables: variables.map((v) => v.name)
      })
    })
  )
  app.use(authErrorHandler())
  const fallback: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(502).json({ error: error instanceof Error ? error.name : "handler failed" })
  }
  app.use(fallback)
  return listen("express", app)
}
