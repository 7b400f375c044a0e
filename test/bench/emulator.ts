/**
 * The emulator against a bare `node:http` server: requests per second for `runs.retrieve` at 64
 * keep-alive connections. Each server runs in a child process of its own (`servers.mjs`, on `dist/`); the
 * load generator (autocannon) runs in a worker thread of this process. The bare server answers every GET
 * with the emulator's own `runs.retrieve` body, so the difference is the emulator's routing, auth check,
 * request log and encoding. The servers take turns in rounds; the ratio is reported per round (spread).
 */
import { rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import autocannon from "autocannon"
import { build, type Child, round2, type Spread, spreadOf, startChild } from "./child.js"

/** One measured server. */
export interface Measurement {
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
}

/** The benchmark's result. */
export interface BenchResult {
  readonly name: string
  readonly route: string
  readonly connections: number
  readonly durationSeconds: number
  readonly bodyBytes: number
  /** `runs.retrieve` of a finished run. */
  readonly emulator: Measurement
  /** `runs.retrieve` of a run still executing (its body is encoded on every request). */
  readonly emulatorExecuting: Measurement
  /** A bare `node:http` server answering the finished run's body. */
  readonly baseline: Measurement
  /** emulator (finished run) req/s ÷ bare node:http req/s, over all rounds. */
  readonly ratio: number
  /** The same ratio per round: lowest, median, highest. */
  readonly ratioSpread: Spread
  readonly rounds: number
  /** emulator (executing run) req/s ÷ bare node:http req/s. */
  readonly ratioExecuting: number
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string }
  readonly at: string
}

const measure = async (
  url: string,
  headers: Record<string, string>,
  connections: number,
  duration: number
): Promise<Measurement> =>
  toMeasurement(await autocannon({ url, headers, connections, duration, workers: 1 }))

/** An autocannon result as a `Measurement` (shared by the benches that load a server with autocannon). */
export const toMeasurement = (result: autocannon.Result): Measurement => ({
  requestsPerSecond: Math.round(result.requests.average),
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  requests: result.requests.total,
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx
})

interface EmulatorReady {
  readonly port: number
  readonly key: string
  readonly runId: string
  readonly body: string
}

/** Sums measurements of one server over rounds (req/s averaged, latencies of the median round). */
const combine = (ms: ReadonlyArray<Measurement>): Measurement => {
  const byRps = [...ms].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)
  const mid = byRps[Math.floor(byRps.length / 2)] ?? ms[0]
  const sum = (f: (m: Measurement) => number) => ms.reduce((a, m) => a + f(m), 0)
  return {
    requestsPerSecond: Math.round(sum((m) => m.requestsPerSecond) / ms.length),
    p50Ms: mid?.p50Ms ?? Number.NaN,
    p99Ms: mid?.p99Ms ?? Number.NaN,
    requests: sum((m) => m.requests),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    non2xx: sum((m) => m.non2xx)
  }
}

/**
 * Runs the benchmark: the emulator's `runs.retrieve` of a finished run (the common case of a client
 * polling a run to completion), of a run still executing (encoded on every request), and the bare server,
 * in `rounds` interleaved rounds of `durationSeconds` each after a warm-up.
 */
export const runEmulatorBench = async (
  options: { readonly connections?: number; readonly durationSeconds?: number; readonly rounds?: number } = {}
): Promise<BenchResult> => {
  const connections = options.connections ?? 64
  const durationSeconds = options.durationSeconds ?? 2
  const rounds = options.rounds ?? 3
  build()
  const children: Array<Child<unknown>> = []
  const bodyFile = join(os.tmpdir(), `authctx-bench-body-${process.pid}.json`)
  try {
    const finished = await startChild<EmulatorReady>("servers.mjs", ["emulator", "0"])
    children.push(finished)
    const executing = await startChild<EmulatorReady>("servers.mjs", ["emulator", "3600000"])
    children.push(executing)
    writeFileSync(bodyFile, finished.ready.body)
    const bare = await startChild<{ port: number }>("servers.mjs", ["bare", bodyFile])
    children.push(bare)
    const target = (ready: EmulatorReady) => ({
      url: `http://127.0.0.1:${ready.port}/api/v3/runs/${ready.runId}`,
      headers: { authorization: `Bearer ${ready.key}`, "content-type": "application/json" }
    })
    const servers = {
      finished: target(finished.ready),
      executing: target(executing.ready),
      bare: { url: `http://127.0.0.1:${bare.ready.port}/api/v3/runs/x`, headers: {} }
    }
    const names = ["finished", "executing", "bare"] as const
    for (const name of names) await measure(servers[name].url, servers[name].headers, connections, 1)
    const taken: Record<(typeof names)[number], Array<Measurement>> = {
      finished: [],
      executing: [],
      bare: []
    }
    for (let r = 0; r < rounds; r++) {
      for (const name of r % 2 === 0 ? names : [...names].reverse()) {
        const s = servers[name]
        taken[name].push(await measure(s.url, s.headers, connections, durationSeconds))
      }
    }
    const emulator = combine(taken.finished)
    const emulatorExecuting = combine(taken.executing)
    const baseline = combine(taken.bare)
    return {
      name: "emulator runs.retrieve, servers in child processes",
      route: "GET /api/v3/runs/{runId}",
      connections,
      durationSeconds,
      rounds,
      bodyBytes: Buffer.byteLength(finished.ready.body),
      emulator,
      emulatorExecuting,
      baseline,
      ratio: round2(emulator.requestsPerSecond / baseline.requestsPerSecond),
      ratioSpread: spreadOf(
        taken.finished.map((m, i) => m.requestsPerSecond / (taken.bare[i]?.requestsPerSecond ?? Number.NaN))
      ),
      ratioExecuting: round2(emulatorExecuting.requestsPerSecond / baseline.requestsPerSecond),
      machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown" },
      at: new Date().toISOString()
    }
  } finally {
    for (const child of children) await child.stop()
    rmSync(bodyFile, { force: true })
  }
}
