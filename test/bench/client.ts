/**
 * The client's cost per call, with the server out of the way: `runs.retrieve` and `envvars.list` against an
 * emulator in a child process (`servers.mjs`), so the CPU this process spends is the client's alone.
 * Contenders, at 32 concurrent calls, taking turns in rounds (a different one first each round):
 *
 * - raw `node:http` on a keep-alive agent + `JSON.parse`: the limit, what any client must at least do;
 * - a raw `fetch` with the same headers;
 * - the official `@trigger.dev/sdk` 4.8.3 (`configure` once, then `runs.retrieve(…)`);
 * - authctx's `createClient(…)` (once), then `client.runs.retrieve(…)`;
 * - authctx's Effect API on `ManagementClient.layerNode()` (a `ManagedRuntime` built once; each call is
 *   `runtime.runPromise(program)` of a program built once with `Auth.withAuth`);
 * - the same, with the program built on every call (`runtime.runPromise(Auth.withAuth(config)(call))`, a
 *   new scope each time: its auth context is built on every run);
 * - the same, the call inside an `Effect.gen` built on every call (`withAuth` then provides the auth to a
 *   program, not to a call: Effect's own context swap, as any program of several steps pays);
 * - one Effect program on that runtime for the whole window, `withAuth` once around it, whose 32 fibers
 *   (`Effect.forEach`, `concurrency: 32`) each make the call in a loop: what an Effect server does, where
 *   every request is a fiber of one runtime and no call goes through `runPromise`.
 *
 * Each round gives each contender one window; its calls/s are divided by raw node:http's of the same round,
 * so the spread over rounds shows how much the machine moved the ratio. CPU µs per call is this process's
 * `process.cpuUsage()` over the windows ÷ calls; p50/p99 are the latencies of the calls in the windows.
 *
 * This module also holds the helpers the cross-talk benchmark uses (a finished run, the raw requests).
 */
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import * as os from "node:os"
import { performance } from "node:perf_hooks"
import { Headers } from "@authctx/api"
import { Envvars, ManagementClient, Runs } from "@authctx/client"
import * as Authctx from "@authctx/client/promise"
import { Auth, Credential } from "@authctx/core"
import type { Emulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { Effect, ManagedRuntime } from "effect"
import { build, round2, type Spread, spreadOf, startChild } from "./child.js"

// ---------------------------------------------------------------------------------------------------------
// Measuring helpers
// ---------------------------------------------------------------------------------------------------------

const round1 = (x: number): number => Math.round(x * 10) / 10

/** CPU time (user + system) of this process since `since`, in µs. */
const cpuSince = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since)
  return used.user + used.system
}

const describeError = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 200)

/** `items` rotated left by `by` (round r starts with a different contender). */
const rotate = <A>(items: ReadonlyArray<A>, by: number): ReadonlyArray<A> => {
  const k = items.length === 0 ? 0 : by % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

/**
 * The machine, for the record, with its 1-minute load average when the benchmark ends (this benchmark's
 * own processes included): above the number of cores, other work competed for the CPU.
 */
export const machine = (): {
  readonly node: string
  readonly cpus: number
  readonly cpuModel: string
  readonly loadAverage: number
} => ({
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "unknown",
  loadAverage: Math.round((os.loadavg()[0] ?? 0) * 10) / 10
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

// ---------------------------------------------------------------------------------------------------------
// The client benchmark
// ---------------------------------------------------------------------------------------------------------

/** The contenders' names, in table order (the first is the limit the ratios divide by). */
export const clientContenders = [
  "raw node:http",
  "raw fetch",
  "@trigger.dev/sdk 4.8.3",
  "authctx createClient",
  "authctx Effect (layerNode)",
  "authctx Effect, program built per call",
  "authctx Effect, Effect.gen per call",
  "authctx Effect, 32 fibers of one program"
] as const

/** The name of a contender of the client benchmark. */
export type ClientContender = (typeof clientContenders)[number]

/** One contender's numbers on one route. */
export interface ContenderResult {
  readonly calls: number
  readonly errors: number
  readonly firstError: string | undefined
  readonly callsPerSecond: number
  /** calls/s ÷ raw node:http's, over all rounds. */
  readonly vsRaw: number
  /** The per-round ratios to raw node:http: lowest, median, highest. */
  readonly vsRawSpread: Spread
  /** This process's CPU (user + system) per call, µs: the client's alone, the server runs elsewhere. */
  readonly cpuUsPerCall: number
  /** CPU per call ÷ raw node:http's. */
  readonly cpuVsRaw: number
  readonly p50Us: number
  readonly p99Us: number
  /** p99 ÷ the SDK's p99 (at most 1 means a tail no longer than the SDK's). */
  readonly p99VsSdk: number
}

/** One route's results. */
export interface RouteResult {
  readonly call: string
  readonly route: string
  readonly contenders: Record<ClientContender, ContenderResult>
  /** Requests the emulator answered with a non-2xx status during this route's measurements. */
  readonly non2xx: number
  /** The emulator process's CPU per call, µs, over this route's windows (billed to no contender). */
  readonly serverCpuUsPerCall: number
}

/** The benchmark's result. */
export interface ClientBenchResult {
  readonly name: string
  readonly server: string
  readonly sdk: string
  readonly effectRunner: string
  readonly concurrency: number
  readonly rounds: number
  readonly windowSeconds: number
  readonly routes: ReadonlyArray<RouteResult>
  readonly machine: ReturnType<typeof machine>
  readonly at: string
}

/** Options: the sizes. */
export interface ClientBenchOptions {
  readonly concurrency?: number
  readonly rounds?: number
  readonly windowSeconds?: number
}

interface Window {
  readonly calls: number
  readonly errors: number
  readonly ms: number
  readonly cpuUs: number
  readonly latencies: Array<number>
  readonly firstError: string | undefined
}

/**
 * A contender that keeps its own calls in flight until `deadline` (`performance.now()` time), reporting each
 * call's latency (µs) or failure: one Effect program whose fibers call in a loop.
 */
interface OwnLoop {
  readonly loop: (
    concurrency: number,
    deadline: number,
    done: (latencyUs: number) => void,
    failed: (error: unknown) => void
  ) => Promise<unknown>
}

/** A contender: a call (the window keeps `concurrency` of them in flight), or its own loop. */
type Contender = (() => Promise<unknown>) | OwnLoop

/** Keeps `concurrency` calls in flight for `ms`; records each completed call's latency (µs). */
const window = async (contender: Contender, concurrency: number, ms: number): Promise<Window> => {
  const latencies: Array<number> = []
  let errors = 0
  let firstError: string | undefined
  const done = (latencyUs: number) => {
    latencies.push(latencyUs)
  }
  const failed = (error: unknown) => {
    errors++
    firstError ??= describeError(error)
  }
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const deadline = start + ms
  if (typeof contender === "function") {
    const worker = async () => {
      while (performance.now() < deadline) {
        const t = performance.now()
        try {
          await contender()
          done((performance.now() - t) * 1_000)
        } catch (error) {
          failed(error)
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
  } else {
    await contender.loop(concurrency, deadline, done, failed)
  }
  return {
    calls: latencies.length,
    errors,
    ms: performance.now() - start,
    cpuUs: cpuSince(cpuStart),
    latencies,
    firstError
  }
}

const pct = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0)

/** Interleaved rounds of windows; see the module comment. */
const interleaved = async (
  contenders: Record<ClientContender, Contender>,
  options: { readonly concurrency: number; readonly rounds: number; readonly windowMs: number }
): Promise<Record<ClientContender, ContenderResult>> => {
  for (const name of clientContenders) await window(contenders[name], options.concurrency, 300)
  const windows = new Map<ClientContender, Array<Window>>(clientContenders.map((n) => [n, []]))
  for (let r = 0; r < options.rounds; r++) {
    for (const name of rotate(clientContenders, r)) {
      windows.get(name)?.push(await window(contenders[name], options.concurrency, options.windowMs))
    }
  }
  const sum = (ws: ReadonlyArray<Window>, f: (w: Window) => number) => ws.reduce((a, w) => a + f(w), 0)
  const cps = (w: Window) => (w.calls * 1_000) / w.ms
  const raw = windows.get("raw node:http") ?? []
  const rawCps = (sum(raw, (w) => w.calls) * 1_000) / sum(raw, (w) => w.ms)
  const rawCpu = sum(raw, (w) => w.cpuUs) / sum(raw, (w) => w.calls)
  const sdkSorted = (windows.get("@trigger.dev/sdk 4.8.3") ?? [])
    .flatMap((w) => w.latencies)
    .sort((a, b) => a - b)
  const sdkP99 = pct(sdkSorted, 0.99)
  const out = {} as Record<ClientContender, ContenderResult>
  for (const name of clientContenders) {
    const ws = windows.get(name) ?? []
    const calls = sum(ws, (w) => w.calls)
    const sorted = ws.flatMap((w) => w.latencies).sort((a, b) => a - b)
    const callsPerSecond = (calls * 1_000) / sum(ws, (w) => w.ms)
    const cpu = sum(ws, (w) => w.cpuUs) / calls
    out[name] = {
      calls,
      errors: sum(ws, (w) => w.errors),
      firstError: ws.find((w) => w.firstError !== undefined)?.firstError,
      callsPerSecond: Math.round(callsPerSecond),
      vsRaw: round2(callsPerSecond / rawCps),
      vsRawSpread: spreadOf(ws.map((w, i) => cps(w) / cps(raw[i] ?? w))),
      cpuUsPerCall: round1(cpu),
      cpuVsRaw: round2(cpu / rawCpu),
      p50Us: round1(pct(sorted, 0.5)),
      p99Us: round1(pct(sorted, 0.99)),
      p99VsSdk: round2(pct(sorted, 0.99) / sdkP99)
    }
  }
  return out
}

interface EmulatorReady {
  readonly url: string
  readonly key: string
  readonly runId: string
  readonly projectRef: string
}

/** Runs the client benchmark; see the module comment. The packages are built first (the child runs `dist/`). */
export const runClientBench = async (options: ClientBenchOptions = {}): Promise<ClientBenchResult> => {
  const concurrency = options.concurrency ?? 32
  const rounds = options.rounds ?? 5
  const windowSeconds = options.windowSeconds ?? 0.6
  build()
  const server = await startChild<EmulatorReady>("servers.mjs", ["emulator", "0"])
  const effectNode = ManagedRuntime.make(ManagementClient.layerNode())
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 })
  const nodeGet = rawNodeHttp(agent)
  try {
    const { url: baseURL, runId, projectRef } = server.ready
    const key = devKey(server.ready.key)
    Sdk.configure({ secretKey: key, baseURL })
    const client = Authctx.createClient({ accessToken: key, baseURL })
    // Built once; each call runs the same program (Auth.withAuth builds its context when it runs).
    const retrieve = Runs.retrieve(runId).pipe(Auth.withAuth({ accessToken: key, baseURL }))
    const list = Envvars.list(projectRef, "dev").pipe(Auth.withAuth({ accessToken: key, baseURL }))
    // The calls alone, for the fibers that run under one `withAuth`.
    const retrieveCall = Runs.retrieve(runId)
    const listCall = Envvars.list(projectRef, "dev")
    // What one fiber of the "32 fibers of one program" contender does: the call (built once) in a loop
    // until the deadline, each call timed. The program around the fibers is built per route below, where
    // `withAuth` sees the call's concrete requirements.
    const calling = <A, E, R>(
      call: Effect.Effect<A, E, R>,
      deadline: number,
      done: (latencyUs: number) => void,
      failed: (error: unknown) => void
    ): Effect.Effect<void, never, R> => {
      const timed = Effect.suspend(() => {
        const t = performance.now()
        return Effect.match(call, {
          onFailure: failed,
          onSuccess: () => done((performance.now() - t) * 1_000)
        })
      })
      return Effect.whileLoop({
        while: () => performance.now() < deadline,
        body: () => timed,
        step: () => {}
      })
    }
    const all = (concurrency: number) => Array.from({ length: concurrency })
    const retrieveUrl = `${baseURL}/api/v3/runs/${encodeURIComponent(runId)}`
    const listUrl = `${baseURL}/api/v1/projects/${encodeURIComponent(projectRef)}/envvars/dev`

    const routes: ReadonlyArray<{
      call: string
      route: string
      contenders: Record<ClientContender, Contender>
    }> = [
      {
        call: "runs.retrieve",
        route: "GET /api/v3/runs/{runId}",
        contenders: {
          "raw node:http": () => nodeGet(retrieveUrl, key),
          "raw fetch": () => rawFetch(retrieveUrl, key),
          "@trigger.dev/sdk 4.8.3": () => Sdk.runs.retrieve(runId),
          "authctx createClient": () => client.runs.retrieve(runId),
          "authctx Effect (layerNode)": () => effectNode.runPromise(retrieve),
          "authctx Effect, program built per call": () =>
            effectNode.runPromise(Runs.retrieve(runId).pipe(Auth.withAuth({ accessToken: key, baseURL }))),
          "authctx Effect, Effect.gen per call": () =>
            effectNode.runPromise(
              Effect.gen(function* () {
                return yield* Runs.retrieve(runId)
              }).pipe(Auth.withAuth({ accessToken: key, baseURL }))
            ),
          "authctx Effect, 32 fibers of one program": {
            loop: (concurrency, deadline, done, failed) =>
              effectNode.runPromise(
                Effect.forEach(all(concurrency), () => calling(retrieveCall, deadline, done, failed), {
                  concurrency,
                  discard: true
                }).pipe(Auth.withAuth({ accessToken: key, baseURL }))
              )
          }
        }
      },
      {
        call: "envvars.list",
        route: "GET /api/v1/projects/{projectRef}/envvars/{env}",
        contenders: {
          "raw node:http": () => nodeGet(listUrl, key),
          "raw fetch": () => rawFetch(listUrl, key),
          "@trigger.dev/sdk 4.8.3": () => Sdk.envvars.list(projectRef, "dev"),
          "authctx createClient": () => client.envvars.list(projectRef, "dev"),
          "authctx Effect (layerNode)": () => effectNode.runPromise(list),
          "authctx Effect, program built per call": () =>
            effectNode.runPromise(
              Envvars.list(projectRef, "dev").pipe(Auth.withAuth({ accessToken: key, baseURL }))
            ),
          "authctx Effect, Effect.gen per call": () =>
            effectNode.runPromise(
              Effect.gen(function* () {
                return yield* Envvars.list(projectRef, "dev")
              }).pipe(Auth.withAuth({ accessToken: key, baseURL }))
            ),
          "authctx Effect, 32 fibers of one program": {
            loop: (concurrency, deadline, done, failed) =>
              effectNode.runPromise(
                Effect.forEach(all(concurrency), () => calling(listCall, deadline, done, failed), {
                  concurrency,
                  discard: true
                }).pipe(Auth.withAuth({ accessToken: key, baseURL }))
              )
          }
        }
      }
    ]
    const results: Array<RouteResult> = []
    for (const route of routes) {
      await server.ask("clear")
      const before = await server.ask<{ cpuUs: number }>("cpu")
      const contenders = await interleaved(route.contenders, {
        concurrency,
        rounds,
        windowMs: windowSeconds * 1_000
      })
      const after = await server.ask<{ cpuUs: number }>("cpu")
      const log = await server.ask<{ requests: number; non2xx: number }>("log")
      results.push({
        call: route.call,
        route: route.route,
        contenders,
        non2xx: log.non2xx,
        serverCpuUsPerCall: round1((after.cpuUs - before.cpuUs) / Math.max(1, log.requests))
      })
    }
    return {
      name: "client cost per call, server in a child process",
      server: "an emulator (dist/) in a child process, run finished, on loopback",
      sdk: "@trigger.dev/sdk 4.8.3",
      effectRunner:
        "ManagedRuntime.make(layerNode()) built once; runtime.runPromise(program) per call, the program built once with Auth.withAuth (and, as other contenders, built on every call, and an Effect.gen around the call built on every call); and one runtime.runPromise per window of a program whose 32 fibers call in a loop, Auth.withAuth once around it",
      concurrency,
      rounds,
      windowSeconds,
      routes: results,
      machine: machine(),
      at: new Date().toISOString()
    }
  } finally {
    agent.destroy()
    await effectNode.dispose()
    await server.stop()
  }
}
