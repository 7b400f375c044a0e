/**
 * Idempotency keys through the official `@trigger.dev/sdk` 4.8.3 and through authctx, against the emulator
 * over loopback: the same user key names one run whichever client triggers first, batch items get the
 * SDK's derived keys, a batch retried after an injected fault has no duplicate items, and a key expires
 * after its `idempotencyKeyTTL` (docs/reference/idempotency.md).
 */
import { createHash } from "node:crypto"
import { IdempotencyKeys } from "@authctx/client"
import * as Authctx from "@authctx/client/promise"
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string
let legacyKey: string
let otherEnvironmentKey: string
let unique = 0
/** A key no other test uses (the emulator lives for the whole file). */
const fresh = (name: string) => `${name}-${Date.now()}-${++unique}`
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")

beforeAll(async () => {
  emulator = await startEmulator({ seed: 10, timings: { queuedMs: 20, executingMs: 20 } })
  const environments = emulator.credentials.projects[0]?.environments
  key = environments?.dev.secretKey ?? ""
  legacyKey = environments?.dev.legacySecretKey ?? ""
  otherEnvironmentKey = environments?.staging.secretKey ?? ""
  Sdk.configure({ secretKey: key, baseURL: emulator.url })
  Authctx.configure({ secretKey: key, baseURL: emulator.url })
})
afterEach(() => emulator.faults.clear())
afterAll(async () => {
  Authctx.configure({})
  await emulator.stop()
})

/** The runs of a batch, read back through authctx. */
const runsOfBatch = async (batchId: string) => (await Authctx.runs.list({ batch: batchId, limit: 100 })).data
const runsOfTask = async (task: string) =>
  (await Authctx.runs.list({ taskIdentifier: task, limit: 100 })).data

describe("the key's derivation is the SDK's", () => {
  it("idempotencyKeys.create gives the SDK's hash for strings, part lists and every scope", async () => {
    for (const input of ["order-1", ["order", "1"], "ünïcødé 🔑", ""]) {
      for (const scope of ["run", "attempt", "global"] as const) {
        expect(IdempotencyKeys.create(input, { scope })).toBe(
          await Sdk.idempotencyKeys.create(input, { scope })
        )
        expect(await Authctx.idempotencyKeys.create(input, { scope })).toBe(
          await Sdk.idempotencyKeys.create(input, { scope })
        )
      }
    }
    expect(IdempotencyKeys.create("order-1")).toBe(sha256("order-1"))
  })

  it("batch items: the hash of '<batch key>-<index>' from the caller's key, not from its hash", () => {
    expect(IdempotencyKeys.itemKey("b", 3)).toBe(sha256("b-3"))
    expect(IdempotencyKeys.itemKey(["a", "b"], 0)).toBe(sha256("a,b-0"))
    expect(IdempotencyKeys.itemKey(undefined, 0)).toBeUndefined()
  })
})

describe("the same key through the SDK and authctx is one run", () => {
  for (const first of ["sdk", "authctx"] as const) {
    it(`${first} first, the other second (and the same again): one run, the repeat is cached`, async () => {
      const task = fresh("send-email")
      const idempotencyKey = fresh("order")
      const viaSdk = () => Sdk.tasks.trigger(task, { to: "ada@example.com" }, { idempotencyKey })
      const viaAuthctx = () => Authctx.tasks.trigger(task, { to: "ada@example.com" }, { idempotencyKey })
      const a = first === "sdk" ? await viaSdk() : await viaAuthctx()
      const b = first === "sdk" ? await viaAuthctx() : await viaSdk()
      expect(b.id).toBe(a.id)
      const again = await Authctx.tasks.trigger(task, {}, { idempotencyKey })
      expect(again).toMatchObject({ id: a.id, isCached: true })
      const runs = await runsOfTask(task)
      expect(runs.map((run) => run.id)).toEqual([a.id])
      expect(runs[0]?.idempotencyKey).toBe(sha256(idempotencyKey))
    })
  }

  it("an SDK IdempotencyKey (already hashed), a part list and a 20-character legacy key", async () => {
    const task = fresh("ship-order")
    const sdkKey = await Sdk.idempotencyKeys.create(["order", fresh("n")], { scope: "global" })
    const a = await Sdk.tasks.trigger(task, {}, { idempotencyKey: sdkKey })
    const legacy = Authctx.createClient({ accessToken: legacyKey, baseURL: emulator.url }).requireSecretKey()
    const b = await legacy.tasks.trigger(task, {}, { idempotencyKey: sdkKey })
    expect(b).toMatchObject({ id: a.id, isCached: true })
    const parts = ["invoice", fresh("n")]
    const c = await Sdk.tasks.trigger(task, {}, { idempotencyKey: parts })
    expect(await Authctx.tasks.trigger(task, {}, { idempotencyKey: parts })).toMatchObject({
      id: c.id,
      isCached: true
    })
  })

  it("the key is per task and per environment, as on the server", async () => {
    const idempotencyKey = fresh("shared")
    const a = await Authctx.tasks.trigger(fresh("task-a"), {}, { idempotencyKey })
    const b = await Authctx.tasks.trigger(fresh("task-b"), {}, { idempotencyKey })
    expect(b.id).not.toBe(a.id)
    const task = fresh("task-c")
    const dev = await Authctx.tasks.trigger(task, {}, { idempotencyKey })
    const staging = Authctx.createClient({
      accessToken: otherEnvironmentKey,
      baseURL: emulator.url
    }).requireSecretKey()
    const other = await staging.tasks.trigger(task, {}, { idempotencyKey })
    expect(other).toMatchObject({ isCached: false })
    expect(other.id).not.toBe(dev.id)
  })
})

describe("batches", () => {
  it("the same batch key through both clients: one batch; items carry the SDK's derived keys", async () => {
    const task = fresh("resize")
    const idempotencyKey = fresh("batch")
    const items = [{ payload: { n: 0 } }, { payload: { n: 1 } }, { payload: { n: 2 } }]
    const viaSdk = await Sdk.tasks.batchTrigger(task, items, { idempotencyKey })
    const viaAuthctx = await Authctx.tasks.batchTrigger(task, items, { idempotencyKey })
    expect(viaAuthctx).toMatchObject({ batchId: viaSdk.batchId, isCached: true, itemsAccepted: 0 })
    const runs = await runsOfBatch(viaSdk.batchId)
    expect(runs.map((run) => run.idempotencyKey).sort()).toEqual(
      [0, 1, 2].map((i) => sha256(`${idempotencyKey}-${i}`)).sort()
    )
    // an item's derived key is a run key like any other: triggering with it finds the item's run
    const item0 = runs.find((run) => run.idempotencyKey === sha256(`${idempotencyKey}-0`))
    const single = await Authctx.tasks.trigger(
      task,
      {},
      { idempotencyKey: IdempotencyKeys.itemKey(idempotencyKey, 0) }
    )
    expect(single).toMatchObject({ id: item0?.id, isCached: true })
  })

  it("an item's own key wins over the derived one, and both clients send the same", async () => {
    const task = fresh("notify")
    const own = fresh("own")
    const first = await Authctx.tasks.batchTrigger(
      task,
      [{ payload: 1, options: { idempotencyKey: own } }, { payload: 2 }],
      {
        idempotencyKey: fresh("batch")
      }
    )
    const runs = await runsOfBatch(first.batchId)
    const ownRun = runs.find((run) => run.idempotencyKey === sha256(own))
    expect(ownRun).toBeDefined()
    // the SDK, in another batch, with the same item key: the item is the run authctx made
    const second = await Sdk.tasks.batchTrigger(task, [{ payload: 1, options: { idempotencyKey: own } }])
    expect((await runsOfTask(task)).length).toBe(2)
    expect(second.runCount).toBe(1)
  })

  for (const route of ["tasks.createBatch", "tasks.streamBatchItems"] as const) {
    it(`a batch retried after a dropped answer (${route}, drop after): no duplicate items`, async () => {
      const task = fresh("import-row")
      const idempotencyKey = fresh("rows")
      const items = Array.from({ length: 5 }, (_, i) => ({ payload: { row: i } }))
      const rule = emulator.faults.inject({ route, drop: "after", times: 1 })
      const first = await Authctx.tasks.batchTrigger(task, items, { idempotencyKey })
      expect(rule.remaining()).toBe(0)
      // the caller retries the whole batch, through authctx and through the SDK
      const again = await Authctx.tasks.batchTrigger(task, items, { idempotencyKey })
      const viaSdk = await Sdk.tasks.batchTrigger(task, items, { idempotencyKey })
      expect(again).toMatchObject({ batchId: first.batchId, isCached: true })
      expect(viaSdk.batchId).toBe(first.batchId)
      const runs = await runsOfTask(task)
      expect(runs.length).toBe(5)
      expect(new Set(runs.map((run) => run.idempotencyKey)).size).toBe(5)
    })
  }

  it("a dropped items answer: authctx's retry finds the batch sealed and succeeds, the SDK's fails", async () => {
    const items = Array.from({ length: 4 }, (_, i) => ({ payload: { row: i } }))
    const viaAuthctx = fresh("import-row")
    emulator.faults.inject({ route: "tasks.streamBatchItems", drop: "after", times: 1 })
    const batch = await Authctx.tasks.batchTrigger(viaAuthctx, items, { idempotencyKey: fresh("rows") })
    expect(batch).toMatchObject({ isCached: false, sealed: true })
    expect((await runsOfBatch(batch.batchId)).length).toBe(4)
    // the SDK retries the items, the server refuses a sealed batch (422): the SDK throws, although every
    // item was taken, once
    const viaSdk = fresh("import-row")
    emulator.faults.inject({ route: "tasks.streamBatchItems", drop: "after", times: 1 })
    await expect(Sdk.tasks.batchTrigger(viaSdk, items, { idempotencyKey: fresh("rows") })).rejects.toThrow(
      /already sealed/
    )
    expect((await runsOfTask(viaSdk)).length).toBe(4)
  })

  it("a batch whose items never arrived: retried with its key, authctx sends them, the SDK leaves it empty", async () => {
    const items = Array.from({ length: 3 }, (_, i) => ({ payload: { row: i } }))
    for (const [client, expected] of [
      ["authctx", 3],
      ["sdk", 0]
    ] as const) {
      const task = fresh(`never-${client}`)
      const idempotencyKey = fresh("rows")
      // phase 2 fails before the server takes any item (a 500 that says not to retry): the call fails
      const rule = emulator.faults.inject({
        route: "tasks.streamBatchItems",
        status: 500,
        shouldRetry: false
      })
      const trigger = () =>
        client === "sdk"
          ? Sdk.tasks.batchTrigger(task, items, { idempotencyKey })
          : Authctx.tasks.batchTrigger(task, items, { idempotencyKey })
      await expect(trigger()).rejects.toBeDefined()
      rule.clear()
      // the caller retries the whole batch with the same key
      await trigger()
      expect((await runsOfTask(task)).length).toBe(expected)
    }
  })
})

describe("TTL and release", () => {
  it("after idempotencyKeyTTL the key names a new run (through either client)", async () => {
    const task = fresh("digest")
    const idempotencyKey = fresh("daily")
    // 2 s: the second trigger must come within the TTL, even on a loaded machine
    const a = await Sdk.tasks.trigger(task, {}, { idempotencyKey, idempotencyKeyTTL: "2s" })
    expect(await Authctx.tasks.trigger(task, {}, { idempotencyKey, idempotencyKeyTTL: "2s" })).toMatchObject({
      id: a.id,
      isCached: true
    })
    await new Promise((resolve) => setTimeout(resolve, 2_100))
    const b = await Authctx.tasks.trigger(task, {}, { idempotencyKey, idempotencyKeyTTL: "2s" })
    expect(b.isCached).toBe(false)
    expect(b.id).not.toBe(a.id)
    const runs = await runsOfTask(task)
    // the old run gave its key up, as the server clears it
    expect(runs.find((run) => run.id === a.id)?.idempotencyKey).toBeUndefined()
  })

  it("a TTL the server does not understand (1.5h) is ignored: the key keeps its 30 days", async () => {
    const task = fresh("digest")
    const idempotencyKey = fresh("odd-ttl")
    const a = await Authctx.tasks.trigger(task, {}, { idempotencyKey, idempotencyKeyTTL: "1.5h" })
    expect(await Authctx.tasks.trigger(task, {}, { idempotencyKey })).toMatchObject({
      id: a.id,
      isCached: true
    })
  })

  it("a failed run releases its key; a completed one keeps it", async () => {
    const idempotencyKey = fresh("once")
    const failing = await Authctx.tasks.trigger("fail-sync", {}, { idempotencyKey })
    const completing = await Authctx.tasks.trigger("sync", {}, { idempotencyKey })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await Authctx.runs.retrieve(failing.id)).status).toBe("FAILED")
    expect((await Authctx.runs.retrieve(completing.id)).status).toBe("COMPLETED")
    const retried = await Sdk.tasks.trigger("fail-sync", {}, { idempotencyKey })
    expect(retried.id).not.toBe(failing.id)
    expect(await Authctx.tasks.trigger("sync", {}, { idempotencyKey })).toMatchObject({
      id: completing.id,
      isCached: true
    })
  })
})
