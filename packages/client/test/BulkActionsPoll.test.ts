/**
 * `runs.bulk.poll` against a loopback server whose bulk action is PENDING for a set number of retrieves:
 * the SDK's semantics (one retrieve, then one every `pollIntervalMs`, 500 in all, then a typed error), and
 * the request options' signal stopping the wait.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { BulkActions } from "@authctx/client"
import { createClient } from "@authctx/client/promise"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"

let server: http.Server
let url: string
let retrieves = 0
let pendingFor = Number.POSITIVE_INFINITY

beforeAll(async () => {
  server = http.createServer((req, res) => {
    retrieves++
    req.resume()
    const status = retrieves > pendingFor ? "COMPLETED" : "PENDING"
    res.writeHead(200, { "content-type": "application/json" })
    res.end(
      JSON.stringify({
        id: "bulk_poll",
        type: "CANCEL",
        status,
        counts: { total: 1, success: 1, failure: 0 },
        createdAt: "2026-12-01T00:00:00.000Z",
        ...(status === "COMPLETED" ? { completedAt: "2026-12-01T00:00:01.000Z" } : {})
      })
    )
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  retrieves = 0
})

const client = () => createClient({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx", baseURL: url })

describe("runs.bulk.poll", () => {
  it("retrieves until the action is not PENDING, waiting pollIntervalMs between retrieves", async () => {
    pendingFor = 2
    const started = performance.now()
    const done = await client().runs.bulk.poll("bulk_poll", { pollIntervalMs: 100 })
    const elapsed = performance.now() - started
    expect(done.status).toBe("COMPLETED")
    expect(retrieves).toBe(3)
    // two waits of 100 ms
    expect(elapsed).toBeGreaterThanOrEqual(190)
  })

  it("gives up after 500 retrieves with BulkActionNotFinished", async () => {
    pendingFor = Number.POSITIVE_INFINITY
    const error = await client()
      .runs.bulk.poll("bulk_poll", { pollIntervalMs: 0 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BulkActions.BulkActionNotFinished)
    expect((error as BulkActions.BulkActionNotFinished).attempts).toBe(500)
    expect(retrieves).toBe(BulkActions.maxPollAttempts)
  })

  it("stops waiting when the signal aborts", async () => {
    pendingFor = Number.POSITIVE_INFINITY
    const controller = new AbortController()
    const polling = client().runs.bulk.poll(
      "bulk_poll",
      { pollIntervalMs: 10_000 },
      { signal: controller.signal }
    )
    setTimeout(() => controller.abort(), 50)
    await expect(polling).rejects.toMatchObject({ name: "AbortError" })
    expect(retrieves).toBe(1)
  })
})
