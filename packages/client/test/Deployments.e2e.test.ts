/**
 * `deployments.list`, `deployments.retrieveCurrent` and `schedules.timezones` end to end over loopback
 * against the emulator: the Effect client and the Promise API for each accepted kind, a PAT refused before
 * sending (nothing in the request log), and the open route called with no credential at all (no token
 * sent). The official SDK against the same routes: test/deployments-sdk.test.ts.
 */
import { Deployments, ManagementClient, Schedules } from "@authctx/client"
import * as Promised from "@authctx/client/promise"
import { Auth, CapabilityError } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { ConfigProvider, Effect, Either, Layer, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string
let prodKey: string
let pat: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 12 })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("the emulator has a project")
  key = project.environments.dev.secretKey
  prodKey = project.environments.prod.secretKey
  pat = emulator.credentials.users.find((user) => user.projectRefs.includes(project.ref))?.pat ?? ""
})
afterAll(() => emulator.stop())

const client = ManagementClient.layerNode({ retry: false })

/** Runs under a credential of statically unknown kind (to reach the run-time check on purpose). */
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

describe("deployments (SecretKey only)", () => {
  it("retrieveCurrent answers the environment's synthetic promoted deployment", async () => {
    const current = await Effect.runPromise(
      Deployments.retrieveCurrent().pipe(
        Auth.withAuth({ secretKey: key as `tr_dev_${string}`, baseURL: emulator.url }),
        Effect.provide(client)
      )
    )
    expect(current).toMatchObject({ status: "DEPLOYED", runtime: "node" })
    expect(current.createdAt).toBeInstanceOf(Date)
    const prod = await under(Deployments.retrieveCurrent(), prodKey)
    expect(Either.getOrThrow(prod).id).not.toBe(current.id) // one per environment
    const again = await under(Deployments.retrieveCurrent(), key)
    expect(Either.getOrThrow(again).id).toBe(current.id)
  })

  it("list answers a cursor page; filters apply; Stream collects every item", async () => {
    const page = Either.getOrThrow(await under(Deployments.list({ limit: 1 }), key))
    expect(page.data).toHaveLength(1)
    expect(page.pagination.next).toBeUndefined()
    const failed = Either.getOrThrow(await under(Deployments.list({ status: "FAILED" }), key))
    expect(failed.data).toEqual([])
    const recent = Either.getOrThrow(await under(Deployments.list({ period: "1d" }), key))
    expect(recent.data).toHaveLength(1)
    const all = Either.getOrThrow(await under(Stream.runCollect(Deployments.stream()), key))
    expect([...all].map((d) => d.id)).toEqual(page.data.map((d) => d.id))
  })

  it("a bad filter is the server's 400, a typed error", async () => {
    const bad = await under(Deployments.list({ period: "soon" }), key)
    expect(Either.isLeft(bad) && bad.left._tag).toBe("BadRequestError")
  })

  it("a PAT is refused before sending: CapabilityError, nothing in the request log", async () => {
    const calls: ReadonlyArray<Effect.Effect<unknown, unknown, unknown>> = [
      Deployments.list(),
      Deployments.retrieveCurrent()
    ]
    for (const effect of calls) {
      const before = lastSeq()
      const result = await under(effect, pat)
      expect(Either.isLeft(result) && result.left).toBeInstanceOf(CapabilityError)
      expect(lastSeq()).toBe(before)
    }
  })

  it("the Promise API: a SecretKey client pages with for await; a PAT is refused before sending", async () => {
    const keyClient = Promised.createClient(
      { accessToken: key as `tr_dev_${string}`, baseURL: emulator.url },
      { retry: false }
    )
    const ids: Array<string> = []
    for await (const deployment of keyClient.deployments.list({ limit: 5 })) ids.push(deployment.id)
    expect(ids).toHaveLength(1)
    expect((await keyClient.deployments.retrieveCurrent()).id).toBe(ids[0])
    const ambient = await Promised.auth.withAuth({ accessToken: key, baseURL: emulator.url }, () =>
      Promised.deployments.retrieveCurrent()
    )
    expect(ambient.id).toBe(ids[0])
    const before = lastSeq()
    const refused = await Promised.auth
      .withAuth({ accessToken: pat, baseURL: emulator.url }, () => Promised.deployments.list())
      .then(
        () => undefined,
        (error: unknown) => error
      )
    expect(refused).toBeInstanceOf(CapabilityError)
    expect(lastSeq()).toBe(before)
  })
})

describe("schedules.timezones (no credential)", () => {
  const withUrl = (url: string) =>
    Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["TRIGGER_API_URL", url]])))

  it("runs with no auth at all (TRIGGER_API_URL from the ConfigProvider) and sends no token", async () => {
    const before = lastSeq()
    const zones = await Effect.runPromise(
      Schedules.timezones().pipe(Effect.provide(client), Effect.provide(withUrl(emulator.url)))
    )
    expect(zones.timezones[0]).toBe("UTC")
    expect(zones.timezones).toContain("Europe/Paris")
    const sent = emulator.requests().filter((r) => r.seq > before)
    expect(sent.map((r) => [r.route, r.status, r.credentialKind])).toEqual([
      ["schedules.timezones", 200, "none"]
    ])
  })

  it("excludeUtc leaves UTC out", async () => {
    const zones = await Effect.runPromise(
      Schedules.timezones({ excludeUtc: true }).pipe(
        Effect.provide(client),
        Effect.provide(withUrl(emulator.url))
      )
    )
    expect(zones.timezones).not.toContain("UTC")
    expect(zones.timezones.length).toBeGreaterThan(100)
  })

  it("under a SecretKey or a PAT scope: uses its base URL, still sends no token", async () => {
    for (const token of [key, pat]) {
      const before = lastSeq()
      const zones = Either.getOrThrow(await under(Schedules.timezones(), token))
      expect(zones.timezones[0]).toBe("UTC")
      const sent = emulator.requests().filter((r) => r.seq > before)
      expect(sent.map((r) => r.credentialKind)).toEqual(["none"])
    }
  })

  it("a malformed TRIGGER_API_URL is a typed error, nothing sent", async () => {
    const result = await Effect.runPromise(
      Effect.either(
        Schedules.timezones().pipe(Effect.provide(client), Effect.provide(withUrl("ftp://example.com")))
      )
    )
    expect(Either.isLeft(result) && result.left._tag).toBe("InvalidArgumentsError")
  })

  it("the Promise API: ambient with no configured credential, and clients of both kinds", async () => {
    const saved = process.env["TRIGGER_API_URL"]
    process.env["TRIGGER_API_URL"] = emulator.url
    try {
      // no credential configured: auth.current() is undefined here
      expect(Promised.auth.current()).toBeUndefined()
      const zones = await Promised.schedules.timezones()
      expect(zones.timezones[0]).toBe("UTC")
      // another call, which needs a credential, still rejects with the auth error
      await expect(Promised.deployments.retrieveCurrent()).rejects.toThrow()
    } finally {
      if (saved === undefined) delete process.env["TRIGGER_API_URL"]
      else process.env["TRIGGER_API_URL"] = saved
    }
    for (const token of [key, pat]) {
      const c = Promised.createClient({ accessToken: token, baseURL: emulator.url }, { retry: false })
      expect((await c.schedules.timezones({ excludeUtc: true })).timezones).not.toContain("UTC")
    }
  })

  it("the emulator answers a bad excludeUtc with the server's 400", async () => {
    const response = await fetch(`${emulator.url}/api/v1/timezones?excludeUtc=maybe`)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: "Invalid request parameters" })
  })
})
