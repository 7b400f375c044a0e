#!/usr/bin/env node
/**
 * Cold start of the Promise API against the official SDK: each run a fresh `node` that imports one module
 * and exits, the contenders interleaved round by round (the machine's load drifts; a contender measured in
 * one block would carry the drift). Prints per contender the median, min and max wall time, the median CPU
 * (user + system, the child's own `process.cpuUsage()`, threads included) and the median of the per-round
 * ratio to the last contender. Run it after `pnpm build`: `test/` resolves `@authctx/*` to the built `dist/`
 * through `node_modules`, as an app does. Why it is measured this way: docs/decisions/0039-cold-start-imports.md.
 *
 *   node scripts/cold-start.mjs                       # 10 rounds: @authctx/client/promise, @trigger.dev/sdk
 *   node scripts/cold-start.mjs 20 @authctx/client/promise /abs/path/to/other/promise.js @trigger.dev/sdk
 */
import { spawnSync } from "node:child_process"
import { loadavg } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const cwd = join(root, "test")
const [roundsArg, ...given] = process.argv.slice(2)
const rounds = Number(roundsArg ?? 10)
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`rounds must be a positive integer, got ${roundsArg}`)
const contenders = given.length > 0 ? given : ["@authctx/client/promise", "@trigger.dev/sdk"]

/** One fresh process importing `specifier`: wall ms (measured here) and CPU ms (reported by the child). */
const once = (specifier) => {
  const program = `await import(${JSON.stringify(specifier)}); const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000))`
  const start = process.hrtime.bigint()
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", program], { cwd, encoding: "utf8" })
  const wall = Number(process.hrtime.bigint() - start) / 1e6
  if (child.status !== 0) throw new Error(`import(${specifier}) failed:\n${child.stderr}`)
  return { wall, cpu: Number(child.stdout) }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const loadBefore = loadavg()[0]
const results = contenders.map(() => ({ wall: [], cpu: [] }))
for (let round = 0; round < rounds; round++) {
  contenders.forEach((specifier, i) => {
    const { wall, cpu } = once(specifier)
    results[i].wall.push(wall)
    results[i].cpu.push(cpu)
  })
}
const last = results[results.length - 1]
contenders.forEach((specifier, i) => {
  const { wall, cpu } = results[i]
  const ratio = median(wall.map((w, r) => w / last.wall[r]))
  process.stdout.write(
    `${specifier.padEnd(28)} wall median ${median(wall).toFixed(0)} ms (${Math.min(...wall).toFixed(0)}–${Math.max(...wall).toFixed(0)})` +
      `  CPU median ${median(cpu).toFixed(0)} ms  per-round ÷ last ${ratio.toFixed(2)}\n`
  )
})
process.stdout.write(
  `${rounds} interleaved rounds, Node ${process.version}, load average ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}\n`
)
