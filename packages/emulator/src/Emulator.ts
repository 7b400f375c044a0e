/**
 * A local, in-memory Trigger.dev management API with the server's auth rules (docs/emulator.md), derived from the
 * `@authctx/api` catalog: start it in a test or a demo, point a client at `url`, use the demo credentials,
 * inject faults, and read the request log.
 *
 * @example
 * ```ts
 * import { startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator({ seed: 1 })
 * const key = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
 * const res = await fetch(`${emulator.url}/api/v1/tasks/hello/trigger`, {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
 *   body: JSON.stringify({ payload: { name: "Ada" } })
 * })
 * await emulator.stop()
 * ```
 */
import { Catalog } from "@authctx/api"
import type { Credential } from "@authctx/core"
import { Context, Effect, Layer } from "effect"
import { EmulatorStartError } from "./Errors.js"
import * as Dispatcher from "./internal/dispatcher.js"
import type { Faults } from "./internal/faults.js"
import * as FaultRegistry from "./internal/faults.js"
import * as Idempotency from "./internal/idempotency.js"
import * as Model from "./internal/model.js"
import * as Random from "./internal/random.js"
import { handlers } from "./internal/routes/index.js"
import * as Server from "./internal/server.js"
import type { RequestRecord } from "./RequestLog.js"

export type { FaultRule, Faults } from "./internal/faults.js"
export type { CredentialKind, RequestRecord } from "./RequestLog.js"

/**
 * How to start an emulator; every field is optional.
 *
 * @example
 * ```ts
 * import type { EmulatorOptions } from "@authctx/emulator"
 *
 * const options: EmulatorOptions = { port: 0, seed: 7, timings: { queuedMs: 0 }, log: console.error }
 * ```
 */
export interface EmulatorOptions {
  /** The port to listen on; `0` (the default) picks a free one. */
  readonly port?: number
  /** The host to bind; `"127.0.0.1"` by default. */
  readonly host?: string
  /** The seed of the keys and ids; `1` by default. The same seed gives the same credentials. */
  readonly seed?: number
  /** How long a run stays QUEUED (default 20 ms) and then EXECUTING (default 50 ms). */
  readonly timings?: { readonly queuedMs?: number; readonly executingMs?: number }
  /** Receives one line per request (and a line per internal error); no output by default. */
  readonly log?: (line: string) => void
  /**
   * Fixed refs, preview branches and dev branches for the two demo projects, in order (e.g.
   * `[{ ref: "proj_1234", previewBranches: ["feature-xyz"] }]` to run code written for those names). Keys
   * do not change.
   */
  readonly projects?: ReadonlyArray<{
    readonly ref?: string
    readonly previewBranches?: ReadonlyArray<string>
    readonly devBranches?: ReadonlyArray<string>
  }>
}

/**
 * The environment slugs of a project (`Credential.Environment`, the one definition of the slugs).
 *
 * @example
 * ```ts
 * import type { EnvironmentSlug } from "@authctx/emulator"
 *
 * const slug: EnvironmentSlug = "staging" // keys start tr_stg_
 * ```
 */
export type EnvironmentSlug = Credential.Environment

/**
 * The demo org's credentials: keys per project and environment (the preview one with its branches), and
 * two users with PATs (the first reaches both projects, the second only the first).
 *
 * @example
 * ```ts
 * import { type DemoCredentials, startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator()
 * const credentials: DemoCredentials = emulator.credentials
 * const [web] = credentials.projects
 * const devKey = web?.environments.dev.secretKey // "tr_dev_…"
 * const pat = emulator.credentials.users[0]?.pat // "tr_pat_…"
 * ```
 */
export interface DemoCredentials {
  readonly projects: ReadonlyArray<{
    readonly ref: string
    readonly name: string
    /**
     * One key of each generation per environment: `secretKey` (root, 24 characters after the prefix, as
     * issued since August 2026), `legacySecretKey` (root, 20, as issued before) and `scopedKey`
     * (an additional `_sk_` key).
     */
    readonly environments: Record<
      EnvironmentSlug,
      { readonly secretKey: string; readonly legacySecretKey: string; readonly scopedKey: string }
    >
    readonly previewBranches: ReadonlyArray<string>
    /** Branches of the dev environment: a dev key (or a PAT on `dev`) with `x-trigger-branch` acts there. */
    readonly devBranches: ReadonlyArray<string>
  }>
  readonly users: ReadonlyArray<{
    readonly id: string
    readonly name: string
    readonly pat: string
    readonly projectRefs: ReadonlyArray<string>
  }>
}

/**
 * A running emulator.
 *
 * @example
 * ```ts
 * import { type Emulator, startEmulator } from "@authctx/emulator"
 *
 * const emulator: Emulator = await startEmulator()
 * await fetch(`${emulator.url}/api/v1/runs`) // 401 {"error":"Invalid or Missing API key"}
 * emulator.requests().at(-1)?.status // 401
 * await emulator.stop()
 * ```
 */
export interface Emulator {
  /** The base URL, e.g. `http://127.0.0.1:43123`. */
  readonly url: string
  readonly credentials: DemoCredentials
  /** Every HTTP request answered or dropped so far, in arrival order, exactly once each. */
  requests(): ReadonlyArray<RequestRecord>
  clearRequests(): void
  readonly faults: Faults
  /** Closes the server and every keep-alive socket. */
  stop(): Promise<void>
}

const defaultTimings = { queuedMs: 20, executingMs: 50 }

const timing = (
  host: string,
  port: number,
  name: string,
  value: number | undefined,
  fallback: number
): number => {
  if (value === undefined) return fallback
  if (!(Number.isFinite(value) && value >= 0))
    throw new EmulatorStartError({ host, port, reason: `timings.${name} must be 0 or more milliseconds` })
  return value
}

/**
 * Starts an emulator. Rejects with `EmulatorStartError` when it cannot listen.
 *
 * @example
 * ```ts
 * import { startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator({ port: 0, seed: 7, timings: { queuedMs: 0, executingMs: 10 } })
 * console.log(emulator.url, emulator.credentials.users[0]?.pat)
 * await emulator.stop()
 * ```
 */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const host = options.host ?? "127.0.0.1"
  const port = options.port ?? 0
  const seed = options.seed ?? 1
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new EmulatorStartError({ host, port, reason: "the port must be a whole number from 0 to 65535" })
  const timings: Model.Timings = {
    queuedMs: timing(host, port, "queuedMs", options.timings?.queuedMs, defaultTimings.queuedMs),
    executingMs: timing(host, port, "executingMs", options.timings?.executingMs, defaultTimings.executingMs)
  }
  // Compiled from the catalog at every start (a missing handler is a compile error, and MissingHandlers here).
  const routes = Dispatcher.compile(Catalog.entries, handlers)
  const world = Model.make(seed, timings, options.projects)
  const registry = FaultRegistry.make(Random.make((seed ^ 0x27d4eb2f) >>> 0))
  const running = await Server.listen(
    {
      state: world.state,
      routes,
      takeFault: registry.take,
      idempotency: Idempotency.make(),
      log: options.log
    },
    host,
    port
  )
  const credentials: DemoCredentials = {
    projects: world.projectKeys.map((p) => ({
      ref: p.ref,
      name: p.name,
      environments: p.environments,
      previewBranches: p.previewBranches,
      devBranches: p.devBranches
    })),
    users: world.state.users.map((u) => ({
      id: u.id,
      name: u.name,
      pat: u.pat,
      projectRefs: [...u.projectRefs]
    }))
  }
  return {
    url: running.url,
    credentials,
    requests: running.requests,
    clearRequests: running.clearRequests,
    faults: registry.faults,
    stop: running.stop
  }
}

/**
 * The running emulator as an Effect service.
 *
 * @example
 * ```ts
 * import { EmulatorService, layer } from "@authctx/emulator"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function* () {
 *   const emulator = yield* EmulatorService
 *   return emulator.url
 * }).pipe(Effect.provide(layer({ seed: 1 })))
 * ```
 */
export class EmulatorService extends Context.Tag("@authctx/emulator/EmulatorService")<
  EmulatorService,
  Emulator
>() {}

/**
 * A layer that starts an emulator and stops it when the layer's scope closes.
 *
 * @example
 * ```ts
 * import { layer as emulatorLayer } from "@authctx/emulator"
 * import { layer } from "@effect/vitest"
 *
 * layer(emulatorLayer({ seed: 1 }))("against the emulator", (it) => {
 *   // it.effect(…) can yield* EmulatorService
 * })
 * ```
 */
export const layer = (options: EmulatorOptions = {}): Layer.Layer<EmulatorService, EmulatorStartError> =>
  Layer.scoped(
    EmulatorService,
    Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startEmulator(options),
        catch: (error) =>
          error instanceof EmulatorStartError
            ? error
            : new EmulatorStartError({
                host: options.host ?? "127.0.0.1",
                port: options.port ?? 0,
                reason: error instanceof Error ? error.message : "unknown error"
              })
      }),
      (emulator) => Effect.promise(() => emulator.stop())
    )
  )
