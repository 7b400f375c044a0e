/**
 * The emulator's in-memory world: one org, two projects with four environments each (the preview one with
 * two branches), keys and users, and the resources the routes create (runs, batches, env vars, schedules).
 * Everything random comes from seeded sources, so the same seed gives the same keys and ids.
 */
import type { Packet } from "@authctx/api"
import { Credential } from "@authctx/core"
import { Either } from "effect"
import * as Idempotency from "./idempotency.js"
import * as ObjectStore from "./objectStore.js"
import * as Random from "./random.js"
import type { Memo } from "./routes/handle.js"

/** An environment slug as it appears in envvars paths. */
export type Slug = Credential.Environment

/** The slugs, in display order. */
export const slugs: ReadonlyArray<Slug> = Credential.environments

/** Whether a string is an environment slug. */
export const isSlug: (value: string) => value is Slug = Credential.isEnvironment

const typeBySlug: Readonly<Record<Slug, EnvironmentType>> = {
  dev: "DEVELOPMENT",
  staging: "STAGING",
  prod: "PRODUCTION",
  preview: "PREVIEW"
}

/** The environment type the public API reports for schedules. */
export type EnvironmentType = "DEVELOPMENT" | "STAGING" | "PRODUCTION" | "PREVIEW"

/** An environment variable as stored (the secret value is only ever sent redacted). */
export interface EnvVar {
  value: string
  isSecret: boolean
}

/** A schedule as stored. */
export interface Schedule {
  readonly id: string
  readonly environment: Environment
  readonly deduplicationKey: string
  task: string
  cron: string
  timezone: string
  externalId: string | undefined
  window: string | undefined
  active: boolean
  readonly createdAt: number
}

/** An environment: a project's dev, staging, prod or preview, or a branch of preview or dev. */
export interface Environment {
  readonly id: string
  readonly project: Project
  readonly slug: Slug
  readonly type: EnvironmentType
  /** The branch name, for a preview or dev branch environment. */
  readonly branch: string | undefined
  /** The preview or dev environment a branch belongs to. */
  readonly parent: Environment | undefined
  readonly branches: Map<string, Environment>
  readonly envvars: Map<string, EnvVar>
  /** Schedules in creation order. */
  readonly schedules: Map<string, Schedule>
  readonly schedulesByDeduplicationKey: Map<string, Schedule>
  /** Runs by task and trigger `idempotencyKey` (`Idempotency.runKeyOf`). */
  readonly runsByIdempotencyKey: Map<string, Run>
  /** Batches by their `idempotencyKey`. */
  readonly batchesByIdempotencyKey: Map<string, Batch>
}

/** A project with its four environments. */
export interface Project {
  readonly ref: string
  readonly name: string
  readonly environments: Readonly<Record<Slug, Environment>>
}

/** A user of the org. */
export interface User {
  readonly id: string
  readonly name: string
  readonly pat: string
  readonly projectRefs: ReadonlySet<string>
}

/** Who a token belongs to, with the fingerprint the request log shows. */
export type Principal =
  | {
      readonly kind: "SecretKey"
      readonly environment: Environment
      readonly scoped: boolean
      readonly fingerprint: string
    }
  | { readonly kind: "PersonalAccessToken"; readonly user: User; readonly fingerprint: string }

/** An environment's JWT signing key, and its HMAC key once imported (see `publicToken.ts`). */
export interface SigningKey {
  readonly secret: string
  imported: Promise<CryptoKey> | undefined
}

/** A run as stored; its status is computed from the clock (see `runState`). */
export interface Run {
  readonly id: string
  /** Creation order, for newest-first listing and cursors. */
  readonly seq: number
  readonly environment: Environment
  readonly taskIdentifier: string
  /** The queue it runs on: `task/<taskIdentifier>` unless triggered onto a named queue. */
  readonly queue: string
  /** The worker version it is locked to (`lockToVersion`), if any. */
  readonly version: string | undefined
  /** The machine preset asked for, if any. */
  readonly machine: string | undefined
  /** The payload packet as the server stores it (docs/reference/payloads.md). */
  readonly payload: Packet.Packet
  readonly createdAt: number
  /** Moved by `runs.reschedule` while the run is delayed. */
  delayedUntil: number | undefined
  /** Added to by `runs.addTags`. */
  tags: ReadonlyArray<string>
  /** Replaced and changed by `runs.updateMetadata`. */
  metadata: Readonly<Record<string, unknown>> | undefined
  /** Cleared when the key expires or the run failed and a new trigger takes the key, as on the server. */
  idempotencyKey: string | undefined
  idempotencyKeyExpiresAt: number | undefined
  readonly batchId: string | undefined
  readonly isTest: boolean
  readonly ttl: string | undefined
  readonly triggerFunction: "trigger" | "batchTrigger"
  readonly fails: boolean
  canceledAt: number | undefined
  /** The encoded `runs.retrieve` body once the run is final (it no longer changes then). */
  readonly final: Memo
}

/** A two-phase batch. */
export interface Batch {
  readonly id: string
  readonly environment: Environment
  readonly runCount: number
  readonly idempotencyKey: string | undefined
  readonly createdAt: number
  /** Run ids by item index. */
  readonly items: Map<number, string>
}

/** Phase lengths of a run. */
export interface Timings {
  readonly queuedMs: number
  readonly executingMs: number
}

/** The whole world. */
export interface State {
  readonly projects: ReadonlyMap<string, Project>
  readonly users: ReadonlyArray<User>
  /** Every known token (keys and PATs) to its owner. */
  readonly tokens: ReadonlyMap<string, Principal>
  /**
   * The key each environment signs its public access tokens with: its current root key (`secretKey`).
   * Preview branches have none of their own; they sign with their preview environment's.
   */
  readonly signingKeys: ReadonlyMap<Environment, SigningKey>
  readonly runs: Map<string, Run>
  /** Every run in creation order. */
  readonly runList: Array<Run>
  readonly batches: Map<string, Batch>
  /** Offloaded packets, behind presigned URLs the emulator serves itself. */
  readonly objects: ObjectStore.ObjectStore
  readonly timings: Timings
  /** The source of resource ids (kept apart from the key source, so keys never depend on traffic). */
  readonly ids: Random.Random
  nextSeq: number
}

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

/** A fresh id with a prefix: `run_` + 24 lowercase letters and digits, etc. */
export const newId = (state: State, prefix: string, length = 24): string =>
  `${prefix}${state.ids.string(length, lowerAlnum)}`

const demoProjects = [
  { name: "Acme Web", branches: ["feature-a", "feature-b/x"], devBranches: ["ada-spike"] },
  { name: "Acme Jobs", branches: ["feature-a", "feature-b/x"], devBranches: ["ada-spike"] }
] as const

const demoEnvVars: ReadonlyArray<readonly [string, EnvVar]> = [
  ["LOG_LEVEL", { value: "info", isSecret: false }],
  ["DATABASE_URL", { value: "postgres://demo:demo@localhost:5432/demo", isSecret: true }]
]

const makeEnvironment = (
  random: Random.Random,
  project: Project,
  slug: Slug,
  branch: string | undefined,
  parent: Environment | undefined
): Environment => ({
  id: `env_${random.string(20, lowerAlnum)}`,
  project,
  slug,
  type: typeBySlug[slug],
  branch,
  parent,
  branches: new Map(),
  envvars: new Map(demoEnvVars.map(([name, v]) => [name, { ...v }])),
  schedules: new Map(),
  schedulesByDeduplicationKey: new Map(),
  runsByIdempotencyKey: new Map(),
  batchesByIdempotencyKey: new Map()
})

const fingerprintOf = (token: string): string =>
  Either.match(Credential.parseEither(token), {
    onLeft: () => "",
    onRight: (credential: Credential.Credential) => Credential.fingerprint(credential)
  })

/**
 * The keys of one environment, one of each generation the real server has issued
 * (docs/reference/credentials.md): the current root key (24 characters after the prefix), a legacy root
 * key (20, as issued until August 2026 and still held by most environments) and an additional key
 * (`_sk_` + 24).
 */
export interface EnvironmentKeys {
  readonly secretKey: string
  readonly legacySecretKey: string
  readonly scopedKey: string
}

/** The credentials of one project, for `DemoCredentials`. */
export interface ProjectKeys {
  readonly ref: string
  readonly name: string
  readonly environments: Record<Slug, EnvironmentKeys>
  readonly previewBranches: ReadonlyArray<string>
  /** Branches of the dev environment (a dev key or a PAT on `dev` selects one with `x-trigger-branch`). */
  readonly devBranches: ReadonlyArray<string>
}

/** The world and its demo credentials. */
export interface World {
  readonly state: State
  readonly projectKeys: ReadonlyArray<ProjectKeys>
}

/** Fixed names for the demo projects (e.g. the refs used in published docs), in project order. */
export interface ProjectOverrides {
  readonly ref?: string | undefined
  readonly previewBranches?: ReadonlyArray<string> | undefined
  readonly devBranches?: ReadonlyArray<string> | undefined
}

/** Builds the world from a seed; `overrides` renames projects and branches without changing any key. */
export const make = (
  seed: number,
  timings: Timings,
  overrides: ReadonlyArray<ProjectOverrides> = []
): World => {
  const random = Random.make(seed)
  const projects = new Map<string, Project>()
  const tokens = new Map<string, Principal>()
  const signingKeys = new Map<Environment, SigningKey>()
  const projectKeys: Array<ProjectKeys> = []

  for (const [index, demo] of demoProjects.entries()) {
    const drawn = `proj_${random.string(20, lowerAlnum)}`
    const ref = overrides[index]?.ref ?? drawn
    const branches = overrides[index]?.previewBranches ?? demo.branches
    const environments = {} as Record<Slug, Environment>
    const project: Project = { ref, name: demo.name, environments }
    const keys = {} as Record<Slug, EnvironmentKeys>
    for (const slug of slugs) {
      const environment = makeEnvironment(random, project, slug, undefined, undefined)
      environments[slug] = environment
      const { rootSecretKey, additionalSecretKey, legacyRootSecretKey } = Credential.generations
      const secretKey = `${Credential.secretKeyPrefix(slug)}${random.string(rootSecretKey.bodyLength)}`
      const scopedKey = `${Credential.additionalSecretKeyPrefix(slug)}${random.string(additionalSecretKey.bodyLength)}`
      const legacySecretKey = `${Credential.secretKeyPrefix(slug)}${random.string(legacyRootSecretKey.bodyLength)}`
      keys[slug] = { secretKey, legacySecretKey, scopedKey }
      signingKeys.set(environment, { secret: secretKey, imported: undefined })
      for (const rootKey of [secretKey, legacySecretKey]) {
        tokens.set(rootKey, {
          kind: "SecretKey",
          environment,
          scoped: false,
          fingerprint: fingerprintOf(rootKey)
        })
      }
      tokens.set(scopedKey, {
        kind: "SecretKey",
        environment,
        scoped: true,
        fingerprint: fingerprintOf(scopedKey)
      })
    }
    const preview = environments.preview
    for (const branch of branches) {
      preview.branches.set(branch, makeEnvironment(random, project, "preview", branch, preview))
    }
    projects.set(ref, project)
    projectKeys.push({
      ref,
      name: demo.name,
      environments: keys,
      previewBranches: [...branches],
      devBranches: [...(overrides[index]?.devBranches ?? demo.devBranches)]
    })
  }

  const refs = [...projects.keys()]
  const users: Array<User> = [
    {
      id: `user_${random.string(20, lowerAlnum)}`,
      name: "Ada Admin",
      pat: `${Credential.personalAccessTokenPrefix}${random.string(Credential.generations.personalAccessToken.bodyLength)}`,
      projectRefs: new Set(refs)
    },
    {
      id: `user_${random.string(20, lowerAlnum)}`,
      name: "Bob Builder",
      pat: `${Credential.personalAccessTokenPrefix}${random.string(Credential.generations.personalAccessToken.bodyLength)}`,
      projectRefs: new Set(refs.slice(0, 1))
    }
  ]
  for (const user of users) {
    tokens.set(user.pat, { kind: "PersonalAccessToken", user, fingerprint: fingerprintOf(user.pat) })
  }
  // Dev branches last, so adding them changed none of the keys and PATs a seed gave before.
  for (const keys of projectKeys) {
    const project = projects.get(keys.ref)
    if (project === undefined) continue
    const dev = project.environments.dev
    for (const branch of keys.devBranches) {
      dev.branches.set(branch, makeEnvironment(random, project, "dev", branch, dev))
    }
  }

  const state: State = {
    projects,
    users,
    tokens,
    signingKeys,
    runs: new Map(),
    runList: [],
    batches: new Map(),
    objects: ObjectStore.make(),
    timings,
    ids: Random.make((seed ^ 0x5bd1e995) >>> 0),
    nextSeq: 1
  }
  return { state, projectKeys }
}

// ---------------------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------------------

/** What a run looks like at an instant. */
export interface RunState {
  readonly status: "DELAYED" | "QUEUED" | "EXECUTING" | "COMPLETED" | "FAILED" | "CANCELED"
  readonly startedAt: number | undefined
  readonly finishedAt: number | undefined
  readonly updatedAt: number
  readonly durationMs: number
}

/** A run's status and times at `now`: DELAYED → QUEUED → EXECUTING → COMPLETED/FAILED, or CANCELED. */
export const runState = (run: Run, now: number, timings: Timings): RunState => {
  const queuedFrom = run.delayedUntil ?? run.createdAt
  const startAt = queuedFrom + timings.queuedMs
  const endAt = startAt + timings.executingMs
  if (run.canceledAt !== undefined) {
    const started = startAt <= run.canceledAt
    return {
      status: "CANCELED",
      startedAt: started ? startAt : undefined,
      finishedAt: run.canceledAt,
      updatedAt: run.canceledAt,
      durationMs: started ? run.canceledAt - startAt : 0
    }
  }
  if (now < queuedFrom) {
    return {
      status: "DELAYED",
      startedAt: undefined,
      finishedAt: undefined,
      updatedAt: run.createdAt,
      durationMs: 0
    }
  }
  if (now < startAt) {
    return {
      status: "QUEUED",
      startedAt: undefined,
      finishedAt: undefined,
      updatedAt: queuedFrom,
      durationMs: 0
    }
  }
  if (now < endAt) {
    return {
      status: "EXECUTING",
      startedAt: startAt,
      finishedAt: undefined,
      updatedAt: startAt,
      durationMs: now - startAt
    }
  }
  return {
    status: run.fails ? "FAILED" : "COMPLETED",
    startedAt: startAt,
    finishedAt: endAt,
    updatedAt: endAt,
    durationMs: endAt - startAt
  }
}

/** Whether a status is final. */
export const isFinal = (status: RunState["status"]): boolean =>
  status === "COMPLETED" || status === "FAILED" || status === "CANCELED"

/** What a new run is made of. */
export interface NewRun {
  readonly environment: Environment
  readonly taskIdentifier: string
  /** The queue it runs on: `task/<taskIdentifier>` unless triggered onto a named queue. */
  readonly queue: string
  /** The worker version it is locked to (`lockToVersion`), if any. */
  readonly version: string | undefined
  /** The machine preset asked for, if any. */
  readonly machine: string | undefined
  readonly payload: Packet.Packet
  readonly delayedUntil: number | undefined
  readonly tags: ReadonlyArray<string>
  readonly metadata: Readonly<Record<string, unknown>> | undefined
  readonly idempotencyKey: string | undefined
  /** `idempotencyKeyTTL` as sent (see `Idempotency.runKeyExpiresAt`). */
  readonly idempotencyKeyTTL: string | undefined
  readonly batchId: string | undefined
  readonly isTest: boolean
  readonly ttl: string | undefined
  readonly triggerFunction: "trigger" | "batchTrigger"
}

/**
 * Creates a run, or returns the run that already holds this `idempotencyKey` for this task in the
 * environment (`cached: true`). As on the server, an expired key, or one whose run failed, is taken from its
 * old run and the trigger makes a new one.
 */
export const createRun = (state: State, input: NewRun, now: number): { run: Run; cached: boolean } => {
  const { idempotencyKeyTTL, ...fields } = input
  const key =
    input.idempotencyKey === undefined
      ? undefined
      : Idempotency.runKeyOf(input.taskIdentifier, input.idempotencyKey)
  if (key !== undefined) {
    const existing = input.environment.runsByIdempotencyKey.get(key)
    if (existing !== undefined) {
      const expired = existing.idempotencyKeyExpiresAt !== undefined && existing.idempotencyKeyExpiresAt < now
      if (!expired && runState(existing, now, state.timings).status !== "FAILED")
        return { run: existing, cached: true }
      existing.idempotencyKey = undefined
      existing.idempotencyKeyExpiresAt = undefined
      input.environment.runsByIdempotencyKey.delete(key)
    }
  }
  const run: Run = {
    ...fields,
    idempotencyKeyExpiresAt:
      input.idempotencyKey === undefined ? undefined : Idempotency.runKeyExpiresAt(idempotencyKeyTTL, now),
    id: newId(state, "run_"),
    seq: state.nextSeq++,
    createdAt: now,
    fails: input.taskIdentifier.startsWith("fail"),
    canceledAt: undefined,
    final: { body: undefined, answer: undefined }
  }
  state.runs.set(run.id, run)
  state.runList.push(run)
  if (key !== undefined) input.environment.runsByIdempotencyKey.set(key, run)
  return { run, cached: false }
}

/** A run of this environment, or `undefined` (a run of another environment is not found). */
export const findRun = (state: State, environment: Environment, id: string): Run | undefined => {
  const run = state.runs.get(id)
  return run !== undefined && run.environment === environment ? run : undefined
}

const durationUnits: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

/**
 * The instant a `delay` option points to: a duration such as `"30s"`, `"10m"`, `"2h"`, `"1d"`, `"1w"`, or
 * a date. `undefined` when there is no delay (or it is in the past); a string when the delay is invalid.
 */
export const parseDelay = (delay: string | Date | undefined, now: number): number | undefined | string => {
  if (delay === undefined) return undefined
  let at: number
  if (delay instanceof Date) {
    at = delay.getTime()
  } else {
    const duration = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(delay.trim())
    if (duration !== null) {
      at = now + Number(duration[1]) * (durationUnits[duration[2] ?? "ms"] ?? 1)
    } else {
      at = Date.parse(delay)
      if (Number.isNaN(at))
        return `Invalid delay "${delay}": use a duration such as "30s", "10m", "2h", "1d" or a date`
    }
  }
  return at > now ? at : undefined
}

// ---------------------------------------------------------------------------------------------------------
// Preview branches and lookups
// ---------------------------------------------------------------------------------------------------------

/** The slug as the public API names an environment in a run's `env.name`. */
export const environmentName = (environment: Environment): string => environment.branch ?? environment.slug

/** Every environment of a project with a slug, with its branches (preview and dev have some). */
export const environmentsOf = (project: Project, slug: Slug): ReadonlyArray<Environment> => {
  const environment = project.environments[slug]
  return [environment, ...environment.branches.values()]
}
