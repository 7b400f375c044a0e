/**
 * authctx's results next to the official SDK's (4.8.3), for the same emulator state: the same runs through
 * `runs.list` (`for await`, `getNextPage()`) with the SDK's filters, the same schedules through
 * `schedules.list`, and a `publicAccessToken` on trigger and batch results that verifies with the
 * environment's key in both (docs/reference/results-and-pages.md).
 */
import { createClient } from "@authctx/client/promise"
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { jwtVerify } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: `tr_dev_${string}`
let client: ReturnType<typeof createClient<{ accessToken: `tr_dev_${string}`; baseURL: string }>>
const task = "compared"
const queue = "media"

beforeAll(async () => {
  emulator = await startEmulator({ seed: 21 })
  key = (emulator.credentials.projects[0]?.environments.dev.secretKey ?? "") as `tr_dev_${string}`
  Sdk.configure({ secretKey: key, baseURL: emulator.url })
  client = createClient({ accessToken: key, baseURL: emulator.url })
  // runs from both clients, interleaved: on the task's own queue, on a named queue, with versions and tags
  for (let i = 0; i < 4; i++) {
    await client.tasks.trigger(task, { i }, i % 2 === 0 ? { queue, version: "20250101.1" } : { tags: ["t"] })
    await Sdk.tasks.trigger(task, { i }, i % 2 === 0 ? { queue, version: "20250101.2" } : { tags: ["t"] })
  }
  await client.tasks.batchTrigger(task, [{ payload: 1 }, { payload: 2, options: { queue } }])
  for (let i = 0; i < 5; i++)
    await client.schedules.create({ task, cron: "0 * * * *", deduplicationKey: `dedup-${i}` })
})
afterAll(() => emulator.stop())

const verify = (jwt: string) =>
  jwtVerify(jwt, new TextEncoder().encode(key), {
    issuer: "https://id.trigger.dev",
    audience: "https://api.trigger.dev"
  })

type Filters = Parameters<typeof Sdk.runs.list>[0] & Parameters<typeof client.runs.list>[0]

const filterCases: ReadonlyArray<readonly [string, Filters]> = [
  ["every run of the task, 3 a page", { taskIdentifier: task, limit: 3 }],
  ["a named queue", { taskIdentifier: task, queue: { type: "custom", name: queue }, limit: 2 }],
  ["the task's own queue", { taskIdentifier: task, queue: { type: "task", name: task }, limit: 2 }],
  ["two versions", { taskIdentifier: task, version: ["20250101.1", "20250101.2"], limit: 2 }],
  ["a tag", { taskIdentifier: task, tag: "t", limit: 2 }],
  [
    "statuses and a period",
    { taskIdentifier: task, status: ["QUEUED", "EXECUTING", "COMPLETED"], period: "1d" }
  ],
  ["a task with no runs", { taskIdentifier: "nothing-here" }]
]

describe("runs.list, authctx and the official SDK over the same emulator state", () => {
  it.each(filterCases)("%s: for await yields the same runs", async (_name, filters) => {
    const sdkIds: Array<string> = []
    for await (const run of Sdk.runs.list(filters)) sdkIds.push(run.id)
    const ours: Array<string> = []
    for await (const run of client.runs.list(filters)) ours.push(run.id)
    expect(ours).toEqual(sdkIds)
    expect(new Set(ours).size).toBe(ours.length)
  })

  it("the named-queue filter finds exactly the runs triggered onto that queue, from either client", async () => {
    const onQueue: Array<string> = []
    for await (const run of client.runs.list({
      taskIdentifier: task,
      queue: { type: "custom", name: queue }
    }))
      onQueue.push(run.id)
    // 2 from authctx, 2 from the SDK, 1 batch item
    expect(onQueue).toHaveLength(5)
  })

  it("pages and their cursors are the same, and getNextPage() chains the same way", async () => {
    const filters = { taskIdentifier: task, limit: 3 }
    let sdkPage = await Sdk.runs.list(filters)
    let ours = await client.runs.list(filters)
    let pages = 0
    for (;;) {
      pages++
      expect(ours.data.map((r) => r.id)).toEqual(sdkPage.data.map((r) => r.id))
      expect(ours.pagination).toEqual(sdkPage.pagination)
      expect(ours.hasNextPage()).toBe(sdkPage.hasNextPage())
      expect(ours.hasPreviousPage()).toBe(sdkPage.hasPreviousPage())
      if (!sdkPage.hasNextPage()) break
      sdkPage = await sdkPage.getNextPage()
      ours = await ours.getNextPage()
    }
    expect(pages).toBeGreaterThanOrEqual(3)
    const [sdkBack, ourBack] = await Promise.all([sdkPage.getPreviousPage(), ours.getPreviousPage()])
    expect(ourBack.data.map((r) => r.id)).toEqual(sdkBack.data.map((r) => r.id))
  })

  it("the items decode to the same values", async () => {
    const [sdkPage, ours] = await Promise.all([
      Sdk.runs.list({ taskIdentifier: task, limit: 5 }),
      client.runs.list({ taskIdentifier: task, limit: 5 })
    ])
    const pick = (run: {
      id: string
      version?: string | undefined
      tags: ReadonlyArray<string>
      createdAt: Date
    }) => ({
      id: run.id,
      version: run.version,
      tags: [...run.tags],
      createdAt: run.createdAt.toISOString()
    })
    expect(ours.data.map(pick)).toEqual(sdkPage.data.map(pick))
  })
})

describe("schedules.list, authctx and the official SDK", () => {
  it("the same schedules across offset pages, and the same pagination", async () => {
    const sdkIds: Array<string> = []
    for await (const schedule of Sdk.schedules.list({ perPage: 2 })) sdkIds.push(schedule.id)
    const ours: Array<string> = []
    for await (const schedule of client.schedules.list({ perPage: 2 })) ours.push(schedule.id)
    expect(ours).toEqual(sdkIds)
    expect(ours).toHaveLength(5)
    const [sdkSecond, ourSecond] = await Promise.all([
      Sdk.schedules.list({ perPage: 2 }).then((page) => page.getNextPage()),
      client.schedules.list({ perPage: 2 }).then((page) => page.getNextPage())
    ])
    expect(ourSecond.pagination).toEqual(sdkSecond.pagination)
    expect(ourSecond.data.map((s) => s.id)).toEqual(sdkSecond.data.map((s) => s.id))
  })
})

describe("publicAccessToken, authctx and the official SDK", () => {
  it("both read it from x-trigger-jwt: the same claims shape, verifiable with the environment's key", async () => {
    const [sdkHandle, ours] = await Promise.all([Sdk.tasks.trigger(task, {}), client.tasks.trigger(task, {})])
    const sdkClaims = (await verify(sdkHandle.publicAccessToken)).payload
    const ourClaims = (await verify(ours.publicAccessToken ?? "")).payload
    expect(sdkClaims.scopes).toEqual([`read:runs:${sdkHandle.id}`, `write:inputStreams:${sdkHandle.id}`])
    expect(ourClaims.scopes).toEqual([`read:runs:${ours.id}`, `write:inputStreams:${ours.id}`])
    expect(Object.keys(ourClaims).sort()).toEqual(Object.keys(sdkClaims).sort())
    expect(ourClaims.sub).toBe(sdkClaims.sub)

    const [sdkBatch, ourBatch] = await Promise.all([
      Sdk.tasks.batchTrigger(task, [{ payload: 1 }]),
      client.tasks.batchTrigger(task, [{ payload: 1 }])
    ])
    expect((await verify(sdkBatch.publicAccessToken)).payload.scopes).toEqual([
      `read:batch:${sdkBatch.batchId}`
    ])
    expect((await verify(ourBatch.publicAccessToken ?? "")).payload.scopes).toEqual([
      `read:batch:${ourBatch.batchId}`
    ])
  })
})
