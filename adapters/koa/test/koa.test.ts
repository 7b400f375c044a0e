/**
 * @authctx/koa on a real Koa 3 server on loopback, against the emulator: per-request scoping under load
 * (50 tenants, 2,000 requests, 64 connections; resolve and bearer pass-through; a streamed body written
 * after the middleware chain returned), the hostile header corpus, and the error paths (default problem
 * answer, onError that throws, resolve and verify failures).
 */
import { createServer } from "node:http"
import { PassThrough } from "node:stream"
import { setTimeout as sleep } from "node:timers/promises"
import {
  ambient,
  explicitCase,
  explicitWork,
  handlePath,
  handlerFailedBody,
  hostileCorpus,
  maxHeaderSize,
  previewBranch,
  type Running,
  runCorpus,
  serve,
  slowParsedBody,
  startWorld,
  type Tenant,
  Traps,
  tenantLoadCase,
  tenantWork,
  trapCase,
  trapCases,
  trapParams,
  type World,
  withServer
} from "@authctx/adapter-testkit"
import { AuthScope } from "@authctx/core"
import { authContext, RequestAuthError } from "@authctx/koa"
import { bodyParser } from "@koa/bodyparser"
import Koa, { type Context, type Middleware, type Next } from "koa"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let world: World

beforeAll(async () => {
  world = await startWorld(50)
})

afterAll(async () => {
  await world?.stop()
})

const listen = (app: Koa): Promise<Running> => serve(createServer({ maxHeaderSize }, app.callback()))

/** `/route/tenant` of a path. */
const parsePath = (ctx: Context): { readonly route: string; readonly tenant: Tenant } | undefined => {
  const [, route, id] = ctx.path.split("/")
  const tenant = world.byId.get(id ?? "")
  return route === undefined || tenant === undefined ? undefined : { route, tenant }
}

const early = bodyParser()
const late = bodyParser()

/** The multi-tenant app: body parser before (/early) and after (/late) the middleware, timers, a stream, a throw. */
const tenantApp = (mode: "resolve" | "bearer"): Koa => {
  const app = new Koa()
  app.silent = true
  app.use(async (ctx, next) => {
    try {
      await next()
    } catch {
      ctx.status = 500
      ctx.type = "application/json"
      ctx.body = handlerFailedBody
    }
  })
  app.use((ctx, next) => (ctx.path.startsWith("/early/") ? early(ctx, next) : next()))
  app.use(
    mode === "resolve"
      ? authContext({
          resolve: (ctx) => world.byId.get(ctx.get("x-tenant"))?.config,
          baseURL: world.emulator.url
        })
      : authContext({ baseURL: world.emulator.url, previewBranch })
  )
  app.use((ctx, next) => (ctx.path.startsWith("/late/") ? late(ctx, next) : next()))
  app.use(async (ctx: Context, _next: Next) => {
    const target = parsePath(ctx)
    if (target === undefined) {
      ctx.status = 404
      return
    }
    const { route, tenant } = target
    const client = handlePath(ctx.state.auth)
    switch (route) {
      case "early":
      case "late": {
        const body: unknown = ctx.request.body
        if (typeof body !== "object" || body === null || !("tenant" in body) || body.tenant !== tenant.id) {
          ctx.status = 422
          ctx.body = { error: "body not parsed" }
          return
        }
        ctx.body = await tenantWork(tenant, ambient, client)
        return
      }
      case "timers":
        await sleep(2)
        await new Promise<void>((resolve) => setImmediate(resolve))
        ctx.body = await tenantWork(tenant, ambient, client, () => sleep(1))
        return
      case "stream": {
        // The body is written after this middleware (and the whole chain) has returned.
        const body = new PassThrough()
        ctx.type = "application/x-ndjson"
        ctx.body = body
        body.write(`${JSON.stringify({ started: tenant.id })}\n`)
        let step = 0
        void tenantWork(tenant, ambient, client, async () => {
          body.write(`${JSON.stringify({ step: step++ })}\n`)
          await sleep(1)
        }).then(
          (result) => body.end(`${JSON.stringify(result)}\n`),
          (error: unknown) => body.destroy(error instanceof Error ? error : new Error("stream failed"))
        )
        return
      }
      case "throws":
        await ambient.retrieve(tenant.projectRef, tenant.env, tenant.varName)
        throw new Error(`handler of ${tenant.id} failed`)
      default:
        ctx.status = 404
    }
  })
  return app
}

describe("per-request scope under load", () => {
  it("a body parser after the middleware keeps the scope when the body arrives after the headers", async () => {
    await withServer(listen(tenantApp("resolve")), async (server) => {
      expect(await slowParsedBody(world, server.url, world.tenants.slice(0, 3))).toEqual([])
    })
  })

  for (const mode of ["resolve", "bearer"] as const) {
    it(`2,000 requests, 64 connections, 50 tenants (${mode}): every call carries its own tenant's credential`, async () => {
      expect(
        await withServer(listen(tenantApp(mode)), (server) => tenantLoadCase(world, server.url, mode))
      ).toEqual([])
    })
  }
})

describe("explicit-handle mode (ambient: false)", () => {
  it("ctx.state.auth.client carries the tenant's credential; an ambient call rejects with OutsideAuthScope and sends nothing", async () => {
    const app = new Koa()
    app.use(
      authContext({
        ambient: false,
        resolve: (ctx) => world.byId.get(ctx.get("x-tenant"))?.config,
        baseURL: world.emulator.url
      })
    )
    app.use(async (ctx) => {
      const tenant = world.byId.get(ctx.path.slice("/explicit/".length))
      if (tenant === undefined) throw new Error("unknown tenant")
      ctx.body = await explicitWork(tenant, handlePath(ctx.state.auth))
    })
    await withServer(listen(app), async (server) => {
      expect(await explicitCase(world, server.url)).toEqual([])
    })
  })
})

describe("hostile Authorization headers", () => {
  /** Runs `middleware` on one path only. */
  const only =
    <S>(path: string, middleware: Middleware<S>): Middleware<S> =>
    (ctx, next) =>
      ctx.path === path ? middleware(ctx, next) : next()

  const corpusApp = (): Koa => {
    const app = new Koa()
    app.silent = true
    app
      .use(only("/any", authContext({ baseURL: world.emulator.url })))
      .use(only("/secret", authContext({ accept: ["SecretKey"], baseURL: world.emulator.url })))
      .use(
        only(
          "/verify",
          authContext({
            verify: async (auth) => auth.credential._tag === "SecretKey",
            baseURL: world.emulator.url
          })
        )
      )
      .use((ctx) => {
        ctx.body = { kind: ctx.state.auth.kind, scoped: AuthScope.current()?.credential._tag }
      })
    return app
  }

  it("the corpus has at least 50 hostile headers", () => {
    expect(hostileCorpus(world).filter((c) => c.expected !== "ok").length).toBeGreaterThanOrEqual(50)
  })

  it("each gets 400/401 with the right WWW-Authenticate and problem, never a 500 or the token; the server keeps serving", async () => {
    await withServer(listen(corpusApp()), async (server) => {
      expect(await runCorpus(world, server.url, server.port)).toEqual([])
    })
  })

  it("an accepted request runs in its scope and sets ctx.state.auth", async () => {
    await withServer(listen(corpusApp()), async (server) => {
      const response = await fetch(`${server.url}/secret`, {
        headers: { authorization: `bearer ${world.secretKey}` }
      })
      expect(await response.json()).toEqual({ kind: "SecretKey", scoped: "SecretKey" })
    })
  })
})

describe("error paths", () => {
  it("onError that throws gives ctx.throw semantics: upstream error middleware gets the RequestAuthError", async () => {
    const app = new Koa()
    app.silent = true
    const seen: Array<unknown> = []
    app.use(async (ctx, next) => {
      try {
        await next()
      } catch (error) {
        seen.push(error)
        ctx.status = 418
        ctx.body = "custom"
      }
    })
    app.use(
      authContext({
        realm: "tenants",
        accept: ["SecretKey"],
        onError: (error) => {
          throw error
        }
      })
    )
    app.use((ctx) => {
      ctx.body = "ok"
    })
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url, { headers: { authorization: `Bearer ${world.pat}` } })
      expect(response.status).toBe(418)
      await response.text()
      const error = seen[0]
      expect(error).toBeInstanceOf(RequestAuthError)
      if (!(error instanceof RequestAuthError)) return
      expect(error.status).toBe(401)
      expect(error.code).toBe("unsupported_kind")
      expect(error.headers).toEqual({ "WWW-Authenticate": 'Bearer realm="tenants", error="invalid_token"' })
      expect(error.expose).toBe(true)
      expect(JSON.stringify(error)).not.toContain(world.pat.slice(7))
    })
  })

  it("onError that throws, with no error middleware: Koa answers with the status, WWW-Authenticate and the message", async () => {
    const app = new Koa()
    app.silent = true
    app.use(authContext({ onError: (error) => Promise.reject(error) }))
    app.use((ctx) => {
      ctx.body = "ok"
    })
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url, { headers: { authorization: "Basic abc" } })
      expect(response.status).toBe(400)
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="authctx", error="invalid_request"')
      expect(await response.text()).toContain("Bearer scheme")
    })
  })

  it("a resolve that throws is a 401 resolve_failed without its message; downstream does not run", async () => {
    const app = new Koa()
    app.silent = true
    let ran = false
    app.use(
      authContext({
        resolve: async () => {
          throw new Error(`database down, key ${world.secretKey}`)
        }
      })
    )
    app.use((ctx) => {
      ran = true
      ctx.body = "ok"
    })
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url)
      expect(response.status).toBe(401)
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="authctx", error="invalid_token"')
      expect(response.headers.get("content-type")).toBe("application/problem+json")
      const text = await response.text()
      expect(JSON.parse(text)).toMatchObject({ status: 401, type: "urn:authctx:problem:resolve_failed" })
      expect(text).not.toContain("database")
      expect(text).not.toContain(world.secretKey.slice(7))
      expect(ran).toBe(false)
    })
  })
})

describe("callbacks outside the request's call tree, judged by the emulator's log", () => {
  let traps: Traps
  let server: Running
  beforeAll(async () => {
    traps = await Traps.start()
    const app = new Koa()
    app.use(
      authContext({
        resolve: (ctx) => world.byId.get(ctx.get("x-tenant"))?.config,
        baseURL: world.emulator.url
      })
    )
    app.use(async (ctx) => {
      const [, trap, pattern, id] = ctx.path.split("/")
      const query = (name: string) => (typeof ctx.query[name] === "string" ? ctx.query[name] : undefined)
      const params = trapParams(pattern, query("via"), query("role"))
      const tenant = world.byId.get(id ?? "")
      const auth = ctx.state.auth
      if (trap !== "trap" || params === undefined || tenant === undefined || auth === undefined) {
        ctx.status = 400
        return
      }
      ctx.body = await traps.handle({ ...params, tenant, auth, incoming: ctx.req })
    })
    server = await listen(app)
  })
  afterAll(async () => {
    await server?.close()
    await traps?.stop()
  })

  it.each(trapCases)("$mode mode: $pattern, $via", async (scenario) => {
    expect(await trapCase(world, server.url, traps, scenario)).toEqual([])
  })
})

describe("stacked auth middlewares (a request keeps its first middleware's kind)", () => {
  it("a second middleware that resolves another kind refuses the request; the same kind passes", async () => {
    let handled = 0
    const app = new Koa()
    app.use(authContext({ baseURL: world.emulator.url }))
    app.use(authContext({ resolve: (ctx) => (ctx.get("x-second") === "pat" ? world.pat : world.secretKey) }))
    app.use((ctx) => {
      handled++
      ctx.body = ctx.state.auth?.kind
    })
    await withServer(listen(app), async (server) => {
      const refused = await fetch(server.url, {
        headers: { authorization: `Bearer ${world.secretKey}`, "x-second": "pat" }
      })
      expect(refused.status).toBe(401)
      const text = await refused.text()
      expect(JSON.parse(text)).toMatchObject({
        type: "urn:authctx:problem:unsupported_kind",
        detail:
          "An earlier auth middleware on this request gave a secret key; this one gave a personal access token."
      })
      expect(text).not.toContain(world.pat.slice(7))
      expect(text).not.toContain(world.secretKey.slice(7))
      expect(handled).toBe(0)
      const kept = await fetch(server.url, { headers: { authorization: `Bearer ${world.secretKey}` } })
      expect(kept.status).toBe(200)
      expect(await kept.text()).toBe("SecretKey")
      expect(handled).toBe(1)
    })
  })
})
