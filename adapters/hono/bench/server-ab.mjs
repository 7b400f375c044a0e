// Hono's explicit-handle mode with real sockets, A/B against bare: the `bare`, `explicit` (the handler form,
// `auth.handler(fn)`) and `explicit-middleware` servers of test/bench/adapters-server.mjs, each in its own
// process, autocannon at 64 connections from this one, a 1 s warm-up each, then `rounds` windows of 2 s
// taken in turns (order reversed every other round). Prints each server's CPU µs per request (median) and,
// per round, bare's CPU ÷ its CPU and its req/s ÷ bare's: median (lowest–highest). CPU per request is the
// figure to decide with on a shared machine; req/s move with the other jobs.
//
// Run after a build: `pnpm build && node adapters/hono/bench/server-ab.mjs [rounds]` (default 6);
// NODE_BIN=/path/to/node runs the servers on another Node. BASE=adapters/hono/before/dist/index.js (another
// build's dist copied there, as for request-cost.mjs) adds `explicit~base` and `resolve~base`, and the
// `als` (`contextStorage()`) and `resolve` servers, in the same rounds; each server's CPU is then also
// compared with `als`'s. ONLY=explicit,… keeps bare (and als, when it is named) and those.
import { spawn } from "node:child_process"
import { createRequire } from "node:module"
import { resolve as resolvePath } from "node:path"
import { createInterface } from "node:readline"
import { pathToFileURL } from "node:url"

// autocannon is the test package's (the benchmark's own load generator), not this package's.
const autocannon = createRequire(new URL("../../../test/bench/adapters.ts", import.meta.url))("autocannon")

const node = process.env.NODE_BIN ?? process.execPath
const base = process.env.BASE
const variants = (
  base === undefined
    ? ["bare", "explicit", "explicit-middleware"]
    : ["bare", "als", "explicit", "explicit~base", "resolve", "resolve~base"]
).filter((v) => v === "bare" || process.env.ONLY === undefined || process.env.ONLY.split(",").includes(v))
const start = (name) =>
  new Promise((resolve) => {
    const [v, build] = name.split("~")
    const env =
      build === "base"
        ? { ...process.env, AUTHCTX_HONO: pathToFileURL(resolvePath(base)).href }
        : Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "AUTHCTX_HONO"))
    const p = spawn(
      node,
      [new URL("../../../test/bench/adapters-server.mjs", import.meta.url).pathname, "hono", v],
      { stdio: ["pipe", "pipe", "inherit"], env }
    )
    const lines = createInterface({ input: p.stdout })
    const waiting = []
    lines.on("line", (l) => {
      const m = JSON.parse(l)
      if (m.port !== undefined)
        resolve({
          p,
          port: m.port,
          cpu: () =>
            new Promise((r) => {
              waiting.push(r)
              p.stdin.write("cpu\n")
            })
        })
      else waiting.shift()(m.cpuUs)
    })
  })
const key = "tr_dev_Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4Ab6Ef0Gh"
const load = (port, duration) =>
  autocannon({
    url: `http://127.0.0.1:${port}/hello`,
    connections: 64,
    duration,
    headers: { authorization: `Bearer ${key}` },
    // the `resolve` servers' 50 tenants, in turns on every connection (the others ignore it)
    requests: Array.from({ length: 50 }, (_, i) => ({
      headers: { authorization: `Bearer ${key}`, "x-tenant": `t${String(i).padStart(2, "0")}` }
    }))
  })
const servers = {}
for (const v of variants) servers[v] = await start(v)
for (const v of Object.keys(servers)) await load(servers[v].port, 1)
const taken = Object.fromEntries(Object.keys(servers).map((v) => [v, []]))
const rounds = Number(process.argv[2] ?? 6)
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? Object.keys(servers) : Object.keys(servers).reverse()
  for (const v of order) {
    const s = servers[v]
    const before = await s.cpu()
    const res = await load(s.port, 2)
    const after = await s.cpu()
    if (res.non2xx > 0 || res.errors > 0) throw new Error(`${v}: non2xx ${res.non2xx}`)
    taken[v].push({ us: (after - before) / res.requests.total, rps: res.requests.average })
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const v of Object.keys(servers)) {
  const cpuRatio = taken[v].map((x, i) => taken.bare[i].us / x.us)
  const rpsRatio = taken[v].map((x, i) => x.rps / taken.bare[i].rps)
  const alsRatio = taken.als?.map((x, i) => x.us / taken[v][i].us)
  const span = (xs) => `${med(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`
  console.log(
    `${v.padEnd(20)} cpu µs/req ${med(taken[v].map((x) => x.us)).toFixed(1)}  bare÷this by CPU ${span(cpuRatio)}  req/s ÷ bare ${span(rpsRatio)}${alsRatio === undefined ? "" : `  als÷this by CPU ${span(alsRatio)}`}`
  )
}
for (const s of Object.values(servers)) s.p.kill()
process.exit(0)
