/**
 * The emulator's sessions routes on the wire (raw `fetch`, no client): the statuses and bodies the server
 * answers (201 then 200 on start, the JSON shape with nulls and ISO dates, the 413 body limits of each route,
 * the list's "Query Error" 400s) and the list's cursors cut exactly as the server's sessions repository cuts
 * them, both ways, for five sessions in pages of two (docs/reference/sessions.md).
 */

import type { Emulator } from "@authctx/emulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { call, type Reply, roles, start } from "./support.js"

let emulator: Emulator
let key: string

beforeAll(async () => {
  emulator = await start({ seed: 41 })
  key = roles(emulator).p1.environments.dev.secretKey
})
afterAll(() => emulator.stop())

const send = (method: string, path: string, body?: unknown, raw?: string): Promise<Reply> =>
  call(emulator.url, {
    method,
    path,
    token: key,
    ...(body === undefined ? {} : { body }),
    ...(raw === undefined ? {} : { raw })
  })
const json = (reply: Reply) => reply.json as Record<string, unknown>
const body = (externalId?: string, type = "chat.agent") => ({
  type,
  taskIdentifier: "agent",
  ...(externalId === undefined ? {} : { externalId }),
  triggerConfig: { basePayload: { chatId: externalId ?? "none" } }
})

describe("sessions on the wire", () => {
  it("start answers 201, then 200 with isCached for the same externalId; nulls and ISO dates as the server", async () => {
    const first = await send("POST", "/api/v1/sessions", body("wire-1"))
    expect(first.status, first.text).toBe(201)
    expect(json(first)).toMatchObject({
      externalId: "wire-1",
      isCached: false,
      metadata: null,
      closedAt: null,
      closedReason: null,
      expiresAt: null,
      tags: []
    })
    expect(json(first)["createdAt"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(String(json(first)["publicAccessToken"]).split(".")).toHaveLength(3)
    const again = await send("POST", "/api/v1/sessions", body("  wire-1 "))
    expect(again.status).toBe(200)
    expect(json(again)).toMatchObject({ id: json(first)["id"], isCached: true })
    // the request log names the route and never shows the key
    expect(emulator.requests().at(-1)?.route).toBe("sessions.start")
    expect(JSON.stringify(emulator.requests())).not.toContain(key)
  })

  it("refuses bodies over each route's limit with 413, and a body that is not JSON with 400", async () => {
    const id = String(json(await send("POST", "/api/v1/sessions", body("wire-413")))["id"])
    const tooBig = await send("POST", "/api/v1/sessions", {
      ...body(),
      metadata: { blob: "x".repeat(33_000) }
    })
    expect({ status: tooBig.status, body: tooBig.json }).toEqual({
      status: 413,
      body: { error: "Request body too large" }
    })
    const bigUpdate = await send("PATCH", `/api/v1/sessions/${id}`, {
      metadata: { blob: "x".repeat(33_000) }
    })
    expect(bigUpdate.status).toBe(413)
    // close takes 1 KiB: an ignored field is enough to pass it
    const bigClose = await send("POST", `/api/v1/sessions/${id}/close`, {
      reason: "r",
      padding: "x".repeat(1_100)
    })
    expect(bigClose.status).toBe(413)
    const smallClose = await send("POST", `/api/v1/sessions/${id}/close`, {
      reason: "r",
      padding: "x".repeat(900)
    })
    expect(smallClose.status).toBe(200)
    const broken = await send("POST", "/api/v1/sessions", undefined, "{not json")
    expect(broken.status).toBe(400)
  })

  it("404 bodies: the route builder's on retrieve, the handler's on update and close", async () => {
    expect((await send("GET", "/api/v1/sessions/session_nope")).json).toEqual({ error: "Not found" })
    expect((await send("PATCH", "/api/v1/sessions/nope", { tags: [] })).json).toEqual({
      error: "Session not found"
    })
    expect((await send("POST", "/api/v1/sessions/nope/close", {})).json).toEqual({
      error: "Session not found"
    })
    // a path naming a method the route does not have
    expect((await send("DELETE", "/api/v1/sessions/nope")).status).toBe(405)
  })
})

describe("sessions.list on the wire", () => {
  it("cuts pages and cursors as the server's repository: forward, backward, unknown cursors, 400s", async () => {
    const emu = await start({ seed: 42 })
    try {
      const k = roles(emu).p1.environments.dev.secretKey
      const get = async (query: string) => {
        const reply = await call(emu.url, { path: `/api/v1/sessions?${query}`, token: k })
        return {
          status: reply.status,
          body: reply.json as { data: Array<{ id: string }>; pagination: Record<string, string> }
        }
      }
      const ids: Array<string> = []
      for (let i = 0; i < 5; i++) {
        const reply = await call(emu.url, {
          method: "POST",
          path: "/api/v1/sessions",
          token: k,
          body: body(`l${i}`, "paged")
        })
        ids.push(String(json(reply)["id"]))
      }
      const [s0, s1, s2, s3, s4] = ids
      const page1 = await get("filter[type]=paged&page[size]=2")
      expect(page1.body.data.map((s) => s.id)).toEqual([s4, s3])
      // forward: next is the page's last item; no previous on the first page; cursors are internal ids
      expect(Object.keys(page1.body.pagination)).toEqual(["next"])
      expect(page1.body.pagination["next"]).not.toMatch(/^session_/)
      const page2 = await get(`filter[type]=paged&page[size]=2&page[after]=${page1.body.pagination["next"]}`)
      expect(page2.body.data.map((s) => s.id)).toEqual([s2, s1])
      expect(Object.keys(page2.body.pagination).sort()).toEqual(["next", "previous"])
      const page3 = await get(`filter[type]=paged&page[size]=2&page[after]=${page2.body.pagination["next"]}`)
      expect(page3.body.data.map((s) => s.id)).toEqual([s0])
      expect(Object.keys(page3.body.pagination)).toEqual(["previous"])
      // backward from page 2's first: the two above it, nearest first, shown newest first; more exist above
      const back = await get(
        `filter[type]=paged&page[size]=1&page[before]=${page2.body.pagination["previous"]}`
      )
      expect(back.body.data.map((s) => s.id)).toEqual([s3])
      expect(Object.keys(back.body.pagination).sort()).toEqual(["next", "previous"])
      // an unknown cursor is compared as a string, not refused
      expect((await get("filter[type]=paged&page[after]=zzzz")).body.data).toHaveLength(5)
      expect((await get("filter[type]=paged&page[after]=0")).body.data).toHaveLength(0)
      // the server's Query Error: sizes outside 1–100, both cursors, a status list, a non-integer date
      for (const query of [
        "page[size]=0",
        "page[size]=101",
        "page[size]=two",
        "page[after]=a&page[before]=b",
        "filter[status]=ACTIVE,CLOSED",
        "filter[createdAt][from]=yesterday"
      ]) {
        const reply = await get(query)
        expect({ query, status: reply.status, body: reply.body }).toEqual({
          query,
          status: 400,
          body: { error: "Query Error" }
        })
      }
      // an unreadable period is no filter, as the server's duration parser answers nothing for it
      expect((await get("filter[type]=paged&filter[createdAt][period]=lately")).body.data).toHaveLength(5)
    } finally {
      await emu.stop()
    }
  })
})
