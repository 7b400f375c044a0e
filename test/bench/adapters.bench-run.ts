/**
 * Runs the adapter benchmark, prints a table and writes the raw result to `results/adapters.json`.
 * It asserts only that every request completed with a 200, never a timing.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { runAdapterBench } from "./adapters.js"
import type { Measurement } from "./emulator.js"

const here = dirname(fileURLToPath(import.meta.url))

it("adapters: authContext() vs the bare framework, and vs Hono's bearerAuth", {
  timeout: 600_000
}, async () => {
  const result = await runAdapterBench()
  const row = (name: string, m: Measurement, ratio: string) =>
    `| ${name.padEnd(24)} | ${String(m.requestsPerSecond).padStart(8)} | ${String(m.p50Ms).padStart(6)} | ${String(m.p99Ms).padStart(6)} | ${String(m.requests).padStart(9)} | ${String(m.errors + m.timeouts + m.non2xx).padStart(6)} | ${ratio.padStart(14)} |`
  const table = [
    `${result.name}: ${result.route}, ${result.connections} connections, best of ${result.rounds} × ${result.durationSeconds} s, node ${result.machine.node}, ${result.machine.cpus} CPUs`,
    "| server                   |    req/s | p50 ms | p99 ms |  requests | errors |  adapter/bare  |",
    "|--------------------------|---------:|-------:|-------:|----------:|-------:|---------------:|",
    row("express 5, bare", result.express.bare, ""),
    row("express 5, no-op mw", result.express.noop, ""),
    row("express 5, runWith only", result.express.scope, ""),
    row(
      "express 5, authContext",
      result.express.adapter,
      `${result.express.ratio} (${result.express.ratioVsNoop})`
    ),
    row("koa 3, bare", result.koa.bare, ""),
    row("koa 3, no-op mw", result.koa.noop, ""),
    row("koa 3, runWith only", result.koa.scope, ""),
    row("koa 3, authContext", result.koa.adapter, `${result.koa.ratio} (${result.koa.ratioVsNoop})`),
    row("hono 4, bare", result.hono.bare, ""),
    row("hono 4, no-op mw", result.hono.noop, ""),
    row("hono 4, runWith only", result.hono.scope, ""),
    row("hono 4, authContext", result.hono.adapter, `${result.hono.ratio} (${result.hono.ratioVsNoop})`),
    row("hono 4, bearerAuth", result.hono.bearerAuth, ""),
    "adapter/bare (adapter/no-op middleware); target for adapter/bare: >= 0.9",
    `hono authContext / bearerAuth = ${result.hono.adapterVsBearerAuth}`
  ].join("\n")
  process.stdout.write(`\n${table}\n`)
  mkdirSync(join(here, "results"), { recursive: true })
  writeFileSync(join(here, "results", "adapters.json"), `${JSON.stringify(result, null, 2)}\n`)

  for (const m of [
    result.express.noop,
    result.koa.noop,
    result.hono.noop,
    result.express.scope,
    result.koa.scope,
    result.hono.scope,
    result.express.bare,
    result.express.adapter,
    result.koa.bare,
    result.koa.adapter,
    result.hono.bare,
    result.hono.adapter,
    result.hono.bearerAuth
  ]) {
    expect(m.requests).toBeGreaterThan(0)
    expect(m.errors).toBe(0)
    expect(m.timeouts).toBe(0)
    expect(m.non2xx).toBe(0)
  }
})
