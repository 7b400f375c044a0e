/**
 * One emulator for an e2e test file, with its first project's keys, a PAT reaching it, and helpers to run
 * an Effect call under any token and read the request log. Used by the query, packets and multi-task batch
 * e2e tests.
 */
import { ManagementClient } from "@authctx/client"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Effect, type Either } from "effect"
import { afterAll, beforeAll } from "vitest"

export interface Harness {
  readonly emulator: Emulator
  /** The dev environment's secret key, its additional (`tr_dev_sk_`) key and the prod key. */
  readonly key: string
  readonly scopedKey: string
  readonly prodKey: string
  readonly pat: string
}

const client = ManagementClient.layerNode({ retry: false })

/**
 * Starts an emulator for the file (`beforeAll`, stopped `afterAll`); the returned object is filled in
 * before the first test runs.
 */
export const harness = (seed: number): Harness => {
  const h: { -readonly [K in keyof Harness]?: Harness[K] } = {}
  beforeAll(async () => {
    const emulator = await startEmulator({ seed })
    const project = emulator.credentials.projects[0]
    if (project === undefined) throw new Error("the emulator has a project")
    h.emulator = emulator
    h.key = project.environments.dev.secretKey
    h.scopedKey = project.environments.dev.scopedKey
    h.prodKey = project.environments.prod.secretKey
    h.pat = emulator.credentials.users.find((user) => user.projectRefs.includes(project.ref))?.pat ?? ""
  })
  afterAll(() => h.emulator?.stop())
  return h as Harness
}

/** Runs an Effect call under a token of statically unknown kind (to reach the run-time check on purpose). */
export const under = <A, E>(
  h: Harness,
  effect: Effect.Effect<A, E, unknown>,
  accessToken: string
): Promise<Either.Either<A, E | Auth.AuthError>> =>
  Effect.runPromise(
    Effect.either(
      (effect as Effect.Effect<A, E, never>).pipe(
        Auth.withAuth({ accessToken, baseURL: h.emulator.url }),
        Effect.provide(client)
      )
    )
  )

/** The sequence number of the last request the emulator logged. */
export const lastSeq = (h: Harness): number => h.emulator.requests().at(-1)?.seq ?? 0

/** `[route, status]` of every request logged after `seq`. */
export const routesSince = (h: Harness, seq: number): ReadonlyArray<readonly [string | undefined, number]> =>
  h.emulator
    .requests()
    .filter((r) => r.seq > seq)
    .map((r) => [r.route, r.status] as const)
