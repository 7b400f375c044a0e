/**
 * Runs the scoping benchmark (CPU only), prints a table per group and writes the raw result to
 * `results/scoping.json`. It asserts only that every operation ran, never a timing.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { effectVariants, type OpCost, promiseVariants, runScopingBench } from "./scoping.js"

const here = dirname(fileURLToPath(import.meta.url))

const table = (
  title: string,
  names: ReadonlyArray<string>,
  costs: Record<string, OpCost>,
  baseline: string
): string => {
  const base = costs[baseline]?.nsPerOp ?? 0
  const lines = [
    title,
    "| variant                                   |  ns/op | best round ns/op | over baseline ns/op |",
    "|-------------------------------------------|-------:|-----------------:|--------------------:|"
  ]
  for (const name of names) {
    const c = costs[name]
    if (!c) continue
    lines.push(
      `| ${name.padEnd(41)} | ${c.nsPerOp.toFixed(1).padStart(6)} | ${c.bestRoundNsPerOp.toFixed(1).padStart(16)} | ${(c.nsPerOp - base).toFixed(1).padStart(19)} |`
    )
  }
  return lines.join("\n")
}

it("scoping: Auth.withAuth and AuthScope.run vs their building blocks (CPU only)", {
  timeout: 120_000
}, () => {
  const result = runScopingBench()
  const header = `${result.name}: ${result.opsPerVariant} ops per variant in ${result.rounds} rounds, node ${result.machine.node}, ${result.machine.cpus} CPUs`
  const effect = table(
    "Effect (one fiber, a loop of the operation):",
    effectVariants,
    result.effect,
    "nothing"
  )
  const promise = table("Promise-land (synchronous calls):", promiseVariants, result.promise, "plain call")
  process.stdout.write(`\n${header}\n\n${effect}\n\n${promise}\n`)
  mkdirSync(join(here, "results"), { recursive: true })
  writeFileSync(join(here, "results", "scoping.json"), `${JSON.stringify(result, null, 2)}\n`)

  const expected = (result.opsPerVariant + 20_000) * 4
  expect(result.bodyRuns).toEqual({ effect: expected, promise: expected })
})
