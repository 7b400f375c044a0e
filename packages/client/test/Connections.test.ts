/**
 * Connections: every Node transport shares one pair of keep-alive agents (src/Transport.ts), so a layer
 * provided around each call — `Effect.provide(ManagementClient.layerNode())`, the docs' short form — reuses
 * the connection of the call before instead of opening (and leaving open) one per call.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Envvars, ManagementClient, Transport } from "@authctx/client"
import { Auth } from "@authctx/core"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let server: Server
let connections = 0
let baseURL = ""

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" })
    response.end(JSON.stringify([{ name: "A", value: "1", isSecret: false }]))
  })
  server.on("connection", () => {
    connections++
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const auth = () => Auth.withAuth({ accessToken: "tr_dev_abcdefghijklmnopqrst", baseURL })

describe("connections", () => {
  it("a layer provided around every call reuses one connection (20 calls in turn: 1 connection)", async () => {
    const before = connections
    for (let i = 0; i < 20; i++) {
      const vars = await Effect.runPromise(
        Envvars.list("proj_abcdefghijklmnopqrst", "dev").pipe(
          auth(),
          Effect.provide(ManagementClient.layerNode())
        )
      )
      expect(vars).toEqual([{ name: "A", value: "1", isSecret: false }])
    }
    expect(connections - before).toBe(1)
  })

  it("layers with options and transports made apart share the same connections", async () => {
    const before = connections
    const withOptions = ManagementClient.layerNode({ retry: false })
    const ownTransport = Layer.sync(ManagementClient.ManagementClient, () =>
      ManagementClient.make(Transport.node() ?? Transport.fetch())
    )
    for (const layer of [withOptions, ownTransport, ManagementClient.layerNode()]) {
      await Effect.runPromise(
        Envvars.list("proj_abcdefghijklmnopqrst", "dev").pipe(auth(), Effect.provide(layer))
      )
    }
    expect(connections - before).toBeLessThanOrEqual(1)
  })

  it("the count sees a new connection (it can fail)", async () => {
    const before = connections
    // a request with `Connection: close` ends its connection: the next one must open another
    await fetch(`${baseURL}/`, { headers: { connection: "close" } }).then((r) => r.text())
    await fetch(`${baseURL}/`, { headers: { connection: "close" } }).then((r) => r.text())
    expect(connections - before).toBeGreaterThanOrEqual(2)
  })
})
