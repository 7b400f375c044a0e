/**
 * Multi-task `batch.trigger` and `batch.triggerByTask` end to end against the emulator: the Effect client
 * and the Promise API with a SecretKey (each item's run is of its own task; the batch lists every task once;
 * large items offloaded; the batch idempotency h.key), and a PAT refused before sending. The SDK sending the
 * same bodies: the wire-parity steps in test/wire-parity.test.ts and test/query-sdk.test.ts.
 */
import { Batches, Runs } from "@authctx/client"
import * as Promised from "@authctx/client/promise"
import { CapabilityError } from "@authctx/core"
import { type Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { harness, lastSeq, routesSince, under } from "./support/harness.js"

const h = harness(34)

/** The task of each run of a batch, in item order. */
const tasksOf = async (batchId: string): Promise<ReadonlyArray<string>> => {
  const batch = Either.getOrThrow(await under(h, Batches.retrieve(batchId), h.key))
  const out: Array<string> = []
  for (const id of batch.runs)
    out.push(Either.getOrThrow(await under(h, Runs.retrieve(id), h.key)).taskIdentifier)
  return out
}

describe("batch.trigger and batch.triggerByTask (SecretKey only)", () => {
  it("trigger: each item runs its own task, with its payload and options", async () => {
    const before = lastSeq(h)
    const result = Either.getOrThrow(
      await under(
        h,
        Batches.trigger([
          { id: "email", payload: { to: "a" } },
          { id: "resize", payload: "text", options: { tags: ["img"] } },
          { id: "email", payload: { to: "b" } }
        ]),
        h.key
      )
    )
    expect(result).toMatchObject({ runCount: 3, isCached: false, sealed: true, itemsAccepted: 3 })
    expect(routesSince(h, before)).toEqual([
      ["tasks.createBatch", 200],
      ["tasks.streamBatchItems", 200]
    ])
    expect(await tasksOf(result.batchId)).toEqual(["email", "resize", "email"])
    const batch = Either.getOrThrow(await under(h, Batches.retrieve(result.batchId), h.key))
    const second = Either.getOrThrow(await under(h, Runs.retrieve(batch.runs[1] ?? ""), h.key))
    expect(second.payload).toBe("text")
    expect(second.tags).toEqual(["img"])
  })

  it("triggerByTask: the task is read from item.task; a large item is offloaded; the batch h.key dedupes", async () => {
    const big = { blob: "b".repeat(130 * 1024) }
    const items = [
      { task: { id: "echo-by-task" }, payload: big },
      { task: { id: "other" }, payload: 1 }
    ]
    const first = Either.getOrThrow(
      await under(h, Batches.triggerByTask(items, { idempotencyKey: "multi-1" }), h.key)
    )
    expect(await tasksOf(first.batchId)).toEqual(["echo-by-task", "other"])
    const batch = Either.getOrThrow(await under(h, Batches.retrieve(first.batchId), h.key))
    expect(Either.getOrThrow(await under(h, Runs.retrieve(batch.runs[0] ?? ""), h.key)).payload).toEqual(big)
    const again = Either.getOrThrow(
      await under(h, Batches.triggerByTask(items, { idempotencyKey: "multi-1" }), h.key)
    )
    expect(again).toMatchObject({ batchId: first.batchId, isCached: true, itemsAccepted: 0 })
  })

  it("a PAT is refused before sending: CapabilityError, nothing in the request log", async () => {
    const calls: ReadonlyArray<Effect.Effect<unknown, unknown, unknown>> = [
      Batches.trigger([{ id: "email", payload: 1 }]),
      Batches.triggerByTask([{ task: { id: "email" }, payload: 1 }])
    ]
    for (const effect of calls) {
      const before = lastSeq(h)
      const result = await under(h, effect, h.pat)
      expect(Either.isLeft(result) && result.left).toBeInstanceOf(CapabilityError)
      expect(lastSeq(h)).toBe(before)
    }
  })

  it("the Promise API: createClient and ambient; the handle's token is a string; a PAT is refused", async () => {
    const keyClient = Promised.createClient(
      { accessToken: h.key as `tr_dev_${string}`, baseURL: h.emulator.url },
      { retry: false }
    )
    const handle = await keyClient.batch.trigger([
      { id: "p1", payload: 1 },
      { id: "p2", payload: 2 }
    ])
    expect(handle.runCount).toBe(2)
    expect(typeof handle.publicAccessToken).toBe("string")
    const ambient = await Promised.auth.withAuth({ accessToken: h.key, baseURL: h.emulator.url }, () =>
      Promised.batch.triggerByTask([{ task: { id: "p3" }, payload: 3 }])
    )
    expect(await tasksOf(ambient.batchId)).toEqual(["p3"])
    const before = lastSeq(h)
    const refused = await Promised.auth
      .withAuth({ accessToken: h.pat, baseURL: h.emulator.url }, () =>
        Promised.batch.trigger([{ id: "p1", payload: 1 }])
      )
      .then(
        () => undefined,
        (error: unknown) => error
      )
    expect(refused).toBeInstanceOf(CapabilityError)
    expect(lastSeq(h)).toBe(before)
  })
})
