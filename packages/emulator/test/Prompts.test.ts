/**
 * The prompts routes over raw HTTP, where the client cannot reach: a body without `variables` (the
 * server's `{}`), bodies the server's schemas refuse (400, never a 500), a method the route does not
 * serve (405), the builder's own 404 on `versions`, and no token in any answer or log line.
 */
import type { Emulator } from "@authctx/emulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { call, roles, start } from "./support.js"

let emulator: Emulator
let key: string
const lines: Array<string> = []

beforeAll(async () => {
  emulator = await start({ seed: 34, log: (line) => lines.push(line) })
  key = roles(emulator).p1.environments.dev.secretKey
})
afterAll(() => emulator.stop())

describe("prompts over raw HTTP", () => {
  it("resolve without variables compiles with none; a number variable prints as text", async () => {
    const bare = await call(emulator.url, {
      method: "POST",
      path: "/api/v1/prompts/greeting",
      token: key,
      body: {}
    })
    expect(bare.status).toBe(200)
    expect((bare.json as { data: { text: string } }).data.text).toBe("Hello !")
    const number = await call(emulator.url, {
      method: "POST",
      path: "/api/v1/prompts/greeting",
      token: key,
      body: { variables: { name: 7 } }
    })
    expect((number.json as { data: { text: string; model: string } }).data).toMatchObject({
      text: "Hello 7!",
      model: "gpt-4o"
    })
  })

  it("refuses bodies the server's schemas refuse with 400, never a 500", async () => {
    const bad: ReadonlyArray<readonly [string, string, unknown]> = [
      ["POST", "/api/v1/prompts/greeting", { variables: ["not", "an", "object"] }],
      ["POST", "/api/v1/prompts/greeting", { version: "2" }],
      ["POST", "/api/v1/prompts/greeting/promote", { version: 0 }],
      ["POST", "/api/v1/prompts/greeting/promote", {}],
      ["POST", "/api/v1/prompts/greeting/override", { model: "m" }],
      ["POST", "/api/v1/prompts/greeting/override", { textContent: "x", source: "code" }],
      ["PUT", "/api/v1/prompts/greeting/override", { textContent: 1 }],
      ["POST", "/api/v1/prompts/greeting/override/reactivate", { version: -3 }]
    ]
    for (const [method, path, body] of bad) {
      const reply = await call(emulator.url, { method, path, token: key, body })
      expect(reply.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400)
      expect(typeof (reply.json as { error?: unknown }).error).toBe("string")
    }
    const broken = await call(emulator.url, {
      method: "POST",
      path: "/api/v1/prompts/greeting/override",
      token: key,
      raw: "{not json"
    })
    expect(broken.status).toBe(400)
  })

  it("answers 405 for a method the override route does not serve; versions of an unknown slug is the builder's 404", async () => {
    const get = await call(emulator.url, {
      method: "GET",
      path: "/api/v1/prompts/greeting/override",
      token: key
    })
    expect(get.status).toBe(405)
    const missing = await call(emulator.url, { path: "/api/v1/prompts/nope/versions", token: key })
    expect({ status: missing.status, body: missing.json }).toEqual({
      status: 404,
      body: { error: "Not found" }
    })
  })

  it("no answer or log line holds the token, even one sent as a slug", async () => {
    const replies = [
      await call(emulator.url, { path: "/api/v1/prompts", token: `${key}x` }),
      await call(emulator.url, { method: "POST", path: `/api/v1/prompts/${key}`, token: key, body: {} }),
      await call(emulator.url, { path: `/api/v1/prompts/${key}/versions`, token: key })
    ]
    expect(replies.map((reply) => reply.status)).toEqual([401, 404, 404])
    for (const reply of replies) expect(reply.text).not.toContain(key)
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line).not.toContain(key)
    for (const record of emulator.requests()) expect(JSON.stringify(record)).not.toContain(key)
  })
})
