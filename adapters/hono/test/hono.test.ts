/**
 * @authctx/hono on a real Hono 4 app served by @hono/node-server on loopback, against the emulator:
 * per-request scoping under load (50 tenants, 2,000 requests, 64 connections; resolve and bearer
 * pass-through; a streamed response), the hostile header corpus, and the error paths (HTTPException with
 * the problem response, app.onError, onError, resolve failures).
 */
import type { Server } from "node:http"
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
import { type AuthEnv, authContext, problemResponse, RequestAuthError } from "@authctx/hono"
import { createAdaptorServer, type HttpBindings } from "@hono/node-server"
import { type Env, Hono } from "hono"
import { HTTPException } from "hono/http-exception"
import { stream } from "hono/streaming"
import { validator } from "hono/validator"
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

/** Hono's body-parsing middleware: the JSON body, with the tenant it names. */
const json = validator("json", (value: unknown, c) => {
  if (
    typeof value !== "object" ||
    value === null ||
    !("tenant" in value) ||
    typeof value.tenant !== "string"
  ) {
    return c.json({ error: "body not parsed" }, 422)
  }
  return { tenant: value.tenant }
})

/** The multi-tenant app: body parser before (/early) and after (/late) the middleware, timers, a stream, a throw. */
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
  app.post("/early/:tenant", json, auth, async (c) => {
    const tenant = tenantOf(c.req.param("tenant"))
    if (c.req.valid("json").tenant !== tenant.id) return c.json({ error: "wrong body" }, 422)
    return c.json(await tenantWork(tenant, ambient, handlePath(c.var.auth)))
  })
  app.post("/late/:tenant", auth, json, async (c) => {
    const tenant = tenantOf(c.req.param("tenant"))
    if (c.req.valid("json").tenant !== tenant.id) return c.json({ error: "wrong body" }, 422)
    return c.json(await tenantWork(tenant, ambient, handlePath(c.var.auth)))
  })
  app.get("/timers/:tenant", auth, async (c) => {
    const tenant = tenantOf(c.req.param("tenant"))
    await sleep(2)
    await new Promise<void>((resolve) => setImmediate(resolve))
    return c.json(await tenantWork(tenant, ambient, handlePath(c.var.auth), () => sleep(1)))
  })
  app.get("/stream/:tenant", auth, (c) => {
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
  app.get("/throws/:tenant", auth, async (c) => {
    const tenant = tenantOf(c.req.param("tenant"))
    await ambient.retrieve(tenant.projectRef, tenant.env, tenant.varName)
    throw new Error(`handler of ${tenant.id} failed`)
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
  it("c.var.auth.client carries the tenant's credential; an ambient call rejects with OutsideAuthScope and sends nothing", async () => {
    const app = new Hono().get(
      "/explicit/:tenant",
      authContext({
        ambient: false,
        resolve: (c) => world.byId.get(c.req.header("x-tenant") ?? "")?.config,
        baseURL: world.emulator.url
      }),
      async (c) => c.json(await explicitWork(tenantOf(c.req.param("tenant")), handlePath(c.var.auth)))
    )
    await withServer(listen(app), async (server) => {
      expect(await explicitCase(world, server.url)).toEqual([])
    })
  })
})

describe("hostile Authorization headers", () => {
  const corpusApp = (): Hono => {
    const app = new Hono()
    app.get("/any", authContext({ baseURL: world.emulator.url }), (c) =>
      c.json({ kind: c.var.auth.kind, scoped: AuthScope.current()?.credential._tag })
    )
    app.get("/secret", authContext({ accept: ["SecretKey"], baseURL: world.emulator.url }), (c) =>
      c.json({ kind: c.var.auth.kind, scoped: AuthScope.current()?.credential._tag })
    )
    app.get(
      "/verify",
      authContext({
        verify: async (auth) => auth.credential._tag === "SecretKey",
        baseURL: world.emulator.url
      }),
      (c) => c.json({ kind: c.var.auth.kind, scoped: AuthScope.current()?.credential._tag })
    )
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

  it("an accepted request runs in its scope and sets c.var.auth", async () => {
    await withServer(listen(corpusApp()), async (server) => {
      const response = await fetch(`${server.url}/secret`, {
        headers: { authorization: `bearer ${world.secretKey}` }
      })
      expect(await response.json()).toEqual({ kind: "SecretKey", scoped: "SecretKey" })
    })
  })
})

describe("error paths", () => {
  it("app.onError gets an HTTPException whose response is the problem and whose cause is the failure", async () => {
    const app = new Hono()
    const seen: Array<unknown> = []
    app.onError((error, c) => {
      seen.push(error)
      return error instanceof HTTPException ? error.getResponse() : c.text("unexpected", 500)
    })
    app.get("/", authContext({ realm: "tenants", accept: ["SecretKey"] }), (c) => c.text("ok"))
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url, { headers: { authorization: `Bearer ${world.pat}` } })
      expect(response.status).toBe(401)
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="tenants", error="invalid_token"')
      expect(response.headers.get("content-type")).toBe("application/problem+json")
      expect(await response.json()).toMatchObject({
        status: 401,
        type: "urn:authctx:problem:unsupported_kind"
      })
      const error = seen[0]
      expect(error).toBeInstanceOf(HTTPException)
      if (!(error instanceof HTTPException)) return
      expect(error.status).toBe(401)
      expect(error.cause).toBeInstanceOf(RequestAuthError)
      expect(error.message).not.toContain(world.pat.slice(7))
    })
  })

  it("onError's response is sent; a resolve that throws is a 401 resolve_failed without its message", async () => {
    const app = new Hono()
    let ran = false
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
      }),
      (c) => {
        ran = true
        return c.text("ok")
      }
    )
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url)
      expect(response.status).toBe(401)
      expect(response.headers.get("cache-control")).toBe("no-store")
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="authctx", error="invalid_token"')
      const text = await response.text()
      expect(JSON.parse(text)).toMatchObject({ status: 401, type: "urn:authctx:problem:resolve_failed" })
      expect(text).not.toContain("database")
      expect(text).not.toContain(world.secretKey.slice(7))
      expect(ran).toBe(false)
    })
  })
})

describe("what the middleware reads and returns", () => {
  it("reads the request's headers as the app sees them: an earlier middleware's set or delete counts", async () => {
    const app = new Hono()
    // a cookie-to-bearer bridge, and a guard that drops a client-sent header: both before authContext
    app.use("/bridged", async (c, next) => {
      c.req.raw.headers.set("authorization", `Bearer ${world.secretKey}`)
      await next()
    })
    app.use("/stripped", async (c, next) => {
      c.req.raw.headers.delete("authorization")
      await next()
    })
    app.get("/:path", authContext({ baseURL: world.emulator.url }), (c) => c.text(c.var.auth.kind))
    await withServer(listen(app), async (server) => {
      const bridged = await fetch(`${server.url}/bridged`)
      expect([bridged.status, await bridged.text()]).toEqual([200, "SecretKey"])
      const stripped = await fetch(`${server.url}/stripped`, {
        headers: { authorization: `Bearer ${world.pat}` }
      })
      expect(stripped.status).toBe(401)
      expect((await stripped.json()) as unknown).toMatchObject({
        type: "urn:authctx:problem:missing_credential"
      })
    })
  })

  it.each([true, false])(
    "a handler that returns no response gets Hono's 500, never the Context (ambient: %s)",
    async (ambientMode) => {
      const app = new Hono()
      const seen: Array<unknown> = []
      app.onError((error, c) => {
        seen.push(error)
        return c.text("handler returned nothing", 500)
      })
      const forgetful = async (): Promise<void> => {}
      app.get("/", authContext({ baseURL: world.emulator.url, ambient: ambientMode }), forgetful as never)
      await withServer(listen(app), async (server) => {
        const response = await fetch(server.url, { headers: { authorization: `Bearer ${world.secretKey}` } })
        expect([response.status, await response.text()]).toEqual([500, "handler returned nothing"])
        expect(String(seen[0])).toContain("Context is not finalized")
      })
    }
  )
})

describe("callbacks outside the request's call tree, judged by the emulator's log", () => {
  let traps: Traps
  let server: Running
  beforeAll(async () => {
    traps = await Traps.start()
    // @hono/node-server passes Node's request as c.env.incoming: the body patterns read its stream events.
    const app = new Hono<AuthEnv & { Bindings: HttpBindings }>()
    app.use(
      "/trap/*",
      authContext({
        resolve: (c) => world.byId.get(c.req.header("x-tenant") ?? "")?.config,
        baseURL: world.emulator.url
      })
    )
    app.on(["GET", "POST"], "/trap/:pattern/:tenant", async (c) => {
      const params = trapParams(c.req.param("pattern"), c.req.query("via"), c.req.query("role"))
      if (params === undefined) return c.body(null, 400)
      const tenant = tenantOf(c.req.param("tenant"))
      return c.json(await traps.handle({ ...params, tenant, auth: c.var.auth, incoming: c.env.incoming }))
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
    const app = new Hono()
      .use(authContext({ baseURL: world.emulator.url }))
      .use(
        authContext({ resolve: (c) => (c.req.header("x-second") === "pat" ? world.pat : world.secretKey) })
      )
      .get("/", (c) => {
        handled++
        return c.text(c.var.auth.kind)
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
