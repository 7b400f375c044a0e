/**
 * A first benchmark of the emulator itself: requests per second for `runs.retrieve` at 64 concurrent
 * keep-alive connections, against a bare `node:http` server answering the same JSON body in the same run
 * (the ceiling of this machine), so later client benchmarks know whether the server is the bottleneck.
 *
 * The load generator (autocannon) runs in a worker thread, so the server's thread has a core to itself.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import { startEmulator } from "@authctx/emulator"
import autocannon from "autocannon"

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
  /** emulator (finished run) req/s ÷ bare node:http req/s. */
  readonly ratio: number
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

/** Starts an emulator, triggers one run, and measures `runs.retrieve` of it. */
const measureEmulator = async (
  executingMs: number,
  connections: number,
  durationSeconds: number
): Promise<{ readonly measurement: Measurement; readonly body: string }> => {
  const emulator = await startEmulator({ seed: 1, timings: { queuedMs: 0, executingMs } })
  try {
    const key = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" }
    const triggered = await fetch(`${emulator.url}/api/v1/tasks/hello/trigger`, {
      method: "POST",
      headers,
      body: JSON.stringify({ payload: { hello: "world" } })
    })
    const { id } = (await triggered.json()) as { id: string }
    const url = `${emulator.url}/api/v3/runs/${id}`
    await new Promise((resolve) => setTimeout(resolve, 20))
    const body = await (await fetch(url, { headers })).text()
    emulator.clearRequests()
    return { measurement: await measure(url, headers, connections, durationSeconds), body }
  } finally {
    await emulator.stop()
  }
}

/**
 * Runs the benchmark: the emulator's `runs.retrieve` of a finished run (its encoded body is kept, the
 * common case of a client polling a run to completion) and of a run still executing (encoded with the
 * schema on every request), then a bare server answering the finished run's body.
 */
export const runEmulatorBench = async (
  options: { readonly connections?: number; readonly durationSeconds?: number } = {}
): Promise<BenchResult> => {
  const connections = options.connections ?? 64
  const durationSeconds = options.durationSeconds ?? 5

  const finished = await measureEmulator(0, connections, durationSeconds)
  const executing = await measureEmulator(3_600_000, connections, durationSeconds)
  const body = finished.body

  const server = http.createServer({ keepAlive: true }, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  let baseline: Measurement
  try {
    const { port } = server.address() as AddressInfo
    baseline = await measure(`http://127.0.0.1:${port}/api/v3/runs/x`, {}, connections, durationSeconds)
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  return {
    name: "emulator runs.retrieve",
    route: "GET /api/v3/runs/{runId}",
    connections,
    durationSeconds,
    bodyBytes: Buffer.byteLength(body),
    emulator: finished.measurement,
    emulatorExecuting: executing.measurement,
    baseline,
    ratio: Math.round((finished.measurement.requestsPerSecond / baseline.requestsPerSecond) * 100) / 100,
    ratioExecuting:
      Math.round((executing.measurement.requestsPerSecond / baseline.requestsPerSecond) * 100) / 100,
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown" },
    at: new Date().toISOString()
  }
}
