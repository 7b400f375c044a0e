/**
 * `auth.handler(fn)`, the explicit-handle mode without a middleware, on a real Hono 4 app served by
 * @hono/node-server on loopback, against the emulator: per-request scoping under load (50 tenants, 2,000
 * requests, 64 connections; ambient), explicit mode (no scope, ambient calls refused and sent nowhere), the
 * hostile header corpus (duplicates and folds are 400s), the error paths, no second authentication behind
 * the same middleware, and the synchronous answer Hono's one-handler path keeps.
 */
import type { Server } from "node:http"
import { setTimeout as sleep } from "node:timers/promises"
import {
  ambient,
  explicitCase,
  explicitWork,
  handlePath,
  handlerFailedBody,
  maxHeaderSize,
  previewBranch,
  type Running,
  runCorpus,
  serve,
  startWorld,
  type Tenant,
  tenantLoadCase,
  tenantWork,
  type World,
  withServer
} from "@authctx/adapter-testkit"
import { AuthScope } from "@authctx/core"
import { type AuthEnv, authContext, problemResponse, RequestAuthError } from "@authctx/hono"
import { createAdaptorServer } from "@hono/node-server"
import { type Env, Hono } from "hono"
import { HTTPException } from "hono/http-exception"
import { stream } from "hono/streaming"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let world: World

beforeAll(async () => {
  world = await startWorld(50)
})

afterAll(async () => {
  await world?.stop()
})

const listen = <E extends Env>(app: Hono<E>): Promise<Running> =>
  serve(createAdaptorServer({ fetch: app.fetch, serverOptions: { maxHeaderSize } }) as Server)

const tenantOf = (id: string): Tenant => {
  const tenant = world.byId.get(id)
  if (tenant === undefined) throw new Error("unknown tenant")
  return tenant
}

const bodyTenant = async (c: { req: { json: () => Promise<unknown> } }): Promise<unknown> => {
  const value = await c.req.json()
  return typeof value === "object" && value !== null && "tenant" in value ? value.tenant : undefined
}

/** The multi-tenant app of the load case, every route one `auth.handler(fn)` (the body read inside it). */
const tenantApp = (mode: "resolve" | "bearer"): Hono => {
  const auth =
    mode === "resolve"
      ? authContext({
          resolve: (c) => world.byId.get(c.req.header("x-tenant") ?? "")?.config,
          baseURL: world.emulator.url
        })
      : authContext({ baseURL: world.emulator.url, previewBranch })
  const app = new Hono()
  app.onError((error, c) =>
    error instanceof HTTPException
      ? error.getResponse()
      : c.body(handlerFailedBody, 500, { "content-type": "application/json" })
  )
  for (const route of ["early", "late"] as const) {
    app.post(
      `/${route}/:tenant`,
      auth.handler<"/:route/:tenant">(async (c, handle) => {
        const tenant = tenantOf(c.req.param("tenant"))
        if ((await bodyTenant(c)) !== tenant.id) return c.json({ error: "wrong body" }, 422)
        return c.json(await tenantWork(tenant, ambient, handlePath(handle)))
      })
    )
  }
  app.get(
    "/timers/:tenant",
    auth.handler<"/timers/:tenant">(async (c, handle) => {
      const tenant = tenantOf(c.req.param("tenant"))
      await sleep(2)
      await new Promise<void>((resolve) => setImmediate(resolve))
      return c.json(await tenantWork(tenant, ambient, handlePath(handle), () => sleep(1)))
    })
  )
  app.get(
    "/stream/:tenant",
    auth.handler<"/stream/:tenant">((c) => {
      const tenant = tenantOf(c.req.param("tenant"))
      const client = handlePath(c.var.auth)
      c.header("Content-Type", "application/x-ndjson")
      return stream(c, async (out) => {
        await out.write(`${JSON.stringify({ started: tenant.id })}\n`)
        let step = 0
        const result = await tenantWork(tenant, ambient, client, async () => {
          await out.write(`${JSON.stringify({ step: step++ })}\n`)
          await sleep(1)
        })
        await out.write(`${JSON.stringify(result)}\n`)
      })
    })
  )
  app.get(
    "/throws/:tenant",
    auth.handler<"/throws/:tenant">(async (c) => {
      const tenant = tenantOf(c.req.param("tenant"))
      await ambient.retrieve(tenant.projectRef, tenant.env, tenant.varName)
      throw new Error(`handler of ${tenant.id} failed`)
    })
  )
  return app
}

describe("per-request scope under load (ambient)", () => {
  for (const mode of ["resolve", "bearer"] as const) {
    it(`2,000 requests, 64 connections, 50 tenants (${mode}): every call carries its own tenant's credential`, async () => {
      expect(
        await withServer(listen(tenantApp(mode)), (server) => tenantLoadCase(world, server.url, mode))
      ).toEqual([])
    })
  }
})

describe("explicit-handle mode (ambient: false)", () => {
  it("the handle carries the tenant's credential; an ambient call rejects with OutsideAuthScope and sends nothing", async () => {
    const auth = authContext({
      ambient: false,
      resolve: (c) => world.byId.get(c.req.header("x-tenant") ?? "")?.config,
      baseURL: world.emulator.url
    })
    const app = new Hono().get(
      "/explicit/:tenant",
      auth.handler<"/explicit/:tenant">(async (c, handle) =>
        c.json(await explicitWork(tenantOf(c.req.param("tenant")), handlePath(handle)))
      )
    )
    await withServer(listen(app), async (server) => {
      expect(await explicitCase(world, server.url)).toEqual([])
    })
  })

  it("installs no auth scope under ambient: false, and the request's under the default", async () => {
    const app = new Hono()
    for (const ambientMode of [false, true]) {
      const auth = authContext({ baseURL: world.emulator.url, ambient: ambientMode })
      app.get(
        `/${ambientMode}`,
        auth.handler((c, handle) =>
          c.json({
            kind: handle.kind,
            same: c.var.auth === handle,
            scoped: AuthScope.current()?.credential._tag ?? null
          })
        )
      )
    }
    await withServer(listen(app), async (server) => {
      const headers = { authorization: `Bearer ${world.secretKey}` }
      const explicit = await fetch(`${server.url}/false`, { headers })
      expect(await explicit.json()).toEqual({ kind: "SecretKey", same: true, scoped: null })
      const scoped = await fetch(`${server.url}/true`, { headers })
      expect(await scoped.json()).toEqual({ kind: "SecretKey", same: true, scoped: "SecretKey" })
    })
  })
})

describe("hostile Authorization headers", () => {
  it("each gets 400/401 with the right WWW-Authenticate and problem, never a 500 or the token; the server keeps serving", async () => {
    const scoped = (c: { json: (value: unknown) => Response; var: { auth: { kind: string } } }) =>
      c.json({ kind: c.var.auth.kind, scoped: AuthScope.current()?.credential._tag })
    const app = new Hono()
    app.get("/any", authContext({ baseURL: world.emulator.url }).handler(scoped))
    app.get("/secret", authContext({ accept: ["SecretKey"], baseURL: world.emulator.url }).handler(scoped))
    app.get(
      "/verify",
      authContext({
        verify: async (auth) => auth.credential._tag === "SecretKey",
        baseURL: world.emulator.url
      }).handler(scoped)
    )
    await withServer(listen(app), async (server) => {
      expect(await runCorpus(world, server.url, server.port)).toEqual([])
    })
  })
})

describe("error paths", () => {
  it("app.onError gets an HTTPException whose response is the problem and whose cause is the failure; fn does not run", async () => {
    const app = new Hono()
    const seen: Array<unknown> = []
    let ran = 0
    app.onError((error, c) => {
      seen.push(error)
      return error instanceof HTTPException ? error.getResponse() : c.text("unexpected", 500)
    })
    app.get(
      "/",
      authContext({ realm: "tenants", accept: ["SecretKey"] }).handler((c) => {
        ran++
        return c.text("ok")
      })
    )
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url, { headers: { authorization: `Bearer ${world.pat}` } })
      expect(response.status).toBe(401)
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="tenants", error="invalid_token"')
      expect(response.headers.get("content-type")).toBe("application/problem+json")
      const text = await response.text()
      expect(JSON.parse(text)).toMatchObject({ status: 401, type: "urn:authctx:problem:unsupported_kind" })
      expect(text).not.toContain(world.pat.slice(7))
      const error = seen[0]
      expect(error).toBeInstanceOf(HTTPException)
      if (!(error instanceof HTTPException)) return
      expect(error.cause).toBeInstanceOf(RequestAuthError)
      expect(error.message).not.toContain(world.pat.slice(7))
      expect(ran).toBe(0)
    })
  })

  it("onError's response is sent; a resolve that throws is a 401 resolve_failed without its message", async () => {
    const app = new Hono()
    app.get(
      "/",
      authContext({
        resolve: () => {
          throw new Error(`database down, key ${world.secretKey}`)
        },
        onError: (failure) => {
          const response = problemResponse(failure)
          response.headers.set("Cache-Control", "no-store")
          return response
        }
      }).handler((c) => c.text("ok"))
    )
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url)
      expect(response.status).toBe(401)
      expect(response.headers.get("cache-control")).toBe("no-store")
      const text = await response.text()
      expect(JSON.parse(text)).toMatchObject({ status: 401, type: "urn:authctx:problem:resolve_failed" })
      expect(text).not.toContain("database")
      expect(text).not.toContain(world.secretKey.slice(7))
    })
  })
})

describe("behind auth middlewares", () => {
  it("behind the same middleware it takes its handle: resolve runs once per request, the scope is the middleware's", async () => {
    let resolved = 0
    const auth = authContext({
      resolve: (c) => {
        resolved++
        return world.byId.get(c.req.header("x-tenant") ?? "")?.config
      },
      baseURL: world.emulator.url
    })
    let middlewareHandle: unknown
    const app = new Hono<AuthEnv<typeof auth>>()
    app.use(auth)
    app.use(async (c, next) => {
      middlewareHandle = c.var.auth
      await next()
    })
    app.get(
      "/",
      auth.handler((c, handle) =>
        c.json({
          same: handle === middlewareHandle,
          scoped: AuthScope.current() === handle.context
        })
      )
    )
    const tenant = world.tenants[3]
    if (tenant === undefined) throw new Error("no tenant")
    await withServer(listen(app), async (server) => {
      for (let i = 0; i < 3; i++) {
        const response = await fetch(server.url, { headers: { "x-tenant": tenant.id } })
        expect(await response.json()).toMatchObject({ same: true, scoped: true })
      }
      expect(resolved).toBe(3)
      const refused = await fetch(server.url, { headers: { "x-tenant": "nobody" } })
      expect(refused.status).toBe(401)
      expect(resolved).toBe(4)
    })
  })

  it("behind another auth middleware the request keeps its kind: another kind is refused, the same passes", async () => {
    let handled = 0
    const app = new Hono().use(authContext({ baseURL: world.emulator.url })).get(
      "/",
      authContext({
        resolve: (c) => (c.req.header("x-second") === "pat" ? world.pat : world.secretKey)
      }).handler((c) => {
        handled++
        return c.text(c.var.auth.kind)
      })
    )
    await withServer(listen(app), async (server) => {
      const refused = await fetch(server.url, {
        headers: { authorization: `Bearer ${world.secretKey}`, "x-second": "pat" }
      })
      expect(refused.status).toBe(401)
      const text = await refused.text()
      expect(JSON.parse(text)).toMatchObject({ type: "urn:authctx:problem:unsupported_kind" })
      expect(text).not.toContain(world.pat.slice(7))
      expect(text).not.toContain(world.secretKey.slice(7))
      expect(handled).toBe(0)
      const kept = await fetch(server.url, { headers: { authorization: `Bearer ${world.secretKey}` } })
      expect([kept.status, await kept.text()]).toEqual([200, "SecretKey"])
      expect(handled).toBe(1)
    })
  })
})

describe("Hono's synchronous one-handler path", () => {
  const request = () =>
    new Request("http://localhost/runs/run_1", { headers: { authorization: `Bearer ${world.secretKey}` } })

  it.each([false, true])(
    "a credential seen before, answered synchronously: app.fetch returns the Response itself (ambient: %s)",
    async (ambientMode) => {
      const auth = authContext({ accept: ["SecretKey"], ambient: ambientMode })
      const app = new Hono().get(
        "/runs/:id",
        auth.handler<"/runs/:id">((c, handle) => c.text(`${handle.kind} ${c.req.param("id")}`))
      )
      await app.fetch(request()) // the first sight of the key may parse asynchronously
      const answer = app.fetch(request())
      expect(answer).toBeInstanceOf(Response)
      expect(await (answer as Response).text()).toBe("SecretKey run_1")
      // The same route behind the middleware form is a promise: what the handler form saves.
      const behind = new Hono().get("/runs/:id", auth, (c) => c.text(c.var.auth.kind))
      await behind.fetch(request())
      expect(behind.fetch(request())).toBeInstanceOf(Promise)
    }
  )
})
