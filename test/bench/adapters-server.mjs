/**
 * One server of the adapter benchmark, in a process of its own (so that no measurement inherits another's
 * JIT state or async hooks): `node adapters-server.mjs <express|koa|hono> <bare|noop|scope|adapter|bearerAuth>`.
 * It serves `GET /hello` on a free loopback port, prints `{"port":…}` on one line, and stops on SIGTERM
 * or when its stdin closes (its parent ended).
 * It runs the built packages (`dist/`), plain JavaScript, as an app in production would.
 */
import { createServer } from "node:http"
import { Auth, AuthScope } from "@authctx/core"
import { authContext as expressAuth } from "@authctx/express"
import { authContext as honoAuth } from "@authctx/hono"
import { authContext as koaAuth } from "@authctx/koa"
import { createAdaptorServer } from "@hono/node-server"
import { Either } from "effect"
import express from "express"
import { Hono } from "hono"
import { bearerAuth } from "hono/bearer-auth"
import Koa from "koa"

/** The token every request carries; the adapter only validates it (nothing calls the management API). */
const key = "tr_dev_Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4Ab6Ef0Gh"
/** Every handler does the same work: one small JSON body built per request. */
const body = (kind) => JSON.stringify({ ok: true, kind })
/** For the `scope` variant: only `AuthScope.runWith` around the handler, with a context built once. */
const context = Either.getOrThrow(Auth.make({ accessToken: key }))
const json = { "content-type": "application/json" }

const servers = {
  express: {
    bare: () => {
      const app = express()
      app.get("/hello", (_req, res) => {
        res.type("application/json").send(body("none"))
      })
      return createServer(app)
    },
    noop: () => {
      const app = express()
      app.get(
        "/hello",
        async (_req, _res, next) => next(),
        (_req, res) => {
          res.type("application/json").send(body("none"))
        }
      )
      return createServer(app)
    },
    scope: () => {
      const app = express()
      app.get(
        "/hello",
        (_req, _res, next) => AuthScope.runWith(context, () => next()),
        (_req, res) => {
          res.type("application/json").send(body("none"))
        }
      )
      return createServer(app)
    },
    adapter: () => {
      const app = express()
      app.get("/hello", expressAuth({ accept: ["SecretKey"] }), (req, res) => {
        res.type("application/json").send(body(req.auth?.kind))
      })
      return createServer(app)
    }
  },
  koa: {
    bare: () => {
      const app = new Koa()
      app.use((ctx) => {
        if (ctx.path !== "/hello") return
        ctx.type = "application/json"
        ctx.body = body("none")
      })
      return createServer(app.callback())
    },
    noop: () => {
      const app = new Koa()
      app.use(async (_ctx, next) => next())
      app.use((ctx) => {
        if (ctx.path !== "/hello") return
        ctx.type = "application/json"
        ctx.body = body("none")
      })
      return createServer(app.callback())
    },
    scope: () => {
      const app = new Koa()
      app.use((_ctx, next) => AuthScope.runWith(context, () => next()))
      app.use((ctx) => {
        if (ctx.path !== "/hello") return
        ctx.type = "application/json"
        ctx.body = body("none")
      })
      return createServer(app.callback())
    },
    adapter: () => {
      const app = new Koa().use(koaAuth({ accept: ["SecretKey"] }))
      app.use((ctx) => {
        if (ctx.path !== "/hello") return
        ctx.type = "application/json"
        ctx.body = body(ctx.state.auth.kind)
      })
      return createServer(app.callback())
    }
  },
  hono: {
    bare: () =>
      createAdaptorServer({ fetch: new Hono().get("/hello", (c) => c.body(body("none"), 200, json)).fetch }),
    noop: () =>
      createAdaptorServer({
        fetch: new Hono().get(
          "/hello",
          async (_c, next) => {
            await next()
          },
          (c) => c.body(body("none"), 200, json)
        ).fetch
      }),
    scope: () =>
      createAdaptorServer({
        fetch: new Hono().get(
          "/hello",
          async (_c, next) => {
            await AuthScope.runWith(context, () => next())
          },
          (c) => c.body(body("none"), 200, json)
        ).fetch
      }),
    adapter: () =>
      createAdaptorServer({
        fetch: new Hono().get("/hello", honoAuth({ accept: ["SecretKey"] }), (c) =>
          c.body(body(c.get("auth").kind), 200, json)
        ).fetch
      }),
    bearerAuth: () =>
      createAdaptorServer({
        fetch: new Hono().get("/hello", bearerAuth({ token: key }), (c) =>
          c.body(body("SecretKey"), 200, json)
        ).fetch
      })
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
// The benchmark holds our stdin open; when it ends (even killed), stdin ends and so do we.
process.stdin.on("end", stop)
process.stdin.resume()
