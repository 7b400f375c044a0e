/**
 * Cross-talk, as a fact: 200 overlapping `auth.withAuth` scopes with 2 distinct credentials and random
 * delays inside them, each scope retrieving its own credential's run; the emulator's request log says how
 * many requests carried the other scope's credential. For authctx's `auth.withAuth`; for the SDK's, in
 * this process (on Node it keeps the scope in AsyncLocalStorage); and for the SDK's in a child process
 * where its scope-storage module is replaced by an empty one, so it takes the path it documents for
 * runtimes without AsyncLocalStorage (swapping a process-wide global; docs/migrating-from-trigger-sdk.md),
 * plus the same child without the replacement as a control.
 *
 * (This benchmark also timed the Promise API's surfaces against an emulator in the same process; those
 * numbers billed the server's CPU to the client and are gone. The client benchmark measures the surfaces
 * with the server in a child process: client.ts.)
 */
import { execFile } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Authctx from "@authctx/client/promise"
import { Credential } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { devKey, finishedRun, machine } from "./client.js"

/** One cross-talk measurement. */
export interface CrossTalk {
  readonly who: string
  /** Requests that carried the other scope's credential. */
  readonly crossTalk: number
  /** Requests to the two runs in the emulator's log. */
  readonly requests: number
  readonly scopes: number
  /** Calls that rejected (a request with the wrong key gets a 404). */
  readonly rejected: number
}

/** The benchmark's result. */
export interface PromiseBenchResult {
  readonly name: string
  readonly call: string
  readonly crossTalk: ReadonlyArray<CrossTalk>
  readonly machine: ReturnType<typeof machine>
  readonly at: string
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Tenant {
  readonly key: string
  readonly runId: string
  readonly fingerprint: string
}

/** Counts, in the log since it was cleared, the requests to the tenants' runs and those with the other key. */
const countCrossTalk = (
  emulator: Emulator,
  tenants: ReadonlyArray<Tenant>
): { crossTalk: number; requests: number } => {
  let requests = 0
  let crossTalk = 0
  for (const record of emulator.requests()) {
    const owner = tenants.find((t) => record.path === `/api/v3/runs/${t.runId}`)
    if (owner === undefined) continue
    requests++
    if (record.credential !== owner.fingerprint) crossTalk++
  }
  return { crossTalk, requests }
}

/** `scopes` overlapping scopes, alternating tenants, each sleeping 0–4 ms before its call. */
const overlapping = async (
  scopes: number,
  tenants: ReadonlyArray<Tenant>,
  scoped: (tenant: Tenant, body: () => Promise<unknown>) => Promise<unknown>,
  retrieve: (runId: string) => Promise<unknown>
): Promise<number> => {
  const outcomes = await Promise.allSettled(
    Array.from({ length: scopes }, (_, i) => {
      const tenant = tenants[i % tenants.length]
      if (tenant === undefined) throw new Error("no tenant")
      return scoped(tenant, async () => {
        await sleep(Math.random() * 4)
        return retrieve(tenant.runId)
      })
    })
  )
  return outcomes.filter((o) => o.status === "rejected").length
}

/** The script of the child process: the SDK's `auth.withAuth` under overlap, optionally without its ALS. */
const childScript = `
import { register } from "node:module"
const input = JSON.parse(process.env.BENCH_INPUT)
if (input.hideStorage) {
  const hooks = 'export async function resolve(specifier, context, next) {' +
    ' if (specifier === "@trigger.dev/core/v3/sdk-scope-storage") return { url: "data:text/javascript,export{}", shortCircuit: true };' +
    ' return next(specifier, context) }'
  register("data:text/javascript," + encodeURIComponent(hooks))
}
const { auth, configure, runs } = await import("@trigger.dev/sdk")
configure({ baseURL: input.baseURL })
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const outcomes = await Promise.allSettled(Array.from({ length: input.scopes }, (_, i) => {
  const tenant = input.tenants[i % input.tenants.length]
  return auth.withAuth({ secretKey: tenant.key, baseURL: input.baseURL }, async () => {
    await sleep(Math.random() * 4)
    return runs.retrieve(tenant.runId)
  })
}))
process.stdout.write(JSON.stringify({ rejected: outcomes.filter((o) => o.status === "rejected").length }))
`

/** Runs the SDK's overlapping scopes in a child Node process (in the test package, so it resolves the SDK). */
const sdkInChild = (
  baseURL: string,
  tenants: ReadonlyArray<Tenant>,
  scopes: number,
  hideStorage: boolean
): Promise<{ rejected: number }> =>
  new Promise((resolve, reject) => {
    const cwd = join(dirname(fileURLToPath(import.meta.url)), "..")
    const input = JSON.stringify({
      baseURL,
      scopes,
      hideStorage,
      tenants: tenants.map((t) => ({ key: t.key, runId: t.runId }))
    })
    execFile(
      process.execPath,
      ["--no-warnings", "--input-type=module", "--eval", childScript],
      { cwd, env: { PATH: process.env["PATH"] ?? "", BENCH_INPUT: input }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`the SDK child process failed: ${error.message}\n${stderr.slice(0, 2_000)}`))
          return
        }
        resolve(JSON.parse(stdout) as { rejected: number })
      }
    )
  })

/** Options: sizes of the phases. */
export interface PromiseBenchOptions {
  readonly scopes?: number
}

/** Runs the Promise API benchmark; see the module comment. */
export const runPromiseBench = async (options: PromiseBenchOptions = {}): Promise<PromiseBenchResult> => {
  const scopes = options.scopes ?? 200
  const emulator = await startEmulator({ seed: 1, timings: { queuedMs: 0, executingMs: 0 } })
  try {
    const [p0, p1] = emulator.credentials.projects
    if (p0 === undefined || p1 === undefined) throw new Error("the emulator has two projects")
    const baseURL = emulator.url
    const key = devKey(p0.environments.dev.secretKey)
    const otherKey = devKey(p1.environments.dev.secretKey)
    const runId = await finishedRun(emulator, key)
    const otherRunId = await finishedRun(emulator, otherKey)

    Authctx.configure({ secretKey: key, baseURL })
    Sdk.configure({ secretKey: key, baseURL })

    // Cross-talk: two tenants, each retrieving its own run under its own key.
    const tenants: ReadonlyArray<Tenant> = [
      { key, runId, fingerprint: Credential.fingerprint(Credential.unsafeParse(key)) },
      {
        key: otherKey,
        runId: otherRunId,
        fingerprint: Credential.fingerprint(Credential.unsafeParse(otherKey))
      }
    ]
    const crossTalk: Array<CrossTalk> = []
    const record = async (who: string, run: () => Promise<number>) => {
      emulator.clearRequests()
      const rejected = await run()
      crossTalk.push({ who, ...countCrossTalk(emulator, tenants), scopes, rejected })
    }
    await record("authctx", () =>
      overlapping(
        scopes,
        tenants,
        (t, body) => Authctx.auth.withAuth({ accessToken: t.key, baseURL }, body),
        (id) => Authctx.runs.retrieve(id)
      )
    )
    await record("SDK (Node: AsyncLocalStorage, in this process)", () =>
      overlapping(
        scopes,
        tenants,
        (t, body) => Sdk.auth.withAuth({ secretKey: t.key, baseURL }, body),
        (id) => Sdk.runs.retrieve(id)
      )
    )
    await record("SDK (child process, control)", async () => {
      const { rejected } = await sdkInChild(baseURL, tenants, scopes, false)
      return rejected
    })
    await record("SDK (child process, its scope storage hidden: the no-AsyncLocalStorage path)", async () => {
      const { rejected } = await sdkInChild(baseURL, tenants, scopes, true)
      return rejected
    })
    emulator.clearRequests()

    return {
      name: "Promise API: cross-talk of overlapping auth.withAuth scopes",
      call: "runs.retrieve (GET /api/v3/runs/{runId})",
      crossTalk,
      machine: machine(),
      at: new Date().toISOString()
    }
  } finally {
    Authctx.configure({})
    await emulator.stop()
  }
}
