/**
 * The packet transfers of docs/reference/payloads.md when object storage misbehaves, against a loopback
 * server that plays the API and a bucket: an upload that fails is a typed error naming the call (never the
 * presigned URL, whose query is a signature, nor the key), 4xx are not retried, 5xx are retried with the
 * client's policy; a download that fails fails `Runs.retrieve` (the SDK returns `undefined` instead); the
 * upload never carries the API key. And `Packet` itself, against the server's JSON form.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { Packet } from "@authctx/api"
import { ManagementClient, Runs, Tasks } from "@authctx/client"
import { Auth } from "@authctx/core"
import { Cause, Effect, Exit } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { wireRun } from "./support/wireRun.js"

const key = "tr_dev_abcdefghijklmnopqrst"
const signature = "sig-0123456789-should-never-show"

interface Seen {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
}
let seen: Array<Seen> = []
let bucketStatus = 503
let server: http.Server
let base = ""

const run = (id: string, presigned: string) =>
  wireRun(id, {
    depth: 0,
    triggerFunction: "trigger",
    payloadPresignedUrl: presigned,
    relatedRuns: {}
  })

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? "/"
    seen.push({ method: req.method ?? "GET", path, authorization: req.headers.authorization })
    req.resume()
    req.on("end", () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" })
        res.end(JSON.stringify(body))
      }
      if (path.startsWith("/api/v2/packets/"))
        return json(200, {
          presignedUrl: `${base}/bucket/obj?signature=${signature}`,
          storagePath: "trigger/p/payload.json"
        })
      if (path.startsWith("/bucket/")) {
        res.writeHead(bucketStatus, { "content-type": "application/xml" })
        return res.end("<Error/>")
      }
      if (path.startsWith("/good/")) {
        res.writeHead(200, { "content-type": "application/super+json" })
        return res.end(Packet.serialize({ at: new Date(7), n: 2n }).data)
      }
      if (path === "/api/v3/runs/run_bad")
        return json(200, run("run_bad", `${base}/bucket/gone?signature=${signature}`))
      if (path === "/api/v3/runs/run_good") return json(200, run("run_good", `${base}/good/obj?signature=x`))
      if (path.startsWith("/api/v1/tasks/")) return json(200, { id: "run_1" })
      json(404, { error: "Not found" })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))
beforeEach(() => {
  seen = []
})

const exec = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  retry: ManagementClient.ClientOptions["retry"] = false
) =>
  Effect.runPromiseExit(
    effect.pipe(
      Auth.withAuth({ accessToken: key, baseURL: base }),
      Effect.provide(ManagementClient.layerNode({ retry }))
    ) as Effect.Effect<A, E>
  )

const big = { blob: "x".repeat(130 * 1024) }

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (!Exit.isFailure(exit)) throw new Error("expected a failure")
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None") throw new Error(Cause.pretty(exit.cause))
  return failure.value
}

const expectNoSecret = (error: unknown) => {
  for (const text of [String(error), JSON.stringify(error), inspect(error, { depth: 5 })]) {
    expect(text).not.toContain(signature)
    expect(text).not.toContain(key.slice(7))
  }
}

describe("packet upload", () => {
  it("a failing bucket is a typed error naming the call, never the URL or the key; 5xx is retried", async () => {
    bucketStatus = 503
    const exit = await exec(Tasks.trigger("t", big), { maxAttempts: 2, initialDelayMs: 1 })
    const error = failureOf(exit)
    expect(error).toMatchObject({
      _tag: "InternalServerError",
      status: 503,
      endpoint: "tasks.trigger (payload upload)"
    })
    expectNoSecret(error)
    expect(seen.filter((s) => s.path.startsWith("/bucket/"))).toHaveLength(2)
    expect(seen.some((s) => s.path.startsWith("/api/v1/tasks/"))).toBe(false) // nothing triggered
  })

  it("a 4xx from the bucket is not retried; the upload carries no Authorization", async () => {
    bucketStatus = 403
    const error = failureOf(await exec(Tasks.trigger("t", big), { maxAttempts: 5 }))
    expect(error).toMatchObject({ _tag: "PermissionDeniedError", status: 403 })
    const uploads = seen.filter((s) => s.path.startsWith("/bucket/"))
    expect(uploads).toHaveLength(1)
    expect(uploads[0]?.authorization).toBeUndefined()
    expect(seen.find((s) => s.path.startsWith("/api/v2/packets/"))?.authorization).toBe(`Bearer ${key}`)
  })

  it("a batch with a large item uploads before creating the batch, and stops there when the upload fails", async () => {
    bucketStatus = 500
    const error = failureOf(await exec(Tasks.batchTrigger("t", [{ payload: 1 }, { payload: big }])))
    expect(error).toMatchObject({ endpoint: "tasks.batchTrigger (payload upload)" })
    expect(seen.some((s) => s.path === "/api/v3/batches")).toBe(false)
  })

  it("below 128 KiB nothing is uploaded", async () => {
    const exit = await exec(Tasks.trigger("t", { blob: "x".repeat(100 * 1024) }))
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(seen.map((s) => s.path)).toEqual(["/api/v1/tasks/t/trigger"])
  })
})

describe("packet download in Runs.retrieve", () => {
  it("restores the packet by its content-type", async () => {
    const exit = await exec(Runs.retrieve("run_good"))
    if (!Exit.isSuccess(exit)) throw new Error(Cause.pretty(exit.cause))
    expect(exit.value.payload).toStrictEqual({ at: new Date(7), n: 2n })
  })

  it("a failed download fails the call (typed, no URL in it)", async () => {
    bucketStatus = 404
    const error = failureOf(await exec(Runs.retrieve("run_bad")))
    expect(error).toMatchObject({ _tag: "NotFoundError", endpoint: "runs.retrieve (payload)" })
    expectNoSecret(error)
  })
})

describe("Packet", () => {
  it("serializes as the SDK's stringifyIO and reads back", () => {
    expect(Packet.serialize(undefined)).toEqual({ dataType: "application/json" })
    expect(Packet.serialize("")).toEqual({ data: "", dataType: "text/plain" })
    const value = {
      d: new Date(1),
      b: 1n,
      m: new Map([[1, new Set([2])]]),
      u: undefined,
      r: /x/y,
      buf: Buffer.from("hi")
    }
    const packet = Packet.serialize(value)
    expect(packet.dataType).toBe("application/super+json")
    expect(Packet.parse(packet)).toStrictEqual(value)
    expect(Packet.toJson(packet)).toStrictEqual({
      d: "1970-01-01T00:00:00.001Z",
      b: "1",
      m: [[1, [2]]],
      u: null,
      r: "/x/y",
      buf: [104, 105]
    })
  })

  it("sizes in UTF-8 bytes and offloads from exactly 128 KiB", () => {
    expect(Packet.byteLength({ data: "é", dataType: "text/plain" })).toBe(2)
    expect(Packet.needsOffload({ data: "x".repeat(131_071), dataType: "text/plain" })).toBe(false)
    expect(Packet.needsOffload({ data: "x".repeat(131_072), dataType: "text/plain" })).toBe(true)
  })

  it("reads other types as the SDK's parsePacket: JSON parsed, text and unknown types as the string", () => {
    expect(Packet.parse({ data: '{"a":1}', dataType: "application/json" })).toEqual({ a: 1 })
    expect(Packet.parse({ data: '{"a":1}', dataType: "text/plain" })).toBe('{"a":1}')
    expect(Packet.parse({ data: "x", dataType: "application/octet-stream" })).toBe("x")
    expect(Packet.parse({ data: "", dataType: "application/json" })).toBeUndefined()
    expect(Packet.toJson({ data: "5", dataType: "application/json" })).toBe(5)
  })
})
