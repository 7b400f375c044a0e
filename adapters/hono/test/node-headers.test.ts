/**
 * Reading the credential from `@hono/node-server`'s Node request (decision 0037): on a request whose
 * fetch headers nothing has read, the adapter reads `c.env.incoming.rawHeaders` and node-server never
 * builds its `Headers`; everywhere else it reads `c.req.raw.headers`, as the app sees them. Real HTTP
 * over loopback against real Hono apps served by node-server, and the emulator behind them.
 */
import type { Server } from "node:http"
import { request as httpRequest } from "node:http"
import { connect, createServer as createHttp2Server } from "node:http2"
import {
  maxHeaderSize,
  type Running,
  runCorpus,
  serve,
  startWorld,
  type World,
  withServer
} from "@authctx/adapter-testkit"
import { authContext } from "@authctx/hono"
import { createAdaptorServer } from "@hono/node-server"
import { type Context, type Env, Hono, type MiddlewareHandler } from "hono"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freshIncoming } from "../src/nodeRequest.js"

let world: World

beforeAll(async () => {
  world = await startWorld(2)
})

afterAll(async () => {
  await world?.stop()
})

const listen = <E extends Env>(fetch: Hono<E>["fetch"]): Promise<Running> =>
  serve(createAdaptorServer({ fetch, serverOptions: { maxHeaderSize } }) as Server)

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** `GET path` with these raw header lines (a name may repeat, which `fetch` cannot send). */
const rawGet = (port: number, path: string, lines: ReadonlyArray<string>): Promise<[number, string]> =>
  new Promise((resolve, reject) => {
    const headers = ["Host", `127.0.0.1:${port}`, ...lines]
    const req = httpRequest({ host: "127.0.0.1", port, path, headers }, (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => {
        body += chunk
      })
      res.on("end", () => resolve([res.statusCode ?? 0, body]))
    })
    req.on("error", reject)
    req.end()
  })

/** Whether nothing on this request has read its fetch headers so far (what the adapter's fast read needs). */
const untouched = (c: Context): boolean => freshIncoming(c.req.raw, c.env) !== undefined

describe("on @hono/node-server, a request nothing else read: the credential from rawHeaders", () => {
  it.each(["handler", "middleware"] as const)(
    "the %s form admits the key, node-server's Headers are never built, a memo hit stays synchronous",
    async (form) => {
      const auth = authContext({ accept: ["SecretKey"], baseURL: world.emulator.url, ambient: false })
      const seen: Array<boolean> = []
      const app = new Hono()
      if (form === "handler") {
        app.get(
          "/runs",
          auth.handler((c, handle) => {
            seen.push(untouched(c))
            return c.text(handle.kind)
          })
        )
      } else {
        app.get("/runs", auth, (c) => {
          seen.push(untouched(c))
          return c.text(c.var.auth.kind)
        })
      }
      const synchronous: Array<boolean> = []
      const fetch: Hono["fetch"] = (request, env, ctx) => {
        const answer = app.fetch(request, env, ctx)
        synchronous.push(answer instanceof Response)
        return answer
      }
      await withServer(listen(fetch), async (server) => {
        for (let i = 0; i < 3; i++) {
          const response = await globalThis.fetch(`${server.url}/runs`, { headers: bearer(world.secretKey) })
          expect([response.status, await response.text()]).toEqual([200, "SecretKey"])
        }
        const pat = await globalThis.fetch(`${server.url}/runs`, { headers: bearer(world.pat) })
        expect(pat.status).toBe(401)
        expect(await pat.json()).toMatchObject({ type: "urn:authctx:problem:unsupported_kind" })
      })
      // The probe found node-server's request shape: the check is not vacuous.
      expect(seen).toEqual([true, true, true])
      // The handler form keeps Hono's synchronous path on a credential seen before; a middleware cannot.
      expect(synchronous.slice(1, 3)).toEqual(form === "handler" ? [true, true] : [false, false])
    }
  )

  it("a header sent twice is two values: 400, whichever comes first, and a folded one never arrives", async () => {
    const auth = authContext({ baseURL: world.emulator.url, ambient: false })
    const app = new Hono().get(
      "/runs",
      auth.handler((c, handle) => c.text(handle.kind))
    )
    await withServer(listen(app.fetch), async (server) => {
      for (const lines of [
        ["Authorization", `Bearer ${world.secretKey}`, "authorization", `Bearer ${world.pat}`],
        ["authorization", `Bearer ${world.secretKey}`, "AUTHORIZATION", `Bearer ${world.secretKey}`],
        ["Authorization", "", "Authorization", `Bearer ${world.secretKey}`]
      ]) {
        const [status, body] = await rawGet(server.port, "/runs", lines)
        expect(status).toBe(400)
        expect(JSON.parse(body)).toMatchObject({ type: "urn:authctx:problem:invalid_request" })
        expect(body).not.toContain(world.secretKey.slice(7))
      }
      const [status] = await rawGet(server.port, "/runs", ["Authorization", `Bearer ${world.secretKey}`])
      expect(status).toBe(200)
    })
  })

  it("a configured header (x-api-key) is read the same way", async () => {
    const auth = authContext({ header: "x-api-key", baseURL: world.emulator.url, ambient: false })
    const app = new Hono().get(
      "/runs",
      auth.handler((c, handle) => c.text(`${handle.kind} ${untouched(c)}`))
    )
    await withServer(listen(app.fetch), async (server) => {
      expect(await rawGet(server.port, "/runs", ["X-Api-Key", `Bearer ${world.pat}`])).toEqual([
        200,
        "PersonalAccessToken true"
      ])
      const twice = await rawGet(server.port, "/runs", [
        "x-api-key",
        `Bearer ${world.pat}`,
        "x-api-key",
        `Bearer ${world.pat}`
      ])
      expect(twice[0]).toBe(400)
    })
  })
})

describe("over HTTP/2 (node-server's Http2ServerRequest)", () => {
  it("the credential is read from the Node request's raw headers too, and a PAT is refused by accept", async () => {
    const auth = authContext({ accept: ["SecretKey"], baseURL: world.emulator.url, ambient: false })
    const app = new Hono().get(
      "/runs",
      auth.handler((c, handle) => c.text(`${handle.kind} ${untouched(c)}`))
    )
    const server = createAdaptorServer({ fetch: app.fetch, createServer: createHttp2Server })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    const session = connect(`http://127.0.0.1:${port}`)
    const get = (token: string): Promise<[number, string]> =>
      new Promise((resolve, reject) => {
        const stream = session.request({ ":path": "/runs", authorization: `Bearer ${token}` })
        let status = 0
        let body = ""
        stream.setEncoding("utf8")
        stream.on("response", (headers) => {
          status = Number(headers[":status"])
        })
        stream.on("data", (chunk: string) => {
          body += chunk
        })
        stream.on("end", () => resolve([status, body]))
        stream.on("error", reject)
      })
    try {
      expect(await get(world.secretKey)).toEqual([200, "SecretKey true"])
      const [status, body] = await get(world.pat)
      expect(status).toBe(401)
      expect(body).not.toContain(world.pat.slice(7))
    } finally {
      session.close()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe("everywhere else, the headers as the app sees them", () => {
  /** Earlier middlewares, each on its own path; the client sends the PAT unless the test says otherwise. */
  const earlier: Record<string, MiddlewareHandler> = {
    "/set": async (c, next) => {
      c.req.raw.headers.set("authorization", `Bearer ${world.secretKey}`)
      await next()
    },
    "/deleted": async (c, next) => {
      c.req.raw.headers.delete("authorization")
      await next()
    },
    "/appended": async (c, next) => {
      c.req.raw.headers.append("authorization", `Bearer ${world.secretKey}`)
      await next()
    },
    "/replaced-request": async (c, next) => {
      c.req.raw = new Request(c.req.raw.url, { headers: bearer(world.secretKey) })
      await next()
    },
    "/own-headers": async (c, next) => {
      Object.defineProperty(c.req.raw, "headers", { value: new Headers(bearer(world.secretKey)) })
      await next()
    },
    "/replaced-env": async (c, next) => {
      // a stand-in Node request that says something else: never taken for the request's own
      c.env = { incoming: { rawHeaders: ["authorization", `Bearer ${world.secretKey}`], headers: {} } }
      await next()
    },
    "/read": async (c, next) => {
      c.req.header("x-request-id")
      await next()
    }
  }
  const expected: Record<string, [number, string]> = {
    "/set": [200, "SecretKey"],
    "/deleted": [401, "missing_credential"],
    "/appended": [400, "invalid_request"],
    "/replaced-request": [200, "SecretKey"],
    "/own-headers": [200, "SecretKey"],
    "/replaced-env": [200, "PersonalAccessToken"],
    "/read": [200, "PersonalAccessToken"]
  }

  it.each(["handler", "middleware"] as const)(
    "an earlier middleware's set, delete, append, replaced request or headers count; a replaced c.env is not trusted (%s form)",
    async (form) => {
      const auth = authContext({ baseURL: world.emulator.url, ambient: false })
      const app = new Hono()
      for (const [path, middleware] of Object.entries(earlier)) app.use(path, middleware)
      if (form === "handler")
        app.get(
          "/:path",
          auth.handler((c, handle) => c.text(handle.kind))
        )
      else app.get("/:path", auth, (c) => c.text(c.var.auth.kind))
      await withServer(listen(app.fetch), async (server) => {
        for (const [path, [status, answer]] of Object.entries(expected)) {
          const response = await fetch(`${server.url}${path}`, { headers: bearer(world.pat) })
          const text = await response.text()
          expect([path, response.status]).toEqual([path, status])
          expect(status === 200 ? text : (JSON.parse(text) as { type: string }).type).toBe(
            status === 200 ? answer : `urn:authctx:problem:${answer}`
          )
        }
        // the fast read again after all that: each request is judged on its own
        const plain = await fetch(`${server.url}/plain`, { headers: bearer(world.secretKey) })
        expect(await plain.text()).toBe("SecretKey")
      })
    }
  )

  it("the hostile corpus behind a middleware that read a header first: the same 400s and 401s", async () => {
    const app = new Hono()
    app.use(async (c, next) => {
      c.req.header("x-request-id")
      await next()
    })
    const scoped = (c: Context) => c.text("ok")
    app.get("/any", authContext({ baseURL: world.emulator.url }).handler(scoped))
    app.get("/secret", authContext({ accept: ["SecretKey"], baseURL: world.emulator.url }).handler(scoped))
    app.get(
      "/verify",
      authContext({
        verify: async (auth) => auth.credential._tag === "SecretKey",
        baseURL: world.emulator.url
      }).handler(scoped)
    )
    await withServer(listen(app.fetch), async (server) => {
      expect(await runCorpus(world, server.url, server.port)).toEqual([])
    })
  })

  it("not on node-server: app.request, and app.fetch with an env.incoming that is not the request's", async () => {
    const auth = authContext({ baseURL: world.emulator.url, ambient: false })
    const app = new Hono().get(
      "/runs",
      auth.handler((c, handle) => c.text(handle.kind))
    )
    const viaRequest = await app.request("/runs", { headers: bearer(world.pat) })
    expect(await viaRequest.text()).toBe("PersonalAccessToken")
    const stand = {
      incoming: { rawHeaders: ["authorization", `Bearer ${world.secretKey}`], headers: {} }
    }
    const viaFetch = await app.fetch(
      new Request("http://localhost/runs", { headers: bearer(world.pat) }),
      stand
    )
    expect(await viaFetch.text()).toBe("PersonalAccessToken")
    const none = await app.fetch(new Request("http://localhost/runs"), stand)
    expect(none.status).toBe(401)
  })
})

describe("what the fast read trusts: only a request kind whose fresh headers can be proven", () => {
  const incoming = { rawHeaders: ["authorization", "Bearer x"], headers: { authorization: "Bearer x" } }
  const env = { incoming }
  const holding = Symbol("incoming")
  /** A request of a made-up kind, holding `incoming` under `key`. */
  const request = (proto: object, key: symbol = holding): Request => {
    const made = Object.create(proto) as Record<symbol, unknown>
    made[key] = incoming
    return made as unknown as Request
  }

  it("a kind like node-server's (headers built on first read, kept under an own symbol): fresh until read", () => {
    const kept = Symbol("headers")
    const proto = {
      get headers(): Headers {
        const self = this as unknown as Record<symbol, Headers | undefined>
        self[kept] ??= new Headers()
        return self[kept]
      }
    }
    // a first request that cannot tell (it does not hold this env's Node request) does not decide the kind
    expect(freshIncoming(Object.create(proto) as Request, env)).toBeUndefined()
    const fresh = request(proto)
    expect(freshIncoming(fresh, env)).toBe(incoming)
    expect(freshIncoming(fresh, { incoming: { ...incoming } })).toBeUndefined()
    expect(freshIncoming(fresh, undefined)).toBeUndefined()
    expect(freshIncoming(fresh, { incoming: "no" })).toBeUndefined()
    fresh.headers.set("authorization", "Bearer y")
    expect(freshIncoming(fresh, env)).toBeUndefined()
    expect(freshIncoming(request(proto), env)).toBe(incoming)
  })

  it.each([
    ["builds new headers on every read", { get: () => new Headers() }],
    [
      "keeps them where the probe cannot see",
      (() => {
        const hidden = new WeakMap<object, Headers>()
        return {
          get(this: object) {
            const headers = hidden.get(this) ?? new Headers()
            hidden.set(this, headers)
            return headers
          }
        }
      })()
    ],
    [
      "throws",
      {
        get: () => {
          throw new Error("no")
        }
      }
    ],
    ["answers something else", { get: () => ({ get: () => null }) }],
    ["has a plain headers value", { value: new Headers() }]
  ])("a kind whose getter %s is never trusted", (_, descriptor) => {
    const proto = Object.defineProperty({}, "headers", descriptor)
    expect(freshIncoming(request(proto), env)).toBeUndefined()
    expect(freshIncoming(request(proto), env)).toBeUndefined()
  })

  it("a request holding the Node request under two keys, or a native Request, is never trusted", () => {
    const kept = Symbol("headers")
    const proto = {
      get headers(): Headers {
        const self = this as unknown as Record<symbol, Headers | undefined>
        self[kept] ??= new Headers()
        return self[kept]
      }
    }
    const twice = request(proto) as unknown as Record<symbol, unknown>
    twice[Symbol("again")] = incoming
    expect(freshIncoming(twice as unknown as Request, env)).toBeUndefined()
    expect(freshIncoming(new Request("http://localhost/"), env)).toBeUndefined()
  })
})
