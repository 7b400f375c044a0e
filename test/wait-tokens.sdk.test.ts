/**
 * The official SDK 4.8.3 calls the emulator's wait-token and idempotency-key routes, and its own response
 * schemas (zod, in `zodfetch`) accept every answer: `wait.createToken` (and `isCached` on a repeated key),
 * `wait.listTokens` (cursor pages), `wait.retrieveToken` (with the output it decodes itself),
 * `wait.completeToken` twice, and `idempotencyKeys.reset` freeing a key its `tasks.trigger` set.
 */
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 21 })
  key = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
  Sdk.configure({ secretKey: key, baseURL: emulator.url })
})
afterAll(() => emulator.stop())

const routes = () => emulator.requests().map((request) => request.route)

describe("the SDK's wait tokens against the emulator", () => {
  it("create, cached create, list pages, retrieve, complete twice", async () => {
    const created = await Sdk.wait.createToken({
      idempotencyKey: "sdk-approval",
      timeout: "1h",
      tags: ["sdk"]
    })
    expect(created.id).toMatch(/^waitpoint_/)
    expect(created.isCached).toBe(false)
    expect(typeof created.publicAccessToken).toBe("string")
    const cached = await Sdk.wait.createToken({ idempotencyKey: "sdk-approval" })
    expect(cached.id).toBe(created.id)
    expect(cached.isCached).toBe(true)
    const second = await Sdk.wait.createToken({ tags: ["sdk"] })

    const page = await Sdk.wait.listTokens({ limit: 1, tags: "sdk" })
    expect(page.data.map((token) => token.id)).toEqual([second.id])
    expect(page.data[0]?.createdAt).toBeInstanceOf(Date)
    expect(page.hasNextPage()).toBe(true)
    const next = await page.getNextPage()
    expect(next.data.map((token) => token.id)).toEqual([created.id])
    const all: Array<string> = []
    for await (const token of Sdk.wait.listTokens({ limit: 1 })) all.push(token.id)
    expect(all).toEqual([second.id, created.id])

    const waiting = await Sdk.wait.retrieveToken(created.id)
    expect(waiting.status).toBe("WAITING")
    expect(waiting.timeoutAt).toBeInstanceOf(Date)
    expect(waiting.idempotencyKey).toBe("sdk-approval")

    expect(await Sdk.wait.completeToken(created, { approved: true })).toEqual({ success: true })
    expect(await Sdk.wait.completeToken(created.id, { approved: false })).toEqual({ success: true })
    const done = await Sdk.wait.retrieveToken(created)
    expect(done.status).toBe("COMPLETED")
    expect(done.completedAt).toBeInstanceOf(Date)
    expect(done.output).toEqual({ approved: true })
    expect(done.error).toBeUndefined()

    expect(routes()).toEqual(
      expect.arrayContaining([
        "waitTokens.create",
        "waitTokens.list",
        "waitTokens.retrieve",
        "waitTokens.complete"
      ])
    )
  })

  it("retrieving an unknown token is the SDK's 404", async () => {
    await expect(Sdk.wait.retrieveToken("waitpoint_nope")).rejects.toMatchObject({ status: 404 })
  })
})

describe("the SDK's idempotencyKeys.reset against the emulator", () => {
  it("frees the key its trigger set, so the next trigger creates a new run", async () => {
    const idempotencyKey = await Sdk.idempotencyKeys.create("sdk-order-1", { scope: "global" })
    const first = await Sdk.tasks.trigger("ship-order", { n: 1 }, { idempotencyKey })
    const same = await Sdk.tasks.trigger("ship-order", { n: 2 }, { idempotencyKey })
    expect(same.id).toBe(first.id)
    expect(await Sdk.idempotencyKeys.reset("ship-order", idempotencyKey)).toEqual({ id: idempotencyKey })
    expect(routes().at(-1)).toBe("idempotencyKeys.reset")
    const fresh = await Sdk.tasks.trigger("ship-order", { n: 3 }, { idempotencyKey })
    expect(fresh.id).not.toBe(first.id)
    await expect(Sdk.idempotencyKeys.reset("other-task", idempotencyKey)).rejects.toMatchObject({
      status: 404
    })
  })
})
