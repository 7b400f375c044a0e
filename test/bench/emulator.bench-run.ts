/**
 * Runs the emulator benchmark, prints a table and writes the raw result to `results/emulator.json`.
 * It asserts only that every request completed without an error, never a timing.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { runEmulatorBench } from "./emulator.js"

const here = dirname(fileURLToPath(import.meta.url))

it("emulator: runs.retrieve vs a bare node:http server, load generator in its own process", {
  timeout: 180_000
}, async () => {
  const result = await runEmulatorBench()
  const row = (name: string, m: typeof result.emulator) =>
    `| ${name.padEnd(22)} | ${String(m.requestsPerSecond).padStart(8)} | ${String(m.p50Ms).padStart(6)} | ${String(m.p99Ms).padStart(6)} | ${String(m.cpuUsPerRequest).padStart(7)} | ${String(m.requests).padStart(9)} | ${String(m.errors + m.timeouts + m.non2xx).padStart(6)} |`
  const table = [
    `${result.name}: ${result.route}, ${result.connections} connections, ${result.rounds} rounds × ${result.durationSeconds} s, body ${result.bodyBytes} B, node ${result.machine.node}, ${result.machine.cpus} CPUs`,
    "| server                 |    req/s | p50 ms | p99 ms | CPU µs/req |  requests | errors |",
    "|------------------------|---------:|-------:|-------:|--------:|----------:|-------:|",
    row("emulator, finished run", result.emulator),
    row("emulator, executing", result.emulatorExecuting),
    row("bare node:http", result.baseline),
    row("bare, control", result.control),
    `emulator / bare = ${result.ratio} (finished run; per round ${result.ratioSpread.min}–${result.ratioSpread.max}), ${result.ratioExecuting} (executing run); server CPU per request, bare ÷ emulator: ${result.cpuRatioSpread.median} (${result.cpuRatioSpread.min}–${result.cpuRatioSpread.max})`
  ].join("\n")
  process.stdout.write(`\n${table}\n`)
  mkdirSync(join(here, "results"), { recursive: true })
  writeFileSync(join(here, "results", "emulator.json"), `${JSON.stringify(result, null, 2)}\n`)

  for (const m of [result.emulator, result.emulatorExecuting, result.baseline, result.control]) {
    expect(m.requests).toBeGreaterThan(0)
    expect(m.errors).toBe(0)
    expect(m.timeouts).toBe(0)
    expect(m.non2xx).toBe(0)
  }
})
