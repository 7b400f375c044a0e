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

const emulator = read("emulator")
if (emulator) {
  row(
    "emulator",
    "runs.retrieve req/s, emulator ÷ bare node:http (64 conns)",
    fixed(emulator.ratio),
    `${emulator.emulator.requestsPerSecond} vs ${emulator.baseline.requestsPerSecond} req/s`
  )
}

const client = read("client")
if (client) {
  for (const route of client.routes) {
    const t = route.throughput
    const l = route.latency
    const sdk = Object.keys(t).find((k) => k.startsWith("@trigger.dev/sdk"))
    for (const name of ["authctx Effect (layerNode)", "authctx Promise ambient", "authctx createClient"]) {
      if (!t[name] || !sdk) continue
      row(
        "client",
        `${route.call}: ${name} ÷ SDK, calls/s at 32`,
        fixed(t[name].callsPerSecond / t[sdk].callsPerSecond),
        `${t[name].callsPerSecond} vs ${t[sdk].callsPerSecond}; latency SDK ÷ this ${fixed(l[sdk].meanUs / l[name].meanUs)}`
      )
    }
  }
}

const promise = read("promise")
if (promise) {
  const t = promise.throughput
  const sdk = t["SDK auth.withAuth per call"]
  for (const [name, m] of Object.entries(t)) {
    if (!name.startsWith("authctx") || !sdk) continue
    row(
      "promise",
      `runs.retrieve: ${name} ÷ SDK auth.withAuth per call`,
      fixed(m.callsPerSecond / sdk.callsPerSecond),
      `${m.callsPerSecond} vs ${sdk.callsPerSecond} calls/s`
    )
  }
  for (const c of promise.crossTalk ?? [])
    row("promise", `cross-talk: ${c.who}`, "", `${c.crossTalk} of ${c.requests}`)
}

const adapters = read("adapters")
if (adapters) {
  for (const framework of ["express", "koa", "hono"]) {
    const f = adapters[framework]
    if (!f) continue
    row(
      "adapters",
      `${framework}: authContext() ÷ bare framework, req/s`,
      fixed(f.ratio),
      `${f.adapter.requestsPerSecond} vs ${f.bare.requestsPerSecond}; scope alone ÷ bare ${fixed(f.scope.requestsPerSecond / f.bare.requestsPerSecond)}`
    )
    if (f.bearerAuth)
      row(
        "adapters",
        `${framework}: authContext() ÷ its own bearerAuth`,
        fixed(f.adapterVsBearerAuth),
        `${f.adapter.requestsPerSecond} vs ${f.bearerAuth.requestsPerSecond}`
      )
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
  "| bench | ratio of | ratio | numbers |",
  "|---|---|---:|---|"
]
const table = [...header, ...rows.map((r) => `| ${r.bench} | ${r.what} | ${r.ratio} | ${r.detail} |`)].join(
  "\n"
)
process.stdout.write(`\n${table}\n`)
if (!process.argv.includes("--check")) writeFileSync(join(results, "summary.md"), `${table}\n`)
