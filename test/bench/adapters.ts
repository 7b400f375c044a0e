/**
 * The adapters' overhead: requests per second on the same route with `authContext()` (bearer pass-through
 * of a valid SecretKey, the handler reading `auth.kind`), without it, and behind a no-op async middleware
 * (the framework's own cost of one middleware), per framework (Express 5, Koa 3, Hono 4 on
 * @hono/node-server), and Hono's adapter against Hono's own `bearerAuth` (a fixed token).
 *
 * Each server runs in a process of its own (`adapters-server.mjs`, on the built `dist/` of the packages,
 * which this builds first with `tsc -b tsconfig.build.json`): in one process, whichever server runs first
 * keeps monomorphic JIT state and async hooks off, and later ones look up to 40% slower whatever they
 * are. autocannon runs here, in-process. No timing is asserted anywhere.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { createRequire } from "node:module"
import * as os from "node:os"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import autocannon from "autocannon"
import { type Measurement, toMeasurement } from "./emulator.js"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")

/** A framework with and without the adapter. */
export interface FrameworkResult {
  readonly bare: Measurement
  /** The same route behind a no-op async middleware: the framework's own cost of one middleware. */
  readonly noop: Measurement
  /** Behind a middleware that only runs the rest inside `AuthScope.runWith`: AsyncLocalStorage's cost. */
  readonly scope: Measurement
  readonly adapter: Measurement
  /** adapter req/s ÷ bare req/s (target ≥ 0.9). */
  readonly ratio: number
  /** adapter req/s ÷ no-op middleware req/s: the adapter's own cost. */
  readonly ratioVsNoop: number
}

/** The benchmark's result. */
export interface AdapterBenchResult {
  readonly name: string
  readonly route: string
  readonly connections: number
  readonly durationSeconds: number
  /** Each server's best of this many interleaved rounds. */
  readonly rounds: number
  readonly express: FrameworkResult
  readonly koa: FrameworkResult
  readonly hono: FrameworkResult & {
    /** Hono's `bearerAuth({ token })` on the same route. */
    readonly bearerAuth: Measurement
    /** adapter req/s ÷ bearerAuth req/s. */
    readonly adapterVsBearerAuth: number
  }
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string }
  readonly at: string
}

/** A valid SecretKey: the adapter only validates it (nothing calls the management API here). */
const key = "tr_dev_Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4Ab6Ef0Gh"

type Framework = "express" | "koa" | "hono"
type Variant = "bare" | "noop" | "scope" | "adapter" | "bearerAuth"

/** Starts one server process and resolves with its port. */
const startServer = (
  framework: Framework,
  variant: Variant
): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, "adapters-server.mjs"), framework, variant], {
      cwd: here,
      // The child stops when its stdin closes: when this process ends, however it ends.
      stdio: ["pipe", "pipe", "inherit"]
    })
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${framework} ${variant} did not start`))
    }, 30_000)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`${framework} ${variant} exited with ${code}`))
    })
    if (child.stdout === null) return reject(new Error("no stdout"))
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer)
      const { port } = JSON.parse(line) as { port: number }
      resolve({ child, port })
    })
  })

const stopServer = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
    child.removeAllListeners("exit")
    child.once("exit", () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill("SIGTERM")
  })

const measure = async (
  framework: Framework,
  variant: Variant,
  connections: number,
  duration: number
): Promise<Measurement> => {
  const { child, port } = await startServer(framework, variant)
  try {
    const url = `http://127.0.0.1:${port}/hello`
    const headers = { authorization: `Bearer ${key}` }
    // A short warm-up (JIT, connection set-up), then the measurement.
    await autocannon({ url, headers, connections, duration: 1 })
    return toMeasurement(await autocannon({ url, headers, connections, duration }))
  } finally {
    await stopServer(child)
  }
}

/** Builds the packages' `dist/` (incremental: quick when nothing changed). */
const build = (): void => {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
  execFileSync(process.execPath, [tsc, "-b", "tsconfig.build.json"], { cwd: root, stdio: "inherit" })
}

const ratio = (a: Measurement, b: Measurement): number =>
  Math.round((a.requestsPerSecond / b.requestsPerSecond) * 100) / 100

const plan: ReadonlyArray<readonly [Framework, Variant]> = [
  ["express", "bare"],
  ["express", "noop"],
  ["express", "scope"],
  ["express", "adapter"],
  ["koa", "bare"],
  ["koa", "noop"],
  ["koa", "scope"],
  ["koa", "adapter"],
  ["hono", "bare"],
  ["hono", "noop"],
  ["hono", "scope"],
  ["hono", "adapter"],
  ["hono", "bearerAuth"]
]

/**
 * Runs the benchmark and returns the numbers; prints nothing. Each server is measured `rounds` times,
 * interleaved with the others, and its best round is kept: on a shared machine the other rounds measure
 * the neighbours. About 5 s per measurement (warm-up and process start included).
 */
export const runAdapterBench = async (
  options: { readonly connections?: number; readonly durationSeconds?: number; readonly rounds?: number } = {}
): Promise<AdapterBenchResult> => {
  const connections = options.connections ?? 64
  const durationSeconds = options.durationSeconds ?? 3
  const rounds = options.rounds ?? 3
  build()
  const best = new Map<string, Measurement>()
  for (let round = 0; round < rounds; round++) {
    for (const [framework, variant] of plan) {
      const m = await measure(framework, variant, connections, durationSeconds)
      const name = `${framework} ${variant}`
      const previous = best.get(name)
      if (previous === undefined || m.requestsPerSecond > previous.requestsPerSecond) best.set(name, m)
    }
  }
  const get = (framework: Framework, variant: Variant): Measurement => {
    const m = best.get(`${framework} ${variant}`)
    if (m === undefined) throw new Error(`no measurement of ${framework} ${variant}`)
    return m
  }
  const expressBareM = get("express", "bare")
  const expressNoopM = get("express", "noop")
  const expressAdapterM = get("express", "adapter")
  const koaBareM = get("koa", "bare")
  const koaNoopM = get("koa", "noop")
  const koaAdapterM = get("koa", "adapter")
  const honoBareM = get("hono", "bare")
  const honoNoopM = get("hono", "noop")
  const honoAdapterM = get("hono", "adapter")
  const honoBearerM = get("hono", "bearerAuth")

  return {
    name: "adapters: authContext() vs the bare framework, one process per server",
    route: "GET /hello with Authorization: Bearer <SecretKey>, JSON answer",
    connections,
    durationSeconds,
    rounds,
    express: {
      bare: expressBareM,
      noop: expressNoopM,
      scope: get("express", "scope"),
      adapter: expressAdapterM,
      ratio: ratio(expressAdapterM, expressBareM),
      ratioVsNoop: ratio(expressAdapterM, expressNoopM)
    },
    koa: {
      bare: koaBareM,
      noop: koaNoopM,
      scope: get("koa", "scope"),
      adapter: koaAdapterM,
      ratio: ratio(koaAdapterM, koaBareM),
      ratioVsNoop: ratio(koaAdapterM, koaNoopM)
    },
    hono: {
      bare: honoBareM,
      noop: honoNoopM,
      scope: get("hono", "scope"),
      adapter: honoAdapterM,
      ratio: ratio(honoAdapterM, honoBareM),
      ratioVsNoop: ratio(honoAdapterM, honoNoopM),
      bearerAuth: honoBearerM,
      adapterVsBearerAuth: ratio(honoAdapterM, honoBearerM)
    },
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown" },
    at: new Date().toISOString()
  }
}
