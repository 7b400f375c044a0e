/**
 * The Hono 4 server (on @hono/node-server): `authContext({ resolve })` maps the request's tenant
 * (`/t/:tenant/…` or `x-tenant`) to its credential and runs the handler inside that request's auth scope;
 * `c.var.auth` is the typed handle. `/api/projects/:projectRef/envvars/:env` takes the caller's own bearer
 * token instead.
 */
import { ambient, handlePath, tenantWork } from "@authctx/adapter-testkit"
import { envvars } from "@authctx/client/promise"
import { Credential } from "@authctx/core"
import { authContext } from "@authctx/hono"
import { getRequestListener } from "@hono/node-server"
import { Hono } from "hono"
import { HTTPException } from "hono/http-exception"
import { tenantIdOf } from "../tenants.js"
import { isSlug, listen, type Running, type ServerContext } from "./listen.js"

export const startHono = (context: ServerContext): Promise<Running> => {
  const { tenants, baseURL } = context
  const tenantOf = (path: string, header: string | undefined) =>
    tenants.byId.get(tenantIdOf(path, header) ?? "")
  const byTenant = authContext({
    resolve: (c) => tenantOf(c.req.path, c.req.header("x-tenant"))?.config,
    baseURL
  })
  const byBearer = authContext({ baseURL })

  const app = new Hono()
  app.onError((error, c) =>
    error instanceof HTTPException ? error.getResponse() : c.json({ error: error.name }, 502)
  )
  for (const path of ["/t/:tenant/vars", "/vars"]) {
    app.get(path, byTenant, async (c) => {
      const tenant = tenantOf(c.req.path, c.req.header("x-tenant"))
      if (tenant === undefined) return c.json({ error: "unknown tenant" }, 404)
      return c.json(await tenantWork(tenant, ambient, handlePath(c.var.auth)))
    })
  }
  app.get("/api/projects/:projectRef/envvars/:env", byBearer, async (c) => {
    const env = c.req.param("env")
    if (!isSlug(env)) return c.json({ error: "unknown environment" }, 404)
    const variables = await envvars.list(c.req.param("projectRef"), env)
    return c.json({
      kind: c.var.auth.kind,
      credential: Credential.fingerprint(c.var.auth.context.credential),
      variables: variables.map((v) => v.name)
    })
  })
  return listen("hono", getRequestListener(app.fetch))
}
