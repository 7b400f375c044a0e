// Prints one markdown table of the ratios of every benchmark in test/bench (from results/*.json, written by
// `pnpm bench`), with the machine and versions, and writes it to results/summary.md (with --check: prints
// it only, for test/docs-numbers.test.ts to compare with the committed file).
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const results = join(here, "results")
const read = (name) => {
  const path = join(results, `${name}.json`)
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined
}
const versionOf = (name) => {
  const path = join(here, "..", "node_modules", name, "package.json")
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")).version : "?"
}

const rows = []
const row = (bench, what, ratio, detail) => rows.push({ bench, what, ratio, detail })
const fixed = (n) => (typeof n === "number" && Number.isFinite(n) ? n.toFixed(2) : "n/a")

const spread = (s) => `${fixed(s.median)} (${fixed(s.min)}–${fixed(s.max)})`

const emulator = read("emulator")
if (emulator) {
  row(
    "emulator",
    `runs.retrieve req/s, emulator ÷ bare node:http, servers and load generator in own processes (${emulator.connections} conns)`,
    spread(emulator.ratioSpread),
    `${emulator.emulator.requestsPerSecond} vs ${emulator.baseline.requestsPerSecond} req/s`
  )
  if (emulator.cpuRatioSpread)
    row(
      "emulator",
      "runs.retrieve server CPU per request, bare node:http's ÷ the emulator's",
      spread(emulator.cpuRatioSpread),
      `${emulator.emulator.cpuUsPerRequest} vs ${emulator.baseline.cpuUsPerRequest} µs/req`
    )
}

const client = read("client")
if (client) {
  for (const route of client.routes) {
    const c = route.contenders
    for (const name of [
      "raw fetch",
      "@trigger.dev/sdk 4.8.3",
      "authctx createClient",
      "authctx Effect (layerNode)",
      "authctx Effect, program built per call",
      "authctx Effect, Effect.gen per call",
      "authctx Effect, 32 fibers of one program"
    ]) {
      if (!c[name]) continue
      row(
        "client",
        `${route.call}: ${name} ÷ raw node:http, calls/s at ${client.concurrency}`,
        spread({ ...c[name].vsRawSpread, median: c[name].vsRaw }),
        `${c[name].callsPerSecond} calls/s; CPU ${c[name].cpuUsPerCall} µs/call (${fixed(c[name].cpuVsRaw)}× raw); p99 ÷ SDK ${fixed(c[name].p99VsSdk)}`
      )
    }
  }
}

const promise = read("promise")
if (promise) {
  for (const c of promise.crossTalk ?? [])
    row("promise", `cross-talk: ${c.who}`, "", `${c.crossTalk} of ${c.requests}`)
}

const adapters = read("adapters")
if (adapters) {
  for (const run of adapters.runs ?? []) {
    for (const framework of ["express", "koa", "hono"]) {
      const f = run[framework]
      if (!f) continue
      const r = f.ratios
      const v = f.servers
      const cpu = (a, b) => fixed(v[b].cpuUsPerRequest / v[a].cpuUsPerRequest)
      row(
        "adapters",
        `${run.node} ${framework}: authContext() ÷ own ALS, req/s`,
        spread(r.adapterVsAls),
        `by server CPU ${cpu("adapter", "als")}; ÷ bare ${spread(r.adapterVsBare)}, by CPU ${cpu("adapter", "bare")}`
      )
      row(
        "adapters",
        `${run.node} ${framework}: resolve (50 tenants) ÷ own ALS, req/s`,
        spread(r.resolveVsAls),
        `by server CPU ${cpu("resolve", "als")}`
      )
      row(
        "adapters",
        `${run.node} ${framework}: ambient: false ÷ bare, req/s`,
        spread(r.explicitVsBare),
        `by server CPU ${cpu("explicit", "bare")}; own ALS ÷ bare ${spread(r.alsVsBare)}, by CPU ${cpu("als", "bare")}`
      )
    }
  }
}

const scoping = read("scoping")
if (scoping) {
  const e = scoping.effect
  const p = scoping.promise
  const first = (obj, prefix) => Object.entries(obj).find(([k]) => k.startsWith(prefix))?.[1]
  const provide = first(e, "Effect.provideService")
  const withAuth = first(e, "Auth.withAuth (parsed")
  if (provide && withAuth)
    row(
      "scoping",
      "Auth.withAuth (parsed credential) ÷ Effect.provideService, ns/op",
      fixed(withAuth.nsPerOp / provide.nsPerOp),
      `${withAuth.nsPerOp} vs ${provide.nsPerOp} ns`
    )
  const als = first(p, "AsyncLocalStorage.run")
  const runWith = first(p, "AuthScope.runWith")
  if (als && runWith)
    row(
      "scoping",
      "AuthScope.runWith ÷ AsyncLocalStorage.run, ns/op",
      fixed(runWith.nsPerOp / als.nsPerOp),
      `${runWith.nsPerOp} vs ${als.nsPerOp} ns`
    )
}

const machine = (emulator ?? client ?? promise ?? adapters ?? scoping)?.machine
const header = [
  `machine: ${machine ? `${machine.cpus} × ${machine.cpuModel}, node ${machine.node}` : "unknown"}; effect ${versionOf("effect")}, @effect/platform ${versionOf("@effect/platform")}, @trigger.dev/sdk ${versionOf("@trigger.dev/sdk")}, express ${versionOf("express")}, koa ${versionOf("koa")}, hono ${versionOf("hono")}`,
  "",
  "Ratios: the median round (client: all rounds), with the lowest and highest round in brackets.",
  "",
  "| bench | ratio of | ratio | numbers |",
  "|---|---|---:|---|"
]
const table = [...header, ...rows.map((r) => `| ${r.bench} | ${r.what} | ${r.ratio} | ${r.detail} |`)].join(
  "\n"
)
process.stdout.write(`\n${table}\n`)
if (!process.argv.includes("--check")) writeFileSync(join(results, "summary.md"), `${table}\n`)
