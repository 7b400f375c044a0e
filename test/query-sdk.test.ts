/**
 * The official SDK 4.8.3 calls `query.execute`, `query.dashboards.list`, `packets.download` (through
 * `wait.retrieveToken` of a token whose output the server offloaded) and the multi-task `batch.trigger` /
 * `batch.triggerByTask` against the emulator, and its own response schemas accept the answers (authctx's
 * side: packages/client/test/Query.e2e.test.ts, Packets.e2e.test.ts and BatchTrigger.e2e.test.ts; the bodies
 * compared with authctx's: test/wire-parity.test.ts).
 */
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string
let pat: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 32 })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("the emulator has a project")
  key = project.environments.dev.secretKey
  pat = emulator.credentials.users.find((user) => user.projectRefs.includes(project.ref))?.pat ?? ""
})
afterAll(() => emulator.stop())

const routesSince = (seq: number) =>
  emulator
    .requests()
    .filter((r) => r.seq > seq)
    .map((r) => [r.route, r.status])

describe("the official SDK 4.8.3 against the emulator", () => {
  it("query.execute (json and csv) and query.dashboards.list: its schemas accept the answers", async () => {
    Sdk.configure({ accessToken: key, baseURL: emulator.url })
    await Sdk.tasks.trigger("sdk-query", { n: 1 })
    await Sdk.tasks.trigger("sdk-query", { n: 2 })
    const json = await Sdk.query.execute<{ task_identifier: string; runs: number }>(
      "SELECT task_identifier, count() AS runs FROM runs GROUP BY task_identifier",
      { period: "1h" }
    )
    expect(json).toEqual({ format: "json", results: [{ task_identifier: "sdk-query", runs: 2 }] })
    const csv = await Sdk.query.execute("SELECT task_identifier FROM runs LIMIT 1", {
      format: "csv",
      from: new Date(0),
      to: Date.now() + 60_000
    })
    expect(csv).toEqual({ format: "csv", results: "task_identifier\nsdk-query" })
    const dashboards = await Sdk.query.dashboards.list()
    expect(dashboards.dashboards.map((d) => d.key)).toEqual(["overview", "llm"])
    // a query the emulator's subset does not understand is a 400 with the server's `error` message
    await expect(Sdk.query.execute("SELECT run_id FROM spans")).rejects.toMatchObject({ status: 400 })
    Sdk.configure({ accessToken: pat, baseURL: emulator.url })
    await expect(Sdk.query.dashboards.list()).rejects.toMatchObject({ status: 401 })
  })

  it("wait.retrieveToken of an offloaded output asks packets.download, then reads the packet", async () => {
    Sdk.configure({ accessToken: key, baseURL: emulator.url })
    const token = await Sdk.wait.createToken({})
    const data = { blob: "s".repeat(600 * 1024), n: 7 }
    await Sdk.wait.completeToken(token.id, data)
    const before = emulator.requests().at(-1)?.seq ?? 0
    const retrieved = await Sdk.wait.retrieveToken<typeof data>(token.id)
    expect(retrieved.status).toBe("COMPLETED")
    expect(retrieved.output).toEqual(data)
    expect(routesSince(before)).toEqual([
      ["waitTokens.retrieve", 200],
      ["packets.download", 200],
      ["object store", 200]
    ])
  })

  it("batch.trigger and batch.triggerByTask: each item's run is of its own task", async () => {
    Sdk.configure({ accessToken: key, baseURL: emulator.url })
    const byId = await Sdk.batch.trigger([
      { id: "sdk-b", payload: 1 },
      { id: "sdk-a", payload: 2 }
    ])
    expect(byId.runCount).toBe(2)
    const other = Sdk.task({ id: "sdk-c", run: async (_payload: { n: number }) => undefined })
    const byTask = await Sdk.batch.triggerByTask([{ task: other, payload: { n: 1 } }])
    for (const [batchId, tasks] of [
      [byId.batchId, ["sdk-b", "sdk-a"]],
      [byTask.batchId, ["sdk-c"]]
    ] as const) {
      const batch = await Sdk.batch.retrieve(batchId)
      const runs = await Promise.all(batch.runs.map((id) => Sdk.runs.retrieve(id)))
      expect(runs.map((run) => run.taskIdentifier)).toEqual(tasks)
    }
  })
})
