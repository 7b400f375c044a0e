/**
 * Payloads like the SDK (issue 10, deliverables 2 and 3), over real HTTP against the emulator, with the
 * official `@trigger.dev/sdk` 4.8.3 on the other side (docs/reference/payloads.md):
 *
 * - what authctx puts on the wire for `tasks.trigger`, `tasks.batchTrigger` and the replay override body is
 *   what the SDK puts there (recorded by a loopback proxy in front of the emulator);
 * - a payload with `Date`, `BigInt`, `Map`, `Set`, nested `undefined` and `RegExp` triggered by one client
 *   and retrieved by the other is equal, both ways (the server's JSON form inline; the values themselves
 *   when the packet was offloaded);
 * - a string payload is not re-read as JSON;
 * - 128 KiB and more is offloaded (`packets.upload`, a presigned `PUT` without the API key) and read back
 *   through `payloadPresignedUrl`/`outputPresignedUrl`;
 * - a 3.5 MB body is refused as the server refuses it.
 */
import * as Authctx from "@authctx/client/promise"
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type Recorded, type Recorder, startRecorder } from "./support/recorder.js"

let emulator: Emulator
let proxy: Recorder
let proxyUrl: string
/** The requests recorded since the last test began. */
let seen: ReadonlyArray<Recorded> = []
let secretKey: string
let client: ReturnType<typeof createAuthctx>

const createAuthctx = (accessToken: string, baseURL: string) =>
  Authctx.createClient({ accessToken, baseURL }).requireSecretKey()

beforeAll(async () => {
  emulator = await startEmulator({ seed: 10, timings: { queuedMs: 0, executingMs: 0 } })
  proxy = await startRecorder(emulator.url)
  proxyUrl = proxy.url
  seen = proxy.records
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("the emulator has two projects")
  secretKey = project.environments.dev.legacySecretKey
  Sdk.configure({ secretKey, baseURL: proxyUrl })
  client = createAuthctx(secretKey, proxyUrl)
})
afterAll(async () => {
  await proxy.close()
  await emulator.stop()
})
beforeEach(() => {
  proxy.clear()
})

/** A payload with every type plain JSON loses. */
const rich = () => ({
  at: new Date("2026-12-01T10:20:30.456Z"),
  big: 12345678901234567890n,
  map: new Map<string, unknown>([
    ["a", 1],
    ["b", { when: new Date(0) }]
  ]),
  set: new Set<unknown>([1, "x", 2n]),
  nested: { gone: undefined, kept: 1, deeper: { alsoGone: undefined } },
  pattern: /ab+c/gi,
  list: [1, undefined, 3],
  text: "plain"
})

/**
 * The server's JSON form of `rich()` in a `runs.retrieve` answer (SuperJSON's JSON half): an `undefined`
 * member is `null` there (its "undefined" mark lives in the metadata half, which the answer drops).
 */
const richAsJson = {
  at: "2026-12-01T10:20:30.456Z",
  big: "12345678901234567890",
  map: [
    ["a", 1],
    ["b", { when: "1970-01-01T00:00:00.000Z" }]
  ],
  set: [1, "x", "2"],
  nested: { gone: null, kept: 1, deeper: { alsoGone: null } },
  pattern: "/ab+c/gi",
  list: [1, null, 3],
  text: "plain"
}

const triggerBodies = (): Array<{ payload?: unknown; options?: Record<string, unknown> }> =>
  seen
    .filter((s) => s.method === "POST" && /\/api\/v1\/tasks\/[^/]+\/trigger$/.test(s.path))
    .map((s) => JSON.parse(s.body))

describe("tasks.trigger sends the payload as the SDK does", () => {
  for (const [name, payload] of [
    ["a rich object", rich()],
    ["a string", 'not JSON: {"a":1}'],
    ["a JSON-looking string", '{"a":1}'],
    ["an empty string", ""],
    ["undefined", undefined],
    ["a number", 42],
    ["null", null],
    ["an array with a Date", [new Date(1), "x"]],
    ["a Buffer (the SDK's custom SuperJSON type)", { bytes: Buffer.from("hi") }]
  ] as const) {
    it(`${name}: the same body`, async () => {
      await Sdk.tasks.trigger("echo-wire", payload)
      await client.tasks.trigger("echo-wire", payload)
      const [sdk, ours] = triggerBodies()
      expect(sdk).toBeDefined()
      expect(ours).toEqual(sdk)
    })
  }

  it("SuperJSON with application/super+json and payloadSize; a string as text/plain", async () => {
    await client.tasks.trigger("echo-wire", rich())
    await client.tasks.trigger("echo-wire", "hello")
    await client.tasks.trigger("echo-wire", undefined)
    const [object, text, none] = triggerBodies()
    expect(object?.options).toMatchObject({ payloadType: "application/super+json" })
    expect(typeof object?.payload).toBe("string")
    expect(object?.options?.["payloadSize"]).toBe(Buffer.byteLength(String(object?.payload)))
    expect(text).toEqual({ payload: "hello", options: { payloadType: "text/plain", payloadSize: 5 } })
    expect(none).toEqual({ options: { payloadType: "application/json", payloadSize: 0 } })
  })
})

describe("payload round trip between the two clients", () => {
  it("triggered by authctx, retrieved by the SDK, equals triggered by the SDK, retrieved by authctx", async () => {
    const ours = await client.tasks.trigger("echo-rich", rich())
    const theirs = await Sdk.tasks.trigger("echo-rich", rich())
    const bySdk = await Sdk.runs.retrieve(ours.id)
    const byAuthctx = await client.runs.retrieve(theirs.id)
    expect(bySdk.payload).toEqual(richAsJson)
    expect(byAuthctx.payload).toStrictEqual(bySdk.payload)
    // an echo task's output is its payload, in the same form
    expect(byAuthctx.status).toBe("COMPLETED")
    expect(byAuthctx.output).toStrictEqual(bySdk.output)
    expect(bySdk.output).toEqual(richAsJson)
    // and each client reads its own run as the other does
    expect((await client.runs.retrieve(ours.id)).payload).toStrictEqual(bySdk.payload)
    expect((await Sdk.runs.retrieve(theirs.id)).payload).toStrictEqual(byAuthctx.payload)
  })

  it("a string payload comes back as the same string, never parsed as JSON", async () => {
    for (const text of ['{"a":1}', "42", "plain text", "null"]) {
      const ours = await client.tasks.trigger("echo-text", text)
      const theirs = await Sdk.tasks.trigger("echo-text", text)
      expect((await Sdk.runs.retrieve(ours.id)).payload).toBe(text)
      expect((await client.runs.retrieve(theirs.id)).payload).toBe(text)
      expect((await client.runs.retrieve(ours.id)).output).toBe(text)
    }
  })

  it("no payload: none either way", async () => {
    const ours = await client.tasks.trigger("echo-none", undefined)
    const theirs = await Sdk.tasks.trigger("echo-none", undefined)
    expect((await Sdk.runs.retrieve(ours.id)).payload).toBeUndefined()
    expect((await client.runs.retrieve(theirs.id)).payload).toBeUndefined()
  })

  it("a plain JSON body from an older client (payloadType application/json) still reads back", async () => {
    const res = await fetch(`${emulator.url}/api/v1/tasks/echo-json/trigger`, {
      method: "POST",
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ payload: { n: 1, s: "x" }, options: { payloadType: "application/json" } })
    })
    const { id } = (await res.json()) as { id: string }
    expect((await client.runs.retrieve(id)).payload).toEqual({ n: 1, s: "x" })
    expect((await Sdk.runs.retrieve(id)).payload).toEqual({ n: 1, s: "x" })
  })
})

/** About 200 KiB of text, plus every rich type: offloaded by both clients. */
const large = () => ({ ...rich(), blob: "x".repeat(200 * 1024) })

describe("large payloads (128 KiB and more) are offloaded as the SDK offloads them", () => {
  it("authctx asks packets.upload for a URL, PUTs the packet there without the key, and triggers the reference", async () => {
    await client.tasks.trigger("echo-large", large())
    const [upload, trigger] = seen
    expect(upload?.method).toBe("PUT")
    expect(upload?.path).toMatch(/^\/api\/v2\/packets\/trigger%2Fpacket_[1-9a-km-z]{21}%2Fpayload\.json$/)
    expect(upload?.authorization).toBe(`Bearer ${secretKey}`)
    const body = JSON.parse(trigger?.body ?? "{}") as { payload: string; options: Record<string, unknown> }
    expect(body.payload).toMatch(/^trigger\/packet_[1-9a-km-z]{21}\/payload\.json$/)
    expect(body.options["payloadType"]).toBe("application/store")
    expect(body.options["payloadSize"]).toBeGreaterThanOrEqual(200 * 1024)
    // the PUT to the presigned URL went straight to the emulator's object store, with no credential
    const stored = emulator.requests().filter((r) => r.route === "object store")
    expect(stored.at(-1)).toMatchObject({ method: "PUT", status: 200, credentialKind: "none" })
  })

  it("sends the same as the SDK, but for the random packet name", async () => {
    await Sdk.tasks.trigger("echo-large", large())
    await client.tasks.trigger("echo-large", large())
    const [sdk, ours] = triggerBodies()
    const samePath = (text: unknown) => String(text).replace(/packet_[1-9a-km-z]{21}/, "packet_…")
    expect({ ...ours, payload: samePath(ours?.payload) }).toEqual({ ...sdk, payload: samePath(sdk?.payload) })
    const uploads = seen.filter((s) => s.path.startsWith("/api/v2/packets/")).map((s) => samePath(s.path))
    expect(uploads).toEqual([uploads[0], uploads[0]])
  })

  it("reads back through the presigned URLs, both ways, with every type restored", async () => {
    const ours = await client.tasks.trigger("echo-large", large())
    const theirs = await Sdk.tasks.trigger("echo-large", large())
    const raw = (await (
      await fetch(`${emulator.url}/api/v3/runs/${ours.id}`, {
        headers: { authorization: `Bearer ${secretKey}` }
      })
    ).json()) as Record<string, unknown>
    expect(raw["payload"]).toBeUndefined()
    expect(raw["payloadPresignedUrl"]).toMatch(new RegExp(`^${emulator.url}/__objects/packets/`))
    expect(raw["outputPresignedUrl"]).toEqual(expect.any(String))

    const bySdk = await Sdk.runs.retrieve(ours.id)
    const byAuthctx = await client.runs.retrieve(theirs.id)
    expect(bySdk.payload).toStrictEqual(large())
    expect(byAuthctx.payload).toStrictEqual(large())
    expect(byAuthctx.output).toStrictEqual(bySdk.output)
    expect((await client.runs.retrieve(ours.id)).payload).toStrictEqual(large())
  })

  it("a 3.5 MB payload goes through both clients (offloaded), while a 3.5 MB trigger body is refused 413 after auth", async () => {
    const huge = { blob: "y".repeat(3.5 * 1024 * 1024), at: new Date(5) }
    const ours = await client.tasks.trigger("echo-huge", huge)
    expect((await Sdk.runs.retrieve(ours.id)).payload).toStrictEqual(huge)

    const body = JSON.stringify({ payload: huge.blob, options: { payloadType: "text/plain" } })
    expect(Buffer.byteLength(body)).toBeGreaterThan(3_145_728)
    const send = (headers: Record<string, string>) =>
      fetch(`${emulator.url}/api/v1/tasks/echo-huge/trigger`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body
      })
    const refused = await send({ authorization: `Bearer ${secretKey}` })
    expect(refused.status).toBe(413)
    expect(await refused.json()).toEqual({ error: "Request body too large" })
    // the server authenticates first: without a key it is 401, not 413
    expect((await send({})).status).toBe(401)
  })

  it("a body just under the limit is accepted, and the server offloads inline data of 512 KiB itself", async () => {
    const inline = "z".repeat(600 * 1024)
    const res = await fetch(`${emulator.url}/api/v1/tasks/echo-inline/trigger`, {
      method: "POST",
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ payload: inline, options: { payloadType: "text/plain" } })
    })
    expect(res.status).toBe(200)
    const { id } = (await res.json()) as { id: string }
    const run = await client.runs.retrieve(id)
    expect(run.payloadPresignedUrl).toEqual(expect.any(String))
    expect(run.payload).toBe(inline)
  })

  it("the presigned URLs are checked: a wrong signature, method or expired URL is 403", async () => {
    const { id } = await client.tasks.trigger("echo-large", large())
    const raw = (await (
      await fetch(`${emulator.url}/api/v3/runs/${id}`, { headers: { authorization: `Bearer ${secretKey}` } })
    ).json()) as { payloadPresignedUrl: string }
    const url = new URL(raw.payloadPresignedUrl)
    expect((await fetch(url)).status).toBe(200)
    const forged = new URL(url)
    forged.searchParams.set("signature", "AAAA")
    expect((await fetch(forged)).status).toBe(403)
    expect((await fetch(url, { method: "PUT", body: "overwrite" })).status).toBe(403)
    const later = new URL(url)
    later.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 1))
    expect((await fetch(later)).status).toBe(403)
    const otherKey = new URL(url.href.replace(/payload\.json/, "other.json"))
    expect((await fetch(otherKey)).status).toBe(403)
  })

  it("packets.upload refuses an unsafe path (400) and a PAT (SecretKey only)", async () => {
    const pat = emulator.credentials.users[0]?.pat ?? ""
    const put = (filename: string, token: string) =>
      fetch(`${emulator.url}/api/v2/packets/${encodeURIComponent(filename)}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}` }
      })
    for (const bad of [
      "../escape.json",
      "a/../../b.json",
      "/abs.json",
      "a\\b.json",
      "a//b.json",
      "a/%2e%2e/b"
    ]) {
      const res = await put(bad, secretKey)
      expect(res.status, bad).toBe(400)
      expect(await res.json()).toEqual({ error: "Invalid packet storage path" })
    }
    expect((await put("trigger/packet_x/payload.json", pat)).status).toBe(401)
    const ok = (await (await put("trigger/packet_x/payload.json", secretKey)).json()) as Record<
      string,
      unknown
    >
    expect(ok).toEqual({ presignedUrl: expect.any(String), storagePath: "trigger/packet_x/payload.json" })
    expect(JSON.stringify(ok)).not.toContain(secretKey)
  })
})

const ndjsonLines = (): Array<Record<string, unknown>> =>
  seen
    .filter((s) => /\/api\/v3\/batches\/[^/]+\/items$/.test(s.path))
    .flatMap((s) => s.body.split("\n").filter((line) => line.length > 0))
    .map((line) => JSON.parse(line) as Record<string, unknown>)

/** An NDJSON line without what differs by design: the per-item idempotency key (another deliverable) and
 * the random packet name of an offloaded item. */
const comparable = (line: Record<string, unknown>) => {
  const options = { ...(line["options"] as Record<string, unknown>) }
  delete options["idempotencyKey"]
  delete options["idempotencyKeyOptions"]
  const payload =
    typeof line["payload"] === "string"
      ? line["payload"].replace(/packet_[1-9a-km-z]{21}/, "packet_…")
      : line["payload"]
  return { ...line, payload, options }
}

describe("tasks.batchTrigger items carry payloads as the SDK's", () => {
  const items = () => [
    { payload: rich() },
    { payload: "a string" },
    { payload: undefined },
    { payload: "" },
    { payload: large() }
  ]

  it("the same NDJSON lines, and the same create call", async () => {
    await Sdk.tasks.batchTrigger("echo-batch", items())
    const sdkLines = ndjsonLines().map(comparable)
    const sdkCreate = JSON.parse(seen.find((s) => s.path === "/api/v3/batches")?.body ?? "{}")
    proxy.clear()
    await client.tasks.batchTrigger("echo-batch", items())
    const ourLines = ndjsonLines().map(comparable)
    const ourCreate = JSON.parse(seen.find((s) => s.path === "/api/v3/batches")?.body ?? "{}")
    expect(sdkLines).toHaveLength(5)
    expect(ourLines).toEqual(sdkLines)
    expect(ourCreate).toEqual(sdkCreate)
    // the large item was uploaded before the batch was created, as the SDK does
    const order = seen.map((s) => s.path.split("?")[0])
    expect(order.findIndex((p) => p?.startsWith("/api/v2/packets/"))).toBeLessThan(
      order.indexOf("/api/v3/batches")
    )
  })

  it("every item reads back equal through the other client", async () => {
    const ours = await client.tasks.batchTrigger("echo-batch-rt", items())
    const theirs = await Sdk.tasks.batchTrigger("echo-batch-rt", items())
    const runsOf = async (batchId: string) =>
      (await client.runs.list({ batch: batchId, limit: 10 })).data.map((run) => run.id).reverse()
    const ourRuns = await runsOf(ours.batchId)
    const theirRuns = await runsOf(theirs.batchId)
    expect(ourRuns).toHaveLength(5)
    for (let i = 0; i < 5; i++) {
      const bySdk = await Sdk.runs.retrieve(ourRuns[i] ?? "")
      const byAuthctx = await client.runs.retrieve(theirRuns[i] ?? "")
      expect(byAuthctx.payload, `item ${i}`).toStrictEqual(bySdk.payload)
    }
    expect((await Sdk.runs.retrieve(ourRuns[0] ?? "")).payload).toEqual(richAsJson)
    expect((await client.runs.retrieve(theirRuns[4] ?? "")).payload).toStrictEqual(large())
  })
})

describe("runs.replay override body", () => {
  it("the same body as the SDK's, and the same payload on the new run", async () => {
    const { id } = await client.tasks.trigger("echo-replay", { n: 1 })
    proxy.clear()
    const theirs = await Sdk.runs.replay(id, { payload: rich() })
    const ours = await client.runs.replay(id, { payload: rich() })
    const [sdkBody, ourBody] = seen.filter((s) => s.path.endsWith("/replay")).map((s) => JSON.parse(s.body))
    expect(sdkBody).toMatchObject({ payloadType: "application/super+json" })
    expect(ourBody).toEqual(sdkBody)
    expect((await client.runs.retrieve(theirs.id)).payload).toEqual(richAsJson)
    expect((await Sdk.runs.retrieve(ours.id)).payload).toEqual(richAsJson)
  })

  it("a string override is SuperJSON too, as the SDK sends it; no override keeps the payload", async () => {
    const { id } = await client.tasks.trigger("echo-replay", { n: 1 })
    proxy.clear()
    await Sdk.runs.replay(id, { payload: "text" })
    await client.runs.replay(id, { payload: "text" })
    const [sdkBody, ourBody] = seen.filter((s) => s.path.endsWith("/replay")).map((s) => JSON.parse(s.body))
    expect(sdkBody).toEqual({ payload: '{"json":"text"}', payloadType: "application/super+json" })
    expect(ourBody).toEqual(sdkBody)
    proxy.clear()
    const kept = await client.runs.replay(id)
    await Sdk.runs.replay(id)
    const [ourEmpty, sdkEmpty] = seen.filter((s) => s.path.endsWith("/replay")).map((s) => s.body)
    expect(ourEmpty).toBe("") // no body without overrides, as the SDK
    expect(sdkEmpty).toBe("")
    expect((await client.runs.retrieve(kept.id)).payload).toEqual({ n: 1 })
  })
})
