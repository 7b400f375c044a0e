/**
 * What a client can rely on, over real HTTP: bodies decode with the catalog's schemas, runs move through
 * statuses, cancel and replay, runs.list filters and cursor paging, the two-phase batch, env vars with
 * secret redaction, schedules, and the robustness answers (400/404/405/413, JSON everywhere).
 */
import { Schemas } from "@authctx/api"
import {
  type Emulator,
  EmulatorService,
  EmulatorStartError,
  layer as emulatorLayer,
  startEmulator
} from "@authctx/emulator"
import { layer } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  call,
  decodeSuccess,
  entries,
  field,
  fresh,
  keyOf,
  prepare,
  type Reply,
  roles,
  type Send,
  start,
  successStatus
} from "./support.js"

let emulator: Emulator
let dev: string
let prod: string
let pat: string
let p1: ReturnType<typeof roles>["p1"]

beforeAll(async () => {
  emulator = await start({ timings: { queuedMs: 300, executingMs: 300 } })
  const r = roles(emulator)
  p1 = r.p1
  dev = r.p1.environments.dev.secretKey
  prod = r.p1.environments.prod.secretKey
  pat = r.admin.pat
})
afterAll(() => emulator.stop())

const as = (token: string) => (send: Omit<Send, "token">) => call(emulator.url, { ...send, token })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const decodeRun = Schema.decodeUnknownSync(Schemas.RetrieveRunResponse)
const decodeList = Schema.decodeUnknownSync(Schemas.ListRunResponse)
const decodeSchedule = Schema.decodeUnknownSync(Schemas.ScheduleObject)
const decodeSchedules = Schema.decodeUnknownSync(Schemas.ListSchedulesResult)
const decodeVariables = Schema.decodeUnknownSync(Schemas.ListEnvironmentVariablesResponse)

const trigger = async (
  token: string,
  task: string,
  options: Record<string, unknown> = {},
  payload: unknown = {}
) =>
  field(
    await as(token)({
      method: "POST",
      path: `/api/v1/tasks/${encodeURIComponent(task)}/trigger`,
      body: { payload, options }
    }),
    "id"
  )

const retrieve = async (token: string, runId: string) =>
  decodeRun((await as(token)({ path: `/api/v3/runs/${runId}` })).json)

const waitForStatus = async (token: string, runId: string, status: string) => {
  const deadline = Date.now() + 5_000
  for (;;) {
    const run = await retrieve(token, runId)
    if (run.status === status) return run
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${run.status}, never ${status}`)
    await sleep(10)
  }
}

const expectError = (reply: Reply, status: number, error: string | RegExp) => {
  expect(reply.status, reply.text).toBe(status)
  expect(reply.headers.get("content-type")).toBe("application/json")
  const body = reply.json as { error?: unknown }
  if (typeof error === "string") expect(body).toEqual({ error })
  else expect(String(body.error)).toMatch(error)
}

describe("every route", () => {
  for (const entry of entries) {
    it(`${keyOf(entry)} answers its success status (200; 202 for bulkActions.create) with a body its success schema decodes`, async () => {
      const request = await prepare(emulator.url, entry, {
        projectRef: p1.ref,
        env: "dev",
        owner: { token: dev }
      })
      const token = entry.capability.accepts.includes("SecretKey") ? dev : pat
      const reply = await call(emulator.url, { ...request, token })
      expect(reply.status, reply.text).toBe(successStatus(entry))
      expect(reply.headers.get("content-type")).toBe("application/json")
      expect(() => decodeSuccess(entry, reply.json)).not.toThrow()
    })
  }
})

describe("runs", () => {
  it("move QUEUED → EXECUTING → COMPLETED with an output", async () => {
    const id = await trigger(dev, "hello", {}, { name: "Ada" })
    expect(id).toMatch(/^run_[a-z0-9]{24}$/)
    const queued = await retrieve(dev, id)
    expect(queued).toMatchObject({ status: "QUEUED", isQueued: true, isCompleted: false, attemptCount: 0 })
    expect(queued.payload).toEqual({ name: "Ada" })
    const executing = await waitForStatus(dev, id, "EXECUTING")
    expect(executing).toMatchObject({ isExecuting: true, attemptCount: 1 })
    expect(executing.startedAt).toBeInstanceOf(Date)
    const completed = await waitForStatus(dev, id, "COMPLETED")
    expect(completed).toMatchObject({ isCompleted: true, isSuccess: true, isFailed: false })
    expect(completed.output).toBeDefined()
    expect(completed.finishedAt?.getTime()).toBeGreaterThanOrEqual(completed.startedAt?.getTime() ?? 0)
  })

  it("of a task whose id starts with fail end FAILED with an error", async () => {
    const id = await trigger(dev, "fail-always")
    const failed = await waitForStatus(dev, id, "FAILED")
    expect(failed).toMatchObject({ isFailed: true, isSuccess: false, isCompleted: true })
    expect(failed.error?.message).toContain("fail-always")
  })

  it("with options.delay are DELAYED until then, then queue", async () => {
    const id = await trigger(dev, "hello", { delay: "600ms" })
    const delayed = await retrieve(dev, id)
    expect(delayed.status).toBe("DELAYED")
    expect(delayed.delayedUntil).toBeInstanceOf(Date)
    await waitForStatus(dev, id, "QUEUED")
  })

  it("refuse an invalid delay with 400", async () => {
    const reply = await as(dev)({
      method: "POST",
      path: "/api/v1/tasks/hello/trigger",
      body: { options: { delay: "soon" } }
    })
    expectError(reply, 400, /Invalid delay/)
  })

  it("can be canceled before they finish; a finished run stays as it is", async () => {
    const id = await trigger(dev, "hello")
    const canceled = await as(dev)({ method: "POST", path: `/api/v2/runs/${id}/cancel` })
    expect(canceled.json).toEqual({ id })
    expect(await retrieve(dev, id)).toMatchObject({
      status: "CANCELED",
      isCancelled: true,
      isCompleted: true
    })

    const done = await trigger(dev, "hello")
    await waitForStatus(dev, done, "COMPLETED")
    const again = await as(dev)({ method: "POST", path: `/api/v2/runs/${done}/cancel` })
    expect(again.json).toEqual({ id: done })
    expect((await retrieve(dev, done)).status).toBe("COMPLETED")
  })

  it("replay into a new run with the same task and payload", async () => {
    const id = await trigger(dev, "replayable", { tags: ["t1"] }, { n: 42 })
    const replayed = field(await as(dev)({ method: "POST", path: `/api/v1/runs/${id}/replay` }), "id")
    expect(replayed).not.toBe(id)
    const run = await retrieve(dev, replayed)
    expect(run).toMatchObject({ taskIdentifier: "replayable", payload: { n: 42 }, tags: ["t1"] })
  })

  it("answer trigger with x-trigger-jwt, and an idempotencyKey returns the existing run with isCached", async () => {
    const idempotencyKey = fresh("key")
    const first = await as(dev)({
      method: "POST",
      path: "/api/v1/tasks/hello/trigger",
      body: { options: { idempotencyKey } }
    })
    expect(first.headers.get("x-trigger-jwt")).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    const second = await as(dev)({
      method: "POST",
      path: "/api/v1/tasks/hello/trigger",
      body: { options: { idempotencyKey } }
    })
    expect(second.json).toEqual({ id: field(first, "id"), isCached: true })
    const otherEnv = await as(prod)({
      method: "POST",
      path: "/api/v1/tasks/hello/trigger",
      body: { options: { idempotencyKey } }
    })
    expect(field(otherEnv, "id")).not.toBe(field(first, "id"))
  })
})

describe("runs.list", () => {
  let staging: string
  let ids: Array<string>
  const task = fresh("listed")
  beforeAll(async () => {
    staging = p1.environments.staging.secretKey
    ids = []
    for (let i = 0; i < 7; i++)
      ids.push(await trigger(staging, task, { tags: [i % 2 === 0 ? "even" : "odd"] }))
    await trigger(staging, "other-task")
  })
  const list = async (query: string, token = staging) => {
    const reply = await as(token)({ path: `/api/v1/runs?${query}` })
    expect(reply.status, reply.text).toBe(200)
    return decodeList(reply.json)
  }
  const t = encodeURIComponent

  it("lists newest first and filters by taskIdentifier and tag", async () => {
    const all = await list(`filter[taskIdentifier]=${t(task)}`)
    expect(all.data.map((r) => r.id)).toEqual([...ids].reverse())
    expect(all.pagination).toEqual({})
    const even = await list(`filter[taskIdentifier]=${t(task)}&filter[tag]=even`)
    expect(even.data.map((r) => r.id)).toEqual([ids[6], ids[4], ids[2], ids[0]])
    const both = await list(`filter%5BtaskIdentifier%5D=${t(`${task},other-task`)}`)
    expect(both.data).toHaveLength(8)
  })

  it("filters by status (comma list) and refuses an unknown status", async () => {
    await as(staging)({ method: "POST", path: `/api/v2/runs/${ids[3]}/cancel` })
    const canceled = await list(`filter[taskIdentifier]=${t(task)}&filter[status]=CANCELED`)
    expect(canceled.data.map((r) => r.id)).toEqual([ids[3]])
    const some = await list(
      `filter[taskIdentifier]=${t(task)}&filter[status]=${t("CANCELED,QUEUED,EXECUTING,COMPLETED")}`
    )
    expect(some.data).toHaveLength(7)
    expectError(await as(staging)({ path: "/api/v1/runs?filter[status]=NOPE" }), 400, /filter\[status\]/)
  })

  it("pages by cursor forwards and back", async () => {
    const base = `filter[taskIdentifier]=${t(task)}&page[size]=3`
    const page1 = await list(base)
    expect(page1.data.map((r) => r.id)).toEqual([ids[6], ids[5], ids[4]])
    expect(page1.pagination.previous).toBeUndefined()
    expect(page1.pagination.next).toBe(ids[4])
    const page2 = await list(`${base}&page[after]=${page1.pagination.next}`)
    expect(page2.data.map((r) => r.id)).toEqual([ids[3], ids[2], ids[1]])
    expect(page2.pagination).toEqual({ next: ids[1], previous: ids[3] })
    const page3 = await list(`${base}&page[after]=${page2.pagination.next}`)
    expect(page3.data.map((r) => r.id)).toEqual([ids[0]])
    expect(page3.pagination).toEqual({ previous: ids[0] })
    const back2 = await list(`${base}&page[before]=${page3.pagination.previous}`)
    expect(back2.data.map((r) => r.id)).toEqual(page2.data.map((r) => r.id))
    const back1 = await list(`${base}&page[before]=${back2.pagination.previous}`)
    expect(back1.data.map((r) => r.id)).toEqual(page1.data.map((r) => r.id))
    expect(back1.pagination).toEqual({ next: ids[4] })
  })

  it("caps page[size] at 100, defaults to 25, and refuses a bad size or cursor", async () => {
    for (let i = 0; i < 26; i++) await trigger(staging, "filler")
    expect((await list("")).data).toHaveLength(25)
    expect((await list("page[size]=500")).data.length).toBeLessThanOrEqual(100)
    expectError(await as(staging)({ path: "/api/v1/runs?page[size]=0" }), 400, /page\[size\]/)
    expectError(await as(staging)({ path: "/api/v1/runs?page[after]=run_nope" }), 400, /cursor/)
  })

  it("only shows the key's environment", async () => {
    // None of staging's runs of the task, and nothing but dev runs: the project-route test below triggers a
    // dev run of the same task, and the tests may run in any order (`--sequence.shuffle`).
    const fromDev = await list(`filter[taskIdentifier]=${t(task)}`, dev)
    expect(fromDev.data.filter((r) => ids.includes(r.id))).toEqual([])
    expect(fromDev.data.filter((r) => r.env.name !== "dev")).toEqual([])
  })

  it("on the project route, lists the project's environments, filtered by filter[env]", async () => {
    const devRun = await trigger(dev, task)
    const path = `/api/v1/projects/${p1.ref}/runs?filter[taskIdentifier]=${t(task)}&page[size]=100`
    const all = decodeList((await as(pat)({ path })).json)
    expect(all.data.map((r) => r.id)).toContain(devRun)
    expect(all.data).toHaveLength(8)
    expect(new Set(all.data.map((r) => r.env.name))).toEqual(new Set(["dev", "staging"]))
    const onlyDev = decodeList((await as(pat)({ path: `${path}&filter[env]=dev` })).json)
    expect(onlyDev.data.map((r) => r.id)).toEqual([devRun])
    const stagingAndProd = decodeList(
      (await as(pat)({ path: `${path}&filter[env]=${t("staging,prod")}` })).json
    )
    expect(stagingAndProd.data).toHaveLength(7)
    expectError(await as(pat)({ path: `${path}&filter[env]=qa` }), 400, /filter\[env\]/)
  })
})

describe("batch trigger, two phases", () => {
  const ndjson = (items: ReadonlyArray<Record<string, unknown>>) =>
    items.map((i) => `${JSON.stringify(i)}\n`).join("")
  const stream = (batchId: string, body: string) =>
    as(dev)({
      method: "POST",
      path: `/api/v3/batches/${batchId}/items`,
      raw: body,
      contentType: "application/x-ndjson"
    })

  it("creates runs per new index, dedupes by index and seals when every index arrived", async () => {
    const created = await as(dev)({ method: "POST", path: "/api/v3/batches", body: { runCount: 3 } })
    expect(created.json).toMatchObject({ runCount: 3, isCached: false })
    expect(created.headers.get("x-trigger-jwt")).toBeTruthy()
    const batchId = field(created, "id")
    expect(batchId).toMatch(/^batch_/)

    const partial = await stream(
      batchId,
      ndjson([
        { index: 0, task: "b" },
        { index: 1, task: "b" },
        { index: 1, task: "b" }
      ])
    )
    expect(partial.json).toEqual({
      id: batchId,
      itemsAccepted: 2,
      itemsDeduplicated: 1,
      sealed: false,
      enqueuedCount: 2,
      expectedCount: 3
    })
    const full = await stream(
      batchId,
      ndjson([0, 1, 2].map((index) => ({ index, task: "b", payload: { index } })))
    )
    expect(full.json).toEqual({ id: batchId, itemsAccepted: 1, itemsDeduplicated: 2, sealed: true })
    // as the server: a sealed batch refuses more items
    const late = await stream(batchId, ndjson([{ index: 0, task: "b" }]))
    expect(late.status).toBe(422)
    expect(late.json).toEqual({ error: `Batch ${batchId} is already sealed and cannot accept more items` })
    const runs = decodeList((await as(dev)({ path: `/api/v1/runs?filter[batch]=${batchId}` })).json)
    expect(runs.data).toHaveLength(3)
    const run = await retrieve(dev, runs.data[0]?.id ?? "")
    expect(run).toMatchObject({ batchId, triggerFunction: "batchTrigger" })
  })

  it("answers isCached for the same idempotencyKey in the same environment", async () => {
    const idempotencyKey = fresh("batch")
    const first = await as(dev)({
      method: "POST",
      path: "/api/v3/batches",
      body: { runCount: 2, idempotencyKey }
    })
    const second = await as(dev)({
      method: "POST",
      path: "/api/v3/batches",
      body: { runCount: 2, idempotencyKey }
    })
    expect(second.json).toEqual({ id: field(first, "id"), runCount: 2, isCached: true, idempotencyKey })
    const elsewhere = await as(prod)({
      method: "POST",
      path: "/api/v3/batches",
      body: { runCount: 2, idempotencyKey }
    })
    expect(elsewhere.json).toMatchObject({ isCached: false })
  })

  it("refuses a bad line or an index out of range with 400 naming the line, and creates nothing", async () => {
    const batchId = field(
      await as(dev)({ method: "POST", path: "/api/v3/batches", body: { runCount: 2 } }),
      "id"
    )
    expectError(
      await stream(batchId, `${JSON.stringify({ index: 0, task: "b" })}\n{not json\n`),
      400,
      /^Line 2: /
    )
    expectError(await stream(batchId, `${JSON.stringify({ index: 0 })}\n`), 400, /^Line 1: .*task/)
    expectError(
      await stream(batchId, `${JSON.stringify({ index: 2, task: "b" })}\n`),
      400,
      /^Line 1: index 2 is out of range/
    )
    const runs = decodeList((await as(dev)({ path: `/api/v1/runs?filter[batch]=${batchId}` })).json)
    expect(runs.data).toHaveLength(0)
  })

  it("answers 404 for a batch of another environment", async () => {
    const batchId = field(
      await as(dev)({ method: "POST", path: "/api/v3/batches", body: { runCount: 1 } }),
      "id"
    )
    const reply = await as(prod)({
      method: "POST",
      path: `/api/v3/batches/${batchId}/items`,
      raw: `${JSON.stringify({ index: 0, task: "b" })}\n`
    })
    expectError(reply, 404, "Batch not found")
  })
})

describe("env vars", () => {
  const base = () => `/api/v1/projects/${p1.ref}/envvars/dev`

  it("redacts secret values on list and retrieve", async () => {
    const name = fresh("SECRET").toUpperCase()
    expect(
      (await as(dev)({ method: "POST", path: base(), body: { name, value: "hunter2", isSecret: true } })).json
    ).toEqual({ success: true })
    const listed = decodeVariables((await as(dev)({ path: base() })).json)
    expect(listed.find((v) => v.name === name)).toEqual({ name, value: "<redacted>", isSecret: true })
    const retrieved = await as(pat)({ path: `${base()}/${name}` })
    expect(retrieved.json).toEqual({ name, value: "<redacted>", isSecret: true })
    expect(retrieved.text).not.toContain("hunter2")
  })

  it("creates, refuses a duplicate with 409, updates, deletes, then 404", async () => {
    const name = fresh("PLAIN").toUpperCase()
    await as(dev)({ method: "POST", path: base(), body: { name, value: "a" } })
    expectError(
      await as(dev)({ method: "POST", path: base(), body: { name, value: "b" } }),
      409,
      "Environment variable already exists"
    )
    await as(dev)({ method: "PUT", path: `${base()}/${name}`, body: { value: "c" } })
    expect((await as(dev)({ path: `${base()}/${name}` })).json).toEqual({ name, value: "c", isSecret: false })
    expect((await as(dev)({ method: "DELETE", path: `${base()}/${name}` })).json).toEqual({ success: true })
    expectError(await as(dev)({ path: `${base()}/${name}` }), 404, "Environment variable not found")
    expectError(
      await as(dev)({ method: "PUT", path: `${base()}/${name}`, body: { value: "x" } }),
      404,
      "Environment variable not found"
    )
    expectError(
      await as(dev)({ method: "DELETE", path: `${base()}/${name}` }),
      404,
      "Environment variable not found"
    )
  })

  it("imports: keeps existing values without override, overwrites with it", async () => {
    const name = fresh("IMPORTED").toUpperCase()
    const other = fresh("IMPORTED").toUpperCase()
    await as(dev)({ method: "POST", path: base(), body: { name, value: "old" } })
    await as(dev)({
      method: "POST",
      path: `${base()}/import`,
      body: { variables: { [name]: "new", [other]: "1" } }
    })
    expect((await as(dev)({ path: `${base()}/${name}` })).json).toMatchObject({ value: "old" })
    expect((await as(dev)({ path: `${base()}/${other}` })).json).toMatchObject({ value: "1" })
    await as(dev)({
      method: "POST",
      path: `${base()}/import`,
      body: { variables: { [name]: "new" }, override: true }
    })
    expect((await as(dev)({ path: `${base()}/${name}` })).json).toMatchObject({ value: "new" })
  })

  it("keeps branch env vars apart and sets parentVariables on the parent preview env", async () => {
    const previewKey = p1.environments.preview.secretKey
    const branch = p1.previewBranches[1] ?? ""
    const path = `/api/v1/projects/${p1.ref}/envvars/preview`
    const name = fresh("BRANCHED").toUpperCase()
    const parentName = fresh("PARENT").toUpperCase()
    const imported = await call(emulator.url, {
      method: "POST",
      path: `${path}/import`,
      token: previewKey,
      branch,
      body: { variables: { [name]: "b" }, parentVariables: { [parentName]: "p" } }
    })
    expect(imported.status, imported.text).toBe(200)
    const onBranch = await call(emulator.url, { path: `${path}/${name}`, token: pat, branch })
    expect(onBranch.json).toMatchObject({ value: "b" })
    const onParent = await call(emulator.url, { path: `${path}/${parentName}`, token: pat })
    expect(onParent.json).toMatchObject({ value: "p" })
    expectError(
      await call(emulator.url, { path: `${path}/${name}`, token: pat }),
      404,
      "Environment variable not found"
    )
  })
})

describe("schedules", () => {
  const s = (token = prod) => as(token)
  const create = (body: Record<string, unknown>) => s()({ method: "POST", path: "/api/v1/schedules", body })

  it("validates cron and timezone with 400 and the reason", async () => {
    expectError(
      await create({ task: "t", cron: "61 * * * *", deduplicationKey: fresh("d") }),
      400,
      /Invalid cron expression .*minute/
    )
    expectError(await create({ task: "t", cron: "* * *", deduplicationKey: fresh("d") }), 400, /5 fields/)
    expectError(
      await create({ task: "t", cron: "0 * * * *", timezone: "Mars/Olympus", deduplicationKey: fresh("d") }),
      400,
      /Invalid timezone/
    )
  })

  it("creates with a nextRun, and the same deduplicationKey updates the same schedule", async () => {
    const deduplicationKey = fresh("dedup")
    const first = decodeSchedule((await create({ task: "t", cron: "0 3 * * *", deduplicationKey })).json)
    expect(first).toMatchObject({ type: "IMPERATIVE", active: true, timezone: "UTC", deduplicationKey })
    expect(first.id).toMatch(/^sched_/)
    expect(first.nextRun).toBeInstanceOf(Date)
    expect(first.nextRun?.getUTCHours()).toBe(3)
    expect(first.environments).toEqual([{ id: expect.any(String), type: "PRODUCTION", userName: null }])
    const second = decodeSchedule(
      (await create({ task: "t2", cron: "15 4 * * *", timezone: "Europe/Paris", deduplicationKey })).json
    )
    expect(second).toMatchObject({ id: first.id, task: "t2", timezone: "Europe/Paris" })
    expect(second.generator.expression).toBe("15 4 * * *")
  })

  it("activates, deactivates, updates, deletes, then 404", async () => {
    const id = field(await create({ task: "t", cron: "*/5 * * * *", deduplicationKey: fresh("d") }), "id")
    const off = decodeSchedule(
      (await s()({ method: "POST", path: `/api/v1/schedules/${id}/deactivate` })).json
    )
    expect(off.active).toBe(false)
    expect(off.nextRun).toBeNull()
    const on = decodeSchedule((await s()({ method: "POST", path: `/api/v1/schedules/${id}/activate` })).json)
    expect(on.active).toBe(true)
    expect(on.nextRun).toBeInstanceOf(Date)
    const updated = decodeSchedule(
      (await s()({ method: "PUT", path: `/api/v1/schedules/${id}`, body: { task: "u", cron: "0 0 1 * *" } }))
        .json
    )
    expect(updated).toMatchObject({ id, task: "u", generator: { expression: "0 0 1 * *" } })
    expectError(
      await s()({ method: "PUT", path: `/api/v1/schedules/${id}`, body: { task: "u", cron: "bad" } }),
      400,
      /Invalid cron/
    )
    expect((await s()({ method: "DELETE", path: `/api/v1/schedules/${id}` })).json).toEqual({ id })
    expectError(await s()({ path: `/api/v1/schedules/${id}` }), 404, "Schedule not found")
    expectError(await s(dev)({ path: `/api/v1/schedules/${id}` }), 404, "Schedule not found")
  })

  it("lists by offset pages", async () => {
    const token = p1.environments.staging.scopedKey
    for (let i = 0; i < 12; i++)
      await s(token)({
        method: "POST",
        path: "/api/v1/schedules",
        body: { task: `t${i}`, cron: "0 * * * *", deduplicationKey: `k${i}` }
      })
    const first = decodeSchedules((await s(token)({ path: "/api/v1/schedules" })).json)
    expect(first.data).toHaveLength(10)
    expect(first.pagination).toEqual({ currentPage: 1, totalPages: 2, count: 12 })
    const page = decodeSchedules((await s(token)({ path: "/api/v1/schedules?page=3&perPage=5" })).json)
    expect(page.data.map((x) => x.task)).toEqual(["t1", "t0"])
    expect(page.pagination).toEqual({ currentPage: 3, totalPages: 3, count: 12 })
    expectError(await s(token)({ path: "/api/v1/schedules?page=0" }), 400, /Invalid query/)
  })
})

describe("robustness", () => {
  it("answers bad JSON, a body that fails its schema, an unknown path and a wrong method as JSON errors", async () => {
    expectError(
      await as(dev)({ method: "POST", path: "/api/v1/tasks/x/trigger", raw: "{nope" }),
      400,
      "Invalid JSON body"
    )
    expectError(
      await as(dev)({ method: "POST", path: "/api/v3/batches", body: { runCount: "three" } }),
      400,
      /^Invalid request body: runCount/
    )
    expectError(await as(dev)({ path: "/api/v9/unknown" }), 404, "Not found")
    expectError(await as(dev)({ method: "DELETE", path: "/api/v1/runs" }), 405, "Method not allowed")
    expectError(await as(pat)({ path: `/api/v1/projects/${p1.ref}/envvars/qa` }), 400, /^Invalid path/)
  })

  it("answers 400, not 500, for a body nested 100,000 levels deep, at the root, in a field or in a batch item", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`
    for (const raw of [deep, `{"payload":${deep}}`]) {
      expectError(
        await as(dev)({ method: "POST", path: "/api/v1/tasks/x/trigger", raw }),
        400,
        "Invalid request body: nested too deeply"
      )
    }
    const created = await as(dev)({ method: "POST", path: "/api/v3/batches", body: { runCount: 1 } })
    const items = await as(dev)({
      method: "POST",
      path: `/api/v3/batches/${field(created, "id")}/items`,
      raw: `{"index":0,"task":"x","payload":${deep}}\n`,
      contentType: "application/x-ndjson"
    })
    expect(items.status).toBe(400)
    // kept where the server keeps any JSON (metadata), then answered without overflowing
    const kept = await as(dev)({
      method: "POST",
      path: "/api/v1/tasks/x/trigger",
      raw: `{"payload":"x","options":{"metadata":${deep}}}`
    })
    expect([200, 400]).toContain(kept.status)
    if (kept.status === 200) {
      const read = await as(dev)({ path: `/api/v3/runs/${field(kept, "id")}` })
      expect(read.status).toBeLessThan(500)
    }
  })

  it("answers 413 for a body over 5 MB, with and without content-length", async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1).fill(32)
    expectError(
      await as(dev)({ method: "POST", path: "/api/v1/tasks/x/trigger", raw: big }),
      413,
      /too large/
    )
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 6; i++) controller.enqueue(new Uint8Array(1024 * 1024).fill(32))
        controller.close()
      }
    })
    const res = await fetch(`${emulator.url}/api/v1/tasks/x/trigger`, {
      method: "POST",
      headers: { authorization: `Bearer ${dev}`, "content-type": "application/json" },
      body: chunks,
      duplex: "half"
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/too large/) })
  })

  it("accepts an empty body where every field is optional (bodyless POSTs)", async () => {
    const id = await trigger(dev, "hello")
    const replay = await as(dev)({ method: "POST", path: `/api/v1/runs/${id}/replay` })
    expect(replay.status).toBe(200)
  })

  it("decodes percent-encoded path segments", async () => {
    const id = await trigger(dev, "my task/with slash")
    expect((await retrieve(dev, id)).taskIdentifier).toBe("my task/with slash")
  })
})

describe("the emulator", () => {
  it("gives the same credentials for the same seed and other ones for another seed", async () => {
    const again = await startEmulator({ seed: 1 })
    const other = await startEmulator({ seed: 2 })
    try {
      expect(again.credentials).toEqual(emulator.credentials)
      expect(other.credentials.projects[0]?.ref).not.toBe(emulator.credentials.projects[0]?.ref)
      const project = emulator.credentials.projects[0]
      expect(project?.ref).toMatch(/^proj_[a-z0-9]{20}$/)
      expect(project?.environments.dev.secretKey).toMatch(/^tr_dev_[A-Za-z0-9]{24}$/)
      expect(project?.environments.staging.secretKey).toMatch(/^tr_stg_[A-Za-z0-9]{24}$/)
      expect(project?.environments.prod.legacySecretKey).toMatch(/^tr_prod_[A-Za-z0-9]{20}$/)
      expect(project?.environments.preview.legacySecretKey).toMatch(/^tr_preview_[A-Za-z0-9]{20}$/)
      expect(project?.environments.preview.scopedKey).toMatch(/^tr_preview_sk_[A-Za-z0-9]{24}$/)
      expect(emulator.credentials.users[0]?.pat).toMatch(/^tr_pat_[A-Za-z0-9]{40}$/)
      expect(emulator.credentials.users.map((u) => u.projectRefs.length)).toEqual([2, 1])
    } finally {
      await again.stop()
      await other.stop()
    }
  })

  it("rejects with EmulatorStartError when the port is taken", async () => {
    const port = Number(new URL(emulator.url).port)
    await expect(startEmulator({ port })).rejects.toBeInstanceOf(EmulatorStartError)
  })

  it("stop closes keep-alive sockets", async () => {
    const short = await startEmulator()
    await call(short.url, { path: "/api/v1/runs" })
    await short.stop()
    await expect(fetch(`${short.url}/api/v1/runs`)).rejects.toThrow()
  })
})

layer(emulatorLayer({ seed: 1 }))("layer", (it) => {
  it.effect("provides a running emulator as EmulatorService", () =>
    Effect.gen(function* () {
      const running = yield* EmulatorService
      const reply = yield* Effect.promise(() => call(running.url, { path: "/api/v1/runs" }))
      expect(reply.status).toBe(401)
      expect(running.credentials).toEqual(emulator.credentials)
    })
  )
})
