/**
 * What the docs quote from `test/bench/results/*.json`, rendered from those files. A doc quotes a result
 * between `<!-- results:NAME -->` and `<!-- /results:NAME -->`; `test/docs-numbers.test.ts` checks that
 * each region is exactly `regions[NAME]` of the committed results, so the numbers in the docs are the
 * numbers of the results files in the same commit. After `pnpm bench`, rewrite the regions with
 * `UPDATE_DOC_NUMBERS=1 npx vitest run test/docs-numbers.test.ts`.
 */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results")

interface Machine {
  readonly node: string
  readonly cpus: number
  readonly cpuModel: string
  readonly loadAverage?: number
}

/** Whether the machine was busy with other work: a load average above its cores (the benchmark's own included). */
const loadNote = (m: Machine): string =>
  m.loadAverage === undefined
    ? "load not recorded"
    : `1-minute load average ${m.loadAverage} on ${m.cpus} cores at the end, so ` +
      (m.loadAverage > m.cpus + 1
        ? "**taken under load**: other jobs competed for the CPU, absolute figures are low and spreads wide"
        : "the machine was not otherwise busy")
interface Spread {
  readonly min: number
  readonly median: number
  readonly max: number
}
/** One contender of the client benchmark on one route (see `ContenderResult` in client.ts). */
export interface ClientRow {
  readonly callsPerSecond: number
  readonly vsRaw: number
  readonly vsRawSpread: Spread
  readonly cpuUsPerCall: number
  readonly cpuVsRaw: number
  readonly p50Us: number
  readonly p99Us: number
  readonly p99VsSdk: number
}
interface Rps {
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
}
interface Server extends Rps {
  readonly cpuUsPerRequest: number
}
interface CrossTalk {
  readonly who: string
  readonly crossTalk: number
  readonly requests: number
  readonly rejected: number
}
type Variant = "bare" | "als" | "adapter" | "resolve" | "explicit"
interface Framework {
  readonly servers: Record<Variant, Server>
  readonly ratios: Record<
    "adapterVsBare" | "adapterVsAls" | "resolveVsBare" | "resolveVsAls" | "explicitVsBare" | "alsVsBare",
    Spread
  >
}
/** One run of the adapter benchmark on one Node (see `NodeRun` in adapters.ts). */
export interface AdapterRun {
  readonly node: string
  readonly express: Framework
  readonly koa: Framework
  readonly hono: Framework
}
interface OpCost {
  readonly nsPerOp: number
  readonly bestRoundNsPerOp: number
}

/** The results files the docs quote, as `pnpm bench` writes them. */
export interface Results {
  readonly client: {
    readonly routes: ReadonlyArray<{
      readonly call: string
      readonly route: string
      readonly contenders: Record<string, ClientRow>
      readonly serverCpuUsPerCall: number
    }>
    readonly concurrency: number
    readonly rounds: number
    readonly windowSeconds: number
    readonly machine: Machine
    readonly at: string
  }
  readonly promise: { readonly crossTalk: ReadonlyArray<CrossTalk> }
  readonly scoping: { readonly effect: Record<string, OpCost>; readonly promise: Record<string, OpCost> }
  readonly emulator: {
    readonly emulator: Server
    readonly emulatorExecuting: Server
    readonly baseline: Server
    readonly ratioSpread: Spread
    readonly cpuRatioSpread: Spread
    readonly control: Server
    readonly controlSpread: Spread
    readonly connections: number
    readonly rounds: number
    readonly durationSeconds: number
  }
  readonly adapters: {
    readonly runs: ReadonlyArray<AdapterRun>
    readonly connections: number
    readonly rounds: number
    readonly durationSeconds: number
    readonly machine: Machine
  }
  /** `results/summary.md`, which `node test/bench/summary.mjs` renders from the JSON files. */
  readonly summary: string
}

/**
 * Reads the results files.
 *
 * @example
 * ```ts
 * const results = readResults()
 * regions["adapters-cost"]?.(results)
 * ```
 */
export const readResults = (dir: string = resultsDir): Results => {
  const read = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"))
  return {
    client: read("client"),
    promise: read("promise"),
    scoping: read("scoping"),
    emulator: read("emulator"),
    adapters: read("adapters"),
    summary: readFileSync(join(dir, "summary.md"), "utf8").trim()
  }
}

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a")
const thousands = (n: number) => n.toLocaleString("en-US")
const row = (cells: ReadonlyArray<string | number>) => `| ${cells.join(" | ")} |`

/** A ratio with its per-round spread: `0.91 (0.85–0.95)`. */
export const withSpread = (s: Spread): string =>
  `${fixed(s.median, 2)} (${fixed(s.min, 2)}–${fixed(s.max, 2)})`

/** The client benchmark's table of one route (contenders in the order of the results file). */
export const clientTable = (contenders: Record<string, ClientRow>): string =>
  [
    row([
      "contender",
      "calls/s @32",
      "÷ raw node:http (median round, lowest–highest)",
      "client CPU µs/call",
      "CPU ÷ raw node:http",
      "p50 µs",
      "p99 µs",
      "p99 ÷ SDK"
    ]),
    "|---|--:|--:|--:|--:|--:|--:|--:|",
    ...Object.entries(contenders).map(([name, c]) =>
      row([
        name,
        c.callsPerSecond,
        `${fixed(c.vsRaw, 2)} (${fixed(c.vsRawSpread.min, 2)}–${fixed(c.vsRawSpread.max, 2)})`,
        fixed(c.cpuUsPerCall, 1),
        fixed(c.cpuVsRaw, 2),
        fixed(c.p50Us, 0),
        fixed(c.p99Us, 0),
        fixed(c.p99VsSdk, 2)
      ])
    )
  ].join("\n")

const frameworkNames = { express: "Express 5", koa: "Koa 3", hono: "Hono 4" } as const

/** The adapter benchmark's tables of one Node run: req/s with per-round ratios, then the servers' CPU. */
export const adapterTable = (run: AdapterRun): string => {
  const keys = ["express", "koa", "hono"] as const
  const rps = [
    row([
      "framework",
      "bare req/s",
      "own ALS",
      "`authContext()`",
      "`resolve`, 50 tenants",
      "`ambient: false`",
      "own ALS ÷ bare",
      "`authContext()` ÷ bare",
      "`authContext()` ÷ own ALS",
      "`resolve` ÷ own ALS",
      "`ambient: false` ÷ bare"
    ]),
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ...keys.map((key) => {
      const f = run[key]
      const v = f.servers
      return row([
        frameworkNames[key],
        thousands(v.bare.requestsPerSecond),
        thousands(v.als.requestsPerSecond),
        thousands(v.adapter.requestsPerSecond),
        thousands(v.resolve.requestsPerSecond),
        thousands(v.explicit.requestsPerSecond),
        withSpread(f.ratios.alsVsBare),
        withSpread(f.ratios.adapterVsBare),
        withSpread(f.ratios.adapterVsAls),
        withSpread(f.ratios.resolveVsAls),
        withSpread(f.ratios.explicitVsBare)
      ])
    })
  ]
  // A CPU-bound server's req/s is 1 ÷ its CPU per request: the same ratios from the servers' own CPU.
  const cpu = [
    row([
      "framework",
      "server CPU µs/req: bare",
      "own ALS",
      "`authContext()`",
      "`resolve`",
      "`ambient: false`",
      "own ALS ÷ bare",
      "`authContext()` ÷ bare",
      "`authContext()` ÷ own ALS",
      "`resolve` ÷ own ALS",
      "`ambient: false` ÷ bare"
    ]),
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ...keys.map((key) => {
      const v = run[key].servers
      const by = (a: Server, b: Server) => fixed(b.cpuUsPerRequest / a.cpuUsPerRequest, 2)
      return row([
        frameworkNames[key],
        ...[v.bare, v.als, v.adapter, v.resolve, v.explicit].map((x) => fixed(x.cpuUsPerRequest, 1)),
        by(v.als, v.bare),
        by(v.adapter, v.bare),
        by(v.adapter, v.als),
        by(v.resolve, v.als),
        by(v.explicit, v.bare)
      ])
    })
  ]
  return `${rps.join("\n")}\n\nThe same comparisons by the server's own CPU per request (a ratio is the other's CPU ÷ this one's):\n\n${cpu.join("\n")}`
}

const opTable = (ops: Record<string, OpCost>): string => {
  const baseline = Object.values(ops)[0]?.nsPerOp ?? 0
  return [
    row(["variant", "ns/op", "best round ns/op", "over baseline ns/op"]),
    "|---|--:|--:|--:|",
    ...Object.entries(ops).map(([name, op]) =>
      row([name, fixed(op.nsPerOp, 1), fixed(op.bestRoundNsPerOp, 1), fixed(op.nsPerOp - baseline, 1)])
    )
  ].join("\n")
}

const crossTalkOf = (r: Results, who: RegExp): CrossTalk => {
  const found = r.promise.crossTalk.find((c) => who.test(c.who))
  if (found === undefined) throw new Error(`promise.json has no cross-talk row matching ${who}`)
  return found
}

/** The quoted regions, by name: each renders its text from the results. */
export const regions: Record<string, (r: Results) => string> = {
  "bench-summary": (r) => r.summary,

  "bench-machine": (r) =>
    `Node ${r.client.machine.node}, ${r.client.machine.cpus} vCPUs (${r.client.machine.cpuModel}); ` +
    `${loadNote(r.client.machine)}. Command: \`pnpm bench\` (${r.client.at.slice(0, 10)}).`,

  "bench-client": (r) =>
    r.client.routes
      .map(
        (route) =>
          `#### \`${route.call}\` (${route.route})\n\n${clientTable(route.contenders)}\n\n` +
          `The emulator process spent ${fixed(route.serverCpuUsPerCall, 1)} µs of CPU per call, billed to no contender.`
      )
      .join("\n\n"),

  "bench-client-method": (r) =>
    `${r.client.concurrency} concurrent calls, ${r.client.rounds} rounds of one ${r.client.windowSeconds} s window per contender`,

  "bench-crosstalk": (r) =>
    [
      row(["scopes run by", "cross-talk (requests with the other scope's credential)", "rejected"]),
      "|---|--:|--:|",
      ...r.promise.crossTalk.map((c) => row([c.who, `${c.crossTalk} of ${c.requests}`, c.rejected]))
    ].join("\n"),

  "sdk-no-als-crosstalk": (r) => {
    const c = crossTalkOf(r, /scope storage hidden/)
    return `${c.crossTalk} of ${c.requests}`
  },

  "bench-scoping-effect": (r) => opTable(r.scoping.effect),
  "bench-scoping-promise": (r) => opTable(r.scoping.promise),

  "bench-emulator": (r) => {
    const e = r.emulator
    const line = (name: string, m: Server) =>
      row([name, m.requestsPerSecond, m.p50Ms, m.p99Ms, fixed(m.cpuUsPerRequest, 1)])
    return [
      row(["server (own process)", "req/s", "p50 ms", "p99 ms", "server CPU µs/req"]),
      "|---|--:|--:|--:|--:|",
      line("emulator, finished run", e.emulator),
      line("emulator, executing run", e.emulatorExecuting),
      line("bare node:http", e.baseline),
      line("bare node:http, a second one (control)", e.control),
      "",
      `Emulator (finished run) ÷ bare node:http per round: req/s ${withSpread(e.ratioSpread)}; ` +
        `by server CPU per request (bare's ÷ the emulator's) ${withSpread(e.cpuRatioSpread)} ` +
        `(${e.rounds} rounds of ${e.durationSeconds} s, ${e.connections} connections). ` +
        `The method's own noise, the second bare server ÷ the first: ${withSpread(e.controlSpread)}.`
    ].join("\n")
  },

  "adapters-cost": (r) =>
    r.adapters.runs.map((run) => `Node ${run.node}:\n\n${adapterTable(run)}`).join("\n\n"),

  "adapters-machine": (r) =>
    `${r.adapters.machine.cpus}-CPU machine, ${loadNote(r.adapters.machine)}; ${r.adapters.connections} connections, ` +
    `${r.adapters.rounds} rounds of ${r.adapters.durationSeconds} s per server; Node ${r.adapters.runs.map((run) => run.node).join(" and ")}`
}

/** The summary table's first line without the package versions (read from node_modules when it is made). */
export const summaryMachineLine = (line: string): string => line.replace(/; effect .*$/, "")
