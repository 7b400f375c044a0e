/**
 * The client against the official SDK (issue 4): `runs.retrieve` and `envvars.list`, in one run against one
 * in-process emulator, for
 *
 * - authctx's Effect API on `ManagementClient.layerNode()` (one `ManagedRuntime` built once; each call is
 *   `runtime.runPromise(program)` of a program built once with `Auth.withAuth`),
 * - the same on `ManagementClient.layerFetch()` (the `@effect/platform` `HttpClient` over `fetch`; extra),
 * - authctx's Promise API, ambient (`configure` once, then `runs.retrieve(…)`),
 * - authctx's explicit client (`createClient(…)` once, then `client.runs.retrieve(…)`),
 * - the official `@trigger.dev/sdk` 4.8.3 (`configure` once, then `runs.retrieve(…)`),
 * - a raw `fetch` with the same headers, and a raw `node:http` keep-alive request (the floors).
 *
 * Sequential latency (one call after another) and throughput at 32 concurrent calls; the contenders take
 * turns in rounds, in a rotated order, after a warm-up, so machine noise hits all of them alike. The
 * emulator runs on the same thread as the clients: absolute numbers include its time, differences between
 * contenders are the clients' own.
 *
 * This module also holds the measuring helpers the other client benchmarks use.
 */
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import * as os from "node:os"
import { performance } from "node:perf_hooks"
import { Headers } from "@authctx/api"
import { Envvars, ManagementClient, Runs } from "@authctx/client"
import * as Authctx from "@authctx/client/promise"
import { Auth, Credential } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { ManagedRuntime } from "effect"

// ---------------------------------------------------------------------------------------------------------
// Measuring helpers
// ---------------------------------------------------------------------------------------------------------

/** One contender: a name and one call (a new request each time). */
export interface Contender {
  readonly name: string
  readonly call: () => Promise<unknown>
}

/** Sequential latency of one contender. */
export interface Latency {
  readonly calls: number
  readonly errors: number
  readonly meanUs: number
  readonly p50Us: number
  readonly p99Us: number
  /** CPU time of this process (user + system, all threads) per call: not inflated when other processes
   * take the CPU. Includes the in-process emulator's share, the same for every contender. */
  readonly cpuUsPerCall: number
  /** The first error's message (truncated), when there was one. */
  readonly firstError: string | undefined
}

/** Throughput of one contender at a fixed number of concurrent calls. */
export interface Throughput {
  readonly concurrency: number
  readonly calls: number
  readonly errors: number
  readonly seconds: number
  readonly callsPerSecond: number
  /** CPU time of this process per call (see {@link Latency.cpuUsPerCall}). */
  readonly cpuUsPerCall: number
  readonly firstError: string | undefined
}

const round1 = (x: number): number => Math.round(x * 10) / 10
const round2 = (x: number): number => Math.round(x * 100) / 100

/** CPU time (user + system) of this process since `since`, in µs. */
const cpuSince = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since)
  return used.user + used.system
}

const describeError = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 200)

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0)

/** `items` rotated left by `by` (round r starts with a different contender). */
const rotate = <A>(items: ReadonlyArray<A>, by: number): ReadonlyArray<A> => {
  const k = items.length === 0 ? 0 : by % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

/**
 * Sequential latency: `warmup` calls each, then `rounds` rounds in which every contender makes
 * `calls / rounds` calls one after another (the order rotates each round).
 */
export const sequential = async (
  contenders: ReadonlyArray<Contender>,
  options: { readonly calls: number; readonly rounds: number; readonly warmup: number }
): Promise<Record<string, Latency>> => {
  const perRound = Math.ceil(options.calls / options.rounds)
  const samples = new Map(contenders.map((c) => [c.name, new Float64Array(perRound * options.rounds)]))
  const filled = new Map(contenders.map((c) => [c.name, 0]))
  const errors = new Map(contenders.map((c) => [c.name, 0]))
  const cpu = new Map(contenders.map((c) => [c.name, 0]))
  const firstErrors = new Map<string, string>()
  const fail = (name: string, error: unknown) => {
    errors.set(name, (errors.get(name) ?? 0) + 1)
    if (!firstErrors.has(name)) firstErrors.set(name, describeError(error))
  }
  for (const c of contenders) {
    for (let i = 0; i < options.warmup; i++) await c.call().catch((error: unknown) => fail(c.name, error))
  }
  for (const c of contenders) errors.set(c.name, 0)
  for (let r = 0; r < options.rounds; r++) {
    for (const c of rotate(contenders, r)) {
      const out = samples.get(c.name) ?? new Float64Array(0)
      let n = filled.get(c.name) ?? 0
      const cpuStart = process.cpuUsage()
      for (let i = 0; i < perRound; i++) {
        const start = performance.now()
        try {
          await c.call()
        } catch (error) {
          fail(c.name, error)
        }
        out[n++] = (performance.now() - start) * 1_000
      }
      cpu.set(c.name, (cpu.get(c.name) ?? 0) + cpuSince(cpuStart))
      filled.set(c.name, n)
    }
  }
  const result: Record<string, Latency> = {}
  for (const c of contenders) {
    const sorted = (samples.get(c.name) ?? new Float64Array(0)).slice().sort()
    let sum = 0
    for (const x of sorted) sum += x
    result[c.name] = {
      calls: sorted.length,
      errors: errors.get(c.name) ?? 0,
      meanUs: round1(sum / sorted.length),
      p50Us: round1(percentile(sorted, 0.5)),
      p99Us: round1(percentile(sorted, 0.99)),
      cpuUsPerCall: round1((cpu.get(c.name) ?? 0) / sorted.length),
      firstError: firstErrors.get(c.name)
    }
  }
  return result
}

/** Keeps `concurrency` calls in flight for `ms` milliseconds; counts the calls that completed. */
const timedWindow = async (
  call: () => Promise<unknown>,
  concurrency: number,
  ms: number
): Promise<{ calls: number; errors: number; ms: number; cpuUs: number; firstError: string | undefined }> => {
  let calls = 0
  let errors = 0
  let firstError: string | undefined
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const deadline = start + ms
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        await call()
        calls++
      } catch (error) {
        errors++
        firstError ??= describeError(error)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = performance.now() - start
  return { calls, errors, ms: elapsed, cpuUs: cpuSince(cpuStart), firstError }
}

/**
 * Throughput at `concurrency` concurrent calls: a short warm-up window each, then `rounds` windows of
 * `seconds / rounds` each per contender, the order rotating each round.
 */
export const throughput = async (
  contenders: ReadonlyArray<Contender>,
  options: { readonly concurrency: number; readonly seconds: number; readonly rounds: number }
): Promise<Record<string, Throughput>> => {
  const windowMs = (options.seconds * 1_000) / options.rounds
  for (const c of contenders) await timedWindow(c.call, options.concurrency, 200)
  const zero = { calls: 0, errors: 0, ms: 0, cpuUs: 0 }
  const totals = new Map(contenders.map((c) => [c.name, zero]))
  const firstErrors = new Map<string, string>()
  for (let r = 0; r < options.rounds; r++) {
    for (const c of rotate(contenders, r)) {
      const w = await timedWindow(c.call, options.concurrency, windowMs)
      const t = totals.get(c.name) ?? zero
      totals.set(c.name, {
        calls: t.calls + w.calls,
        errors: t.errors + w.errors,
        ms: t.ms + w.ms,
        cpuUs: t.cpuUs + w.cpuUs
      })
      if (w.firstError !== undefined && !firstErrors.has(c.name)) firstErrors.set(c.name, w.firstError)
    }
  }
  const result: Record<string, Throughput> = {}
  for (const c of contenders) {
    const t = totals.get(c.name) ?? zero
    result[c.name] = {
      concurrency: options.concurrency,
      calls: t.calls,
      errors: t.errors,
      seconds: round2(t.ms / 1_000),
      callsPerSecond: Math.round((t.calls * 1_000) / t.ms),
      cpuUsPerCall: round1(t.cpuUs / t.calls),
      firstError: firstErrors.get(c.name)
    }
  }
  return result
}

/** The machine, for the record. */
export const machine = (): { readonly node: string; readonly cpus: number; readonly cpuModel: string } => ({
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "unknown"
})

/** A SecretKey string, statically (so `Auth.withAuth` discharges SecretKey-only requirements). */
export type DevKey = `${Credential.SecretKeyPrefix<"dev">}${string}`

/** Narrows an emulator key to {@link DevKey}, or throws. */
export const devKey = (key: string | undefined): DevKey => {
  if (key?.startsWith(Credential.secretKeyPrefix("dev"))) return key as DevKey
  throw new Error("expected a tr_dev_ key from the emulator")
}

/** The headers every contender sends (a new idempotency key per call); docs/reference/headers-and-branches.md. */
export const rawHeaders = (key: string): Record<string, string> => ({
  [Headers.authorization]: `Bearer ${key}`,
  "content-type": "application/json",
  [Headers.apiVersion]: ManagementClient.apiVersion,
  [Headers.source]: "bench",
  [Headers.clientVersion]: "0.1.0",
  [Headers.realtimeStreamsVersion]: Headers.realtimeStreamsV2,
  [Headers.requestIdempotencyKey]: randomUUID()
})

/** A GET with the global `fetch`, the body parsed as JSON; rejects on a non-2xx status. */
export const rawFetch = async (url: string, key: string): Promise<unknown> => {
  const response = await fetch(url, { headers: rawHeaders(key) })
  if (!response.ok) throw new Error(`raw fetch: status ${response.status}`)
  return response.json()
}

/** A GET with `node:http` on a keep-alive agent, the body parsed as JSON; rejects on a non-2xx status. */
export const rawNodeHttp =
  (agent: http.Agent) =>
  (url: string, key: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const request = http.request(url, { method: "GET", headers: rawHeaders(key), agent }, (response) => {
        response.setEncoding("utf8")
        let text = ""
        response.on("data", (chunk: string) => {
          text += chunk
        })
        response.on("error", reject)
        response.on("end", () => {
          const status = response.statusCode ?? 0
          if (status >= 200 && status < 300) resolve(JSON.parse(text))
          else reject(new Error(`raw node:http: status ${status}`))
        })
      })
      request.on("error", reject)
      request.end()
    })

/** Triggers a run with `key` and waits until the emulator reports it finished; returns its id. */
export const finishedRun = async (emulator: Emulator, key: string): Promise<string> => {
  const triggered = await fetch(`${emulator.url}/api/v1/tasks/hello/trigger`, {
    method: "POST",
    headers: rawHeaders(key),
    body: JSON.stringify({ payload: { hello: "world" } })
  })
  const { id } = (await triggered.json()) as { id: string }
  for (let i = 0; i < 100; i++) {
    const run = (await rawFetch(`${emulator.url}/api/v3/runs/${id}`, key)) as { isCompleted?: boolean }
    if (run.isCompleted === true) return id
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`run ${id} did not finish`)
}

/** Counts the emulator's log records since it was last cleared whose status is not 2xx. */
export const non2xx = (emulator: Emulator): number =>
  emulator.requests().filter((r) => r.status < 200 || r.status >= 300).length

// ---------------------------------------------------------------------------------------------------------
// The client benchmark
// ---------------------------------------------------------------------------------------------------------

/** The contenders' names, in table order. */
export const clientContenders = [
  "authctx Effect (layerNode)",
  "authctx Effect (layerFetch)",
  "authctx Promise ambient",
  "authctx createClient",
  "@trigger.dev/sdk 4.8.3",
  "raw fetch",
  "raw node:http"
] as const

/** The name of a contender of the client benchmark. */
export type ClientContender = (typeof clientContenders)[number]

/** One route's results. */
export interface RouteResult {
  readonly call: string
  readonly route: string
  readonly latency: Record<string, Latency>
  readonly throughput: Record<string, Throughput>
  /** Requests in the emulator's log with a non-2xx status during this route's measurements. */
  readonly non2xx: number
}

/** The benchmark's result. */
export interface ClientBenchResult {
  readonly name: string
  readonly sdk: string
  readonly effectRunner: string
  readonly sequential: { readonly calls: number; readonly rounds: number; readonly warmup: number }
  readonly concurrent: { readonly concurrency: number; readonly seconds: number; readonly rounds: number }
  readonly routes: ReadonlyArray<RouteResult>
  readonly machine: ReturnType<typeof machine>
  readonly at: string
}

/** Options: sizes of the sequential and concurrent phases. */
export interface ClientBenchOptions {
  readonly calls?: number
  readonly rounds?: number
  readonly warmup?: number
  readonly concurrency?: number
  readonly seconds?: number
  readonly throughputRounds?: number
}

/** Runs the client benchmark; see the module comment. */
export const runClientBench = async (options: ClientBenchOptions = {}): Promise<ClientBenchResult> => {
  const seq = { calls: options.calls ?? 2_000, rounds: options.rounds ?? 4, warmup: options.warmup ?? 200 }
  const conc = {
    concurrency: options.concurrency ?? 32,
    seconds: options.seconds ?? 4,
    rounds: options.throughputRounds ?? 4
  }
  const emulator = await startEmulator({ seed: 1, timings: { queuedMs: 0, executingMs: 0 } })
  const effectNode = ManagedRuntime.make(ManagementClient.layerNode())
  const effectFetch = ManagedRuntime.make(ManagementClient.layerFetch())
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 })
  const nodeGet = rawNodeHttp(agent)
  try {
    const project = emulator.credentials.projects[0]
    if (project === undefined) throw new Error("the emulator has a project")
    const key = devKey(project.environments.dev.secretKey)
    const baseURL = emulator.url
    const runId = await finishedRun(emulator, key)
    const projectRef = project.ref

    Authctx.configure({ secretKey: key, baseURL })
    Sdk.configure({ secretKey: key, baseURL })
    const client = Authctx.createClient({ accessToken: key, baseURL })

    // Built once; each call runs the same program (Auth.withAuth builds its context when it runs).
    const retrieve = Runs.retrieve(runId).pipe(Auth.withAuth({ accessToken: key, baseURL }))
    const list = Envvars.list(projectRef, "dev").pipe(Auth.withAuth({ accessToken: key, baseURL }))
    const retrieveUrl = `${baseURL}/api/v3/runs/${encodeURIComponent(runId)}`
    const listUrl = `${baseURL}/api/v1/projects/${encodeURIComponent(projectRef)}/envvars/dev`

    const routes: Array<{
      call: string
      route: string
      contenders: Record<ClientContender, () => Promise<unknown>>
    }> = [
      {
        call: "runs.retrieve",
        route: "GET /api/v3/runs/{runId}",
        contenders: {
          "authctx Effect (layerNode)": () => effectNode.runPromise(retrieve),
          "authctx Effect (layerFetch)": () => effectFetch.runPromise(retrieve),
          "authctx Promise ambient": () => Authctx.runs.retrieve(runId),
          "authctx createClient": () => client.runs.retrieve(runId),
          "@trigger.dev/sdk 4.8.3": () => Sdk.runs.retrieve(runId),
          "raw fetch": () => rawFetch(retrieveUrl, key),
          "raw node:http": () => nodeGet(retrieveUrl, key)
        }
      },
      {
        call: "envvars.list",
        route: "GET /api/v1/projects/{projectRef}/envvars/{env}",
        contenders: {
          "authctx Effect (layerNode)": () => effectNode.runPromise(list),
          "authctx Effect (layerFetch)": () => effectFetch.runPromise(list),
          "authctx Promise ambient": () => Authctx.envvars.list(projectRef, "dev"),
          "authctx createClient": () => client.envvars.list(projectRef, "dev"),
          "@trigger.dev/sdk 4.8.3": () => Sdk.envvars.list(projectRef, "dev"),
          "raw fetch": () => rawFetch(listUrl, key),
          "raw node:http": () => nodeGet(listUrl, key)
        }
      }
    ]

    const results: Array<RouteResult> = []
    for (const route of routes) {
      const contenders = clientContenders.map((name) => ({ name, call: route.contenders[name] }))
      emulator.clearRequests()
      const latency = await sequential(contenders, seq)
      const tput = await throughput(contenders, conc)
      results.push({
        call: route.call,
        route: route.route,
        latency,
        throughput: tput,
        non2xx: non2xx(emulator)
      })
      emulator.clearRequests()
    }
    return {
      name: "client vs @trigger.dev/sdk",
      sdk: "@trigger.dev/sdk 4.8.3",
      effectRunner:
        "ManagedRuntime.make(layer) built once; runtime.runPromise(program) per call, the program built once with Auth.withAuth",
      sequential: seq,
      concurrent: conc,
      routes: results,
      machine: machine(),
      at: new Date().toISOString()
    }
  } finally {
    Authctx.configure({})
    agent.destroy()
    await effectNode.dispose()
    await effectFetch.dispose()
    await emulator.stop()
  }
}
