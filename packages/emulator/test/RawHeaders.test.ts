/**
 * The emulator reads the headers it needs from `rawHeaders` (not `req.headers`): the same values node:http
 * would give, whatever the case of the names and when a header is sent twice. Real requests over loopback
 * written by hand on a socket, header names exactly as given.
 */
import * as net from "node:net"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"

let emulator: Emulator
let key = ""
let runId = ""

beforeAll(async () => {
  emulator = await startEmulator({ seed: 7, timings: { queuedMs: 0, executingMs: 0 } })
  key = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
  const res = await fetch(`${emulator.url}/api/v1/tasks/hello/trigger`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ payload: {} })
  })
  runId = ((await res.json()) as { id: string }).id
})
afterAll(() => emulator.stop())

/** GET `path` with raw header lines (`[name, value, name, value, …]`, names as written), over a socket. */
const get = (path: string, raw: ReadonlyArray<string>): Promise<number> =>
  new Promise((resolve, reject) => {
    const url = new URL(emulator.url)
    const lines = [`GET ${path} HTTP/1.1`, `host: ${url.host}`, "connection: close"]
    for (let i = 0; i + 1 < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}`)
    const socket = net.connect(Number(url.port), url.hostname, () =>
      socket.end(`${lines.join("\r\n")}\r\n\r\n`)
    )
    let answer = ""
    socket.setEncoding("utf8")
    socket.on("data", (chunk: string) => {
      answer += chunk
    })
    socket.on("end", () => resolve(Number(answer.split(" ")[1])))
    socket.on("error", reject)
  })

describe("headers read from rawHeaders", () => {
  it("any case of Authorization is read", async () => {
    for (const name of ["authorization", "Authorization", "AUTHORIZATION"])
      expect(await get(`/api/v3/runs/${runId}`, [name, `Bearer ${key}`])).toBe(200)
  })

  it("Authorization sent twice: the first one counts, as in req.headers", async () => {
    const path = `/api/v3/runs/${runId}`
    expect(await get(path, ["authorization", `Bearer ${key}`, "Authorization", "Bearer tr_dev_nope"])).toBe(
      200
    )
    expect(await get(path, ["authorization", "Bearer tr_dev_nope", "Authorization", `Bearer ${key}`])).toBe(
      401
    )
  })

  it("the branch and the idempotency key are joined with ', ' when sent twice; any case is read", async () => {
    emulator.clearRequests()
    await get(`/api/v3/runs/${runId}`, [
      "authorization",
      `Bearer ${key}`,
      "X-Trigger-Branch",
      "a",
      "x-trigger-branch",
      "b",
      "X-Trigger-Request-Idempotency-Key",
      "k1"
    ])
    const [record] = emulator.requests()
    expect(record?.branch).toBe("a, b")
    expect(record?.idempotencyKey).toBe("k1")
  })

  it("the same GET path twice matches the same route, its parameters unchanged", async () => {
    const path = `/api/v3/runs/${runId}`
    for (let i = 0; i < 3; i++) expect(await get(path, ["authorization", `Bearer ${key}`])).toBe(200)
    expect(await get("/api/v3/runs/run_doesnotexist", ["authorization", `Bearer ${key}`])).toBe(404)
  })
})
