/**
 * @authctx/express on a real Express 5 server on loopback, against the emulator: per-request scoping under
 * load (50 tenants, 2,000 requests, 64 connections; resolve and bearer pass-through), the hostile header
 * corpus, the error paths (authErrorHandler, Express's own handler, onError), and the async-context traps
 * (callbacks run outside the request's call tree) with and without server mode, bind and auth.client.
 */
import { createServer } from "node:http"
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
import { authContext, authErrorHandler, RequestAuthError, sendProblem } from "@authctx/express"
import express, { type ErrorRequestHandler, type Request } from "express"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let world: World

beforeAll(async () => {
  world = await startWorld(50)
})

afterAll(async () => {
  await world?.stop()
})

const listen = (app: express.Express): Promise<Running> => serve(createServer({ maxHeaderSize }, app))

const tenantOf = (req: Request): Tenant => {
  const id = req.params["tenant"]
  const tenant = typeof id === "string" ? world.byId.get(id) : undefined
  if (tenant === undefined) throw new Error("unknown tenant")
  return tenant
}

/** The multi-tenant app: body parser before (/early) and after (/late) the middleware, timers, a stream, a throw. */
const tenantApp = (mode: "resolve" | "bearer"): express.Express => {
  const app = express()
  app.use("/early", express.json())
  app.use(
    mode === "resolve"
      ? authContext({
          resolve: (req) => world.byId.get(req.get("x-tenant") ?? "")?.config,
          baseURL: world.emulator.url
        })
      : authContext({ baseURL: world.emulator.url, previewBranch })
  )
  const work = async (req: Request, res: express.Response) => {
    const tenant = tenantOf(req)
    const body: unknown = req.body
    if (typeof body !== "object" || body === null || !("tenant" in body) || body.tenant !== tenant.id) {
      res.status(422).json({ error: "body not parsed" })
      return
    }
    res.json(await tenantWork(tenant, ambient, handlePath(req.auth)))
  }
  app.post("/early/:tenant", work)
  app.post("/late/:tenant", express.json(), work)
  app.get("/timers/:tenant", async (req, res) => {
    const tenant = tenantOf(req)
    await sleep(2)
    await new Promise<void>((resolve) => setImmediate(resolve))
    res.json(await tenantWork(tenant, ambient, handlePath(req.auth), () => sleep(1)))
  })
  app.get("/stream/:tenant", async (req, res) => {
    const tenant = tenantOf(req)
    res.setHeader("Content-Type", "application/x-ndjson")
    res.write(`${JSON.stringify({ started: tenant.id })}\n`)
    let step = 0
    const result = await tenantWork(tenant, ambient, handlePath(req.auth), async () => {
      res.write(`${JSON.stringify({ step: step++ })}\n`)
      await sleep(1)
    })
    res.end(`${JSON.stringify(result)}\n`)
  })
  app.get("/throws/:tenant", async (req) => {
    const tenant = tenantOf(req)
    await ambient.retrieve(tenant.projectRef, tenant.env, tenant.varName)
    throw new Error(`handler of ${tenant.id} failed`)
  })
  app.use(authErrorHandler())
  const fallback: ErrorRequestHandler = (_err, _req, res, _next) => {
    res.status(500).type("application/json").send(handlerFailedBody)
  }
  app.use(fallback)
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
  it("req.auth.client carries the tenant's credential; an ambient call rejects with OutsideAuthScope and sends nothing", async () => {
    const app = express()
    app.get(
      "/explicit/:tenant",
      authContext({
        ambient: false,
        resolve: (req) => world.byId.get(req.get("x-tenant") ?? "")?.config,
        baseURL: world.emulator.url
      }),
      async (req, res) => {
        res.json(await explicitWork(tenantOf(req), handlePath(req.auth)))
      }
    )
    await withServer(listen(app), async (server) => {
      expect(await explicitCase(world, server.url)).toEqual([])
    })
  })
})

describe("hostile Authorization headers", () => {
  const corpusApp = (): express.Express => {
    const app = express()
    const kind = (req: Request, res: express.Response) => {
      res.json({ kind: req.auth?.kind, scoped: AuthScope.current()?.credential._tag })
    }
    app.get("/any", authContext({ baseURL: world.emulator.url }), kind)
    app.get("/secret", authContext({ accept: ["SecretKey"], baseURL: world.emulator.url }), kind)
    app.get(
      "/verify",
      authContext({
        verify: async (auth) => auth.credential._tag === "SecretKey",
        baseURL: world.emulator.url
      }),
      kind
    )
    app.use(authErrorHandler())
    return app
  }

  it("the corpus has at least 50 hostile headers", () => {
    expect(hostileCorpus(world).filter((c) => c.expected !== "ok").length).toBeGreaterThanOrEqual(50)
  })

  it("each gets 400/401 with the right WWW-Authenticate and problem, never a 500 or the token; the server keeps serving", async () => {
    await withServer(listen(corpusApp()), async (server) => {
      const failures = await runCorpus(world, server.url, server.port)
      expect(failures).toEqual([])
    })
  })

  it("an accepted request runs in its scope and sets req.auth", async () => {
    await withServer(listen(corpusApp()), async (server) => {
      const response = await fetch(`${server.url}/secret`, {
        headers: { authorization: `bearer ${world.secretKey}` }
      })
      expect(await response.json()).toEqual({ kind: "SecretKey", scoped: "SecretKey" })
    })
  })
})

describe("error paths", () => {
  it("without authErrorHandler, Express's own handler answers with the status and WWW-Authenticate", async () => {
    const app = express()
    app.get("/", authContext(), (_req, res) => {
      res.send("ok")
    })
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url, { headers: { authorization: "Token x" } })
      expect(response.status).toBe(400)
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="authctx", error="invalid_request"')
      await response.text()
    })
  })

  it("the app's own error handler gets an RequestAuthError with status, code and headers", async () => {
    const app = express()
    const seen: Array<unknown> = []
    app.get("/", authContext({ realm: "tenants", accept: ["SecretKey"] }), (_req, res) => {
      res.send("ok")
    })
    const handler: ErrorRequestHandler = (err, _req, res, _next) => {
      seen.push(err)
      res.status(418).send("custom")
    }
    app.use(handler)
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url, { headers: { authorization: `Bearer ${world.pat}` } })
      expect(response.status).toBe(418)
      await response.text()
      const error = seen[0]
      expect(error).toBeInstanceOf(RequestAuthError)
      if (!(error instanceof RequestAuthError)) return
      expect(error.status).toBe(401)
      expect(error.statusCode).toBe(401)
      expect(error.code).toBe("unsupported_kind")
      expect(error.headers).toEqual({ "WWW-Authenticate": 'Bearer realm="tenants", error="invalid_token"' })
      expect(error.expose).toBe(true)
      expect(JSON.stringify(error)).not.toContain(world.pat.slice(7))
      expect(error.message).not.toContain(world.pat.slice(7))
    })
  })

  it("onError: sendProblem answers at once; a resolve that throws is a 401 resolve_failed without its message", async () => {
    const app = express()
    app.get(
      "/",
      authContext({
        resolve: () => {
          throw new Error(`database down, key ${world.secretKey}`)
        },
        onError: (error, _req, res) => sendProblem(res, error)
      }),
      (_req, res) => {
        res.send("ok")
      }
    )
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url)
      expect(response.status).toBe(401)
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="authctx", error="invalid_token"')
      const text = await response.text()
      expect(JSON.parse(text)).toMatchObject({ status: 401, type: "urn:authctx:problem:resolve_failed" })
      expect(text).not.toContain("database")
      expect(text).not.toContain(world.secretKey.slice(7))
    })
  })

  it("handler() without its middleware fails with MissingAuthMiddleware (500), not with another request's auth", async () => {
    const app = express()
    const guarded = authContext({ accept: ["SecretKey"] })
    app.get(
      "/",
      authContext(),
      guarded.handler((req, res) => {
        res.send(req.auth.kind)
      })
    )
    await withServer(listen(app), async (server) => {
      const response = await fetch(server.url, { headers: { authorization: `Bearer ${world.pat}` } })
      expect(response.status).toBe(500)
      await response.text()
    })
  })
})

describe("callbacks outside the request's call tree, judged by the emulator's log", () => {
  let traps: Traps
  let server: Running
  beforeAll(async () => {
    traps = await Traps.start()
    const app = express()
    app.use(
      "/trap",
      authContext({
        resolve: (req) => world.byId.get(req.get("x-tenant") ?? "")?.config,
        baseURL: world.emulator.url
      })
    )
    app.all("/trap/:pattern/:tenant", async (req, res) => {
      const query = (name: string) => (typeof req.query[name] === "string" ? req.query[name] : undefined)
      const params = trapParams(req.params["pattern"], query("via"), query("role"))
      if (params === undefined || req.auth === undefined) return void res.sendStatus(400)
      res.json(await traps.handle({ ...params, tenant: tenantOf(req), auth: req.auth, incoming: req }))
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
    const app = express()
    app.use(authContext({ baseURL: world.emulator.url }))
    app.use(authContext({ resolve: (req) => (req.get("x-second") === "pat" ? world.pat : world.secretKey) }))
    app.get("/", (req, res) => {
      handled++
      res.send(req.auth?.kind)
    })
    app.use(authErrorHandler())
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
