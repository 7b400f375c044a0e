/**
 * Sessions at type level: a SecretKey client has each call with the SDK's signature; a PAT client has each
 * as a `Refused` member naming why; an Effect program calling them does not compile under a PAT (the
 * `NotAccepted<…>` requirement), under a kind not known statically (`KindNotKnown<…>`), nor on a PAT
 * client's `run` (`RequiresKind<…>`). Every `@ts-expect-error` names the diagnostic text it stands for.
 */
import { ManagementClient, Sessions } from "@authctx/client"
import { createClient, type SessionsPage } from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { Effect, Stream } from "effect"
import { describe, expectTypeOf, it } from "vitest"

const devKey = "tr_dev_abcdefghijklmnopqrstuvwx"
const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789"
declare const fromEnv: string

const layer = ManagementClient.layerFetch()
const withKey = <A, E, R>(e: Effect.Effect<A, E, R>) =>
  e.pipe(Auth.withAuth({ accessToken: devKey }), Effect.provide(layer))
const withPat = <A, E, R>(e: Effect.Effect<A, E, R>) =>
  e.pipe(Auth.withAuth({ accessToken: pat }), Effect.provide(layer))
const withUnknown = <A, E, R>(e: Effect.Effect<A, E, R>) =>
  e.pipe(Auth.withAuth({ accessToken: fromEnv }), Effect.provide(layer))

const input = {
  type: "chat.agent",
  taskIdentifier: "support-agent",
  externalId: "chat-1",
  triggerConfig: { basePayload: { chatId: "chat-1" }, externalDeploymentId: null }
} satisfies Sessions.StartSessionInput

describe("the Effect API", () => {
  it("compiles with a SecretKey, not with a PAT or an unknown kind", () => {
    Effect.runPromise(withKey(Sessions.start(input)))
    // @ts-expect-error Type 'NotAccepted<"sessions.start", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Sessions.start(input)))
    // @ts-expect-error Type 'KindNotKnown<"sessions.start", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Sessions.start(input)))

    Effect.runPromise(withKey(Sessions.retrieve("chat-1")))
    // @ts-expect-error Type 'NotAccepted<"sessions.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Sessions.retrieve("chat-1")))
    // @ts-expect-error Type 'KindNotKnown<"sessions.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Sessions.retrieve("chat-1")))

    Effect.runPromise(withKey(Sessions.update("chat-1", { tags: ["a"] })))
    // @ts-expect-error Type 'NotAccepted<"sessions.update", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Sessions.update("chat-1", { tags: ["a"] })))
    // @ts-expect-error Type 'KindNotKnown<"sessions.update", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Sessions.update("chat-1", { metadata: null })))

    Effect.runPromise(withKey(Sessions.close("chat-1")))
    // @ts-expect-error Type 'NotAccepted<"sessions.close", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Sessions.close("chat-1", { reason: "done" })))
    // @ts-expect-error Type 'KindNotKnown<"sessions.close", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Sessions.close("chat-1")))

    Effect.runPromise(withKey(Sessions.list({ status: "ACTIVE" })))
    // @ts-expect-error Type 'NotAccepted<"sessions.list", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Sessions.list()))
    // @ts-expect-error Type 'KindNotKnown<"sessions.list", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withUnknown(Sessions.list()))
    // the Stream needs what list needs
    // @ts-expect-error Type 'NotAccepted<"sessions.list", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(withPat(Stream.runCollect(Sessions.stream())))
  })

  it("types the answers and inputs as the SDK's", () => {
    expectTypeOf(Sessions.start(input)).toExtend<
      Effect.Effect<
        {
          readonly id: string
          readonly runId: string
          readonly publicAccessToken: string
          readonly isCached: boolean
        },
        unknown,
        unknown
      >
    >()
    expectTypeOf(Sessions.retrieve("s")).toExtend<
      Effect.Effect<{ readonly externalId: string | null; readonly closedAt: Date | null }, unknown, unknown>
    >()
    // @ts-expect-error Type '"OPEN"' is not assignable to type
    void Sessions.list({ status: "OPEN" })
    // @ts-expect-error Property 'triggerConfig' is missing in type
    void Sessions.start({ type: "chat.agent", taskIdentifier: "t" })
  })
})

describe("the Promise API", () => {
  it("a SecretKey client has the calls with the SDK's signatures", () => {
    const client = createClient({ accessToken: devKey })
    void client.sessions.start(input)
    void client.sessions.retrieve("chat-1")
    void client.sessions.update("chat-1", { tags: ["a"], metadata: { b: 1 } })
    void client.sessions.close("chat-1")
    void client.sessions.close("chat-1", { reason: "done" }, { signal: AbortSignal.timeout(1_000) })
    expectTypeOf(client.sessions.list({ type: "chat.agent", limit: 10 })).toEqualTypeOf<SessionsPage>()
    void client.run(Sessions.list())
  })

  it("a PAT client has each call as a Refused member, and does not run an Effect program calling them", () => {
    const client = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"sessions.start", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.sessions.start(input)
    // @ts-expect-error Refused<"sessions.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.sessions.retrieve("chat-1")
    // @ts-expect-error Refused<"sessions.update", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.sessions.update("chat-1", {})
    // @ts-expect-error Refused<"sessions.close", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.sessions.close("chat-1")
    // @ts-expect-error Refused<"sessions.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.sessions.list()
    // @ts-expect-error Refused<"sessions.start", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(Sessions.start(input))
    // @ts-expect-error Refused<"sessions.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(Sessions.list())
  })

  it("a client of a kind not known statically must narrow first", () => {
    const client = createClient({ accessToken: fromEnv })
    // @ts-expect-error Refused<"sessions.retrieve", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.sessions.retrieve("chat-1")
    void client.requireSecretKey().sessions.retrieve("chat-1")
  })
})
