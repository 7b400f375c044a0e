/**
 * The Effect API's cursor streams (`Runs.stream`, `Deployments.stream`, `BulkActions.stream`,
 * `WaitTokens.stream`, one `cursorStream` in Page.ts) against a loopback server that names the next cursor
 * itself: they follow distinct cursors to the end, start from the caller's cursor, and fail with
 * `ApiSchemaError` when the server repeats a cursor instead of paging forever.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { ApiSchemaError, BulkActions, Deployments, ManagementClient, Runs, WaitTokens } from "@authctx/client"
import { Auth } from "@authctx/core"
import { Effect, Either, Stream } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"

let server: http.Server
let url: string
/** The `next` cursor the server names after each cursor it is asked for (`""` = the first page). */
let nextAfter: Record<string, string | undefined> = {}
let asked: Array<string> = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume()
    const query = new URL(req.url ?? "/", "http://x").searchParams
    const cursor = query.get("page[after]") ?? query.get("cursor") ?? ""
    asked.push(cursor)
    res.writeHead(200, { "content-type": "application/json" })
    const next = nextAfter[cursor]
    res.end(JSON.stringify({ data: [], pagination: next === undefined ? {} : { next } }))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  asked = []
})

/** Collects a stream under a SecretKey, through the server above. */
const collect = (stream: Stream.Stream<unknown, unknown, unknown>) =>
  Effect.runPromise(
    Effect.either(
      Stream.runCollect(stream as Stream.Stream<unknown, unknown, never>).pipe(
        Auth.withAuth({ secretKey: "tr_dev_abcdefghijklmnopqrst", baseURL: url }),
        Effect.provide(ManagementClient.layerNode({ retry: false }))
      )
    )
  )

const streams = {
  "runs.list (environment)": () => Runs.stream(),
  "deployments.list": () => Deployments.stream(),
  "bulkActions.list": () => BulkActions.stream(),
  "waitTokens.list": () => WaitTokens.stream()
} as const

describe.each(Object.entries(streams))("%s stream", (_name, make) => {
  it("follows every distinct next cursor and stops where the server names none", async () => {
    nextAfter = { "": "c1", c1: "c2" }
    const result = await collect(make())
    expect(Either.isRight(result)).toBe(true)
    expect(asked).toEqual(["", "c1", "c2"])
  })

  it("fails with ApiSchemaError when the server repeats a cursor", async () => {
    nextAfter = { "": "c1", c1: "c2", c2: "c1" }
    const result = await collect(make())
    expect(asked).toEqual(["", "c1", "c2"])
    const error = Either.flip(result).pipe(Either.getOrThrow)
    expect(error).toBeInstanceOf(ApiSchemaError)
    expect(String((error as ApiSchemaError).message)).toContain("repeats a cursor it named before")
  })

  it("does not quote the repeated cursor: it is server text, and may hold anything", async () => {
    const echoed = "tr_dev_Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4"
    nextAfter = { "": echoed, [echoed]: "c2", c2: echoed }
    const result = await collect(make())
    const error = Either.flip(result).pipe(Either.getOrThrow)
    expect(error).toBeInstanceOf(ApiSchemaError)
    for (const text of [String(error), JSON.stringify(error), inspect(error, { depth: 10 })])
      expect(text).not.toContain("Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4")
  })
})

describe("a caller's own cursor", () => {
  it("is where Deployments.stream starts, and a server naming it again is a repeat", async () => {
    nextAfter = { c5: "c6", c6: "c5" }
    const result = await collect(Deployments.stream({ cursor: "c5" }))
    expect(asked).toEqual(["c5", "c6"])
    expect(Either.isLeft(result)).toBe(true)
  })
})
