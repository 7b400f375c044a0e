/**
 * The Koa 3 server: `authContext({ resolve })` maps the request's tenant (`/t/:tenant/…` or `x-tenant`) to
 * its credential and runs the downstream middleware inside that request's auth scope; `ctx.state.auth` is
 * the typed handle. `/api/projects/:projectRef/envvars/:env` takes the caller's own bearer token instead.
 */
import { ambient, handlePath, tenantWork } from "@authctx/adapter-testkit"
import { envvars } from "@authctx/client/promise"
import { Credential } from "@authctx/core"
import { authContext } from "@authctx/koa"
import Koa, { type Context, type Middleware } from "koa"
import { tenantIdOf } from "../tenants.js"
import { isSlug, listen, type Running, type ServerContext } from "./listen.js"

const tenantPath = /^\/(?:t\/[^/]+\/vars|vars)$/
const bearerPath = /^\/api\/projects\/([^/]+)\/envvars\/([^/]+)$/

/** Runs `middleware` only on the paths `pattern` matches (Koa has no router built in). */
const when =
  <S>(pattern: RegExp, middleware: Middleware<S>): Middleware<S> =>
  (ctx, next) =>
    pattern.test(ctx.path) ? middleware(ctx, next) : next()

export const startKoa = (context: ServerContext): Promise<Running> => {
  const { tenants, baseURL } = context
  const tenantOf = (ctx: Context) => tenants.byId.get(tenantIdOf(ctx.path, ctx.get("x-tenant")) ?? "")
  const app = new Koa()
  app.silent = true
  app
    .use(async (ctx, next) => {
      try {
        await next()
      } catch (error) {
        ctx.status = 502
        ctx.body = { error: error instanceof Error ? error.name : "handler failed" }
      }
    })
    .use(when(tenantPath, authContext({ resolve: (ctx) => tenantOf(ctx)?.config, baseURL })))
    .use(when(bearerPath, authContext({ baseURL })))
    .use(async (ctx) => {
      const handle = ctx.state.auth
      if (tenantPath.test(ctx.path)) {
        const tenant = tenantOf(ctx)
        if (tenant === undefined) {
          ctx.status = 404
          ctx.body = { error: "unknown tenant" }
          return
        }
        ctx.body = await tenantWork(tenant, ambient, handlePath(handle))
        return
      }
      const [, projectRef, env] = bearerPath.exec(ctx.path) ?? []
      if (projectRef === undefined || !isSlug(env)) {
        ctx.status = 404
        ctx.body = { error: "not found" }
        return
      }
      const variables = await envvars.list(decodeURIComponent(projectRef), env)
      ctx.body = {
        kind: handle.kind,
        credential: Credential.fingerprint(handle.context.credential),
        variables: variables.map((v) => v.name)
      }
    })
  return listen("koa", app.callback())
}
