/**
 * The Express and Koa middlewares' CPU per request, in-process and without a network: each framework's app
 * is driven with stand-in Node requests (`http.IncomingMessage` with the headers the adapter benchmark sends,
 * a `ServerResponse` without a socket), so only the framework, the middleware and the handler are counted.
 * Steadier than req/s on a shared machine: every variant runs in a process of its own, all variants of a
 * round at the same time (so they share whatever else the machine is doing), rounds one after another.
 * Prints one line per variant: the median over rounds of each process's median µs per request, and the
 * difference from `bare`. Used for decision 0032; it asserts nothing and writes no results file.
 *
 *   node test/bench/adapters-request-cost.mjs <express|koa> [rounds=3] [requests=20000]
 *
 * Variants: `bare`, `noop` (one middleware calling next), `als` (the framework's own AsyncLocalStorage
 * mechanism, as in adapters-server.mjs), `adapter` (bearer pass-through), `resolve` (50 tenants),
 * `explicit` (`ambient: false`). One variant alone: `node … <framework> --one <variant> <requests>`.
 */
import { AsyncLocalStorage } from "node:async_hooks"
import { spawn } from "node:child_process"
import { IncomingMessage, ServerResponse } from "node:http"
import { fileURLToPath } from "node:url"
import { authContext as expressAuth } from "@authctx/express"
import { authContext as koaAuth } from "@authctx/koa"
import express from "express"
import Koa from "koa"

const variants = ["bare", "noop", "als", "adapter", "resolve", "explicit"]
const tenants = new Map(
  Array.from({ length: 50 }, (_, i) => [
    `t${String(i).padStart(2, "0")}`,
    `tr_dev_tenant${String(i).padStart(2, "0")}Xw3Rk9Lm2Np5Bv8Cx`
  ])
)
const accept = ["SecretKey"]
const body = (kind) => JSON.stringify({ ok: true, kind })
const expressApp = (middleware, read) => {
  const app = express()
  const send = (req, res) => {
    res.type("application/json").send(body(read(req)))
  }
  if (middleware === undefined) app.get("/hello", send)
  else app.get("/hello", middleware, send)
  return app
}
const koaApp = (app, middleware, read) => {
  if (middleware !== undefined) app.use(middleware)
  app.use((ctx) => {
    if (ctx.path !== "/hello") return
    ctx.type = "application/json"
    ctx.body = body(read(ctx, app))
  })
  return app.callback()
}
const als = new AsyncLocalStorage()
const apps = {
  express: {
    bare: () => expressApp(undefined, () => "none"),
    noop: () =>
      expressApp(
        (_req, _res, next) => next(),
        () => "none"
      ),
    als: () =>
      expressApp(
        (req, _res, next) => als.run({ req }, next),
        () => (als.getStore()?.req === undefined ? "none" : "als")
      ),
    adapter: () => expressApp(expressAuth({ accept }), (req) => req.auth?.kind),
    resolve: () =>
      expressApp(
        expressAuth({ accept, resolve: (req) => tenants.get(req.get("x-tenant") ?? "") }),
        (req) => req.auth?.kind
      ),
    explicit: () => expressApp(expressAuth({ accept, ambient: false }), (req) => req.auth?.kind)
  },
  koa: {
    bare: () => koaApp(new Koa(), undefined, () => "none"),
    noop: () =>
      koaApp(
        new Koa(),
        (_ctx, next) => next(),
        () => "none"
      ),
    als: () =>
      koaApp(new Koa({ asyncLocalStorage: true }), undefined, (_ctx, app) =>
        app.currentContext === undefined ? "none" : "als"
      ),
    adapter: () => koaApp(new Koa(), koaAuth({ accept }), (ctx) => ctx.state.auth.kind),
    resolve: () =>
      koaApp(
        new Koa(),
        koaAuth({ accept, resolve: (ctx) => tenants.get(ctx.get("x-tenant")) }),
        (ctx) => ctx.state.auth.kind
      ),
    explicit: () => koaApp(new Koa(), koaAuth({ accept, ambient: false }), (ctx) => ctx.state.auth.kind)
  }
}

/** The headers autocannon sends in adapters.ts, as node:http's parser hands them over. */
const raw = Array.from({ length: 50 }, (_, i) => [
  "host",
  "127.0.0.1:3000",
  "authorization",
  "Bearer tr_dev_Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4Ab6Ef0Gh",
  "x-tenant",
  `t${String(i).padStart(2, "0")}`
])

const one = async (framework, variant, requests) => {
  const handle = apps[framework][variant]()
  let failed = 0
  const run = async (count) => {
    for (let i = 0; i < count; i++) {
      const req = new IncomingMessage(null)
      req.method = "GET"
      req.url = "/hello"
      req.httpVersionMajor = 1
      req.httpVersionMinor = 1
      req.httpVersion = "1.1"
      req._addHeaderLines(raw[i % 50], 6)
      const res = new ServerResponse(req)
      await handle(req, res)
      if (res.statusCode !== 200 || !res.finished) failed++
    }
  }
  await run(requests / 2)
  const each = []
  for (let r = 0; r < 5; r++) {
    const before = process.cpuUsage()
    await run(requests)
    const used = process.cpuUsage(before)
    each.push((used.user + used.system) / requests)
  }
  each.sort((a, b) => a - b)
  process.stdout.write(`${JSON.stringify({ variant, us: each[2], failed })}\n`)
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const [framework = "", ...rest] = process.argv.slice(2)
if (apps[framework] === undefined) {
  process.stderr.write("usage: adapters-request-cost.mjs <express|koa> [rounds] [requests]\n")
  process.exit(2)
}
if (rest[0] === "--one") {
  await one(framework, rest[1], Number(rest[2]))
} else {
  const rounds = Number(rest[0] ?? 3)
  const requests = Number(rest[1] ?? 20_000)
  const taken = new Map(variants.map((v) => [v, []]))
  const script = fileURLToPath(import.meta.url)
  for (let r = 0; r < rounds; r++) {
    await Promise.all(
      variants.map(
        (variant) =>
          new Promise((done, fail) => {
            let out = ""
            const child = spawn(process.execPath, [script, framework, "--one", variant, String(requests)], {
              stdio: ["ignore", "pipe", "inherit"]
            })
            child.stdout.on("data", (chunk) => {
              out += chunk
            })
            child.on("exit", (code) => {
              if (code !== 0) return fail(new Error(`${variant} exited with ${code}`))
              const answer = JSON.parse(out)
              if (answer.failed > 0) return fail(new Error(`${variant}: ${answer.failed} requests failed`))
              taken.get(variant).push(answer.us)
              done()
            })
          })
      )
    )
  }
  const bare = median(taken.get("bare"))
  const load = (await import("node:os")).loadavg().map((x) => x.toFixed(1))
  process.stdout.write(
    `${framework}, node ${process.version}, ${rounds} rounds × ${requests} requests, load ${load.join(" ")}\n`
  )
  for (const v of variants) {
    const xs = taken.get(v)
    const m = median(xs)
    process.stdout.write(
      `${v.padEnd(9)} ${m.toFixed(2).padStart(7)} µs/request (rounds ${xs.map((x) => x.toFixed(2)).join(", ")}), Δ bare ${(m - bare).toFixed(2)}, bare ÷ this ${(bare / m).toFixed(3)}\n`
    )
  }
}
