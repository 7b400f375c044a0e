/**
 * Sessions against the emulator over real HTTP: start (201, then 200 with `isCached` for the same external
 * id, per environment; the first run and its payload; a new run once the last one ended; 409 on a closed or
 * expired session; the session token), retrieve by id or external id (404s), update (tags, metadata, the
 * external id that cannot change), close (write-once), list (filters, cursor pages both ways, the server's
 * 400s, the Promise page and the Stream); a PAT refused before sending; no token in any error.
 */
import { ManagementClient, Runs, Sessions } from "@authctx/client"
import { auth, CapabilityError, createClient, sessions } from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Chunk, Effect, Either, Stream } from "effect"
import { jwtVerify } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string
let otherEnvKey: string
let scopedKey: string
let pat: string

beforeAll(async () => {
  // a run finishes 1,010 ms after its trigger: live through a test's next call, ended after a sleep of 1,200
  emulator = await startEmulator({ seed: 31, timings: { queuedMs: 10, executingMs: 1_000 } })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("the emulator has a project")
  key = project.environments.dev.secretKey
  otherEnvKey = project.environments.prod.secretKey
  scopedKey = project.environments.dev.scopedKey
  pat = emulator.credentials.users.find((user) => user.projectRefs.includes(project.ref))?.pat ?? ""
})
afterAll(() => emulator.stop())

/** Runs a program under a credential (the kind is checked at run time: tests pass refused kinds on purpose). */
const run = <A, E>(effect: Effect.Effect<A, E, unknown>, token = key, url?: string) =>
  Effect.runPromise(
    Effect.either(
      (effect as Effect.Effect<A, E, never>).pipe(
        Auth.withAuth({ accessToken: token, baseURL: url ?? emulator.url }),
        Effect.provide(ManagementClient.layerNode({ retry: false }))
      )
    )
  )
const get = async <A, E>(effect: Effect.Effect<A, E, unknown>, token = key, url?: string): Promise<A> =>
  Either.getOrThrow(await run(effect, token, url))
const tagOf = (answer: Either.Either<unknown, unknown>) =>
  Either.isLeft(answer) ? (answer.left as { readonly _tag?: string })._tag : "Right"

const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0
const lastStatus = () => emulator.requests().at(-1)?.status
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let unique = 0
const chat = (
  externalId?: string,
  extra: Partial<Sessions.StartSessionInput> = {}
): Sessions.StartSessionInput => ({
  type: "chat.agent",
  taskIdentifier: "support-agent",
  ...(externalId === undefined ? {} : { externalId }),
  triggerConfig: { basePayload: { chatId: externalId ?? `anon-${unique++}`, message: "hi" }, tags: ["chat"] },
  ...extra
})

describe("sessions.start", () => {
  it("creates a session and its first run (201); the same externalId answers it again (200, isCached), per environment", async () => {
    const first = await get(Sessions.start(chat("chat-1", { metadata: { plan: "pro" }, tags: ["vip"] })))
    expect(lastStatus()).toBe(201)
    expect(first.id).toMatch(/^session_/)
    expect(first).toMatchObject({
      externalId: "chat-1",
      type: "chat.agent",
      taskIdentifier: "support-agent",
      isCached: false,
      tags: ["vip"],
      metadata: { plan: "pro" },
      closedAt: null,
      closedReason: null,
      expiresAt: null,
      triggerConfig: { basePayload: { chatId: "chat-1", message: "hi" }, tags: ["chat"] }
    })
    expect(first.currentRunId).toBe(first.runId)
    expect(first.createdAt).toBeInstanceOf(Date)

    const again = await get(Sessions.start(chat("chat-1")))
    expect(lastStatus()).toBe(200)
    expect(again.isCached).toBe(true)
    expect(again.id).toBe(first.id)
    expect(again.runId).toBe(first.runId) // the run has not ended: it stays the session's run
    expect(again.tags).toEqual(["vip"]) // only the trigger config is written on an existing session

    const firstRun = await get(Runs.retrieve(first.runId))
    expect(firstRun.taskIdentifier).toBe("support-agent")
    expect(firstRun.tags).toEqual(["chat"])
    expect(firstRun.payload).toEqual({ chatId: "chat-1", message: "hi", sessionId: first.id })

    const elsewhere = await get(Sessions.start(chat("chat-1")), otherEnvKey)
    expect(elsewhere.isCached).toBe(false)
    expect(elsewhere.id).not.toBe(first.id)
    const anonymous = [await get(Sessions.start(chat())), await get(Sessions.start(chat()))]
    expect(anonymous.map((s) => s.isCached)).toEqual([false, false])
    expect(anonymous[0]?.id).not.toBe(anonymous[1]?.id)
    expect(anonymous[0]?.externalId).toBeNull()
  })

  it("a start after the session's run ended triggers a continuation run", async () => {
    const first = await get(Sessions.start(chat("chat-ended")))
    await sleep(1_200)
    const again = await get(Sessions.start(chat("chat-ended")))
    expect(again.isCached).toBe(true)
    expect(again.runId).not.toBe(first.runId)
    const next = await get(Runs.retrieve(again.runId))
    // the first run's message is not replayed
    expect(next.payload).toEqual({
      chatId: "chat-ended",
      sessionId: first.id,
      continuation: true,
      previousRunId: first.runId
    })
  })

  it("answers a token scoped to the session's channels, signed with the environment's key", async () => {
    const keyed = await get(Sessions.start(chat("chat-token")))
    const { payload } = await jwtVerify(keyed.publicAccessToken, new TextEncoder().encode(key), {
      issuer: "https://id.trigger.dev",
      audience: "https://api.trigger.dev"
    })
    expect(payload.pub).toBe(true)
    expect(payload.scopes).toEqual(["read:sessions:chat-token", "write:sessions:chat-token"])
    // without an external id, the session's own id is the key
    const anonymous = await get(Sessions.start(chat()))
    const claims = (await jwtVerify(anonymous.publicAccessToken, new TextEncoder().encode(key))).payload
    expect(claims.scopes).toEqual([`read:sessions:${anonymous.id}`, `write:sessions:${anonymous.id}`])
  })

  it("a closed or expired session is a ConflictError; nothing in it shows the key", async () => {
    await get(Sessions.start(chat("chat-closed")))
    await get(Sessions.close("chat-closed"))
    const closed = await run(Sessions.start(chat("chat-closed")))
    expect(tagOf(closed)).toBe("ConflictError")
    expect(JSON.stringify(closed)).toContain("Session is closed; use a different externalId")
    expect(JSON.stringify(closed)).not.toContain(key)
    const expired = await run(
      Sessions.start(chat("chat-expired", { expiresAt: new Date(Date.now() - 1_000) }))
    )
    expect(tagOf(expired)).toBe("ConflictError")
    expect(JSON.stringify(expired)).toContain("Session is expired")
  })

  it("refuses invalid input before sending, and the server's validation answers 400", async () => {
    const before = lastSeq()
    for (const input of [
      chat("session_mine"),
      chat("   "),
      chat("x".repeat(257)),
      chat(undefined, { type: "" }),
      chat(undefined, { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }),
      { ...chat(), triggerConfig: { basePayload: {}, maxAttempts: 11 } }
    ]) {
      const answer = await run(Sessions.start(input))
      expect(Either.isLeft(answer)).toBe(true)
    }
    expect(lastSeq()).toBe(before)
    // a body over the server's 32 KiB limit is its 413
    const big = await run(Sessions.start(chat(undefined, { metadata: { blob: "x".repeat(40_000) } })))
    expect(Either.isLeft(big) && (big.left as { status?: number }).status).toBe(413)
  })

  it("a null or blank externalDeploymentId is not sent; a given one is trimmed and kept", async () => {
    const pinned = await get(
      Sessions.start({ ...chat(), triggerConfig: { basePayload: {}, externalDeploymentId: " sha-1 " } })
    )
    expect(pinned.triggerConfig?.externalDeploymentId).toBe("sha-1")
    const optedOut = await get(
      Sessions.start({ ...chat(), triggerConfig: { basePayload: {}, externalDeploymentId: null } })
    )
    expect(optedOut.triggerConfig).toEqual({ basePayload: {} })
  })
})

describe("a start answer that does not decode", () => {
  it("is an ApiSchemaError naming the field, never the session token in the body", async () => {
    const token = "eyJhbGciOiJIUzI1NiJ9.eyJwdWIiOnRydWV9.c2lnbmF0dXJlLW9mLXRoZS1zZXNzaW9uLXRva2Vu"
    emulator.faults.inject({
      route: "sessions.start",
      status: 201,
      body: { id: "session_x", publicAccessToken: token, isCached: "yes" },
      times: 1
    })
    const answer = await run(Sessions.start(chat("chat-hostile")))
    expect(tagOf(answer)).toBe("ApiSchemaError")
    expect(JSON.stringify(answer)).toMatch(/"issue":"\w+: Missing"/)
    expect(JSON.stringify(answer)).not.toContain(token)
    expect(String(Either.isLeft(answer) ? answer.left : "")).not.toContain(token)
  })
})

describe("sessions.retrieve, update and close", () => {
  it("retrieves by id or external id; an unknown one, or one of another environment, is a NotFoundError", async () => {
    const started = await get(Sessions.start(chat("chat-r/1?x")))
    const byId = await get(Sessions.retrieve(started.id))
    const byExternalId = await get(Sessions.retrieve("chat-r/1?x"))
    expect(byExternalId).toEqual(byId)
    expect(byId.triggerConfig).toEqual(started.triggerConfig)
    expect(byId.currentRunId).toBe(started.runId)
    for (const [id, token] of [
      ["session_nope", key],
      ["nope", key],
      [started.id, otherEnvKey],
      ["chat-r/1?x", otherEnvKey]
    ] as const) {
      expect(tagOf(await run(Sessions.retrieve(id), token))).toBe("NotFoundError")
    }
    // an additional key of the environment may call it (the route checks a resource)
    expect((await get(Sessions.retrieve(started.id), scopedKey)).id).toBe(started.id)
  })

  it("update replaces tags and metadata, null clears metadata, and the external id cannot change", async () => {
    const started = await get(Sessions.start(chat("chat-u", { metadata: { a: 1 } })))
    const updated = await get(Sessions.update("chat-u", { tags: ["x", "y"], metadata: { b: 2 } }))
    expect(updated).toMatchObject({ id: started.id, tags: ["x", "y"], metadata: { b: 2 } })
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(started.updatedAt.getTime())
    expect((await get(Sessions.update(started.id, { metadata: null }))).metadata).toBeNull()
    // the same external id is accepted, another one is the server's 422
    expect((await get(Sessions.update(started.id, { externalId: "chat-u" }))).externalId).toBe("chat-u")
    const renamed = await run(Sessions.update(started.id, { externalId: "chat-v" }))
    expect(tagOf(renamed)).toBe("UnprocessableEntityError")
    expect(JSON.stringify(renamed)).toContain("externalId cannot be changed after creation")
    const unknown = await run(Sessions.update("session_nope", { tags: [] }))
    expect(tagOf(unknown)).toBe("NotFoundError")
    expect(JSON.stringify(unknown)).toContain("Session not found")
  })

  it("close is one-way: a second close keeps the first time and reason", async () => {
    const started = await get(Sessions.start(chat("chat-c")))
    const closed = await get(Sessions.close(started.id, { reason: "resolved" }))
    expect(closed.closedAt).toBeInstanceOf(Date)
    expect(closed.closedReason).toBe("resolved")
    await sleep(5)
    const again = await get(Sessions.close("chat-c", { reason: "other" }))
    expect(again.closedReason).toBe("resolved")
    expect(again.closedAt?.getTime()).toBe(closed.closedAt?.getTime())
    // without a body, as the SDK: no reason
    const bare = await get(Sessions.start(chat("chat-c2")))
    expect((await get(Sessions.close(bare.id))).closedReason).toBeNull()
    expect(tagOf(await run(Sessions.close("session_nope")))).toBe("NotFoundError")
    // a reason over 256 characters is refused before sending
    const before = lastSeq()
    expect(Either.isLeft(await run(Sessions.close(bare.id, { reason: "r".repeat(257) })))).toBe(true)
    expect(lastSeq()).toBe(before)
  })
})

describe("sessions.list", () => {
  it("filters, pages by cursor both ways as the server does, refuses what the server refuses, and streams", async () => {
    const emu = await startEmulator({ seed: 32 })
    try {
      const k = emu.credentials.projects[0]?.environments.dev.secretKey ?? ""
      const on = <A, E>(effect: Effect.Effect<A, E, unknown>) => get(effect, k, emu.url)
      const made: Array<Sessions.StartSessionInput> = [
        chat("l0", { type: "chat.agent", tags: ["even"] }),
        chat("l1", { type: "other", tags: ["odd"] }),
        chat("l2", { type: "chat.agent", tags: ["even"], taskIdentifier: "billing-agent" }),
        chat("l3", { type: "chat.agent", tags: ["odd"] }),
        chat("l4", { type: "chat.agent", tags: ["even"] })
      ]
      const ids: Array<string> = []
      for (const input of made) ids.push((await on(Sessions.start(input))).id)
      await on(Sessions.close("l3"))
      const newestFirst = [...ids].reverse()

      const all = await on(Sessions.list())
      expect(all.data.map((s) => s.id)).toEqual(newestFirst)
      expect(all.pagination).toEqual({})
      // list items carry no triggerConfig; currentRunId is the run's id
      expect(all.data[0]?.triggerConfig).toBeUndefined()
      expect(all.data[0]?.currentRunId).toMatch(/^run_/)

      const idsOf = async (params: Sessions.ListSessionsParams) =>
        (await on(Sessions.list(params))).data.map((s) => s.id)
      expect(await idsOf({ type: "other" })).toEqual([ids[1]])
      expect(await idsOf({ tag: "odd" })).toEqual([ids[3], ids[1]])
      expect(await idsOf({ taskIdentifier: "billing-agent" })).toEqual([ids[2]])
      expect(await idsOf({ externalId: "l4" })).toEqual([ids[4]])
      expect(await idsOf({ status: "CLOSED" })).toEqual([ids[3]])
      expect(await idsOf({ status: ["ACTIVE"] })).toHaveLength(4)
      expect(await idsOf({ period: "1h" })).toHaveLength(5)
      expect(await idsOf({ to: new Date(Date.now() - 3_600_000) })).toEqual([])
      expect(await idsOf({ from: Date.now() + 60_000 })).toEqual([])
      // the server reads a comma-joined list as one value: no type is named "chat.agent,other"
      expect(await idsOf({ type: ["chat.agent", "other"] })).toEqual([])

      // forward: next is the page's last; previous (once paged) its first
      const page1 = await on(Sessions.list({ limit: 2 }))
      expect(page1.data.map((s) => s.id)).toEqual(newestFirst.slice(0, 2))
      expect(page1.pagination.previous).toBeUndefined()
      const page2 = await on(Sessions.list({ limit: 2, after: page1.pagination.next }))
      expect(page2.data.map((s) => s.id)).toEqual(newestFirst.slice(2, 4))
      expect(page2.pagination.previous).toBeDefined()
      const page3 = await on(Sessions.list({ limit: 2, after: page2.pagination.next }))
      expect(page3.data.map((s) => s.id)).toEqual(newestFirst.slice(4))
      expect(page3.pagination.next).toBeUndefined()
      // backward from page 3: the two sessions nearer the cursor, newest first
      const back = await on(Sessions.list({ limit: 2, before: page3.pagination.previous }))
      expect(back.data.map((s) => s.id)).toEqual(newestFirst.slice(2, 4))

      for (const params of [
        { limit: 0 },
        { limit: 101 },
        { status: ["ACTIVE", "CLOSED"] as const },
        { after: page1.pagination.next, before: page2.pagination.previous }
      ] satisfies ReadonlyArray<Sessions.ListSessionsParams>) {
        const answer = await run(Sessions.list(params), k, emu.url)
        expect(tagOf(answer), JSON.stringify(params)).toBe("BadRequestError")
      }

      const streamed = await on(Stream.runCollect(Sessions.stream({ limit: 2 })))
      expect(Chunk.toReadonlyArray(streamed).map((s) => s.id)).toEqual(newestFirst)

      // the Promise API's page: await it, page on, or for await over every session
      const client = createClient({ accessToken: k, baseURL: emu.url }).requireSecretKey()
      const first = await client.sessions.list({ limit: 2 })
      expect(first.data.map((s) => s.id)).toEqual(newestFirst.slice(0, 2))
      expect((await first.getNextPage()).data.map((s) => s.id)).toEqual(newestFirst.slice(2, 4))
      const seen: Array<string> = []
      for await (const session of client.sessions.list({ limit: 2 })) seen.push(session.id)
      expect(seen).toEqual(newestFirst)
    } finally {
      await emu.stop()
    }
  })
})

describe("the Promise API", () => {
  it("ambient sessions under auth.withAuth, and on a client", async () => {
    await auth.withAuth({ accessToken: key, baseURL: emulator.url }, async () => {
      const started = await sessions.start(chat("promise-chat"))
      expect((await sessions.retrieve("promise-chat")).id).toBe(started.id)
      expect((await sessions.update(started.id, { tags: ["p"] })).tags).toEqual(["p"])
      expect((await sessions.close(started.id)).closedAt).toBeInstanceOf(Date)
      expect((await sessions.list({ externalId: "promise-chat" })).data.map((s) => s.id)).toEqual([
        started.id
      ])
    })
    const client = createClient(
      { accessToken: key, baseURL: emulator.url },
      { retry: false }
    ).requireSecretKey()
    await expect(client.sessions.retrieve("nothing-here")).rejects.toMatchObject({ _tag: "NotFoundError" })
  })
})

describe("who may call", () => {
  it("a PAT is refused before sending (CapabilityError, nothing in the request log)", async () => {
    const refused = [
      Sessions.start(chat("pat")),
      Sessions.retrieve("session_x"),
      Sessions.update("session_x", { tags: [] }),
      Sessions.close("session_x"),
      Sessions.list()
    ]
    const before = lastSeq()
    for (const effect of refused) {
      const answer = await run(effect as Effect.Effect<unknown, unknown, unknown>, pat)
      expect(Either.isLeft(answer) && answer.left).toBeInstanceOf(CapabilityError)
      expect(JSON.stringify(answer)).not.toContain(pat)
    }
    const client = createClient({ accessToken: pat, baseURL: emulator.url })
    const members = client.sessions as unknown as Record<
      string,
      (...args: ReadonlyArray<unknown>) => Promise<unknown>
    >
    // a list's first argument is its parameters (an object: a string is refused as such, before the kind)
    for (const name of ["start", "retrieve", "update", "close", "list"])
      await expect(
        members[name]?.(name === "start" ? chat("pat") : name === "list" ? {} : "session_x", {})
      ).rejects.toBeInstanceOf(CapabilityError)
    await expect(
      auth.withAuth({ accessToken: pat, baseURL: emulator.url }, () => sessions.list())
    ).rejects.toBeInstanceOf(CapabilityError)
    expect(lastSeq()).toBe(before)
  })
})
