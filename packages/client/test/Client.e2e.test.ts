/**
 * The Effect client against the emulator over real HTTP on loopback: every call with an accepted
 * credential, the typed errors of the server's refusals (docs/emulator.md), the pre-flight CapabilityError (nothing sent),
 * headers, the branch rule, retries under injected faults, and idempotency.
 */
import { Envvars, ManagementClient, Runs, Schedules, Tasks } from "@authctx/client"
import { Auth, CapabilityError, Credential } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Effect, Either, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string // project 0, dev
let otherProjectKey: string // project 1, dev
let prodKey: string // project 0, prod
let previewKey: string // project 0, preview
let pat: string // reaches both projects
let narrowPat: string // reaches project 0 only
let projectRef: string
let otherProjectRef: string
let legacyProdKey: string
let branch: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 7, timings: { queuedMs: 5, executingMs: 10 } })
  const [p0, p1] = emulator.credentials.projects
  if (!p0 || !p1) throw new Error("the emulator has two projects")
  key = p0.environments.dev.secretKey
  prodKey = p0.environments.prod.secretKey
  legacyProdKey = p0.environments.prod.legacySecretKey
  previewKey = p0.environments.preview.secretKey
  otherProjectKey = p1.environments.dev.secretKey
  projectRef = p0.ref
  otherProjectRef = p1.ref
  branch = p0.previewBranches[0] ?? "missing"
  const wide = emulator.credentials.users.find((u) => u.projectRefs.length === 2)
  const narrow = emulator.credentials.users.find((u) => u.projectRefs.length === 1)
  if (!wide || !narrow) throw new Error("the emulator has a wide and a narrow user")
  pat = wide.pat
  narrowPat = narrow.pat
})

afterAll(() => emulator.stop())

const fastRetry = { initialDelayMs: 5, maxDelayMs: 20, jitter: false }

/** Runs a program under a credential of statically unknown kind (tests that bypass the types on purpose). */
const run = <A, E>(effect: Effect.Effect<A, E, unknown>, accessToken: string, previewBranch?: string) =>
  Effect.runPromise(
    Effect.either(
      (effect as Effect.Effect<A, E, never>).pipe(
        Auth.withAuth({ accessToken, baseURL: emulator.url, previewBranch }),
        Effect.provide(ManagementClient.layerNode({ retry: fastRetry }))
      )
    )
  )

const ok = async <A, E>(
  effect: Effect.Effect<A, E, unknown>,
  accessToken: string,
  previewBranch?: string
) => {
  const result = await run(effect, accessToken, previewBranch)
  if (Either.isLeft(result)) throw new Error(`expected success, got ${String(result.left)}`)
  return result.right
}

const failure = async <A, E>(
  effect: Effect.Effect<A, E, unknown>,
  accessToken: string,
  previewBranch?: string
) => {
  const result = await run(effect, accessToken, previewBranch)
  if (Either.isRight(result)) throw new Error("expected a failure")
  return result.left
}

const fingerprintOf = (token: string) => Credential.fingerprint(Credential.unsafeParse(token))
const requestsSince = (seq: number) => emulator.requests().filter((r) => r.seq > seq)
const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0

describe("every call with an accepted credential", () => {
  it("tasks, runs and schedules with a SecretKey; runs.list by project with a PAT", async () => {
    const triggered = await ok(Tasks.trigger("hello-world", { n: 1 }, { tags: ["e2e"] }), key)
    expect(triggered.id).toMatch(/^run_/)
    const batch = await ok(
      Tasks.batchTrigger("hello-world", [{ payload: 1 }, { payload: 2 }, { payload: 3 }]),
      key
    )
    expect(batch).toMatchObject({ runCount: 3, sealed: true, isCached: false, itemsAccepted: 3 })

    const retrieved = await ok(Runs.retrieve(triggered.id), key)
    expect(retrieved.id).toBe(triggered.id)
    expect(retrieved.createdAt).toBeInstanceOf(Date)
    const page = await ok(Runs.list({ taskIdentifier: "hello-world", limit: 2 }), key)
    expect(page.data).toHaveLength(2)
    expect(page.pagination.next).toBeDefined()
    const all = await ok(Stream.runCollect(Runs.stream({ taskIdentifier: "hello-world", limit: 2 })), key)
    expect(all.length).toBe(4)
    const replayed = await ok(Runs.replay(triggered.id), key)
    expect(replayed.id).not.toBe(triggered.id)
    const canceled = await ok(Runs.cancel(replayed.id), key)
    expect(canceled.id).toBe(replayed.id)
    const projectPage = await ok(Runs.list(projectRef, { env: "dev", limit: 100 }), pat)
    expect(projectPage.data.map((r) => r.id)).toContain(triggered.id)

    const created = await ok(
      Schedules.create({ task: "hello-world", cron: "0 * * * *", deduplicationKey: "e2e" }),
      key
    )
    expect(created.id).toMatch(/^sched_/)
    expect((await ok(Schedules.retrieve(created.id), key)).active).toBe(true)
    expect((await ok(Schedules.deactivate(created.id), key)).active).toBe(false)
    expect((await ok(Schedules.activate(created.id), key)).active).toBe(true)
    const updated = await ok(Schedules.update(created.id, { task: "hello-world", cron: "30 * * * *" }), key)
    expect(updated.generator.expression).toBe("30 * * * *")
    const listed = await ok(Schedules.list({ perPage: 10 }), key)
    expect(listed.data.map((s) => s.id)).toContain(created.id)
    expect((await ok(Stream.runCollect(Schedules.stream({ perPage: 1 })), key)).length).toBe(
      listed.data.length
    )
    expect((await ok(Schedules.del(created.id), key)).id).toBe(created.id)
  })

  it("a legacy root key (20 characters, as issued until August 2026) makes every SecretKey call", async () => {
    expect(legacyProdKey).toMatch(/^tr_prod_[A-Za-z0-9]{20}$/)
    const triggered = await ok(Tasks.trigger("legacy-task", { n: 1 }), legacyProdKey)
    const batch = await ok(Tasks.batchTrigger("legacy-task", [{ payload: 1 }]), legacyProdKey)
    expect(batch.runCount).toBe(1)
    expect((await ok(Runs.retrieve(triggered.id), legacyProdKey)).id).toBe(triggered.id)
    const page = await ok(Runs.list({ taskIdentifier: "legacy-task" }), legacyProdKey)
    expect(page.data.map((r) => r.id)).toContain(triggered.id)
    const replayed = await ok(Runs.replay(triggered.id), legacyProdKey)
    expect((await ok(Runs.cancel(replayed.id), legacyProdKey)).id).toBe(replayed.id)
    const schedule = await ok(
      Schedules.create({ task: "legacy-task", cron: "0 * * * *", deduplicationKey: "legacy" }),
      legacyProdKey
    )
    expect((await ok(Schedules.retrieve(schedule.id), legacyProdKey)).id).toBe(schedule.id)
    expect((await ok(Schedules.del(schedule.id), legacyProdKey)).id).toBe(schedule.id)
    await ok(Envvars.create(projectRef, "prod", { name: "LEGACY_A", value: "1" }), legacyProdKey)
    expect((await ok(Envvars.retrieve(projectRef, "prod", "LEGACY_A"), legacyProdKey)).value).toBe("1")
    await ok(Envvars.del(projectRef, "prod", "LEGACY_A"), legacyProdKey)
    const sent = emulator.requests().filter((r) => r.credential === fingerprintOf(legacyProdKey))
    expect(sent.length).toBeGreaterThanOrEqual(12)
    expect(sent.every((r) => r.status < 300)).toBe(true)
  })

  it("envvars with a SecretKey of the project and with a PAT", async () => {
    for (const [token, env] of [
      [key, "dev"],
      [pat, "prod"]
    ] as const) {
      expect(await ok(Envvars.create(projectRef, env, { name: "E2E_A", value: "1" }), token)).toEqual({
        success: true
      })
      await ok(
        Envvars.upload(projectRef, env, { variables: { E2E_B: "2", E2E_C: "3" }, override: true }),
        token
      )
      await ok(Envvars.update(projectRef, env, "E2E_A", { value: "11" }), token)
      expect((await ok(Envvars.retrieve(projectRef, env, "E2E_A"), token)).value).toBe("11")
      const names = (await ok(Envvars.list(projectRef, env), token)).map((v) => v.name)
      expect(names).toEqual(expect.arrayContaining(["E2E_A", "E2E_B", "E2E_C"]))
      await ok(Envvars.del(projectRef, env, "E2E_A"), token)
      expect(await failure(Envvars.retrieve(projectRef, env, "E2E_A"), token)).toMatchObject({
        _tag: "NotFoundError",
        status: 404
      })
    }
  })

  it("a secret variable reads back redacted", async () => {
    await ok(Envvars.create(projectRef, "dev", { name: "E2E_SECRET", value: "hunter2", isSecret: true }), key)
    const value = await ok(Envvars.retrieve(projectRef, "dev", "E2E_SECRET"), key)
    expect(value.isSecret).toBe(true)
    expect(value.value).not.toContain("hunter2")
  })
})

describe("refused credentials", () => {
  it("a SecretKey-only call under a PAT fails with CapabilityError and sends nothing", async () => {
    const before = lastSeq()
    const calls: ReadonlyArray<Effect.Effect<unknown, unknown, unknown>> = [
      Runs.retrieve("run_x"),
      Runs.list(),
      Tasks.trigger("t", {}),
      Schedules.list(),
      Runs.cancel("run_x")
    ]
    for (const call of calls) {
      const error = await failure(call, pat)
      expect(error).toBeInstanceOf(CapabilityError)
      expect(error).toMatchObject({ actual: "PersonalAccessToken", accepts: ["SecretKey"] })
    }
    const projectRuns = await failure(Runs.list(projectRef), key)
    expect(projectRuns).toMatchObject({ _tag: "CapabilityError", endpoint: "runs.list (project)" })
    expect(requestsSince(before)).toEqual([])
  })

  it("the server's refusals come back as the typed errors of docs/errors.md, with the server's message", async () => {
    expect(await failure(Envvars.list(otherProjectRef, "dev"), key)).toMatchObject({
      _tag: "BadRequestError",
      status: 400,
      error: expect.stringMatching(/^Invalid project ref for this API key\./),
      endpoint: "envvars.list"
    })
    // A key on another environment's path: the server does not refuse it but answers with the key's own
    // environment (docs/reference/headers-and-branches.md), so the client refuses it before sending.
    const before = lastSeq()
    expect(await failure(Envvars.list(projectRef, "prod"), key)).toMatchObject({
      _tag: "InvalidArgumentsError",
      endpoint: "envvars.list",
      parameter: "env",
      issue: expect.stringContaining("acts on dev only, not on prod")
    })
    expect(requestsSince(before)).toEqual([])
    expect(await failure(Envvars.list(otherProjectRef, "dev"), narrowPat)).toMatchObject({
      _tag: "NotFoundError",
      error: "Project not found"
    })
    const unknown = "tr_dev_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
    expect(await failure(Runs.retrieve("run_x"), unknown)).toMatchObject({
      _tag: "AuthenticationError",
      status: 401,
      error: "Invalid API key"
    })
    expect(await failure(Runs.retrieve("run_missing"), key)).toMatchObject({
      _tag: "NotFoundError",
      status: 404
    })
    expect(await failure(Runs.retrieve("run_x"), otherProjectKey)).toMatchObject({ _tag: "NotFoundError" })
  })

  it("400, 401 and 404 are not retried", async () => {
    const before = lastSeq()
    await failure(Envvars.list(otherProjectRef, "dev"), key)
    await failure(Runs.retrieve("run_x"), "tr_dev_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")
    await failure(Runs.retrieve("run_missing"), key)
    expect(requestsSince(before).map((r) => r.status)).toEqual([400, 401, 404])
  })
})

describe("headers and the branch rule", () => {
  it("sends the credential, one idempotency key per call, and no branch outside preview", async () => {
    const before = lastSeq()
    await ok(Runs.list({ limit: 1 }), prodKey, "feature-unused")
    await ok(Runs.list({ limit: 1 }), prodKey, "feature-unused")
    const records = requestsSince(before)
    expect(records).toHaveLength(2)
    for (const record of records) {
      expect(record.credential).toBe(fingerprintOf(prodKey))
      expect(record.credentialKind).toBe("SecretKey")
      expect(record.branch).toBeUndefined()
      expect(record.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)
    }
    expect(records[0]?.idempotencyKey).not.toBe(records[1]?.idempotencyKey)
  })

  it("sends x-trigger-branch to preview and dev (keys and PAT calls), never to prod or staging", async () => {
    // Before: nothing went to dev. The server reads a branch there (dev branches), so the dev branch is sent
    // to dev; the preview branch still goes to preview only. The demo project's dev branch is used.
    const devBranch = emulator.credentials.projects[0]?.devBranches[0] ?? "missing"
    const before = lastSeq()
    await ok(Runs.list({ limit: 1 }), previewKey, branch)
    await ok(Envvars.list(projectRef, "preview"), pat, branch)
    await ok(Envvars.list(projectRef, "dev").pipe(Auth.withAuth({ devBranch })), pat, branch)
    await ok(Runs.list({ limit: 1 }).pipe(Auth.withAuth({ devBranch })), key, branch)
    await ok(Envvars.list(projectRef, "prod"), pat, branch)
    await ok(Envvars.list(projectRef, "staging"), pat, branch)
    expect(requestsSince(before).map((r) => r.branch)).toEqual([
      branch,
      branch,
      devBranch,
      devBranch,
      undefined,
      undefined
    ])
  })

  it("a preview key without a branch is refused before any request", async () => {
    const before = lastSeq()
    const error = await failure(Runs.list(), previewKey)
    expect(error).toMatchObject({ _tag: "InvalidAuthConfig", field: "previewBranch" })
    expect(requestsSince(before)).toEqual([])
  })

  it("path segments are percent-encoded", async () => {
    const before = lastSeq()
    await failure(Runs.retrieve("a/b c?d#e"), key)
    expect(requestsSince(before)[0]?.path).toBe(`/api/v3/runs/${encodeURIComponent("a/b c?d#e")}`)
  })
})

describe("retries under faults", () => {
  it("500s, 503 and dropped connections are retried; a trigger creates exactly one run", async () => {
    const before = lastSeq()
    emulator.faults.inject({ route: "tasks.trigger", times: 1, status: 500 })
    emulator.faults.inject({ route: "tasks.trigger", times: 1, status: 503, shouldRetry: true })
    emulator.faults.inject({ route: "tasks.trigger", times: 1, drop: "before" })
    emulator.faults.inject({ route: "tasks.trigger", times: 1, drop: "after" })
    const run = await ok(Tasks.trigger("faulty-task", { n: 1 }), key)
    const records = requestsSince(before)
    expect(records.map((r) => r.status)).toEqual([500, 503, 0, 0, 200])
    expect(new Set(records.map((r) => r.idempotencyKey)).size).toBe(1)
    expect(records.at(-1)?.replayed).toBe(true) // the answer of the attempt whose response was dropped
    const runs = await ok(Runs.list({ taskIdentifier: "faulty-task" }), key)
    expect(runs.data.map((r) => r.id)).toEqual([run.id])
  })

  it("x-should-retry: false stops retries even on a 500", async () => {
    const before = lastSeq()
    emulator.faults.inject({ route: "runs.retrieve", times: 1, status: 500, shouldRetry: false })
    expect(await failure(Runs.retrieve("run_x"), key)).toMatchObject({
      _tag: "InternalServerError",
      status: 500
    })
    expect(requestsSince(before)).toHaveLength(1)
  })

  it("gives up after the retry budget with the last error", async () => {
    const before = lastSeq()
    const fault = emulator.faults.inject({ route: "runs.listEnvironment", status: 502 })
    const error = await failure(Runs.list(), key)
    fault.clear()
    expect(error).toMatchObject({ _tag: "InternalServerError", status: 502 })
    expect(requestsSince(before)).toHaveLength(5)
  })

  it("keeps code, param and type from the error body", async () => {
    emulator.faults.inject({
      route: "runs.retrieve",
      times: 1,
      status: 422,
      body: { error: "Bad thing", code: "bad_thing", param: "runId", type: "invalid_request_error" }
    })
    expect(await failure(Runs.retrieve("run_x"), key)).toMatchObject({
      _tag: "UnprocessableEntityError",
      error: "Bad thing",
      code: "bad_thing",
      param: "runId",
      type: "invalid_request_error"
    })
  })

  it("a connection refused ends as ApiConnectionError after the retries", async () => {
    const result = await Effect.runPromise(
      Effect.either(
        Envvars.list("p", "dev").pipe(
          Auth.withAuth({ accessToken: key, baseURL: "http://127.0.0.1:9" }),
          Effect.provide(ManagementClient.layerNode({ retry: { ...fastRetry, maxAttempts: 2 } }))
        )
      )
    )
    expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "ApiConnectionError", attempts: 2 })
  })
})

describe("every call × a refused credential", () => {
  const schedule = { task: "t", cron: "0 * * * *", deduplicationKey: "k" }
  /** The 20 calls of the route table in docs/research/trigger-wire.md (runs.list twice: by environment and by project). */
  const calls = (): ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, unknown>]> => [
    ["tasks.trigger", Tasks.trigger("t", {})],
    ["tasks.batchTrigger", Tasks.batchTrigger("t", [{ payload: 1 }])],
    ["runs.list (environment)", Runs.list()],
    ["runs.list (project)", Runs.list(projectRef)],
    ["runs.retrieve", Runs.retrieve("run_x")],
    ["runs.cancel", Runs.cancel("run_x")],
    ["runs.replay", Runs.replay("run_x")],
    ["envvars.list", Envvars.list(projectRef, "dev")],
    ["envvars.retrieve", Envvars.retrieve(projectRef, "dev", "A")],
    ["envvars.upload", Envvars.upload(projectRef, "dev", { variables: { A: "1" } })],
    ["envvars.create", Envvars.create(projectRef, "dev", { name: "A", value: "1" })],
    ["envvars.update", Envvars.update(projectRef, "dev", "A", { value: "1" })],
    ["envvars.del", Envvars.del(projectRef, "dev", "A")],
    ["schedules.list", Schedules.list()],
    ["schedules.create", Schedules.create(schedule)],
    ["schedules.retrieve", Schedules.retrieve("s")],
    ["schedules.update", Schedules.update("s", { task: "t", cron: "0 * * * *" })],
    ["schedules.activate", Schedules.activate("s")],
    ["schedules.deactivate", Schedules.deactivate("s")],
    ["schedules.del", Schedules.del("s")]
  ]

  it("an unknown credential of an accepted kind: AuthenticationError from the server (docs/emulator.md, auth rules), not retried", async () => {
    const unknownKey = "tr_dev_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
    const unknownPat = "tr_pat_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
    for (const [name, call] of calls()) {
      const before = lastSeq()
      const token = name === "runs.list (project)" ? unknownPat : unknownKey
      const error = (await failure(call, token)) as { _tag?: string; status?: number; error?: string }
      expect([name, error._tag, error.status, error.error]).toEqual([
        name,
        "AuthenticationError",
        401,
        name === "runs.list (project)" ? "Invalid PAT" : "Invalid API key"
      ])
      expect(requestsSince(before)).toHaveLength(1)
    }
  })

  it("a kind the endpoint does not accept: CapabilityError, and nothing sent", async () => {
    const before = lastSeq()
    let refused = 0
    for (const [name, call] of calls()) {
      const isEnvvars = name.startsWith("envvars.")
      if (isEnvvars) continue // both kinds accepted
      const token = name === "runs.list (project)" ? key : pat
      const error = (await failure(call, token)) as { _tag?: string; endpoint?: string }
      expect([name, error._tag, error.endpoint]).toEqual([name, "CapabilityError", name])
      refused++
    }
    expect(refused).toBe(14)
    expect(requestsSince(before)).toEqual([])
  })
})
