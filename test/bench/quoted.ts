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
}
interface Latency {
  readonly meanUs: number
  readonly p50Us: number
  readonly p99Us: number
}
interface Throughput {
  readonly callsPerSecond: number
  readonly cpuUsPerCall: number
}
interface Rps {
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
}
interface CrossTalk {
  readonly who: string
  readonly crossTalk: number
  readonly requests: number
  readonly rejected: number
}
interface Framework {
  readonly bare: Rps
  readonly noop: Rps
  readonly scope: Rps
  readonly adapter: Rps
  readonly ratio: number
  readonly bearerAuth?: Rps
  readonly adapterVsBearerAuth?: number
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
      readonly latency: Record<string, Latency>
      readonly throughput: Record<string, Throughput>
    }>
    readonly machine: Machine
    readonly at: string
  }
  readonly promise: {
    readonly latency: Record<string, Latency>
    readonly throughput: Record<string, Throughput>
    readonly crossTalk: ReadonlyArray<CrossTalk>
  }
  readonly scoping: { readonly effect: Record<string, OpCost>; readonly promise: Record<string, OpCost> }
  readonly emulator: {
    readonly emulator: Rps
    readonly emulatorExecuting: Rps
    readonly baseline: Rps
    readonly connections: number
  }
  readonly adapters: Record<"express" | "koa" | "hono", Framework> & { readonly machine: Machine }
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
const signed = (x: number) => (x >= 0 ? `+${fixed(x, 1)}` : fixed(x, 1))
const thousands = (n: number) => n.toLocaleString("en-US")
const row = (cells: ReadonlyArray<string | number>) => `| ${cells.join(" | ")} |`

const sdkOf = (names: ReadonlyArray<string>) => names.find((n) => n.startsWith("@trigger.dev/sdk")) ?? ""

const contenderTable = (
  latency: Record<string, Latency>,
  throughput: Record<string, Throughput>,
  sdk: string,
  sdkLabel: string
): string => {
  const base = { l: latency[sdk], t: throughput[sdk], fl: latency["raw fetch"], ft: throughput["raw fetch"] }
  const lines = [
    row([
      "contender",
      "mean µs",
      "p50 µs",
      "p99 µs",
      "calls/s @32",
      "CPU µs/call @32",
      `${sdkLabel} ÷ this, mean latency`,
      `this ÷ ${sdkLabel}, calls/s`,
      "over raw fetch, p50 µs",
      "over raw fetch, CPU µs/call @32"
    ]),
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  ]
  for (const [name, l] of Object.entries(latency)) {
    const t = throughput[name]
    if (!t || !base.l || !base.t || !base.fl || !base.ft) continue
    lines.push(
      row([
        name,
        fixed(l.meanUs, 1),
        fixed(l.p50Us, 1),
        fixed(l.p99Us, 1),
        t.callsPerSecond,
        fixed(t.cpuUsPerCall, 1),
        fixed(base.l.meanUs / l.meanUs, 2),
        fixed(t.callsPerSecond / base.t.callsPerSecond, 2),
        signed(l.p50Us - base.fl.p50Us),
        signed(t.cpuUsPerCall - base.ft.cpuUsPerCall)
      ])
    )
  }
  return lines.join("\n")
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
    `Node ${r.client.machine.node}, ${r.client.machine.cpus} vCPUs (${r.client.machine.cpuModel}), **shared**: ` +
    `other jobs ran during the runs. Command: \`pnpm bench\` (${r.client.at.slice(0, 10)}).`,

  "bench-client": (r) =>
    r.client.routes
      .map((route) => {
        const names = Object.keys(route.latency)
        return `#### \`${route.call}\` (${route.route})\n\n${contenderTable(route.latency, route.throughput, sdkOf(names), "SDK")}`
      })
      .join("\n\n"),

  "bench-promise": (r) =>
    contenderTable(r.promise.latency, r.promise.throughput, "SDK auth.withAuth per call", "SDK withAuth"),

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

  "bench-emulator": (r) =>
    [
      row(["server", "req/s", "p50 ms", "p99 ms"]),
      "|---|--:|--:|--:|",
      row([
        "emulator, finished run",
        r.emulator.emulator.requestsPerSecond,
        r.emulator.emulator.p50Ms,
        r.emulator.emulator.p99Ms
      ]),
      row([
        "emulator, executing run",
        r.emulator.emulatorExecuting.requestsPerSecond,
        r.emulator.emulatorExecuting.p50Ms,
        r.emulator.emulatorExecuting.p99Ms
      ]),
      row([
        "bare node:http",
        r.emulator.baseline.requestsPerSecond,
        r.emulator.baseline.p50Ms,
        r.emulator.baseline.p99Ms
      ])
    ].join("\n"),

  "adapters-cost": (r) => {
    const names = { express: "Express 5", koa: "Koa 3", hono: "Hono 4" } as const
    const lines = [
      "| framework | bare | no-op middleware | `runWith` only | `authContext()` | adapter / bare | adapter / `runWith` only |",
      "|---|---:|---:|---:|---:|---:|---:|"
    ]
    for (const key of ["express", "koa", "hono"] as const) {
      const f = r.adapters[key]
      lines.push(
        row([
          names[key],
          thousands(f.bare.requestsPerSecond),
          thousands(f.noop.requestsPerSecond),
          thousands(f.scope.requestsPerSecond),
          thousands(f.adapter.requestsPerSecond),
          fixed(f.adapter.requestsPerSecond / f.bare.requestsPerSecond, 2),
          fixed(f.adapter.requestsPerSecond / f.scope.requestsPerSecond, 2)
        ])
      )
    }
    const hono = r.adapters.hono
    if (hono.bearerAuth !== undefined)
      lines.push(
        "",
        `Hono's own \`bearerAuth\` (a fixed token, compared in constant time) on the same route: ` +
          `${thousands(hono.bearerAuth.requestsPerSecond)} req/s, so \`authContext()\` is ` +
          `${fixed(hono.adapter.requestsPerSecond / hono.bearerAuth.requestsPerSecond, 2)}× as fast.`
      )
    return lines.join("\n")
  },

  "adapters-machine": (r) =>
    `${r.adapters.machine.cpus}-CPU development machine, Node ${r.adapters.machine.node}`
}

/** The summary table's first line without the package versions (read from node_modules when it is made). */
export const summaryMachineLine = (line: string): string => line.replace(/; effect .*$/, "")
