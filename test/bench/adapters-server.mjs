/**
 * One server of the adapter benchmark, in a process of its own (so that no measurement inherits another's
 * JIT state or async hooks, and the load generator's CPU is not the server's):
 * `node adapters-server.mjs <express|koa|hono> <variant>`. It serves `GET /hello` on a free loopback port,
 * prints `{"port":…}` on one line, answers `cpu` on stdin with its CPU µs so far, and stops on SIGTERM or
 * when its stdin closes (its parent ended). It runs the built packages (`dist/`), as an app in production
 * would. Variants (every handler builds the same small JSON body):
 *
 * - `bare`: the framework alone;
 * - `als`: the framework's own AsyncLocalStorage mechanism, the handler reading the store: Hono's
 *   `contextStorage()` + `getContext()`, Koa 3's `new Koa({ asyncLocalStorage: true })` +
 *   `app.currentContext`, and for Express (which has none) a middleware `als.run(store, next)`;
 * - `adapter`: `authContext({ accept: ["SecretKey"] })`, bearer pass-through (every request carries the
 *   same valid SecretKey, sent by adapters.ts; the adapter only validates it), the handler reading the kind;
 * - `resolve`: `authContext({ resolve, accept })` over 50 tenants, the tenant named by `x-tenant`;
 * - `explicit`: `authContext({ accept, ambient: false })`: the explicit-handle mode, no async context; for
 *   Hono its handler form, `app.get(path, auth.handler(fn))`, which keeps Hono's one-handler path (any
 *   middleware leaves it: decision 0033). Hono's middleware form is `explicit-middleware`, run by hand
 *   (`node adapters-server.mjs hono explicit-middleware`), not by adapters.ts.
 */
import { AsyncLocalStorage } from "node:async_hooks"
import { createServer } from "node:http"
import { authContext as expressAuth } from "@authctx/express"
import { authContext as koaAuth } from "@authctx/koa"
import { createAdaptorServer } from "@hono/node-server"
import express from "express"
import { Hono } from "hono"
import { contextStorage, getContext } from "hono/context-storage"
import Koa from "koa"

// AUTHCTX_HONO=<file URL of another build's index.js> serves Hono from that build (A/B runs of
// adapters/hono/bench/server-ab.mjs); the package's own build otherwise.
const { authContext: honoAuth } = await import(process.env.AUTHCTX_HONO ?? "@authctx/hono")

/** 50 tenants' keys (valid shapes, distinct), for `resolve`; `x-tenant: tNN` names one. */
const tenants = new Map(
  Array.from({ length: 50 }, (_, i) => [
    `t${String(i).padStart(2, "0")}`,
    `tr_dev_tenant${String(i).padStart(2, "0")}Xw3Rk9Lm2Np5Bv8Cx`
  ])
)
const resolveExpress = (req) => tenants.get(req.get("x-tenant") ?? "")
const resolveKoa = (ctx) => tenants.get(ctx.get("x-tenant"))
const resolveHono = (c) => tenants.get(c.req.header("x-tenant") ?? "")
const accept = ["SecretKey"]
/** Every handler does the same work: one small JSON body built per request. */
const body = (kind) => JSON.stringify({ ok: true, kind })
const json = { "content-type": "application/json" }

const expressApp = (middleware, read) => {
  const app = express()
  const send = (req, res) => {
    res.type("application/json").send(body(read(req)))
  }
  if (middleware === undefined) app.get("/hello", send)
  else app.get("/hello", middleware, send)
  return createServer(app)
}
const expressAls = new AsyncLocalStorage()

const koaApp = (app, middleware, read) => {
  if (middleware !== undefined) app.use(middleware)
  app.use((ctx) => {
    if (ctx.path !== "/hello") return
    ctx.type = "application/json"
    ctx.body = body(read(ctx, app))
  })
  return createServer(app.callback())
}

const honoApp = (middleware, read) => {
  const handler = (c) => c.body(body(read(c)), 200, json)
  const app =
    middleware === undefined
      ? new Hono().get("/hello", handler)
      : new Hono().get("/hello", middleware, handler)
  return createAdaptorServer({ fetch: app.fetch })
}

const servers = {
  express: {
    bare: () => expressApp(undefined, () => "none"),
    als: () =>
      expressApp(
        (req, _res, next) => expressAls.run({ req }, next),
        () => (expressAls.getStore()?.req === undefined ? "none" : "als")
      ),
    adapter: () => expressApp(expressAuth({ accept }), (req) => req.auth?.kind),
    resolve: () => expressApp(expressAuth({ accept, resolve: resolveExpress }), (req) => req.auth?.kind),
    explicit: () => expressApp(expressAuth({ accept, ambient: false }), (req) => req.auth?.kind)
  },
  koa: {
    bare: () => koaApp(new Koa(), undefined, () => "none"),
    als: () =>
      koaApp(new Koa({ asyncLocalStorage: true }), undefined, (_ctx, app) =>
        app.currentContext === undefined ? "none" : "als"
      ),
    adapter: () => koaApp(new Koa(), koaAuth({ accept }), (ctx) => ctx.state.auth.kind),
    resolve: () => koaApp(new Koa(), koaAuth({ accept, resolve: resolveKoa }), (ctx) => ctx.state.auth.kind),
    explicit: () => koaApp(new Koa(), koaAuth({ accept, ambient: false }), (ctx) => ctx.state.auth.kind)
  },
  hono: {
    bare: () => honoApp(undefined, () => "none"),
    als: () => honoApp(contextStorage(), () => (getContext() === undefined ? "none" : "als")),
    adapter: () => honoApp(honoAuth({ accept }), (c) => c.get("auth").kind),
    resolve: () => honoApp(honoAuth({ accept, resolve: resolveHono }), (c) => c.get("auth").kind),
    explicit: () => {
      const auth = honoAuth({ accept, ambient: false })
      const app = new Hono().get(
        "/hello",
        auth.handler((c, handle) => c.body(body(handle.kind), 200, json))
      )
      return createAdaptorServer({ fetch: app.fetch })
    },
    "explicit-middleware": () => honoApp(honoAuth({ accept, ambient: false }), (c) => c.get("auth").kind)
  }
}

const [framework = "", variant = ""] = process.argv.slice(2)
const make = servers[framework]?.[variant]
if (make === undefined) {
  process.stderr.write(`unknown server: ${framework} ${variant}\n`)
  process.exit(2)
}
const server = make()
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`)
})
const stop = () => {
  server.close(() => process.exit(0))
  server.closeAllConnections()
}
process.on("SIGTERM", stop)
process.stdin.setEncoding("utf8")
process.stdin.on("data", (chunk) => {
  for (const question of chunk.split("\n")) {
    if (question !== "cpu") continue
    const used = process.cpuUsage()
    process.stdout.write(`${JSON.stringify({ cpuUs: used.user + used.system })}\n`)
  }
})
// The benchmark holds our stdin open; when it ends (even killed), stdin ends and so do we.
process.stdin.on("end", stop)
