// What a Hono middleware costs per request, in-process and steady under load (decision 0033): drives
// @hono/node-server's request listener with stand-in Node requests and responses (no socket, no HTTP
// parsing: those cost the same with or without a middleware), one process per variant so that no variant
// inherits another's JIT state or async hooks, variants taken in turns (order reversed every other round).
// Prints each variant's CPU ns per request (median round, lowest–highest) and its excess over `bare`.
//
// Run after a build: `pnpm build && node adapters/hono/bench/request-cost.mjs [rounds] [requests]`
// (defaults 5 × 200,000); NODE_BIN=/path/to/node runs the variants on another Node. ONLY=bare,handler,…
// takes only those variants. A/B against another build: copy its adapters/hono/dist aside (e.g. to
// adapters/hono/before/dist, ignored by git, so that its imports resolve here) and set
// BASE=adapters/hono/before/dist/index.js: every variant that uses the adapter also runs on that build, as
// `<variant>~base`, in the same rounds. PARSER=1 drives the listener through node:http's own server and
// parser over an in-memory socket instead of stand-ins (real request objects, fresh header strings).
//
// Variants: bare (the handler alone: Hono's synchronous path), noop (`async (c, next) => { await next() }`),
// noop-return (`(c, next) => next()`), als (`contextStorage()`), adapter (`authContext({ accept })`,
// bearer), resolve (50 tenants by `x-tenant`, read with `c.req.header`), resolve-none (the same tenants in
// turns without reading a header: what the read costs, decision 0037), explicit (`ambient: false`, the middleware), in-handler:
// the sketch of decision 0033 (`RequestAuth.make` + `AuthHandle.make` inside the route's one handler), and
// the real forms: handler (`auth.handler(fn)` with `ambient: false`, the explicit-handle mode that keeps
// Hono's synchronous path), handler-ambient (`auth.handler(fn)`, ambient) and handler-behind
// (`app.use(auth)` + `auth.handler(fn)`: the middleware's handle taken, no second authentication).
import { execFileSync } from "node:child_process"
import { EventEmitter } from "node:events"
import { createServer } from "node:http"
import { Duplex } from "node:stream"
import { fileURLToPath, pathToFileURL } from "node:url"

const all = [
  "bare",
  "noop",
  "noop-return",
  "als",
  "explicit",
  "in-handler",
  "handler",
  "handler-ambient",
  "handler-behind",
  "adapter",
  "resolve",
  "resolve-none"
]
// no adapter, or (resolve-none) only a cost to compare with: no `~base` twin
const plain = new Set(["bare", "noop", "noop-return", "als", "in-handler", "resolve-none"])
const base = process.env.BASE
const chosen =
  process.env.ONLY === undefined ? all : all.filter((v) => process.env.ONLY.split(",").includes(v))
const variants = chosen.flatMap((v) => (base === undefined || plain.has(v) ? [v] : [v, `${v}~base`]))

const child = async (name, n) => {
  const [variant, build] = name.split("~")
  const { Hono } = await import("hono")
  const { contextStorage, getContext } = await import("hono/context-storage")
  const { getRequestListener } = await import("@hono/node-server")
  const { authContext } = await import(
    build === "base" ? new URL(base, pathToFileURL(`${process.cwd()}/`)).href : "../dist/index.js"
  )
  const { AuthHandle, RequestAuth } = await import("@authctx/server")
  const tenants = new Map(
    Array.from({ length: 50 }, (_, i) => [
      `t${String(i).padStart(2, "0")}`,
      `tr_dev_tenant${String(i).padStart(2, "0")}Xw3Rk9Lm2Np5Bv8Cx`
    ])
  )
  const accept = ["SecretKey"]
  let k = 0
  const json = { "content-type": "application/json" }
  const app = (middleware, read) => {
    const handler = (c) => c.body(JSON.stringify({ ok: true, kind: read(c) }), 200, json)
    return middleware === undefined
      ? new Hono().get("/hello", handler)
      : new Hono().get("/hello", middleware, handler)
  }
  const apps = {
    bare: () => app(undefined, () => "none"),
    noop: () =>
      app(
        async (_c, next) => {
          await next()
        },
        () => "none"
      ),
    "noop-return": () =>
      app(
        (_c, next) => next(),
        () => "none"
      ),
    als: () => app(contextStorage(), () => (getContext() === undefined ? "none" : "als")),
    explicit: () => app(authContext({ accept, ambient: false }), (c) => c.get("auth").kind),
    "in-handler": () => {
      const authenticate = RequestAuth.make({ accept })
      const handler = (c) => c.body(JSON.stringify({ ok: true, kind: c.get("auth").kind }), 200, json)
      return new Hono().get("/hello", (c) => {
        const result = authenticate({
          header: (name) => c.req.raw.headers.get(name) ?? undefined,
          request: c
        })
        if (result instanceof Promise || result._tag !== "Right") throw new Error("sketch: sync bearer only")
        c.set("auth", AuthHandle.make(result.right))
        return handler(c)
      })
    },
    handler: () => {
      const auth = authContext({ accept, ambient: false })
      return new Hono().get(
        "/hello",
        auth.handler((c, handle) => c.body(JSON.stringify({ ok: true, kind: handle.kind }), 200, json))
      )
    },
    "handler-ambient": () => {
      const auth = authContext({ accept })
      return new Hono().get(
        "/hello",
        auth.handler((c, handle) => c.body(JSON.stringify({ ok: true, kind: handle.kind }), 200, json))
      )
    },
    "handler-behind": () => {
      const auth = authContext({ accept, ambient: false })
      return new Hono().use(auth).get(
        "/hello",
        auth.handler((c, handle) => c.body(JSON.stringify({ ok: true, kind: handle.kind }), 200, json))
      )
    },
    adapter: () => app(authContext({ accept }), (c) => c.get("auth").kind),
    resolve: () =>
      app(
        authContext({ accept, resolve: (c) => tenants.get(c.req.header("x-tenant") ?? "") }),
        (c) => c.get("auth").kind
      ),
    "resolve-none": () =>
      app(
        authContext({ accept, resolve: () => tenants.get(`t${String(k++ % 50).padStart(2, "0")}`) }),
        (c) => c.get("auth").kind
      )
  }
  const listener = getRequestListener(apps[variant]().fetch)
  const run = process.env.PARSER === "1" ? parsed(listener, variant) : standIns(listener, variant)
  await run(n / 2)
  const before = process.cpuUsage()
  await run(n)
  const used = process.cpuUsage(before)
  process.stdout.write(`${JSON.stringify({ ns: ((used.user + used.system) * 1000) / n })}\n`)
}

/** The listener driven with stand-in Node requests and responses: no parser, no socket. */
const standIns = (listener, variant) => {
  let status = 0
  const noop = () => {}
  const response = () =>
    Object.assign(new EventEmitter(), {
      writeHead: (s) => {
        status = s
      },
      end: noop,
      write: noop,
      hasHeader: () => false,
      _contentLength: null,
      _hasBody: true,
      useChunkedEncodingByDefault: true,
      writableFinished: true,
      headersSent: false
    })
  let i = 0
  // A header value is a new string on every request, as node:http's parser makes it (a literal would be
  // one interned string, whose hash V8 keeps: lookups by it would be cheaper than a server ever sees).
  const sent = Buffer.from("Bearer tr_dev_Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4Ab6Ef0Gh", "latin1")
  const request = () => {
    const tenant = `t${String(i++ % 50).padStart(2, "0")}`
    const authorization = sent.toString("latin1")
    return {
      method: "GET",
      url: "/hello",
      rawHeaders: ["Host", "127.0.0.1:3000", "Authorization", authorization, "x-tenant", tenant],
      headers: { host: "127.0.0.1:3000", authorization, "x-tenant": tenant },
      socket: { encrypted: false },
      readableEnded: true
    }
  }
  const run = async (count) => {
    for (let k = 0; k < count; k++) {
      const res = response()
      await listener(request(), res)
      res.emit("close")
      if (status !== 200) throw new Error(`${variant}: status ${status}`)
    }
  }
  return run
}

/**
 * The listener behind node:http's own server and parser (PARSER=1): real IncomingMessage and
 * ServerResponse objects, a parsed header value a new string each time, requests written 50 at a time
 * (one per tenant) into an in-memory socket, the answers counted from the bytes the server writes back.
 */
const parsed = (listener, variant) => {
  const server = createServer(listener)
  let answered = 0
  let wake = () => {}
  class Socket extends Duplex {
    remoteAddress = "127.0.0.1"
    remotePort = 40000
    _read() {}
    _write(chunk, _encoding, done) {
      const text = chunk.toString("latin1")
      for (let at = text.indexOf("HTTP/1.1 "); at !== -1; at = text.indexOf("HTTP/1.1 ", at + 1)) {
        if (text.slice(at + 9, at + 12) !== "200") throw new Error(`${variant}: ${text.slice(at, at + 12)}`)
        answered++
      }
      wake()
      done()
    }
    setTimeout() {
      return this
    }
    setNoDelay() {
      return this
    }
    setKeepAlive() {
      return this
    }
  }
  const socket = new Socket()
  server.emit("connection", socket)
  const burst = Buffer.from(
    Array.from(
      { length: 50 },
      (_, t) =>
        `GET /hello HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nAuthorization: Bearer tr_dev_Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4Ab6Ef0Gh\r\nx-tenant: t${String(t).padStart(2, "0")}\r\n\r\n`
    ).join(""),
    "latin1"
  )
  return async (count) => {
    const target = answered + count
    while (answered < target) {
      const want = answered + 50
      socket.push(burst)
      while (answered < want)
        await new Promise((resolve) => {
          wake = resolve
          setImmediate(resolve)
        })
    }
  }
}

const parent = (rounds, n) => {
  const node = process.env.NODE_BIN ?? process.execPath
  const self = fileURLToPath(import.meta.url)
  const taken = new Map(variants.map((v) => [v, []]))
  for (let r = 0; r < rounds; r++) {
    for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
      const out = execFileSync(node, [self, "--child", v, String(n)], { encoding: "utf8" })
      taken.get(v).push(JSON.parse(out).ns)
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const bare = taken.get("bare")
  const version = execFileSync(node, ["-p", "process.version"], { encoding: "utf8" }).trim()
  console.log(
    `Node ${version}, ${rounds} rounds × ${n} requests; CPU ns per request: median (lowest–highest)`
  )
  for (const v of variants) {
    const xs = taken.get(v)
    const over = xs.map((x, k) => x - bare[k])
    const span = (ys) =>
      `${median(ys).toFixed(0)} (${Math.min(...ys).toFixed(0)}–${Math.max(...ys).toFixed(0)})`
    console.log(`${v.padEnd(16)} ${span(xs).padEnd(22)} over bare ${span(over)}`)
  }
}

const args = process.argv.slice(2)
if (args[0] === "--child") await child(args[1], Number(args[2]))
else parent(Number(args[0] ?? 5), Number(args[1] ?? 200_000))
