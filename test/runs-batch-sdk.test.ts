/**
 * The official SDK 4.8.3 against the emulator for runs.reschedule, runs.poll, batch.retrieve, and (through
 * the SDK's own `ApiClient`, since its public `tags.add` and `metadata.*` work only inside a task) addTags,
 * getRunMetadata and updateRunMetadata: the SDK's response schemas accept each answer, and it reaches the
 * route authctx's catalog names for it.
 */
import { createRequire } from "node:module"
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

interface SdkApiClient {
  addTags(runId: string, body: { tags: string | Array<string> }): Promise<{ message: string }>
  getRunMetadata(runId: string): Promise<{ metadata: Record<string, unknown> }>
  updateRunMetadata(
    runId: string,
    body: { metadata?: Record<string, unknown>; operations?: Array<unknown> }
  ): Promise<{ metadata: Record<string, unknown> }>
}

// the ApiClient of the core the SDK itself loads (a dependency of the SDK, not of this package)
const fromSdk = createRequire(createRequire(import.meta.url).resolve("@trigger.dev/sdk"))
const { ApiClient } = fromSdk("@trigger.dev/core/v3") as {
  ApiClient: new (baseUrl: string, accessToken: string) => SdkApiClient
}

let emulator: Emulator
let secretKey: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 21, timings: { queuedMs: 100, executingMs: 900 } })
  secretKey = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
  Sdk.configure({ baseURL: emulator.url, accessToken: secretKey })
})
afterAll(() => emulator.stop())

const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0
const routesSince = (seq: number) =>
  emulator
    .requests()
    .filter((r) => r.seq > seq)
    .map((r) => `${r.route} ${r.status}`)

describe("the official SDK against the emulator", () => {
  it("runs.reschedule: RetrieveRunResponse accepts the answer", async () => {
    const handle = await Sdk.tasks.trigger("hello", { n: 1 }, { delay: "1h" })
    const seq = lastSeq()
    const run = await Sdk.runs.reschedule(handle.id, { delay: "3h" })
    expect(run.id).toBe(handle.id)
    expect(run.status).toBe("DELAYED")
    expect(run.delayedUntil).toBeInstanceOf(Date)
    expect(routesSince(seq)).toEqual(["runs.reschedule 200"])
  })

  it("runs.poll: retrieves until the run has completed", async () => {
    const handle = await Sdk.tasks.trigger("hello", { n: 1 })
    const seq = lastSeq()
    // the run takes 1 s (timings above): long enough that a loaded machine still polls it more than once
    const run = await Sdk.runs.poll(handle.id, { pollIntervalMs: 20 })
    expect(run.isCompleted).toBe(true)
    const routes = routesSince(seq)
    expect(routes.length).toBeGreaterThanOrEqual(2)
    expect(new Set(routes)).toEqual(new Set(["runs.retrieve 200"]))
  })

  it("batch.retrieve: RetrieveBatchV2Response accepts the answer", async () => {
    const handle = await Sdk.tasks.batchTrigger("hello", [{ payload: 1 }, { payload: 2 }])
    const seq = lastSeq()
    const batch = await Sdk.batch.retrieve(handle.batchId)
    expect(batch.id).toBe(handle.batchId)
    expect(batch.runCount).toBe(2)
    expect(batch.runs).toHaveLength(2)
    expect(batch.createdAt).toBeInstanceOf(Date)
    expect(routesSince(seq)).toEqual(["batch.retrieve 200"])
  })

  it("addTags, getRunMetadata, updateRunMetadata (the SDK's ApiClient, by run id)", async () => {
    const client = new ApiClient(emulator.url, secretKey)
    const handle = await Sdk.tasks.trigger("hello", { n: 1 })
    const seq = lastSeq()
    expect(await client.addTags(handle.id, { tags: ["sdk", "parity"] })).toEqual({
      message: "Successfully set 2 new tags."
    })
    expect(await client.getRunMetadata(handle.id)).toEqual({ metadata: {} })
    expect(
      await client.updateRunMetadata(handle.id, {
        metadata: { n: 1 },
        operations: [{ type: "increment", key: "n", value: 1 }]
      })
    ).toEqual({ metadata: { n: 2 } })
    expect(routesSince(seq)).toEqual([
      "runs.addTags 200",
      "runs.retrieveMetadata 200",
      "runs.updateMetadata 200"
    ])
  })
})
