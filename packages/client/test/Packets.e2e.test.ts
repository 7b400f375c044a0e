/**
 * `packets.download` (`GET /api/v1/packets/{filename}`) end to end against the emulator: the route itself
 * (SecretKey; a PAT 401, an additional key 403, an unsafe path 400), authctx's `waitTokens.retrieve`
 * reading an output the server offloaded through it as the SDK does, and `runs.retrieve` giving back a
 * payload of 128 KiB or more (offloaded on trigger, read through `payloadPresignedUrl`). The SDK's side:
 * test/query-sdk.test.ts; the facts: docs/reference/payloads.md.
 */
import { ManagementClient, Runs, Tasks, WaitTokens } from "@authctx/client"
import * as Promised from "@authctx/client/promise"
import { Auth, CapabilityError } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string
let scopedKey: string
let pat: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 33 })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("the emulator has a project")
  key = project.environments.dev.secretKey
  scopedKey = project.environments.dev.scopedKey
  pat = emulator.credentials.users.find((user) => user.projectRefs.includes(project.ref))?.pat ?? ""
})
afterAll(() => emulator.stop())

const client = ManagementClient.layerNode({ retry: false })

const under = <A, E>(effect: Effect.Effect<A, E, unknown>, accessToken: string) =>
  Effect.runPromise(
    Effect.either(
      (effect as Effect.Effect<A, E, never>).pipe(
        Auth.withAuth({ accessToken, baseURL: emulator.url }),
        Effect.provide(client)
      )
    )
  )

const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0
const routesSince = (seq: number) =>
  emulator
    .requests()
    .filter((r) => r.seq > seq)
    .map((r) => [r.route, r.status])

const download = (filename: string, token: string) =>
  fetch(`${emulator.url}/api/v1/packets/${encodeURIComponent(filename)}`, {
    headers: { authorization: `Bearer ${token}` }
  })

describe("packets.download", () => {
  it("answers a presigned GET URL for a stored packet: the bytes uploaded come back", async () => {
    const upload = (await (
      await fetch(`${emulator.url}/api/v2/packets/${encodeURIComponent("trigger/packet_x/payload.json")}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${key}` }
      })
    ).json()) as { presignedUrl: string; storagePath: string }
    const put = await fetch(upload.presignedUrl, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"stored":true}'
    })
    expect(put.status).toBe(200)
    const answer = await download(upload.storagePath, key)
    expect(answer.status).toBe(200)
    const { presignedUrl } = (await answer.json()) as { presignedUrl: string }
    expect(presignedUrl.startsWith(`${emulator.url}/__objects/packets/`)).toBe(true)
    const got = await fetch(presignedUrl)
    expect(await got.text()).toBe('{"stored":true}')
    expect(got.headers.get("content-type")).toBe("application/json")
    // no existence check, as on the server: a missing packet is the object store's 404
    const missing = (await (await download("trigger/none/payload.json", key)).json()) as {
      presignedUrl: string
    }
    expect((await fetch(missing.presignedUrl)).status).toBe(404)
  })

  it("refuses a PAT (401), an additional key (403) and an unsafe path (400); no token in the answers", async () => {
    const byPat = await download("trigger/packet_x/payload.json", pat)
    expect(byPat.status).toBe(401)
    const byScoped = await download("trigger/packet_x/payload.json", scopedKey)
    expect(byScoped.status).toBe(403)
    const unsafe = await download("../other/payload.json", key)
    expect(unsafe.status).toBe(400)
    expect(await unsafe.json()).toEqual({ error: "Invalid packet storage path" })
    for (const res of [byPat, byScoped]) {
      const text = await res.text()
      for (const token of [pat, scopedKey, key]) expect(text).not.toContain(token)
    }
  })
})

describe("waitTokens.retrieve reads an offloaded output through packets.download", () => {
  it("the Effect client and the Promise API get the data back; small outputs stay inline", async () => {
    const data = { blob: "d".repeat(600 * 1024), at: "2026-12-01" }
    const token = Either.getOrThrow(await under(WaitTokens.create({}), key))
    Either.getOrThrow(await under(WaitTokens.complete(token.id, data), key))
    const raw = (await (
      await fetch(`${emulator.url}/api/v1/waitpoints/tokens/${token.id}`, {
        headers: { authorization: `Bearer ${key}` }
      })
    ).json()) as { output: string; outputType: string }
    expect(raw).toMatchObject({ output: `${token.id}/token.json`, outputType: "application/store" })
    const before = lastSeq()
    const retrieved = Either.getOrThrow(await under(WaitTokens.retrieve(token.id), key))
    expect(retrieved.output).toEqual(data)
    expect(routesSince(before)).toEqual([
      ["waitTokens.retrieve", 200],
      ["packets.download", 200],
      ["object store", 200]
    ])
    const viaPromise = await Promised.auth.withAuth({ accessToken: key, baseURL: emulator.url }, () =>
      Promised.waitTokens.retrieve(token.id)
    )
    expect(viaPromise.output).toEqual(data)
    const small = Either.getOrThrow(await under(WaitTokens.create({}), key))
    Either.getOrThrow(await under(WaitTokens.complete(small.id, { ok: 1 }), key))
    const beforeSmall = lastSeq()
    expect(Either.getOrThrow(await under(WaitTokens.retrieve(small.id), key)).output).toEqual({ ok: 1 })
    expect(routesSince(beforeSmall)).toEqual([["waitTokens.retrieve", 200]])
  })

  it("a PAT is refused before sending", async () => {
    const before = lastSeq()
    const refused = await under(WaitTokens.retrieve("waitpoint_x"), pat)
    expect(Either.isLeft(refused) && refused.left).toBeInstanceOf(CapabilityError)
    expect(lastSeq()).toBe(before)
  })
})

describe("runs.retrieve gives back a payload of 128 KiB or more", () => {
  it("triggered offloaded, retrieved through payloadPresignedUrl, equal to what was sent", async () => {
    const payload = { blob: "p".repeat(128 * 1024), when: new Date(7), list: new Set([1, 2]) }
    const run = Either.getOrThrow(await under(Tasks.trigger("echo-packets", payload), key))
    const retrieved = Either.getOrThrow(await under(Runs.retrieve(run.id), key))
    expect(retrieved.payloadPresignedUrl).toEqual(expect.any(String))
    expect(retrieved.payload).toStrictEqual(payload)
  })
})
