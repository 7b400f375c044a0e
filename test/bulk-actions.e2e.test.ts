/**
 * Bulk actions (`runs.bulk.*`) end to end over loopback against the emulator: authctx's Promise API and
 * Effect functions with a SecretKey (each call works, and create really cancels / replays the environment's
 * runs), a PAT refused before sending (nothing in the request log) and refused by the emulator (401) when
 * sent raw, and the official SDK 4.8.3 calling every route with its own response schemas accepting the
 * answers.
 */
import { BulkActions, ManagementClient } from "@authctx/client"
import * as Authctx from "@authctx/client/promise"
import { Auth, CapabilityError } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { Chunk, Effect, Exit, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let secretKey: string
let otherEnvKey: string
let pat: string

beforeAll(async () => {
  // runs stay QUEUED for a minute (cancellable); a bulk action is PENDING for 300 ms
  emulator = await startEmulator({ port: 0, seed: 12, timings: { queuedMs: 60_000, executingMs: 300 } })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("no demo project")
  secretKey = project.environments.dev.secretKey
  otherEnvKey = project.environments.prod.secretKey
  pat = emulator.credentials.users[0]?.pat ?? ""
})
afterAll(() => emulator.stop())

const trigger = async (key: string, task: string, tags: ReadonlyArray<string>) => {
  const client = Authctx.createClient({ secretKey: key, baseURL: emulator.url }).requireSecretKey()
  return (await client.tasks.trigger(task, { n: 1 }, { tags: [...tags] })).id
}

describe("runs.bulk with a SecretKey (Promise API)", () => {
  it("cancel by filter cancels exactly the matching runs of the key's environment, answers 202", async () => {
    const tag = "bulk-cancel"
    const mine = [await trigger(secretKey, "cancel-me", [tag]), await trigger(secretKey, "cancel-me", [tag])]
    const untouched = await trigger(secretKey, "cancel-me", ["other"])
    const otherEnv = await trigger(otherEnvKey, "cancel-me", [tag])
    const client = Authctx.createClient({ secretKey, baseURL: emulator.url }).requireSecretKey()
    emulator.clearRequests()
    const { id } = await client.runs.bulk.cancel({
      filter: { tag, taskIdentifier: "cancel-me" },
      name: "tidy"
    })
    expect(emulator.requests().map((r) => [r.route, r.status])).toEqual([["bulkActions.create", 202]])
    for (const runId of mine) expect((await client.runs.retrieve(runId)).status).toBe("CANCELED")
    expect((await client.runs.retrieve(untouched)).status).toBe("QUEUED")
    const prod = Authctx.createClient({ secretKey: otherEnvKey, baseURL: emulator.url }).requireSecretKey()
    expect((await prod.runs.retrieve(otherEnv)).status).toBe("QUEUED")

    const pending = await client.runs.bulk.retrieve(id)
    expect(pending).toMatchObject({ id, name: "tidy", type: "CANCEL", status: "PENDING" })
    expect(pending.counts).toEqual({ total: 2, success: 2, failure: 0 })
    const done = await client.runs.bulk.poll(id, { pollIntervalMs: 50 })
    expect(done.status).toBe("COMPLETED")
    expect(done.completedAt).toBeInstanceOf(Date)
    // polling retrieved several times, 50 ms apart
    const polls = emulator.requests().filter((r) => r.route === "bulkActions.retrieve")
    expect(polls.length).toBeGreaterThan(2)
    // a finished action cannot be aborted: 400 with the server's text
    await expect(client.runs.bulk.abort(id)).rejects.toMatchObject({
      _tag: "BadRequestError",
      status: 400
    })
    // a second cancel of the same runs counts them as failures (already finished)
    const again = await client.runs.bulk.cancel({ runIds: mine })
    expect((await client.runs.bulk.retrieve(again.id)).counts).toEqual({ total: 2, success: 0, failure: 2 })
  })

  it("replay by run ids creates new runs; abort while pending; list pages newest first", async () => {
    const client = Authctx.createClient({ secretKey, baseURL: emulator.url }).requireSecretKey()
    const original = await trigger(secretKey, "replay-me", ["bulk-replay"])
    const { id } = await client.runs.bulk.replay({ runIds: [original, "run_doesnotexist"] })
    const action = await client.runs.bulk.retrieve(id)
    expect(action).toMatchObject({ type: "REPLAY", status: "PENDING", counts: { total: 1, success: 1 } })
    const replays = await client.runs.list({ tag: "bulk-replay", taskIdentifier: "replay-me" })
    expect(replays.data.map((r) => r.id)).toContain(original)
    expect(replays.data).toHaveLength(2)
    await expect(client.runs.bulk.abort(id)).resolves.toEqual({ id })
    expect((await client.runs.bulk.retrieve(id)).status).toBe("ABORTED")
    await expect(client.runs.bulk.abort(id)).rejects.toMatchObject({ _tag: "BadRequestError" })

    const first = await client.runs.bulk.list({ limit: 2 })
    expect(first.data).toHaveLength(2)
    expect(first.data[0]?.id).toBe(id)
    expect(first.hasNextPage()).toBe(true)
    const all: Array<string> = []
    for await (const item of client.runs.bulk.list({ limit: 1 })) all.push(item.id)
    expect(all.length).toBeGreaterThanOrEqual(3)
    expect(new Set(all).size).toBe(all.length)
  })

  it("answers the server's 400s and 404s", async () => {
    const client = Authctx.createClient({ secretKey, baseURL: emulator.url }).requireSecretKey()
    await expect(client.runs.bulk.retrieve("bulk_nope")).rejects.toMatchObject({ _tag: "NotFoundError" })
    await expect(client.runs.bulk.abort("bulk_nope")).rejects.toMatchObject({ _tag: "NotFoundError" })
    // no filter value at all
    await expect(client.runs.bulk.cancel({ filter: { tag: "  " } })).rejects.toMatchObject({
      _tag: "BadRequestError"
    })
    // both selections, as an untyped caller could send them
    const both = { filter: { tag: "x" }, runIds: ["run_1"] } as unknown as BulkActions.BulkCancelOptions
    await expect(client.runs.bulk.cancel(both)).rejects.toMatchObject({ _tag: "BadRequestError" })
    // another environment's bulk action is not found
    const { id } = await client.runs.bulk.cancel({ runIds: ["run_none"] })
    const prod = Authctx.createClient({ secretKey: otherEnvKey, baseURL: emulator.url }).requireSecretKey()
    await expect(prod.runs.bulk.retrieve(id)).rejects.toMatchObject({ _tag: "NotFoundError" })
  })

  it("the ambient runs.bulk works under auth.withAuth", async () => {
    Authctx.configure({ baseURL: emulator.url })
    const page = await Authctx.auth.withAuth({ accessToken: secretKey }, () => Authctx.runs.bulk.list())
    expect(page.data.length).toBeGreaterThan(0)
  })
})

describe("BulkActions (Effect)", () => {
  /** Runs a program under the demo key (a runtime string: the kind is checked when it runs). */
  const run = <A, E>(effect: Effect.Effect<A, E, unknown>) =>
    Effect.runPromiseExit(
      (effect as Effect.Effect<A, E, never>).pipe(
        Auth.withAuth({ accessToken: secretKey, baseURL: emulator.url }),
        Effect.provide(ManagementClient.layerNode())
      )
    )

  it("cancel then poll until COMPLETED; the give-up error names the attempts", async () => {
    const exit = await run(
      Effect.flatMap(BulkActions.cancel({ filter: { taskIdentifier: "nothing-matches" } }), ({ id }) =>
        BulkActions.poll(id, { pollIntervalMs: 10 })
      )
    )
    expect(Exit.isSuccess(exit) && exit.value.status).toBe("COMPLETED")
    expect(BulkActions.maxPollAttempts).toBe(500)
    const error = new BulkActions.BulkActionNotFinished({ bulkActionId: "bulk_1", attempts: 500 })
    expect(error.message).toContain("still PENDING after 500 retrieves")
  })

  it("stream pages through every bulk action once", async () => {
    const exit = await run(Stream.runCollect(BulkActions.stream({ limit: 1 })))
    if (!Exit.isSuccess(exit)) throw new Error("stream failed")
    const ids = Chunk.toReadonlyArray(exit.value).map((action) => action.id)
    expect(ids.length).toBeGreaterThanOrEqual(3)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe("a PAT is refused", () => {
  it("before sending: CapabilityError, nothing in the request log", async () => {
    const client = Authctx.createClient({ accessToken: pat, baseURL: emulator.url })
    const calls: ReadonlyArray<() => Promise<unknown>> = [
      () => (client.runs.bulk.cancel as unknown as (o: unknown) => Promise<unknown>)({ runIds: ["run_1"] }),
      () => (client.runs.bulk.replay as unknown as (o: unknown) => Promise<unknown>)({ runIds: ["run_1"] }),
      () => (client.runs.bulk.list as unknown as () => Promise<unknown>)(),
      () => (client.runs.bulk.retrieve as unknown as (id: string) => Promise<unknown>)("bulk_1"),
      () => (client.runs.bulk.abort as unknown as (id: string) => Promise<unknown>)("bulk_1"),
      () => (client.runs.bulk.poll as unknown as (id: string) => Promise<unknown>)("bulk_1")
    ]
    for (const call of calls) {
      emulator.clearRequests()
      await expect(call()).rejects.toBeInstanceOf(CapabilityError)
      expect(emulator.requests()).toEqual([])
    }
  })

  it("by the emulator when sent anyway: 401 on every route, the token in no answer", async () => {
    const routes: ReadonlyArray<readonly [string, string]> = [
      ["POST", "/api/v1/bulk-actions"],
      ["GET", "/api/v1/bulk-actions"],
      ["GET", "/api/v1/bulk-actions/bulk_1"],
      ["POST", "/api/v1/bulk-actions/bulk_1/abort"]
    ]
    for (const [method, path] of routes) {
      const response = await fetch(`${emulator.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${pat}`, "content-type": "application/json" },
        ...(method === "POST" ? { body: JSON.stringify({ action: "cancel", runIds: ["run_1"] }) } : {})
      })
      expect(response.status).toBe(401)
      expect(await response.text()).not.toContain(pat)
    }
  })
})

describe("the official SDK 4.8.3 against the emulator", () => {
  it("runs.bulk.* parse the emulator's answers with the SDK's own schemas", async () => {
    Sdk.configure({ secretKey, baseURL: emulator.url })
    const runId = await trigger(secretKey, "sdk-bulk", ["sdk-bulk"])
    const created = await Sdk.runs.bulk.cancel({ filter: { tag: "sdk-bulk" } })
    expect(created.id).toMatch(/^bulk_/)
    const retrieved = await Sdk.runs.bulk.retrieve(created.id)
    expect(retrieved).toMatchObject({ id: created.id, type: "CANCEL", counts: { total: 1, success: 1 } })
    expect(retrieved.createdAt).toBeInstanceOf(Date)
    const replayed = await Sdk.runs.bulk.replay({ runIds: [runId] })
    await expect(Sdk.runs.bulk.abort(replayed.id)).resolves.toEqual({ id: replayed.id })
    const page = await Sdk.runs.bulk.list({ limit: 1 })
    expect(page.data).toHaveLength(1)
    expect(page.hasNextPage()).toBe(true)
    const next = await page.getNextPage()
    expect(next.data).toHaveLength(1)
    const polled = await Sdk.runs.bulk.poll(created.id, { pollIntervalMs: 50 })
    expect(polled.status).toBe("COMPLETED")
  })
})
