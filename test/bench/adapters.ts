/**
 * The adapters' cost, each server in a child process of its own (`adapters-server.mjs`, on the built
 * `dist/`) and autocannon in this process at 64 keep-alive connections: `authContext()` (bearer
 * pass-through; with a `resolve` over 50 tenants; and the explicit-handle mode `ambient: false`) against
 * the bare framework and against the framework's own AsyncLocalStorage mechanism (Hono `contextStorage()`,
 * Koa 3 `asyncLocalStorage: true`, an `als.run(store, next)` middleware for Express, which has none).
 *
 * Per framework it measures in rounds; every round starts the five servers afresh, warms each up, then
 * measures each once (the order reversed every other round); each ratio is taken per round between windows of the same round, and
 * reported as the median with the lowest and highest round. The server's own CPU per request (its
 * `process.cpuUsage()`, asked before and after each window) is recorded too: unlike req/s it does not
 * drop when other processes take the CPU. The whole benchmark runs once per Node binary given (this
 * process's Node, and Node 24, where AsyncLocalStorage no longer runs on promise hooks). No timing is
 * asserted anywhere.
 */
import autocannon from "autocannon"
import { build, type Child, type Spread, spreadOf, startChild } from "./child.js"
import { machine } from "./client.js"
import { combine, type ServerMeasurement, type Taken, toMeasurement } from "./emulator.js"

/** The frameworks and the servers of each (see `adapters-server.mjs`). */
export const frameworks = ["express", "koa", "hono"] as const
export type Framework = (typeof frameworks)[number]
export const variants = ["bare", "als", "adapter", "resolve", "explicit"] as const
export type Variant = (typeof variants)[number]

/** One server's numbers: req/s averaged over the rounds, and its CPU per request. */
export type ServerResult = ServerMeasurement

/** The ratios of one framework, per round: median, lowest, highest. */
export interface Ratios {
  /** `authContext()` (bearer) ÷ bare. */
  readonly adapterVsBare: Spread
  /** `authContext()` (bearer) ÷ the framework's own ALS. */
  readonly adapterVsAls: Spread
  /** `authContext({ resolve })` over 50 tenants ÷ bare. */
  readonly resolveVsBare: Spread
  /** `authContext({ resolve })` ÷ the framework's own ALS. */
  readonly resolveVsAls: Spread
  /** `authContext({ ambient: false })` ÷ bare. */
  readonly explicitVsBare: Spread
  /** The framework's own ALS ÷ bare: what async context costs at all. */
  readonly alsVsBare: Spread
}

/** One framework on one Node. */
export interface FrameworkResult {
  readonly servers: Record<Variant, ServerResult>
  readonly ratios: Ratios
}

/** One run of the benchmark, on one Node binary. */
export interface NodeRun {
  readonly node: string
  readonly express: FrameworkResult
  readonly koa: FrameworkResult
  readonly hono: FrameworkResult
}

/** The benchmark's result. */
export interface AdapterBenchResult {
  readonly name: string
  readonly route: string
  readonly connections: number
  readonly durationSeconds: number
  readonly rounds: number
  readonly runs: ReadonlyArray<NodeRun>
  readonly machine: ReturnType<typeof machine>
  readonly at: string
}

/** The load: one `Authorization` (a valid SecretKey) and `x-tenant` cycling over 50 tenants. */
const requests = Array.from({ length: 50 }, (_, i) => ({
  method: "GET" as const,
  path: "/hello",
  headers: {
    authorization: "Bearer tr_dev_Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4Ab6Ef0Gh",
    "x-tenant": `t${String(i).padStart(2, "0")}`
  }
}))

const load = async (
  server: Child<{ port: number }>,
  connections: number,
  duration: number
): Promise<Taken> => {
  const before = await server.ask<{ cpuUs: number }>("cpu")
  const result = await autocannon({
    url: `http://127.0.0.1:${server.ready.port}`,
    requests,
    connections,
    duration
  })
  const after = await server.ask<{ cpuUs: number }>("cpu")
  return { m: toMeasurement(result), cpuUs: after.cpuUs - before.cpuUs }
}

export const frameworkRun = async (
  framework: Framework,
  execPath: string,
  options: { readonly connections: number; readonly durationSeconds: number; readonly rounds: number }
): Promise<FrameworkResult> => {
  const taken = new Map<Variant, Array<Taken>>(variants.map((v) => [v, []]))
  // A server process can run slow for its whole life (seen: a bare server at twice its usual CPU per
  // request, round after round), so every round starts its own five: a slow process spoils one round,
  // which the median of the rounds leaves out, instead of every round of its variant.
  for (let r = 0; r < options.rounds; r++) {
    const children = new Map<Variant, Child<{ port: number }>>()
    try {
      const started = await Promise.all(
        variants.map((v) => startChild<{ port: number }>("adapters-server.mjs", [framework, v], execPath))
      )
      for (const [i, v] of variants.entries()) {
        const c = started[i]
        if (c !== undefined) children.set(v, c)
      }
      const child = (v: Variant) => {
        const c = children.get(v)
        if (c === undefined) throw new Error(`no ${framework} ${v} server`)
        return c
      }
      for (const v of variants) await load(child(v), options.connections, 1)
      for (const v of r % 2 === 0 ? variants : [...variants].reverse())
        taken.get(v)?.push(await load(child(v), options.connections, options.durationSeconds))
    } finally {
      for (const c of children.values()) await c.stop()
    }
  }
  const of = (v: Variant) => taken.get(v) ?? []
  const servers = {} as Record<Variant, ServerResult>
  for (const v of variants) servers[v] = combine(of(v))
  const ratio = (a: Variant, b: Variant): Spread =>
    spreadOf(of(a).map((t, i) => t.m.requestsPerSecond / (of(b)[i]?.m.requestsPerSecond ?? Number.NaN)))
  return {
    servers,
    ratios: {
      adapterVsBare: ratio("adapter", "bare"),
      adapterVsAls: ratio("adapter", "als"),
      resolveVsBare: ratio("resolve", "bare"),
      resolveVsAls: ratio("resolve", "als"),
      explicitVsBare: ratio("explicit", "bare"),
      alsVsBare: ratio("als", "bare")
    }
  }
}

/** The version a Node binary reports. */
const versionOf = async (execPath: string): Promise<string> => {
  const { execFileSync } = await import("node:child_process")
  return execFileSync(execPath, ["-p", "process.version"], { encoding: "utf8" }).trim()
}

/**
 * Runs the benchmark once per Node binary in `nodes` (default: this process's Node) and returns the
 * numbers; prints nothing. About rounds × 5 × (1 + durationSeconds) s per framework and Node.
 */
export const runAdapterBench = async (
  options: {
    readonly nodes?: ReadonlyArray<string>
    readonly connections?: number
    readonly durationSeconds?: number
    readonly rounds?: number
  } = {}
): Promise<AdapterBenchResult> => {
  const sizes = {
    connections: options.connections ?? 64,
    durationSeconds: options.durationSeconds ?? 2,
    rounds: options.rounds ?? 5
  }
  build()
  const runs: Array<NodeRun> = []
  for (const execPath of options.nodes ?? [process.execPath]) {
    const node = await versionOf(execPath)
    const express = await frameworkRun("express", execPath, sizes)
    const koa = await frameworkRun("koa", execPath, sizes)
    const hono = await frameworkRun("hono", execPath, sizes)
    runs.push({ node, express, koa, hono })
  }
  return {
    name: "adapters: authContext() vs the bare framework and its own AsyncLocalStorage, one process per server",
    route: "GET /hello, Authorization: Bearer <SecretKey> and x-tenant cycling over 50 tenants, JSON answer",
    ...sizes,
    runs,
    machine: machine(),
    at: new Date().toISOString()
  }
}
