/**
 * Where `req.auth` lives (adapters/express/src/internal/authSlot.ts): an accessor on Express's request
 * prototype over an entry in `res.locals`, so that the middleware adds no property to `req` (on Node 20 and
 * 22 each one copied the request's map). These tests hold it to what an own property gave: visible wherever the
 * request goes (sub-apps, after them, other apps), overridden and deleted by plain assignment, an own
 * `auth` set earlier kept as the place the middleware writes to, and a plain `node:http` request (no
 * Express prototype) given an own property. They run real servers on loopback.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { inspect } from "node:util"
import {
  maxHeaderSize,
  type Running,
  serve,
  startWorld,
  type World,
  withServer
} from "@authctx/adapter-testkit"
import { AuthScope } from "@authctx/core"
import { type AuthHandle, authContext, authErrorHandler } from "@authctx/express"
import express, { type NextFunction, type Request } from "express"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let world: World

beforeAll(async () => {
  world = await startWorld(4)
})

afterAll(async () => {
  await world?.stop()
})

const listen = (app: (req: IncomingMessage, res: ServerResponse) => void): Promise<Running> =>
  serve(createServer({ maxHeaderSize }, app))

const get = async (url: string, token: string): Promise<{ status: number; body: string }> => {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  return { status: response.status, body: await response.text() }
}

const kindOf = (req: Request): string => req.auth?.kind ?? "none"

describe("req.auth as Express's handlers see it", () => {
  it("is there in later handlers, inside a sub-app, after the sub-app returns, and in another app", async () => {
    const sub = express()
    sub.get("/in", (req, res) => {
      res.send(`sub:${kindOf(req)}`)
    })
    // The middleware inside a sub-app; the parent's handler after the sub-app reads it too.
    const inner = express()
    inner.use(authContext())
    inner.get("/pass", (_req, _res, next: NextFunction) => next())
    const app = express()
    app.use("/a", authContext())
    app.get("/a/here", (req, res) => {
      res.send(`here:${kindOf(req)}:${String(Object.hasOwn(req, "auth"))}`)
    })
    app.use("/a/sub", sub)
    app.use("/b", inner)
    app.get("/b/pass", (req, res) => {
      res.send(`after:${kindOf(req)}`)
    })
    app.get("/open", (req, res) => {
      res.send(`open:${kindOf(req)}:${String(Object.hasOwn(req, "auth"))}`)
    })
    app.use(authErrorHandler())
    const other = express()
    other.get("/", authContext(), (req, res) => {
      res.send(`other:${kindOf(req)}`)
    })
    await withServer(listen(app), async (server) => {
      await withServer(listen(other), async (second) => {
        // An own property only where V8 shares the maps (13 and later, Node 24), else the accessor's slot.
        const own = Number(process.versions.v8.split(".")[0]) >= 13
        expect(await get(`${server.url}/a/here`, world.secretKey)).toEqual({
          status: 200,
          body: `here:SecretKey:${String(own)}`
        })
        expect(await get(`${server.url}/a/sub/in`, world.pat)).toEqual({
          status: 200,
          body: "sub:PersonalAccessToken"
        })
        expect(await get(`${server.url}/b/pass`, world.secretKey)).toEqual({
          status: 200,
          body: "after:SecretKey"
        })
        // A route the middleware does not guard: no auth, and no own property either.
        expect(await get(`${server.url}/open`, world.secretKey)).toEqual({
          status: 200,
          body: "open:none:false"
        })
        expect(await get(second.url, world.pat)).toEqual({ status: 200, body: "other:PersonalAccessToken" })
      })
    })
  })

  it("a later assignment overrides it and `delete` removes it; an own `auth` set earlier is where the middleware writes", async () => {
    const app = express()
    app.get(
      "/assign",
      authContext(),
      (req, _res, next) => {
        ;(req as { auth?: unknown }).auth = { kind: "mine" }
        next()
      },
      (req, res, next) => {
        const assigned = kindOf(req)
        delete (req as { auth?: unknown }).auth
        res.send(`${assigned}:${kindOf(req)}`)
        next()
      }
    )
    app.get(
      "/own-first",
      (req, _res, next) => {
        req.auth = undefined
        next()
      },
      authContext(),
      (req, res) => {
        res.send(`${kindOf(req)}:${String(Object.hasOwn(req, "auth"))}`)
      }
    )
    await withServer(listen(app), async (server) => {
      expect(await get(`${server.url}/assign`, world.secretKey)).toEqual({ status: 200, body: "mine:none" })
      expect(await get(`${server.url}/own-first`, world.secretKey)).toEqual({
        status: 200,
        body: "SecretKey:true"
      })
    })
  })

  it("on a plain node:http request (no Express prototype) it is an own property", async () => {
    const middleware = authContext()
    const server = (req: IncomingMessage, res: ServerResponse) => {
      middleware(req as Request, res as never, (error?: unknown) => {
        const auth = (req as Request).auth
        res.end(error === undefined ? `${auth?.kind}:${String(Object.hasOwn(req, "auth"))}` : "refused")
      })
    }
    await withServer(listen(server), async (running) => {
      expect(await get(running.url, world.pat)).toEqual({ status: 200, body: "PersonalAccessToken:true" })
    })
  })
})

// Node 20 and 22 (V8 before 13) keep `req.auth` in `res.locals`; Node 24 assigns an own property.
const viaLocals = Number(process.versions.v8.split(".")[0]) < 13

describe("req.auth and res.locals", () => {
  it("a res.locals an app shares between requests never gives one request another's auth", async () => {
    // A shared locals object: each request's middleware finds the entry of another request (or its own).
    const shared = Object.create(null) as Record<PropertyKey, unknown>
    const auth = authContext()
    const app = express()
    app.get(
      "/",
      (_req, res, next) => {
        res.locals = shared
        next()
      },
      auth,
      // Let the requests interleave between the middleware and the handler.
      (_req, _res, next) => {
        setTimeout(next, 5)
      },
      auth.handler((req, res) => {
        res.send(`${req.auth.kind}:${String(AuthScope.current()?.credential._tag)}`)
      })
    )
    app.use(authErrorHandler())
    await withServer(listen(app), async (server) => {
      const tokens = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? world.secretKey : world.pat))
      const answers = await Promise.all(tokens.map((token) => get(server.url, token)))
      expect(answers).toEqual(
        tokens.map((token) => {
          const kind = token === world.secretKey ? "SecretKey" : "PersonalAccessToken"
          return { status: 200, body: `${kind}:${kind}` }
        })
      )
    })
  })

  it("res.locals replaced after the middleware: req.auth reads undefined and handler(fn) refuses (500)", async () => {
    const auth = authContext()
    const app = express()
    const replace = (_req: Request, res: express.Response, next: NextFunction) => {
      res.locals = { user: "someone" }
      next()
    }
    app.get("/plain", auth, replace, (req, res) => {
      res.send(kindOf(req))
    })
    app.get(
      "/typed",
      auth,
      replace,
      auth.handler((req, res) => {
        res.send(req.auth.kind)
      })
    )
    // Kept when the replacement copies the old locals (`{ ...res.locals }`, `Object.assign`).
    app.get(
      "/copied",
      auth,
      (_req, res, next) => {
        res.locals = { ...res.locals, user: "someone" }
        next()
      },
      auth.handler((req, res) => {
        res.send(req.auth.kind)
      })
    )
    await withServer(listen(app), async (server) => {
      expect(await get(`${server.url}/plain`, world.secretKey)).toEqual({
        status: 200,
        body: viaLocals ? "none" : "SecretKey"
      })
      expect((await get(`${server.url}/typed`, world.secretKey)).status).toBe(viaLocals ? 500 : 200)
      expect(await get(`${server.url}/copied`, world.secretKey)).toEqual({ status: 200, body: "SecretKey" })
    })
  })

  it("a logged res.locals shows no credential, and JSON of it none of the entry", async () => {
    let inspected = ""
    let json = ""
    const app = express()
    app.get("/", authContext(), (req, res) => {
      inspected = inspect(res.locals, { depth: 8 }) + inspect({ ...res.locals }, { depth: 8 })
      json = JSON.stringify(res.locals)
      res.send(kindOf(req))
    })
    await withServer(listen(app), async (server) => {
      expect(await get(server.url, world.secretKey)).toEqual({ status: 200, body: "SecretKey" })
    })
    expect(inspected).not.toContain(world.secretKey)
    expect(inspected).not.toContain(world.secretKey.slice(8))
    if (viaLocals) expect(inspected).toContain("[authctx req.auth]")
    expect(json).toBe("{}")
  })

  it("a second middleware on the same request refuses another kind, whether the first set it or your code did", async () => {
    const app = express()
    app.get("/two", authContext(), authContext({ header: "x-second" }), (req, res) => {
      res.send(kindOf(req))
    })
    app.get(
      "/mine",
      (req, _res, next) => {
        ;(req as { auth?: unknown }).auth = { kind: "SecretKey" }
        next()
      },
      authContext(),
      (req, res) => {
        res.send(`${kindOf(req)}:${String(Object.hasOwn(req, "auth"))}`)
      }
    )
    app.use(authErrorHandler())
    await withServer(listen(app), async (server) => {
      const two = await fetch(`${server.url}/two`, {
        headers: { authorization: `Bearer ${world.secretKey}`, "x-second": `Bearer ${world.pat}` }
      })
      expect(two.status).toBe(401)
      expect(await two.text()).not.toContain(world.pat)
      const same = await fetch(`${server.url}/two`, {
        headers: { authorization: `Bearer ${world.secretKey}`, "x-second": `Bearer ${world.secretKey}` }
      })
      expect([same.status, await same.text()]).toEqual([200, "SecretKey"])
      // An own `auth` your code assigned is checked and then replaced (an own property, as before).
      expect(await get(`${server.url}/mine`, world.secretKey)).toEqual({
        status: 200,
        body: "SecretKey:true"
      })
      expect((await get(`${server.url}/mine`, world.pat)).status).toBe(401)
    })
  })
})

describe("the handles", () => {
  it("one frozen handle per credential and middleware: requests with the same credential share it, others do not", async () => {
    const seen: Array<AuthHandle> = []
    const auth = authContext()
    const app = express()
    app.get(
      "/",
      auth,
      auth.handler((req, res) => {
        seen.push(req.auth)
        res.send(String(AuthScope.current()?.credential._tag))
      })
    )
    await withServer(listen(app), async (server) => {
      const tokens = [world.secretKey, world.secretKey, world.pat, world.pat, world.secretKey]
      const answers = await Promise.all(tokens.map((token) => get(server.url, token)))
      expect(answers.map((a) => a.body)).toEqual([
        "SecretKey",
        "SecretKey",
        "PersonalAccessToken",
        "PersonalAccessToken",
        "SecretKey"
      ])
    })
    expect(seen).toHaveLength(5)
    const bySecret = seen.filter((h) => h.kind === "SecretKey")
    const byPat = seen.filter((h) => h.kind === "PersonalAccessToken")
    expect(new Set(bySecret).size).toBe(1)
    expect(new Set(byPat).size).toBe(1)
    expect(bySecret[0]).not.toBe(byPat[0])
    for (const handle of seen) {
      expect(Object.isFrozen(handle)).toBe(true)
      expect(() => {
        ;(handle as unknown as { extra: number }).extra = 1
      }).toThrow(TypeError)
    }
    // Its client is made on first use and is the same for every request that shares the handle.
    expect(bySecret[0]?.client).toBe(bySecret[1]?.client)
  })

  it("handler() refuses a request whose req.auth another middleware with the same credential set", async () => {
    const first = authContext()
    const second = authContext()
    const app = express()
    app.get(
      "/",
      first,
      second.handler((req, res) => {
        res.send(kindOf(req))
      })
    )
    app.get(
      "/both",
      first,
      second,
      second.handler((req, res) => {
        res.send(kindOf(req))
      })
    )
    await withServer(listen(app), async (server) => {
      expect((await get(server.url, world.secretKey)).status).toBe(500)
      expect(await get(`${server.url}/both`, world.secretKey)).toEqual({ status: 200, body: "SecretKey" })
    })
  })
})
