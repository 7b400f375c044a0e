/**
 * What scoping auth costs, in CPU only (no HTTP): nanoseconds per operation over ~200k operations.
 *
 * - Effect: a trivial effect run as it is, under `Effect.provideService(CurrentAuth, context)` (a context
 *   built once), and under `Auth.withAuth(config)` (which builds and validates the context each time it
 *   runs: credential parsing, base URL, merge over the surrounding auth). The operations run in one fiber
 *   (`Effect.runSync` of a loop), so the fiber's start-up is not counted.
 * - Promise: a plain call of a trivial function, `AsyncLocalStorage.run` around it directly,
 *   `AuthScope.runWith` (the ALS with a context built once) and `AuthScope.run(config, fn)` (what
 *   `auth.withAuth` does: build the context, then the ALS).
 *
 * Each group's variants take turns in rounds, in a rotated order, after a warm-up.
 */
import { AsyncLocalStorage } from "node:async_hooks"
import { Auth, AuthScope, Credential } from "@authctx/core"
import { Effect, Either } from "effect"
import { machine } from "./client.js"

/** One variant's cost. */
export interface OpCost {
  readonly ops: number
  /** Total time ÷ operations. */
  readonly nsPerOp: number
  /** The fastest round's time ÷ its operations. */
  readonly bestRoundNsPerOp: number
}

/** The benchmark's result. */
export interface ScopingBenchResult {
  readonly name: string
  readonly opsPerVariant: number
  readonly rounds: number
  readonly effect: Record<string, OpCost>
  readonly promise: Record<string, OpCost>
  /** How many times the trivial body ran, per group (checks that nothing was skipped). */
  readonly bodyRuns: { readonly effect: number; readonly promise: number }
  readonly machine: ReturnType<typeof machine>
  readonly at: string
}

interface Variant {
  readonly name: string
  /** Runs `n` operations. */
  readonly run: (n: number) => void
}

const rotate = <A>(items: ReadonlyArray<A>, by: number): ReadonlyArray<A> => {
  const k = by % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

const measure = (
  variants: ReadonlyArray<Variant>,
  options: { readonly ops: number; readonly rounds: number; readonly warmup: number }
): Record<string, OpCost> => {
  const perRound = Math.ceil(options.ops / options.rounds)
  for (const v of variants) v.run(options.warmup)
  const totals = new Map(variants.map((v) => [v.name, { ns: 0, ops: 0, best: Number.POSITIVE_INFINITY }]))
  for (let r = 0; r < options.rounds; r++) {
    for (const v of rotate(variants, r)) {
      const start = process.hrtime.bigint()
      v.run(perRound)
      const ns = Number(process.hrtime.bigint() - start)
      const t = totals.get(v.name) ?? { ns: 0, ops: 0, best: Number.POSITIVE_INFINITY }
      totals.set(v.name, { ns: t.ns + ns, ops: t.ops + perRound, best: Math.min(t.best, ns / perRound) })
    }
  }
  const result: Record<string, OpCost> = {}
  for (const v of variants) {
    const t = totals.get(v.name) ?? { ns: 0, ops: 1, best: 0 }
    result[v.name] = {
      ops: t.ops,
      nsPerOp: Math.round((t.ns / t.ops) * 10) / 10,
      bestRoundNsPerOp: Math.round(t.best * 10) / 10
    }
  }
  return result
}

/** The Effect variants' names, in table order. */
export const effectVariants = [
  "nothing",
  "Effect.provideService (context built once)",
  "Auth.withAuth (key string)",
  "Auth.withAuth (parsed Credential)"
] as const

/** The Promise variants' names, in table order. */
export const promiseVariants = [
  "plain call",
  "AsyncLocalStorage.run (direct)",
  "AuthScope.runWith (context built once)",
  "AuthScope.run (config, as auth.withAuth)"
] as const

/** Runs the scoping benchmark; see the module comment. */
export const runScopingBench = (
  options: { readonly ops?: number; readonly rounds?: number; readonly warmup?: number } = {}
): ScopingBenchResult => {
  const sizes = { ops: options.ops ?? 200_000, rounds: options.rounds ?? 5, warmup: options.warmup ?? 20_000 }
  const key = "tr_dev_abcdefghijklmnopqrstuvwx" as const
  const config = { accessToken: key, baseURL: "http://127.0.0.1:3030" }
  const context = Either.getOrThrow(Auth.make(config))
  const credential = Credential.unsafeParse(key)

  let effectRuns = 0
  const trivial = Effect.sync(() => {
    effectRuns++
  })
  const loop =
    <E>(op: Effect.Effect<void, E>) =>
    (n: number) =>
      Effect.runSync(
        Effect.gen(function* () {
          for (let i = 0; i < n; i++) yield* op
        })
      )
  const provided = Effect.provideService(trivial, Auth.CurrentAuth, context)
  const withAuthString = trivial.pipe(Auth.withAuth(config))
  const withAuthCredential = trivial.pipe(Auth.withAuth({ accessToken: credential, baseURL: config.baseURL }))
  const effectOps: Record<(typeof effectVariants)[number], (n: number) => void> = {
    nothing: loop(trivial),
    "Effect.provideService (context built once)": loop(provided),
    "Auth.withAuth (key string)": loop(withAuthString),
    "Auth.withAuth (parsed Credential)": loop(withAuthCredential)
  }

  let promiseRuns = 0
  const fn = () => {
    promiseRuns++
  }
  const storage = new AsyncLocalStorage<Auth.AuthContext>()
  const promiseOps: Record<(typeof promiseVariants)[number], (n: number) => void> = {
    "plain call": (n) => {
      for (let i = 0; i < n; i++) fn()
    },
    "AsyncLocalStorage.run (direct)": (n) => {
      for (let i = 0; i < n; i++) storage.run(context, fn)
    },
    "AuthScope.runWith (context built once)": (n) => {
      for (let i = 0; i < n; i++) AuthScope.runWith(context, fn)
    },
    "AuthScope.run (config, as auth.withAuth)": (n) => {
      for (let i = 0; i < n; i++) AuthScope.run(config, fn)
    }
  }

  const effect = measure(
    effectVariants.map((name) => ({ name, run: effectOps[name] })),
    sizes
  )
  const promise = measure(
    promiseVariants.map((name) => ({ name, run: promiseOps[name] })),
    sizes
  )
  return {
    name: "auth scoping, CPU only",
    opsPerVariant: sizes.ops,
    rounds: sizes.rounds,
    effect,
    promise,
    bodyRuns: { effect: effectRuns, promise: promiseRuns },
    machine: machine(),
    at: new Date().toISOString()
  }
}
