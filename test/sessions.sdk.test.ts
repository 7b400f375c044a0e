/**
 * The official SDK 4.8.3 calls the emulator's sessions routes, and its own response schemas (zod, in
 * `zodfetch` and `zodfetchCursorPage`) accept every answer: `sessions.start` (201, then 200 with `isCached`),
 * `sessions.retrieve` by id and by external id, `sessions.update`, `sessions.close` twice, `sessions.list`
 * (cursor pages, `for await`), and its 404 and 400 answers.
 */
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator({ seed: 33, timings: { queuedMs: 10, executingMs: 5_000 } })
  const key = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
  Sdk.configure({ secretKey: key, baseURL: emulator.url })
})
afterAll(() => emulator.stop())

const routes = () => emulator.requests().map((request) => request.route)
const statuses = () => emulator.requests().map((request) => request.status)

const input = (externalId: string) => ({
  type: "chat.agent",
  taskIdentifier: "support-agent",
  externalId,
  triggerConfig: { basePayload: { chatId: externalId }, tags: ["sdk"], externalDeploymentId: null },
  tags: ["sdk"],
  metadata: { plan: "pro" }
})

describe("the SDK's sessions against the emulator", () => {
  it("start, cached start, retrieve, update, close twice", async () => {
    const started = await Sdk.sessions.start(input("sdk-chat-1"))
    expect(started.id).toMatch(/^session_/)
    expect(started.isCached).toBe(false)
    expect(started.runId).toMatch(/^run_/)
    expect(typeof started.publicAccessToken).toBe("string")
    expect(started.createdAt).toBeInstanceOf(Date)
    expect(started.triggerConfig?.basePayload).toEqual({ chatId: "sdk-chat-1" })
    expect(statuses().at(-1)).toBe(201)
    const cached = await Sdk.sessions.start(input("sdk-chat-1"))
    expect(cached).toMatchObject({ id: started.id, isCached: true, runId: started.runId })
    expect(statuses().at(-1)).toBe(200)

    const byExternalId = await Sdk.sessions.retrieve("sdk-chat-1")
    const byId = await Sdk.sessions.retrieve(started.id)
    expect(byExternalId).toEqual(byId)
    expect(byId.currentRunId).toBe(started.runId)
    expect(byId.closedAt).toBeNull()

    const updated = await Sdk.sessions.update("sdk-chat-1", { tags: ["sdk", "vip"], metadata: null })
    expect(updated.tags).toEqual(["sdk", "vip"])
    expect(updated.metadata).toBeNull()

    const closed = await Sdk.sessions.close(started.id, { reason: "resolved" })
    expect(closed.closedAt).toBeInstanceOf(Date)
    expect(closed.closedReason).toBe("resolved")
    const again = await Sdk.sessions.close("sdk-chat-1")
    expect(again.closedReason).toBe("resolved")

    expect(routes()).toEqual(
      expect.arrayContaining(["sessions.start", "sessions.retrieve", "sessions.update", "sessions.close"])
    )
  })

  it("list: cursor pages and for await, newest first, items without triggerConfig", async () => {
    const a = await Sdk.sessions.start({ ...input("sdk-list-a"), type: "sdk-list" })
    const b = await Sdk.sessions.start({ ...input("sdk-list-b"), type: "sdk-list" })
    const page = await Sdk.sessions.list({ type: "sdk-list", limit: 1 })
    expect(page.data.map((session) => session.id)).toEqual([b.id])
    expect(page.data[0]?.triggerConfig).toBeUndefined()
    expect(page.data[0]?.createdAt).toBeInstanceOf(Date)
    expect(page.hasNextPage()).toBe(true)
    const next = await page.getNextPage()
    expect(next.data.map((session) => session.id)).toEqual([a.id])
    const all: Array<string> = []
    for await (const session of Sdk.sessions.list({ type: "sdk-list", limit: 1 })) all.push(session.id)
    expect(all).toEqual([b.id, a.id])
    expect(routes().at(-1)).toBe("sessions.list")
  })

  it("the SDK's errors: 404 for an unknown session, 400 for a status list the server reads as one value", async () => {
    await expect(Sdk.sessions.retrieve("session_nope")).rejects.toMatchObject({ status: 404 })
    await expect(Sdk.sessions.close("nope")).rejects.toMatchObject({ status: 404 })
    await expect(Sdk.sessions.list({ status: ["ACTIVE", "CLOSED"] })).rejects.toMatchObject({ status: 400 })
  })
})
