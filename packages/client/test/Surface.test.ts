/**
 * The Promise API is derived from the namespaces' call objects, and those cover the catalog: every route a
 * call of the official page takes belongs to exactly one call; the ambient functions and every client hold
 * exactly the calls of the call objects; `promise.ts` names no call (no second list). Then every call × kind
 * against the emulator: an accepted cell reaches its route, a refused one rejects with `CapabilityError`
 * before sending, on a client and on the ambient functions alike.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Catalog } from "@authctx/api"
import {
  Batches,
  BulkActions,
  type Calls,
  Deployments,
  Envvars,
  IdempotencyKeys,
  // ---- prompts ----
  Prompts,
  Query,
  Queues,
  Runs,
  Schedules,
  Sessions,
  Tasks,
  WaitTokens
} from "@authctx/client"
import {
  auth,
  batch,
  CapabilityError,
  createClient,
  deployments,
  envvars,
  idempotencyKeys,
  // ---- prompts ----
  prompts,
  query,
  queues,
  runs,
  schedules,
  sessions,
  tasks,
  waitTokens
} from "@authctx/client/promise"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

type AnyFunction = (...args: ReadonlyArray<unknown>) => Promise<unknown>

const callObjects = {
  tasks: Tasks.calls,
  runs: Runs.calls,
  envvars: Envvars.calls,
  schedules: Schedules.calls,
  // ---- deployments ----
  deployments: Deployments.calls,
  // ---- batch ----
  batch: Batches.calls,
  // ---- bulk actions ---- (nested in runs, as the SDK's runs.bulk)
  "runs.bulk": BulkActions.calls,
  // ---- queues ----
  queues: Queues.calls,
  // ---- waits ----
  waitTokens: WaitTokens.calls,
  idempotencyKeys: IdempotencyKeys.calls,
  // ---- sessions ----
  sessions: Sessions.calls,
  // ---- query ----
  query: Query.calls,
  "query.dashboards": Query.dashboardsCalls,
  // ---- prompts ----
  prompts: Prompts.calls
}
// the ambient `idempotencyKeys` also holds the local `create`, which sends nothing
const { create: _create, ...idempotencyKeysCalls } = idempotencyKeys
const ambients = {
  tasks,
  runs,
  envvars,
  schedules,
  deployments,
  batch,
  "runs.bulk": runs.bulk,
  queues,
  waitTokens,
  idempotencyKeys: idempotencyKeysCalls,
  // ---- sessions ----
  sessions,
  // ---- query ----
  query,
  "query.dashboards": query.dashboards,
  // ---- prompts ----
  prompts
}

/** Calls that are helpers over another call's route (as the SDK's): they take its route, and own none. */
const helpers: ReadonlySet<string> = new Set(["runs.poll", "runs.bulk.poll", "queues.resume"])
/** A namespace of the Promise surface by its dotted name (`runs.bulk` is `surface.runs.bulk`). */
const at = (surface: object, namespace: string): Record<string, unknown> =>
  namespace
    .split(".")
    .reduce<Record<string, unknown>>(
      (out, key) => out[key] as Record<string, unknown>,
      surface as Record<string, unknown>
    )
/** The namespaces nested in another (`runs.bulk`): members of their parent that are not calls. */
const nestedIn = (namespace: string): ReadonlyArray<string> =>
  Object.keys(callObjects)
    .filter((name) => name.startsWith(`${namespace}.`))
    .map((name) => name.slice(namespace.length + 1))
/** Routes two calls own, as the SDK has them: the body's `action` makes `runs.bulk.cancel` or `.replay`. */
const sharedRoutes: Readonly<Record<string, ReadonlyArray<string>>> = {
  "bulkActions.create": ["runs.bulk.cancel", "runs.bulk.replay"],
  // ---- query: multi-task batch.trigger / batch.triggerByTask take the batch routes of tasks.batchTrigger ----
  "tasks.createBatch": ["tasks.batchTrigger", "batch.trigger", "batch.triggerByTask"],
  "tasks.streamBatchItems": ["tasks.batchTrigger", "batch.trigger", "batch.triggerByTask"]
}
const every = Object.entries(callObjects).flatMap(([namespace, calls]) =>
  Object.entries(calls as Calls.CallObject).map(([member, call]) => ({ namespace, member, call }))
)

describe("the call objects cover the catalog", () => {
  it("every route of a call belongs to exactly one call, and every call's routes are the catalog's", () => {
    const capabilities = every.flatMap(({ call }) => call.capabilities)
    for (const entry of Catalog.entries) {
      const owners = every.filter(
        ({ call }) =>
          !helpers.has(call.name) &&
          call.capabilities.some((capability) => capability.name === entry.capability.name)
      )
      // the minting routes are steps of PublicTokens.create*PublicToken (functions of their own, not call
      // objects: a root key signs locally after the claims call); PublicTokens.e2e.test.ts drives them
      if (entry.group === "auth") {
        expect(owners).toEqual([])
        continue
      }
      if (entry.partOf !== undefined) {
        // a wire-only step (packets.upload) belongs to the calls it is part of, not to a call of its own
        expect(owners).toEqual([])
        continue
      }
      expect(
        owners.map(({ call }) => call.name),
        entry.capability.name
      ).toEqual(sharedRoutes[entry.id] ?? [entry.call])
    }
    const catalog = new Set(Catalog.entries.map((entry) => entry.capability))
    for (const capability of capabilities) expect(catalog.has(capability), capability.name).toBe(true)
  })

  it("a call's name is its namespace and member (runs.retrieve is Runs.calls.retrieve)", () => {
    for (const { namespace, member, call } of every) expect(call.name).toBe(`${namespace}.${member}`)
  })
})

describe("the Promise surfaces are derived from the call objects", () => {
  it("the ambient namespaces and a client's hold exactly the calls, as functions", () => {
    const client = createClient({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" })
    for (const [namespace, calls] of Object.entries(callObjects)) {
      const ambient = ambients[namespace as keyof typeof callObjects] as Record<string, unknown>
      const members = at(client, namespace)
      const expected = [...Object.keys(calls), ...nestedIn(namespace)].sort()
      expect(Object.keys(ambient).sort()).toEqual(expected)
      expect(Object.keys(members).sort()).toEqual(expected)
      for (const name of Object.keys(calls)) {
        expect(typeof ambient[name]).toBe("function")
        expect(typeof members[name]).toBe("function")
      }
    }
  })

  it("promise.ts names no call: it reads the namespaces only through their call objects", () => {
    const source = readFileSync(fileURLToPath(new URL("../src/promise.ts", import.meta.url)), "utf8")
    const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "")
    const uses = [...code.matchAll(/(?<![\w/.])(Tasks|Runs|Envvars|Schedules|Batches|Queues)\.(\w+)/g)].map(
      (m) => `${m[1]}.${m[2]}`
    )
    expect(uses.length).toBeGreaterThan(0)
    for (const use of uses) expect(use).toMatch(/\.calls$/)
  })
})

// One set of arguments per call: a new call without a row here fails the first test below.
const schedule = { task: "t", cron: "0 * * * *", deduplicationKey: "surface" }
const argumentsOf = (projectRef: string, unique = ""): Record<string, ReadonlyArray<unknown>> => ({
  "tasks.trigger": ["surface-task", { n: 1 }],
  "tasks.batchTrigger": ["surface-task", [{ payload: 1 }]],
  "runs.list": [{ limit: 1 }],
  "runs.retrieve": ["run_surface"],
  "runs.cancel": ["run_surface"],
  "runs.replay": ["run_surface"],
  "envvars.list": [projectRef, "dev"],
  "envvars.retrieve": [projectRef, "dev", "SURFACE"],
  "envvars.upload": [projectRef, "dev", { variables: { SURFACE: "1" } }],
  "envvars.create": [projectRef, "dev", { name: `SURFACE_${unique}`, value: "1" }],
  "envvars.update": [projectRef, "dev", "SURFACE", { value: "2" }],
  "envvars.del": [projectRef, "dev", `SURFACE_${unique}`],
  "schedules.list": [],
  "schedules.create": [schedule],
  "schedules.retrieve": ["sched_surface"],
  "schedules.update": ["sched_surface", { task: "t", cron: "0 * * * *" }],
  "schedules.activate": ["sched_surface"],
  "schedules.deactivate": ["sched_surface"],
  "schedules.del": ["sched_surface"],
  "schedules.timezones": [{ excludeUtc: true }],
  // ---- deployments ----
  "deployments.list": [{ limit: 5 }],
  "deployments.retrieveCurrent": [],
  // ---- runs: reschedule, poll, tags, metadata; batch ----
  "runs.reschedule": ["run_surface", { delay: "1h" }],
  "runs.poll": ["run_surface", { pollIntervalMs: 0 }],
  "runs.addTags": ["run_surface", ["surface"]],
  "runs.retrieveMetadata": ["run_surface"],
  "runs.updateMetadata": ["run_surface", { metadata: { surface: true } }],
  "batch.retrieve": ["batch_surface"],
  // ---- bulk actions ----
  "runs.bulk.cancel": [{ runIds: ["run_surface"] }],
  "runs.bulk.replay": [{ runIds: ["run_surface"] }],
  "runs.bulk.list": [{ limit: 1 }],
  "runs.bulk.retrieve": ["bulk_surface"],
  "runs.bulk.abort": ["bulk_surface"],
  "runs.bulk.poll": ["bulk_surface", { pollIntervalMs: 1 }],
  // ---- queues ----
  "queues.list": [],
  "queues.retrieve": ["queue_surface"],
  "queues.pause": [{ type: "task", name: "surface-task" }],
  "queues.resume": [{ type: "custom", name: "surface" }],
  "queues.overrideConcurrencyLimit": ["queue_surface", 3],
  "queues.resetConcurrencyLimit": [{ type: "task", name: "surface-task" }],
  // ---- waits ----
  "waitTokens.create": [{ timeout: "1h" }],
  "waitTokens.list": [{ limit: 1 }],
  "waitTokens.retrieve": ["waitpoint_surface"],
  "waitTokens.complete": ["waitpoint_surface", { ok: true }],
  "idempotencyKeys.reset": ["surface-task", "surface-key"],
  // ---- sessions ----
  "sessions.start": [
    { type: "chat.agent", taskIdentifier: "surface-task", triggerConfig: { basePayload: { n: 1 } } }
  ],
  "sessions.retrieve": ["session_surface"],
  "sessions.update": ["session_surface", { tags: ["surface"] }],
  "sessions.close": ["session_surface", { reason: "surface" }],
  "sessions.list": [{ limit: 1 }],
  // ---- query ----
  "query.execute": ["SELECT run_id FROM runs LIMIT 1"],
  "query.dashboards.list": [],
  "batch.trigger": [[{ id: "surface-task", payload: 1 }]],
  "batch.triggerByTask": [[{ task: { id: "surface-task" }, payload: 1 }]],
  // ---- prompts ----
  "prompts.resolve": ["greeting", { name: "Surface" }, { label: "current" }],
  "prompts.list": [],
  "prompts.versions": ["greeting"],
  "prompts.promote": ["greeting", 2],
  "prompts.createOverride": ["greeting", { textContent: "Surface {{name}}" }],
  "prompts.updateOverride": ["greeting", { model: "surface-model" }],
  "prompts.removeOverride": ["greeting"],
  "prompts.reactivateOverride": ["greeting", 3]
})

describe("every call × kind against the emulator", () => {
  let emulator: Emulator
  let secretKey: string
  let pat: string
  let projectRef: string

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 11 })
    const project = emulator.credentials.projects[0]
    projectRef = project?.ref ?? ""
    secretKey = project?.environments.dev.secretKey ?? ""
    pat = emulator.credentials.users.find((user) => user.projectRefs.includes(projectRef))?.pat ?? ""
  })
  afterAll(() => emulator.stop())

  const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0

  /** Calls `fn` and answers whether it sent a request and how it settled. */
  const observe = async (fn: () => Promise<unknown>) => {
    const before = lastSeq()
    const outcome = await fn().then(
      () => undefined,
      (error: unknown) => error
    )
    return { sent: lastSeq() > before, outcome }
  }

  it("has arguments for every call", () => {
    expect(Object.keys(argumentsOf("p")).sort()).toEqual(every.map(({ call }) => call.name).sort())
  })

  for (const kind of ["SecretKey", "PersonalAccessToken"] as const) {
    it(`${kind}: accepted calls reach their route, refused ones reject with CapabilityError and send nothing`, async () => {
      const token = kind === "SecretKey" ? secretKey : pat
      const client = createClient({ accessToken: token, baseURL: emulator.url }, { retry: false })
      for (const { namespace, member, call } of every) {
        // the arguments select the call's first route (runs.list: the environment's)
        // a call that needs no credential (schedules.timezones) is accepted under every kind
        const accepts: ReadonlyArray<string> = call.capabilities[0]?.accepts ?? []
        const accepted = accepts.length === 0 || accepts.includes(kind)
        // fresh names per call: a second create of one name would be a 409 (retried, then refused)
        const given = (surface: string) => argumentsOf(projectRef, `${kind}_${surface}`)[call.name] ?? []
        const method = (at(client, namespace) as Record<string, AnyFunction>)[member]
        const ambient = (ambients[namespace as keyof typeof callObjects] as Record<string, AnyFunction>)[
          member
        ]
        const onClient = await observe(async () => method?.(...given("client")))
        const onAmbient = await observe(() =>
          auth.withAuth({ accessToken: token, baseURL: emulator.url }, async () =>
            ambient?.(...given("ambient"))
          )
        )
        for (const { sent, outcome } of [onClient, onAmbient]) {
          if (accepted) {
            expect(sent, `${call.name} with a ${kind}`).toBe(true)
            expect(outcome, `${call.name} with a ${kind}`).not.toBeInstanceOf(CapabilityError)
          } else {
            expect(sent, `${call.name} with a ${kind}`).toBe(false)
            expect(outcome, `${call.name} with a ${kind}`).toBeInstanceOf(CapabilityError)
            expect((outcome as CapabilityError).actual).toBe(kind)
          }
        }
      }
    })
  }
})
