/**
 * `packets.download` (`GET /api/v1/packets/{filename}`) end to end against the emulator: the route itself
 * (SecretKey; a PAT 401, an additional h.key 403, an unsafe path 400), authctx's `waitTokens.retrieve`
 * reading an output the server offloaded through it as the SDK does, and `runs.retrieve` giving back a
 * payload of 128 KiB or more (offloaded on trigger, read through `payloadPresignedUrl`). The SDK's side:
 * test/query-sdk.test.ts; the facts: docs/reference/payloads.md.
 */
import { Runs, Tasks, WaitTokens } from "@authctx/client"
import * as Promised from "@authctx/client/promise"
import { CapabilityError } from "@authctx/core"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { harness, lastSeq, routesSince, under } from "./support/harness.js"

const h = harness(33)

const download = (filename: string, token: string) =>
  fetch(`${h.emulator.url}/api/v1/packets/${encodeURIComponent(filename)}`, {
    headers: { authorization: `Bearer ${token}` }
  })

describe("packets.download", () => {
  it("answers a presigned GET URL for a stored packet: the bytes uploaded come back", async () => {
    const upload = (await (
      await fetch(`${h.emulator.url}/api/v2/packets/${encodeURIComponent("trigger/packet_x/payload.json")}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${h.key}` }
      })
    ).json()) as { presignedUrl: string; storagePath: string }
    const put = await fetch(upload.presignedUrl, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"stored":true}'
    })
    expect(put.status).toBe(200)
    const answer = await download(upload.storagePath, h.key)
    expect(answer.status).toBe(200)
    const { presignedUrl } = (await answer.json()) as { presignedUrl: string }
    expect(presignedUrl.startsWith(`${h.emulator.url}/__objects/packets/`)).toBe(true)
    const got = await fetch(presignedUrl)
    expect(await got.text()).toBe('{"stored":true}')
    expect(got.headers.get("content-type")).toBe("application/json")
    // no existence check, as on the server: a missing packet is the object store's 404
    const missing = (await (await download("trigger/none/payload.json", h.key)).json()) as {
      presignedUrl: string
    }
    expect((await fetch(missing.presignedUrl)).status).toBe(404)
  })

  it("refuses a PAT (401), an additional h.key (403) and an unsafe path (400); no token in the answers", async () => {
    const byPat = await download("trigger/packet_x/payload.json", h.pat)
    expect(byPat.status).toBe(401)
    const byScoped = await download("trigger/packet_x/payload.json", h.scopedKey)
    expect(byScoped.status).toBe(403)
    const unsafe = await download("../other/payload.json", h.key)
    expect(unsafe.status).toBe(400)
    expect(await unsafe.json()).toEqual({ error: "Invalid packet storage path" })
    for (const res of [byPat, byScoped]) {
      const text = await res.text()
      for (const token of [h.pat, h.scopedKey, h.key]) expect(text).not.toContain(token)
    }
  })
})

describe("waitTokens.retrieve reads an offloaded output through packets.download", () => {
  it("the Effect client and the Promise API get the data back; small outputs stay inline", async () => {
    const data = { blob: "d".repeat(600 * 1024), at: "2026-12-01" }
    const token = Either.getOrThrow(await under(h, WaitTokens.create({}), h.key))
    Either.getOrThrow(await under(h, WaitTokens.complete(token.id, data), h.key))
    const raw = (await (
      await fetch(`${h.emulator.url}/api/v1/waitpoints/tokens/${token.id}`, {
        headers: { authorization: `Bearer ${h.key}` }
      })
    ).json()) as { output: string; outputType: string }
    expect(raw).toMatchObject({ output: `${token.id}/token.json`, outputType: "application/store" })
    const before = lastSeq(h)
    const retrieved = Either.getOrThrow(await under(h, WaitTokens.retrieve(token.id), h.key))
    expect(retrieved.output).toEqual(data)
    expect(routesSince(h, before)).toEqual([
      ["waitTokens.retrieve", 200],
      ["packets.download", 200],
      ["object store", 200]
    ])
    const viaPromise = await Promised.auth.withAuth({ accessToken: h.key, baseURL: h.emulator.url }, () =>
      Promised.waitTokens.retrieve(token.id)
    )
    expect(viaPromise.output).toEqual(data)
    const small = Either.getOrThrow(await under(h, WaitTokens.create({}), h.key))
    Either.getOrThrow(await under(h, WaitTokens.complete(small.id, { ok: 1 }), h.key))
    const beforeSmall = lastSeq(h)
    expect(Either.getOrThrow(await under(h, WaitTokens.retrieve(small.id), h.key)).output).toEqual({ ok: 1 })
    expect(routesSince(h, beforeSmall)).toEqual([["waitTokens.retrieve", 200]])
  })

  it("a PAT is refused before sending", async () => {
    const before = lastSeq(h)
    const refused = await under(h, WaitTokens.retrieve("waitpoint_x"), h.pat)
    expect(Either.isLeft(refused) && refused.left).toBeInstanceOf(CapabilityError)
    expect(lastSeq(h)).toBe(before)
  })
})

describe("runs.retrieve gives back a payload of 128 KiB or more", () => {
  it("triggered offloaded, retrieved through payloadPresignedUrl, equal to what was sent", async () => {
    const payload = { blob: "p".repeat(128 * 1024), when: new Date(7), list: new Set([1, 2]) }
    const run = Either.getOrThrow(await under(h, Tasks.trigger("echo-packets", payload), h.key))
    const retrieved = Either.getOrThrow(await under(h, Runs.retrieve(run.id), h.key))
    expect(retrieved.payloadPresignedUrl).toEqual(expect.any(String))
    expect(retrieved.payload).toStrictEqual(payload)
  })
})
