/**
 * The emulator's packet side (docs/reference/payloads.md) at the HTTP level: the server's body limits
 * (413 after auth, also for a body of unknown length), the object store's own size cap, and the request
 * log of presigned transfers. The round trips with the official SDK are in `test/payloads.e2e.test.ts`.
 */
import * as http from "node:http"
import type { Emulator } from "@authctx/emulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { call, roles, start } from "./support.js"

let emulator: Emulator
let key = ""
beforeAll(async () => {
  emulator = await start()
  key = roles(emulator).p1.environments.dev.secretKey
})
afterAll(() => emulator.stop())

/** A request whose body is streamed (no `content-length`), read whole. */
const chunked = (path: string, body: string, token: string): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const req = http.request(
      `${emulator.url}${path}`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "transfer-encoding": "chunked"
        }
      },
      (res) => {
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (chunk: string) => {
          text += chunk
        })
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }))
      }
    )
    req.on("error", reject)
    req.end(body)
  })

describe("body limits as the server's", () => {
  it("tasks.trigger: 413 over 3,145,728 bytes, 200 at the limit", async () => {
    const payload = (size: number) => ({ payload: "a".repeat(size - '{"payload":""}'.length) })
    const at = await call(emulator.url, {
      method: "POST",
      path: "/api/v1/tasks/t/trigger",
      token: key,
      body: payload(3_145_728)
    })
    expect(at.status).toBe(200)
    const over = await call(emulator.url, {
      method: "POST",
      path: "/api/v1/tasks/t/trigger",
      token: key,
      body: payload(3_145_729)
    })
    expect(over.status).toBe(413)
    expect(over.json).toEqual({ error: "Request body too large" })
  })

  it("a trigger body of unknown length is 413, as the server's route builder answers it", async () => {
    const reply = await chunked("/api/v1/tasks/t/trigger", JSON.stringify({ payload: 1 }), key)
    expect(reply.status).toBe(413)
    expect(JSON.parse(reply.text)).toEqual({ error: "Request body too large" })
  })

  it("the batch create call: 413 over 128 KiB", async () => {
    const reply = await call(emulator.url, {
      method: "POST",
      path: "/api/v3/batches",
      token: key,
      body: { runCount: 1, taskIdentifiers: ["x".repeat(131_072)] }
    })
    expect(reply.status).toBe(413)
  })
})

describe("the object store", () => {
  it("refuses an object over 64 MiB by its declared length, and logs transfers without a credential", async () => {
    const upload = await call(emulator.url, {
      method: "PUT",
      path: `/api/v2/packets/${encodeURIComponent("trigger/packet_big/payload.json")}`,
      token: key
    })
    const { presignedUrl } = upload.json as { presignedUrl: string }
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(presignedUrl, {
        method: "PUT",
        headers: { "content-type": "text/plain", "content-length": String(64 * 1024 * 1024 + 1) }
      })
      req.on("response", (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
        req.destroy()
      })
      req.on("error", reject)
      req.write("x")
    })
    expect(status).toBe(400)
    const put = await fetch(presignedUrl, {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "hello"
    })
    expect(put.status).toBe(200)
    const record = emulator.requests().at(-1)
    expect(record).toMatchObject({
      route: "object store",
      method: "PUT",
      status: 200,
      credentialKind: "none"
    })
    expect(JSON.stringify(record)).not.toContain("signature")
  })
})
