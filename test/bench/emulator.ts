/**
 * The emulator against a bare `node:http` server: `runs.retrieve` at 32 keep-alive connections. Each
 * server runs in a child process of its own (`servers.mjs`, on `dist/`), and so does the load generator
 * (`load.mjs`, plain node:http): no two of them share a thread, and the benchmark's own process only asks
 * and waits. The bare server answers every GET with the emulator's own `runs.retrieve` body and gets the
 * same request headers, so the difference is the emulator's routing, auth check, request log and
 * encoding. The servers take turns in rounds; the ratios (req/s, and each server's own CPU per request)
 * are reported per round (spread).
 */
import { rmSync, writeFileSync } from "node:fs"
import * as http from "node:http"
import * as os from "node:os"
import { join } from "node:path"
import type autocannon from "autocannon"
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

/** One measured server, with its own CPU. */
export interface ServerMeasurement extends Measurement {
  /** The server process's CPU (user + system) per request, µs, over its measured windows. */
  readonly cpuUsPerRequest: number
}

/** The benchmark's result. */
export interface BenchResult {
  readonly name: string
  readonly route: string
  readonly connections: number
  readonly durationSeconds: number
  readonly bodyBytes: number
  /** `runs.retrieve` of a finished run. */
  readonly emulator: ServerMeasurement
  /** `runs.retrieve` of a run still executing (its body is encoded on every request). */
  readonly emulatorExecuting: ServerMeasurement
  /** A bare `node:http` server answering the finished run's body (to the same request headers). */
  readonly baseline: ServerMeasurement
  /** A second bare server, measured like the others: bare ÷ bare shows the method's own noise. */
  readonly control: ServerMeasurement
  /** The control's req/s ÷ the bare server's, per round (1.00 with no noise at all). */
  readonly controlSpread: Spread
  /** emulator (finished run) req/s ÷ bare node:http req/s, over all rounds. */
  readonly ratio: number
  /** The same ratio per round: lowest, median, highest. */
  readonly ratioSpread: Spread
  readonly rounds: number
  /** emulator (executing run) req/s ÷ bare node:http req/s. */
  readonly ratioExecuting: number
  /** Server CPU per request, bare ÷ emulator (finished run), per round: how much more the emulator spends. */
  readonly cpuRatioSpread: Spread
  /** The 1-minute load average at the end (the machine's other work). */
  readonly loadAverage: number
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string }
  readonly at: string
}

interface LoadAnswer {
  readonly requests: number
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly errors: number
  readonly non2xx: number
}

/** One measured window: what the load generator saw, and the server's CPU over it. */
export interface Taken {
  readonly m: Measurement
  readonly cpuUs: number
}

/** One window of `load` against `server`, with the server's CPU over it. */
const measure = async (
  load: Child<unknown>,
  server: Child<unknown>,
  target: { readonly url: string; readonly headers: Record<string, string> },
  connections: number,
  seconds: number
): Promise<Taken> => {
  const before = await server.ask<{ cpuUs: number }>("cpu")
  const answer = await load.ask<LoadAnswer>(JSON.stringify({ ...target, connections, seconds }))
  const after = await server.ask<{ cpuUs: number }>("cpu")
  return {
    m: {
      requestsPerSecond: Math.round(answer.requestsPerSecond),
      p50Ms: Math.round(answer.p50Ms * 100) / 100,
      p99Ms: Math.round(answer.p99Ms * 100) / 100,
      requests: answer.requests,
      errors: answer.errors,
      timeouts: 0,
      non2xx: answer.non2xx
    },
    cpuUs: after.cpuUs - before.cpuUs
  }
}

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

/** One answer as it came off the wire: status, header names and value lengths in order, body. */
const wireAnswer = (url: string, headers: Record<string, string>) =>
  new Promise<{ status: number | undefined; head: string; body: string }>((resolve, reject) => {
    const agent = new http.Agent({ keepAlive: true }) // as the load generator asks
    http
      .get(url, { headers, agent }, (res) => {
        let body = ""
        res.setEncoding("utf8")
        res.on("data", (chunk: string) => {
          body += chunk
        })
        res.on("end", () => {
          const raw = res.rawHeaders
          const parts: Array<string> = []
          for (let i = 0; i + 1 < raw.length; i += 2) parts.push(`${raw[i]}:${raw[i + 1]?.length}`)
          agent.destroy()
          resolve({ status: res.statusCode, head: parts.join(" "), body })
        })
      })
      .on("error", reject)
  })

/** One server's windows combined: req/s averaged, latencies of the median round, CPU over all windows. */
export const combine = (ts: ReadonlyArray<Taken>): ServerMeasurement => {
  const byRps = [...ts].sort((a, b) => a.m.requestsPerSecond - b.m.requestsPerSecond)
  const mid = (byRps[Math.floor(byRps.length / 2)] ?? ts[0])?.m
  const sum = (f: (t: Taken) => number) => ts.reduce((a, t) => a + f(t), 0)
  return {
    requestsPerSecond: Math.round(sum((t) => t.m.requestsPerSecond) / ts.length),
    p50Ms: mid?.p50Ms ?? Number.NaN,
    p99Ms: mid?.p99Ms ?? Number.NaN,
    requests: sum((t) => t.m.requests),
    errors: sum((t) => t.m.errors),
    timeouts: sum((t) => t.m.timeouts),
    non2xx: sum((t) => t.m.non2xx),
    cpuUsPerRequest:
      Math.round(
        (sum((t) => t.cpuUs) /
          Math.max(
            1,
            sum((t) => t.m.requests)
          )) *
          10
      ) / 10
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
  const connections = options.connections ?? 32
  const durationSeconds = options.durationSeconds ?? 2
  const rounds = options.rounds ?? 4
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
    const control = await startChild<{ port: number }>("servers.mjs", ["bare", bodyFile])
    children.push(control)
    const load = await startChild<unknown>("load.mjs", [])
    children.push(load)
    const headers = (ready: EmulatorReady) => ({
      authorization: `Bearer ${ready.key}`,
      "content-type": "application/json"
    })
    const servers = {
      finished: {
        child: finished,
        url: `http://127.0.0.1:${finished.ready.port}/api/v3/runs/${finished.ready.runId}`,
        headers: headers(finished.ready)
      },
      executing: {
        child: executing,
        url: `http://127.0.0.1:${executing.ready.port}/api/v3/runs/${executing.ready.runId}`,
        headers: headers(executing.ready)
      },
      // the same request as the emulator's (path shape and headers), answered with its body
      bare: {
        child: bare,
        url: `http://127.0.0.1:${bare.ready.port}/api/v3/runs/${finished.ready.runId}`,
        headers: headers(finished.ready)
      },
      control: {
        child: control,
        url: `http://127.0.0.1:${control.ready.port}/api/v3/runs/${finished.ready.runId}`,
        headers: headers(finished.ready)
      }
    }
    // The ratio is honest only if both answer the same bytes: same status, the same headers in the same
    // order with values of the same length (the date's value differs, not its length), the same body.
    const emulated = await wireAnswer(servers.finished.url, servers.finished.headers)
    const plain = await wireAnswer(servers.bare.url, servers.bare.headers)
    if (emulated.status !== plain.status || emulated.head !== plain.head || emulated.body !== plain.body)
      throw new Error(
        `the bare server does not answer what the emulator does: ${emulated.status} ${emulated.head} vs ${plain.status} ${plain.head}`
      )
    const names = ["finished", "executing", "bare", "control"] as const
    for (const name of names) {
      const s = servers[name]
      await measure(load, s.child, s, connections, 1)
    }
    const taken: Record<(typeof names)[number], Array<Taken>> = {
      finished: [],
      executing: [],
      bare: [],
      control: []
    }
    for (let r = 0; r < rounds; r++) {
      for (const name of r % 2 === 0 ? names : [...names].reverse()) {
        const s = servers[name]
        taken[name].push(await measure(load, s.child, s, connections, durationSeconds))
      }
    }
    const emulator = combine(taken.finished)
    const emulatorExecuting = combine(taken.executing)
    const baseline = combine(taken.bare)
    return {
      name: "emulator runs.retrieve, servers and load generator in child processes",
      route: "GET /api/v3/runs/{runId}",
      connections,
      durationSeconds,
      rounds,
      bodyBytes: Buffer.byteLength(finished.ready.body),
      emulator,
      emulatorExecuting,
      baseline,
      control: combine(taken.control),
      controlSpread: spreadOf(
        taken.control.map(
          (t, i) => t.m.requestsPerSecond / (taken.bare[i]?.m.requestsPerSecond ?? Number.NaN)
        )
      ),
      ratio: round2(emulator.requestsPerSecond / baseline.requestsPerSecond),
      ratioSpread: spreadOf(
        taken.finished.map(
          (t, i) => t.m.requestsPerSecond / (taken.bare[i]?.m.requestsPerSecond ?? Number.NaN)
        )
      ),
      ratioExecuting: round2(emulatorExecuting.requestsPerSecond / baseline.requestsPerSecond),
      cpuRatioSpread: spreadOf(
        taken.finished.map(
          (t, i) =>
            (taken.bare[i]?.cpuUs ?? Number.NaN) /
            Math.max(1, taken.bare[i]?.m.requests ?? 1) /
            (t.cpuUs / Math.max(1, t.m.requests))
        )
      ),
      loadAverage: round2(os.loadavg()[0] ?? Number.NaN),
      machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown" },
      at: new Date().toISOString()
    }
  } finally {
    for (const child of children) await child.stop()
    rmSync(bodyFile, { force: true })
  }
}
