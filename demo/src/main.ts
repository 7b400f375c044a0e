/**
 * `pnpm demo`: the problem authctx solves, made visible.
 *
 * Starts the emulator and one multi-tenant server per adapter (Express, Koa, Hono), each mapping ~40 tenant
 * ids through `resolve` onto the emulator's demo credentials; next to them, the official SDK itself
 * (`@trigger.dev/sdk`, `auth.withAuth` per request) and a global-swap server (one process-wide credential
 * swapped per request: what the SDK's docs describe for `auth.withAuth`, and what the SDK does where it has
 * no scope storage). Drives the same concurrent traffic at each, then counts, from the emulator's own
 * request log, the API calls that carried another tenant's credential. Then shows what only authctx does:
 * a call with a credential kind the endpoint does not accept, and keys pasted with a trailing newline or
 * `Bearer `, refused with a typed error before anything is sent (and what the SDK does with the same input).
 *
 * Exit status: 1 when an authctx server leaked or failed, or authctx did not refuse a case (or sent it);
 * 2 when the global-swap server did not leak (then the demo showed nothing). The SDK's row never changes the
 * exit status: it is there to compare, and is printed as measured (on Node it is expected not to leak; if it
 * did, the closing lines say so).
 *
 * `pnpm demo --serve` starts the same servers without load and prints curl lines to try by hand.
 */
import { realpathSync } from "node:fs"
import { fileURLToPath } from "node:url"
import {
  callsPerWork,
  checkLog,
  percentile,
  ambientVariables as triggerVariables
} from "@authctx/adapter-testkit"
import { configure } from "@authctx/client/promise"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { drive } from "./load.js"
import { isAuthctx, labels, type Output, progress, type Row, stdoutOutput, table } from "./output.js"
import { type Refusal, refusalLines, runRefusals } from "./refusals.js"
import { startExpress } from "./servers/express.js"
import { startHono } from "./servers/hono.js"
import { startKoa } from "./servers/koa.js"
import type { Running } from "./servers/listen.js"
import { startNaive } from "./servers/naive.js"
import { configureSdk, sdkVersion, startSdk } from "./servers/sdk.js"
import { startTenants, type Tenants } from "./tenants.js"

/** How the demo runs. */
export interface DemoOptions {
  /** Requests per server (default 1,500). */
  readonly requests?: number | undefined
  /** Requests in flight per server (default 48). */
  readonly concurrency?: number | undefined
  /** Tenant ids (default 40). */
  readonly tenants?: number | undefined
  readonly output?: Output | undefined
}

/** What a load run gave. */
export interface DemoResult {
  readonly rows: ReadonlyArray<Row>
  readonly refusals: ReadonlyArray<Refusal>
  /**
   * 0: no authctx leak or failure, every refusal case refused, and a visible global-swap leak; 1: an authctx
   * server leaked or failed, or a case was not refused; 2: the global-swap server did not leak.
   */
  readonly exitCode: number
  readonly seconds: number
}

/**
 * The environment variables that would give the process a default credential or branch (authctx's and the
 * SDK's); unset while the demo runs, restored after.
 */
const ambientVariables = [...triggerVariables, "TRIGGER_RUN_TOKEN"]

interface World {
  readonly emulator: Emulator
  readonly tenants: Tenants
  readonly servers: ReadonlyArray<Running>
  /** The fingerprint-free description of the process-wide `configure()` default. */
  readonly fallbackLabel: string
  readonly stop: () => Promise<void>
}

/** Starts the emulator, the tenants' variables and the five servers. */
const startWorld = async (tenantCount: number): Promise<World> => {
  const saved = new Map(ambientVariables.map((name) => [name, process.env[name]]))
  for (const name of ambientVariables) delete process.env[name]
  const emulator = await startEmulator({ seed: 7 })
  const servers: Array<Running> = []
  const stop = async () => {
    await Promise.allSettled(servers.map((s) => s.close()))
    await emulator.stop()
    configure({})
    configureSdk(undefined)
    for (const [name, value] of saved) {
      if (value !== undefined) process.env[name] = value
    }
  }
  try {
    const tenants = await startTenants(emulator, tenantCount)
    // A process-wide default, as most apps have: a request that lost its scope would fall back to it (and
    // count as a leak), rather than fail. The same default for authctx and the SDK.
    const project = emulator.credentials.projects[0]
    if (project === undefined) throw new Error("the emulator has no demo project")
    const fallback = project.environments.prod.secretKey
    configure({ accessToken: fallback, baseURL: emulator.url })
    configureSdk({ accessToken: fallback, baseURL: emulator.url })
    const context = { tenants, baseURL: emulator.url }
    servers.push(await startExpress(context))
    servers.push(await startKoa(context))
    servers.push(await startHono(context))
    servers.push(await startSdk(context))
    servers.push(await startNaive(context, fallback))
    emulator.clearRequests()
    return { emulator, tenants, servers, fallbackLabel: `${project.name} · prod · secret key`, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * The exit status of a load run: 1 when an authctx server leaked, or anything authctx must do failed
 * (`notes`: failed requests, calls missing from the log, a case not refused); else 2 when the global-swap
 * server did not leak (the run showed nothing); else 0. The SDK's row is not looked at: it is there to
 * compare, and printed as measured.
 */
export const exitCodeOf = (rows: ReadonlyArray<Row>, notes: ReadonlyArray<string>): 0 | 1 | 2 => {
  const authctxLeaks = rows.filter((r) => isAuthctx(r.framework)).reduce((n, r) => n + r.leaks, 0)
  if (authctxLeaks > 0 || notes.length > 0) return 1
  const naive = rows.find((r) => r.framework === "naive")
  return naive === undefined || naive.leaks === 0 ? 2 : 0
}

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`

/** Runs the load against every server, prints the table, then the refusals. */
export const runDemo = async (options: DemoOptions = {}): Promise<DemoResult> => {
  const total = options.requests ?? 1500
  const concurrency = options.concurrency ?? 48
  const output = options.output ?? stdoutOutput()
  const say = (line = "") => output.write(`${line}\n`)
  const started = performance.now()
  const world = await startWorld(options.tenants ?? 40)
  try {
    const { emulator, tenants } = world
    say("authctx demo: per-request credentials under concurrent multi-tenant load")
    say(`  emulator   ${emulator.url}  (local Trigger.dev management API; its request log is the judge)`)
    say(
      `  tenants    ${tenants.all.length} tenant ids → ${tenants.credentials} demo credentials (secret keys and scoped keys of 2 projects × 4 environments, 2 PATs)`
    )
    say(
      `  default    configure() = ${world.fallbackLabel} (authctx's and the SDK's): where a scope is lost, calls would use it`
    )
    say(
      `  servers    authctx on Express, Koa, Hono (resolve → the tenant's key); @trigger.dev/sdk ${sdkVersion} (auth.withAuth per request); a global swap`
    )
    say(
      `  load       ${plural(total, "request")} per server, ${concurrency} in flight; handler: random await, ambient envvars.retrieve, random await, a second call`
    )
    say(
      "             (emulator, servers and load share this one Node.js process: latency includes the emulator's work)"
    )
    const rows: Array<Row> = []
    const notes: Array<string> = []
    let answeredLeaks = 0
    // Warm-up (JIT, keep-alive connections), so the first server is not measured cold; checked too.
    const warmUp = Math.min(200, Math.max(concurrency, Math.ceil(total / 10)))
    say(`  warm-up    ${plural(warmUp, "request")} per server first (checked for leaks too, not timed)`)
    say()
    for (const server of world.servers) {
      const before = emulator.requests().length
      const load = await drive({ url: server.url, tenants, total: warmUp, concurrency })
      const check = checkLog(emulator.requests().slice(before), tenants.all)
      if (
        isAuthctx(server.framework) &&
        (load.errors > 0 || check.crossTenant.length + check.foreignLists.length > 0)
      ) {
        notes.push(
          `${labels[server.framework]}, warm-up: ${plural(load.errors, "failed request")}, ${plural(check.crossTenant.length + check.foreignLists.length, "leak")}`
        )
      }
    }
    for (const server of world.servers) {
      const shown = progress(output, server.framework, total)
      const before = emulator.requests().length
      const load = await drive({
        url: server.url,
        tenants,
        total,
        concurrency,
        onProgress: shown.update
      })
      shown.finish(load.requests)
      const check = checkLog(emulator.requests().slice(before), tenants.all)
      if (server.framework === "naive") answeredLeaks = check.leakedButAnswered
      rows.push({
        framework: server.framework,
        requests: load.requests,
        perSecond: load.requests / (load.ms / 1000),
        p50: percentile(load.latencies, 50),
        p99: percentile(load.latencies, 99),
        errors: load.errors,
        checked: check.attributed + check.lists,
        leaks: check.crossTenant.length + check.foreignLists.length
      })
      if (isAuthctx(server.framework)) {
        if (load.errors > 0) {
          notes.push(
            `${labels[server.framework]}: ${plural(load.errors, "request")} failed, e.g. ${load.samples.join("; ")}`
          )
        }
        if (check.attributed + check.lists !== callsPerWork * load.requests || check.unattributed > 0) {
          notes.push(
            `${labels[server.framework]}: the emulator's log has ${check.attributed + check.lists} tenant calls (expected ${callsPerWork * load.requests}) and ${check.unattributed} unattributed`
          )
        }
      }
    }
    say()
    output.write(table(rows))
    say()
    const scoped = rows.filter((r) => isAuthctx(r.framework))
    const sdk = rows.find((r) => r.framework === "sdk")
    const naive = rows.find((r) => r.framework === "naive")
    const scopedCalls = scoped.reduce((n, r) => n + r.checked, 0)
    const scopedLeaks = scoped.reduce((n, r) => n + r.leaks, 0)
    const n = (value: number) => value.toLocaleString("en-US")
    const share = (row: Row) => `${((100 * row.leaks) / Math.max(1, row.checked)).toFixed(0)}%`
    say(
      "  Leaks are counted from the emulator's log: a call's path names its tenant (a list: the tenants of its environment), its credential fingerprint whose key it carried."
    )
    say(
      `  authctx: ${n(scopedLeaks)} of ${n(scopedCalls)} calls carried another tenant's key: each request's credential is scoped to its own async call tree.`
    )
    if (sdk !== undefined) {
      say(
        sdk.leaks === 0
          ? `  SDK ${sdkVersion}: ${n(sdk.leaks)} of ${n(sdk.checked)}: on Node, its auth.withAuth keeps each scope in AsyncLocalStorage too (${plural(sdk.errors, "failed request")}).`
          : `  SDK ${sdkVersion}: ${n(sdk.leaks)} of ${n(sdk.checked)} calls (${share(sdk)}) carried another tenant's key (${plural(sdk.errors, "failed request")}); unexpected on Node, where it keeps scopes in AsyncLocalStorage. (This does not change the exit status, which is about authctx.)`
      )
    }
    if (naive !== undefined) {
      say(
        `  global swap: ${n(naive.leaks)} of ${n(naive.checked)} calls (${share(naive)}) did: one process-wide credential swapped per request, as the SDK's docs describe auth.withAuth and as the SDK does where it has no scope storage (no AsyncLocalStorage: edge runtimes, browsers); most were refused (failed), ${n(answeredLeaks)} got a 200, unnoticed.`
      )
    }
    say()
    say("  Refused before anything is sent: only authctx (each checked in the emulator's log)")
    const refusals = await runRefusals(emulator, tenants, emulator.url)
    for (const line of refusalLines(refusals)) say(line)
    for (const refusal of refusals) {
      if (!refusal.ok) {
        notes.push(
          `${refusal.title}: authctx gave ${refusal.authctx.error} (${refusal.authctx.detail}) and sent ${refusal.authctx.sent}, expected ${refusal.expected.error} (${refusal.expected.detail}) and nothing sent`
        )
      }
    }
    say()
    for (const note of notes) say(`  ! ${note}`)
    const exitCode = exitCodeOf(rows, notes)
    if (exitCode === 1) {
      say(
        `  FAILED: ${plural(scopedLeaks, "API call")} of the authctx servers carried another tenant's credential${notes.length > 0 ? ", or something else failed (above)" : ""}.`
      )
    } else if (exitCode === 2) {
      say(
        "  NOTHING SHOWN: the global-swap server did not leak this time, so this run demonstrated nothing; run it again with more requests or concurrency."
      )
    }
    const seconds = (performance.now() - started) / 1000
    say(`  (${seconds.toFixed(1)} s)`)
    return { rows, refusals, exitCode, seconds }
  } finally {
    await world.stop()
  }
}

/** Keeps the servers up without load and prints curl lines, until `signal` aborts. */
export const serve = async (signal: AbortSignal, options: DemoOptions = {}): Promise<void> => {
  const output = options.output ?? stdoutOutput()
  const say = (line = "") => output.write(`${line}\n`)
  const world = await startWorld(options.tenants ?? 40)
  try {
    const { emulator, tenants } = world
    const at = (i: number) => tenants.all[i % tenants.all.length]
    const a = at(0)
    const b = at(5)
    const pat = tenants.all.find((t) => t.keyKind === "PAT")
    const key = tenants.all.find((t) => t.keyKind === "secret key" && t.env === "dev")
    if (a === undefined || b === undefined || pat === undefined || key === undefined) {
      throw new Error("not enough tenants")
    }
    say(`authctx demo servers are up (emulator ${emulator.url}). Ctrl-C to stop.`)
    say(
      "The bearer tokens below are the local emulator's demo keys: they work only against this emulator process."
    )
    say()
    say("Tenants (id → project · environment · credential kind (fingerprint)):")
    for (const tenant of tenants.all.slice(0, 8)) {
      say(
        `  ${tenant.id} → ${tenant.projectName} · ${tenant.env} · ${tenant.keyKind} (${tenant.fingerprint})`
      )
    }
    say(`  … ${tenants.all.length} in all (t00–t${String(tenants.all.length - 1).padStart(2, "0")})`)
    for (const server of world.servers) {
      say()
      say(`${labels[server.framework]}  ${server.url}`)
      say(`  curl -s ${server.url}/t/${a.id}/vars`)
      say(`  curl -s -H 'x-tenant: ${b.id}' ${server.url}/vars`)
      if (!isAuthctx(server.framework)) {
        say(
          `  # 40 tenants at once: count the calls that went out with another tenant's key${server.framework === "sdk" ? " (0 on Node)" : ""}`
        )
      } else {
        say(
          `  curl -s -H 'Authorization: Bearer ${key.token}' ${server.url}/api/projects/${key.projectRef}/envvars/${key.env}`
        )
        say(
          `  curl -s -H 'Authorization: Bearer ${pat.token}' ${server.url}/api/projects/${pat.projectRef}/envvars/${pat.env}`
        )
        say(`  curl -si ${server.url}/t/nobody/vars   # 401, application/problem+json`)
        say("  # 40 tenants at once: count the calls that went out with another tenant's key (0)")
      }
      say(
        `  (for i in $(seq -w 0 ${String(tenants.all.length - 1).padStart(2, "0")}); do curl -s ${server.url}/t/t$i/vars & done; wait) | grep -o '"own":false' | wc -l`
      )
    }
    say()
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve()
      signal.addEventListener("abort", () => resolve(), { once: true })
    })
    say("Stopping.")
  } finally {
    await world.stop()
  }
}

const usage = `Usage: pnpm demo [--serve] [--requests N] [--concurrency N] [--tenants N]

  (no flag)         load every server, print the table and the refusals; exit 1 if an authctx server
                    leaked or failed or authctx did not refuse a case, 2 if the global swap did not
                    leak (the SDK's result never changes the exit status)
  --serve           keep the servers up without load and print curl lines (Ctrl-C to stop)
  --requests N      requests per server (default 1500)
  --concurrency N   requests in flight per server (default 48)
  --tenants N       tenant ids (default 40)
`

/** Parses the command line and runs; resolves to the exit status. */
export const main = async (
  argv: ReadonlyArray<string>,
  options: { readonly output?: Output; readonly signal?: AbortSignal } = {}
): Promise<number> => {
  const output = options.output ?? stdoutOutput()
  const args = argv.filter((a) => a !== "--")
  const number = (name: string): number | undefined => {
    const i = args.indexOf(name)
    if (i === -1) return undefined
    const value = Number(args[i + 1])
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a whole number above 0`)
    return value
  }
  if (args.includes("--help") || args.includes("-h")) {
    output.write(usage)
    return 0
  }
  const known = new Set(["--serve", "--requests", "--concurrency", "--tenants"])
  const unknown = args.find((a, i) => a.startsWith("-") && !known.has(a) && !known.has(args[i - 1] ?? ""))
  if (unknown !== undefined) {
    output.write(`Unknown option ${unknown}\n${usage}`)
    return 64
  }
  const demo: DemoOptions = {
    requests: number("--requests"),
    concurrency: number("--concurrency"),
    tenants: number("--tenants"),
    output
  }
  if (args.includes("--serve")) {
    await serve(options.signal ?? new AbortController().signal, demo)
    return 0
  }
  return (await runDemo(demo)).exitCode
}

/** Whether this module is the process's entry point (`tsx demo/src/main.ts`), not imported (the test). */
const isEntryPoint = (): boolean => {
  const entry = process.argv[1]
  if (entry === undefined) return false
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  const controller = new AbortController()
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => controller.abort())
  main(process.argv.slice(2), { signal: controller.signal }).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    }
  )
}
