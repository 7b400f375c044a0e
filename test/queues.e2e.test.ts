/**
 * Queues end to end, over loopback HTTP against the emulator: the Effect client, the Promise API (ambient and
 * `createClient`) and the official SDK 4.8.3 each list, retrieve, pause, resume, override and reset queues
 * derived from triggered runs; a PAT is refused before sending; unknown queues are typed 404s; no answer or
 * error carries the token. Facts: docs/reference/queues.md.
 */
import { ManagementClient, NotFoundError, Queues } from "@authctx/client"
import * as Authctx from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { Effect, Either, Stream } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let secretKey: string
let pat: string
let otherEnvKey: string

const saved = { ...process.env }

beforeAll(async () => {
  // runs stay queued for a minute: `queued` counts are exact while the test runs
  emulator = await startEmulator({ seed: 41, timings: { queuedMs: 60_000, executingMs: 60_000 } })
  const project = emulator.credentials.projects[0]
  secretKey = project?.environments.dev.secretKey ?? ""
  otherEnvKey = project?.environments.prod.secretKey ?? ""
  pat = emulator.credentials.users.find((user) => user.projectRefs.includes(project?.ref ?? ""))?.pat ?? ""
  const client = Authctx.createClient(
    { accessToken: secretKey, baseURL: emulator.url },
    { retry: false }
  ).requireSecretKey()
  await client.tasks.trigger("send-email", { n: 1 })
  await client.tasks.trigger("send-email", { n: 2 })
  await client.tasks.trigger("ship-order", { n: 3 }, { queue: "fulfilment" })
  await client.tasks.trigger("resize-image", { n: 4 })
})
afterAll(() => emulator.stop())
afterEach(() => {
  Sdk.configure({})
  Authctx.configure({})
  process.env = { ...saved }
})

const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0

/** Runs a program with the dev SecretKey (its kind is known at run time only: the type tests check kinds). */
const run = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.runPromise(
    (effect as Effect.Effect<A, E, never>).pipe(
      Auth.withAuth({ accessToken: secretKey, baseURL: emulator.url }),
      Effect.provide(ManagementClient.layerNode({ retry: false }))
    )
  )

describe("Effect client (SecretKey)", () => {
  it("lists the environment's queues, derived from its runs, in offset pages", async () => {
    const page = await run(Queues.list({ perPage: 2 }))
    expect(page.pagination).toEqual({ currentPage: 1, totalPages: 2, count: 3 })
    const all = await run(Stream.runCollect(Queues.stream({ perPage: 2 })))
    const queues = [...all]
    expect(queues.map((q) => [q.type, q.name, q.queued, q.running])).toEqual([
      ["custom", "fulfilment", 1, 0],
      ["task", "resize-image", 1, 0],
      ["task", "send-email", 2, 0]
    ])
    for (const queue of queues) expect(queue.id).toMatch(/^queue_[a-z0-9]{25}$/)
  })

  it("retrieves a queue by id, by task and by custom name; the same queue each way", async () => {
    const byTask = await run(Queues.retrieve({ type: "task", name: "send-email" }))
    const byId = await run(Queues.retrieve(byTask.id))
    const custom = await run(Queues.retrieve({ type: "custom", name: "fulfilment" }))
    expect(byId).toEqual(byTask)
    expect(byTask).toMatchObject({ name: "send-email", type: "task", paused: false, concurrencyLimit: null })
    expect(custom).toMatchObject({ name: "fulfilment", type: "custom", queued: 1 })
    expect(emulator.requests().at(-1)?.route).toBe("queues.retrieve")
  })

  it("pauses and resumes through one route, the action in the body", async () => {
    const paused = await run(Queues.pause({ type: "task", name: "resize-image" }))
    expect(paused.paused).toBe(true)
    expect((await run(Queues.retrieve({ type: "task", name: "resize-image" }))).paused).toBe(true)
    const resumed = await run(Queues.resume(paused.id))
    expect(resumed.paused).toBe(false)
    expect(
      emulator
        .requests()
        .slice(-3)
        .map((r) => r.route)
    ).toEqual(["queues.pause", "queues.retrieve", "queues.pause"])
  })

  it("overrides the concurrency limit, then resets it", async () => {
    const overridden = await run(Queues.overrideConcurrencyLimit({ type: "custom", name: "fulfilment" }, 7))
    expect(overridden.concurrencyLimit).toBe(7)
    expect(overridden.concurrency?.override).toBe(7)
    expect(overridden.concurrency?.overriddenAt).toBeInstanceOf(Date)
    const reset = await run(Queues.resetConcurrencyLimit({ type: "custom", name: "fulfilment" }))
    expect(reset.concurrencyLimit).toBeNull()
    expect(reset.concurrency?.override).toBeNull()
    expect(reset.concurrency?.overriddenAt).toBeNull()
  })

  it("an unknown queue is a NotFoundError (404), on every queue route", async () => {
    const unknown = { type: "task", name: "never-triggered" } as const
    const effects: ReadonlyArray<Effect.Effect<unknown, unknown, unknown>> = [
      Queues.retrieve(unknown),
      Queues.retrieve("queue_nope"),
      Queues.pause(unknown),
      Queues.resume(unknown),
      Queues.overrideConcurrencyLimit(unknown, 1),
      Queues.resetConcurrencyLimit(unknown)
    ]
    for (const effect of effects) {
      const result = await run(Effect.either(effect))
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left).toBeInstanceOf(NotFoundError)
        expect((result.left as NotFoundError).status).toBe(404)
        expect((result.left as NotFoundError).error).toBe("Queue not found")
        expect(String(result.left)).not.toContain(secretKey)
      }
    }
  })

  it("queues belong to one environment: another environment's key sees none of them", async () => {
    const client = Authctx.createClient(
      { accessToken: otherEnvKey, baseURL: emulator.url },
      { retry: false }
    ).requireSecretKey()
    const page = await client.queues.list()
    expect(page.data).toEqual([])
    await expect(client.queues.retrieve({ type: "task", name: "send-email" })).rejects.toBeInstanceOf(
      NotFoundError
    )
  })

  it("a negative or fractional limit is refused before sending", async () => {
    const before = lastSeq()
    const negative = await run(
      Effect.either(Queues.overrideConcurrencyLimit({ type: "task", name: "send-email" }, -1))
    )
    const fractional = await run(
      Effect.either(Queues.overrideConcurrencyLimit({ type: "task", name: "send-email" }, 1.5))
    )
    expect(Either.isLeft(negative) && Either.isLeft(fractional)).toBe(true)
    expect(lastSeq()).toBe(before)
  })
})

describe("the server's answers to bad requests (raw HTTP)", () => {
  const post = (path: string, body: unknown, token = secretKey) =>
    fetch(`${emulator.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body)
    })

  it("a bad type or action, or a bad limit, is a 400; a PAT is a 401 from the server too", async () => {
    expect((await post("/api/v1/queues/send-email/pause", { type: "task", action: "stop" })).status).toBe(400)
    expect((await post("/api/v1/queues/send-email/pause", { type: "nope", action: "pause" })).status).toBe(
      400
    )
    expect(
      (await post("/api/v1/queues/send-email/concurrency/override", { type: "task", concurrencyLimit: -2 }))
        .status
    ).toBe(400)
    const refused = await post("/api/v1/queues/send-email/pause", { type: "task", action: "pause" }, pat)
    expect(refused.status).toBe(401)
    expect(await refused.text()).not.toContain(pat)
    const missingType = await fetch(`${emulator.url}/api/v1/queues/send-email`, {
      headers: { authorization: `Bearer ${secretKey}` }
    })
    expect(missingType.status).toBe(400)
  })
})

describe("Promise API", () => {
  it("ambient: configure, then every call; `for await` walks every page", async () => {
    Authctx.configure({ secretKey, baseURL: emulator.url })
    const names: Array<string> = []
    for await (const queue of Authctx.queues.list({ perPage: 1 })) names.push(queue.name)
    expect(names).toEqual(["fulfilment", "resize-image", "send-email"])
    const first = await Authctx.queues.list({ perPage: 1 })
    expect(first.hasNextPage()).toBe(true)
    expect((await first.getNextPage()).data.map((q) => q.name)).toEqual(["resize-image"])
    expect((await Authctx.queues.pause("queue_nope").catch((e: unknown) => e)) instanceof NotFoundError).toBe(
      true
    )
    const paused = await Authctx.queues.pause({ type: "task", name: "send-email" })
    expect(paused.paused).toBe(true)
    expect((await Authctx.queues.resume({ type: "task", name: "send-email" })).paused).toBe(false)
    expect(
      (await Authctx.queues.overrideConcurrencyLimit({ type: "task", name: "send-email" }, 2))
        .concurrencyLimit
    ).toBe(2)
    expect(
      (await Authctx.queues.resetConcurrencyLimit({ type: "task", name: "send-email" })).concurrencyLimit
    ).toBeNull()
  })

  it("PAT: every queues call rejects with CapabilityError and sends nothing (client and ambient)", async () => {
    const client = Authctx.createClient({ accessToken: pat, baseURL: emulator.url })
    const calls = client.queues as unknown as Record<
      string,
      (...args: ReadonlyArray<unknown>) => Promise<unknown>
    >
    const args: Record<string, ReadonlyArray<unknown>> = {
      list: [],
      retrieve: ["queue_x"],
      pause: ["queue_x"],
      resume: ["queue_x"],
      overrideConcurrencyLimit: ["queue_x", 1],
      resetConcurrencyLimit: ["queue_x"]
    }
    expect(Object.keys(calls).sort()).toEqual(Object.keys(args).sort())
    const before = lastSeq()
    for (const [name, given] of Object.entries(args)) {
      const onClient = await calls[name]?.(...given).catch((e: unknown) => e)
      expect(onClient, name).toBeInstanceOf(Authctx.CapabilityError)
      expect((onClient as Authctx.CapabilityError).actual).toBe("PersonalAccessToken")
      expect(String(onClient)).not.toContain(pat)
      const ambient = Authctx.queues as unknown as Record<
        string,
        (...args: ReadonlyArray<unknown>) => Promise<unknown>
      >
      const onAmbient = await Authctx.auth
        .withAuth({ accessToken: pat, baseURL: emulator.url }, async () => ambient[name]?.(...given))
        .catch((e: unknown) => e)
      expect(onAmbient, name).toBeInstanceOf(Authctx.CapabilityError)
    }
    expect(lastSeq()).toBe(before)
  })
})

describe("the official SDK 4.8.3 against the emulator", () => {
  it("parses every queues answer with its own schemas", async () => {
    Sdk.configure({ accessToken: secretKey, baseURL: emulator.url })
    const page = await Sdk.queues.list({ page: 1, perPage: 10 })
    expect(page.data.map((q) => q.name)).toEqual(["fulfilment", "resize-image", "send-email"])
    const byTask = await Sdk.queues.retrieve({ type: "task", name: "send-email" })
    expect(byTask.version).toBe("V1")
    expect((await Sdk.queues.retrieve(byTask.id)).name).toBe("send-email")
    expect((await Sdk.queues.retrieve({ type: "custom", name: "fulfilment" })).type).toBe("custom")
    expect((await Sdk.queues.pause({ type: "task", name: "send-email" })).paused).toBe(true)
    expect((await Sdk.queues.resume(byTask.id)).paused).toBe(false)
    const overridden = await Sdk.queues.overrideConcurrencyLimit({ type: "task", name: "send-email" }, 9)
    expect(overridden.concurrencyLimit).toBe(9)
    expect(overridden.version === "V1" ? overridden.concurrency?.overriddenAt : "V2").toBeInstanceOf(Date)
    expect(
      (await Sdk.queues.resetConcurrencyLimit({ type: "task", name: "send-email" })).concurrencyLimit
    ).toBe(null)
    const missing = await Sdk.queues
      .retrieve({ type: "task", name: "never-triggered" })
      .catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(Error)
    expect((missing as { status?: number }).status).toBe(404)
    expect(
      emulator
        .requests()
        .slice(-9)
        .map((r) => r.route)
    ).toEqual([
      "queues.list",
      "queues.retrieve",
      "queues.retrieve",
      "queues.retrieve",
      "queues.pause",
      "queues.pause",
      "queues.overrideConcurrencyLimit",
      "queues.resetConcurrencyLimit",
      // the 404, once: the emulator says not to retry it (x-should-retry: false), as the server does
      "queues.retrieve"
    ])
  })

  it("the SDK's doubly encoded `/` in a custom queue name reaches the same queue as authctx's", async () => {
    const client = Authctx.createClient(
      { accessToken: secretKey, baseURL: emulator.url },
      { retry: false }
    ).requireSecretKey()
    await client.tasks.trigger("ship-order", { n: 5 }, { queue: "team/a" })
    Sdk.configure({ accessToken: secretKey, baseURL: emulator.url })
    const viaSdk = await Sdk.queues.retrieve({ type: "custom", name: "team/a" })
    const viaAuthctx = await client.queues.retrieve({ type: "custom", name: "team/a" })
    expect(viaSdk.id).toBe(viaAuthctx.id)
    expect(viaAuthctx.name).toBe("team/a")
  })
})
