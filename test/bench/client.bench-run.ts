/**
 * Runs the client benchmark, prints a table per route and writes the raw result to `results/client.json`.
 * It asserts only that every call completed without an error, never a timing.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { type ClientBenchResult, clientContenders, type RouteResult, runClientBench } from "./client.js"

const here = dirname(fileURLToPath(import.meta.url))

const sdkName = "@trigger.dev/sdk 4.8.3"
const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "–")
const signed = (x: number) => (x >= 0 ? `+${fmt(x)}` : fmt(x))

const routeTable = (result: ClientBenchResult, route: RouteResult): string => {
  const sdkLatency = route.latency[sdkName]
  const sdkTput = route.throughput[sdkName]
  const fetchLatency = route.latency["raw fetch"]
  const fetchTput = route.throughput["raw fetch"]
  const lines = [
    `${route.call} (${route.route}): ${result.sequential.calls} sequential calls in ${result.sequential.rounds} rounds after ${result.sequential.warmup} warm-up; ${result.concurrent.concurrency} concurrent for ${result.concurrent.seconds} s in ${result.concurrent.rounds} windows`,
    "| contender                   | mean µs | p50 µs | p99 µs | calls/s @32 | CPU µs/call @32 | SDK ÷ this, mean lat | SDK ÷ this, p50 lat | this ÷ SDK, calls/s | over fetch, mean µs | over fetch, p50 µs | over fetch, CPU µs @32 | errors |",
    "|-----------------------------|--------:|-------:|-------:|------------:|----------------:|---------------------:|--------------------:|--------------------:|--------------------:|-------------------:|-----------------------:|-------:|"
  ]
  for (const name of clientContenders) {
    const l = route.latency[name]
    const t = route.throughput[name]
    if (!l || !t || !sdkLatency || !sdkTput || !fetchLatency || !fetchTput) continue
    lines.push(
      `| ${name.padEnd(27)} | ${fmt(l.meanUs).padStart(7)} | ${fmt(l.p50Us).padStart(6)} | ${fmt(l.p99Us).padStart(6)} | ${String(t.callsPerSecond).padStart(11)} | ${fmt(t.cpuUsPerCall).padStart(15)} | ${fmt(sdkLatency.meanUs / l.meanUs, 2).padStart(20)} | ${fmt(sdkLatency.p50Us / l.p50Us, 2).padStart(19)} | ${fmt(t.callsPerSecond / sdkTput.callsPerSecond, 2).padStart(19)} | ${signed(l.meanUs - fetchLatency.meanUs).padStart(19)} | ${signed(l.p50Us - fetchLatency.p50Us).padStart(18)} | ${signed(t.cpuUsPerCall - fetchTput.cpuUsPerCall).padStart(22)} | ${String(l.errors + t.errors).padStart(6)} |`
    )
  }
  return lines.join("\n")
}

it("client: authctx vs @trigger.dev/sdk 4.8.3, runs.retrieve and envvars.list", {
  timeout: 400_000
}, async () => {
  const result = await runClientBench()
  const header = `${result.name}: emulator in-process (same thread), node ${result.machine.node}, ${result.machine.cpus} CPUs (${result.machine.cpuModel}); Effect API: ${result.effectRunner}`
  const tables = result.routes.map((route) => routeTable(result, route)).join("\n\n")
  process.stdout.write(`\n${header}\n\n${tables}\n`)
  mkdirSync(join(here, "results"), { recursive: true })
  writeFileSync(join(here, "results", "client.json"), `${JSON.stringify(result, null, 2)}\n`)

  for (const route of result.routes) {
    expect(route.non2xx).toBe(0)
    for (const name of clientContenders) {
      const l = route.latency[name]
      const t = route.throughput[name]
      expect({ name, firstError: l?.firstError ?? t?.firstError }).toEqual({ name, firstError: undefined })
      expect(l?.calls).toBeGreaterThan(0)
      expect(l?.errors).toBe(0)
      expect(t?.calls).toBeGreaterThan(0)
      expect(t?.errors).toBe(0)
    }
  }
})
