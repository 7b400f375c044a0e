/**
 * Public access tokens across the two implementations, against the emulator over real HTTP
 * (docs/public-tokens.md): a token minted by the official SDK 4.8.3 (`auth.createPublicToken`,
 * `auth.createTriggerPublicToken`), parsed with `PublicToken.parse` and used by authctx's clients (the
 * Promise `createClient` and the Effect `Auth.withAuth`); and a token minted by authctx used by the SDK's
 * client. The scope rules give the same answers on both sides: 200 in scope; out of scope, authctx refuses
 * before sending where the call's path names the resource, and the server (the emulator) answers 403 where
 * only it can tell (a run's task); 401 expired; 422 on a reused one-time token.
 */
import {
  AuthenticationError,
  ManagementClient,
  PermissionDeniedError,
  PublicTokens,
  Runs,
  Tasks,
  UnprocessableEntityError
} from "@authctx/client"
import { createClient } from "@authctx/client/promise"
import { Auth, CapabilityError, type Credential, PublicToken } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { Effect, Either, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 1313, timings: { queuedMs: 20, executingMs: 40 } })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("the emulator has a project")
  key = project.environments.dev.secretKey
})
afterAll(() => emulator.stop())

/** Runs `f` with the SDK configured with `accessToken` (a key to mint with, or a public token to use). */
const sdkAs = async <A>(accessToken: string, f: () => Promise<A>): Promise<A> =>
  await Sdk.auth.withAuth({ baseURL: emulator.url, accessToken }, f)

/** Runs an authctx program under a credential (kinds and scopes typed by the caller's token). */
const effectAs = <A, E>(effect: Effect.Effect<A, E, ManagementClient.ManagementClient>) =>
  Effect.runPromise(Effect.either(effect.pipe(Effect.provide(ManagementClient.layerNode({ retry: false })))))

const triggerWithKey = (task: string) => sdkAs(key, () => Sdk.tasks.trigger(task, { n: 1 }))

const requestCount = () => emulator.requests().length

/** The status of the SDK's rejection. */
const sdkStatus = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return (error as { status?: unknown }).status
  }
  throw new Error("expected a refusal")
}

describe("a token minted by the official SDK, used by authctx", () => {
  it("createClient: 200 in scope, another run refused before sending (CapabilityError)", async () => {
    const run = await triggerWithKey("hello")
    const other = await triggerWithKey("hello")
    const jwt = await sdkAs(key, () => Sdk.auth.createPublicToken({ scopes: { read: { runs: [run.id] } } }))
    const parsed = await Effect.runPromise(PublicToken.parse(jwt))
    expect(parsed.scopes).toEqual([`read:runs:${run.id}`])
    // the claims are what the SDK signed: one environment, not one-time use
    expect(parsed.oneTimeUse).toBe(false)
    // narrowing to a scope the token does not have is refused (its scopes are read, not trusted blindly)
    expect(() => PublicToken.narrow(parsed, ["read:runs"])).toThrow(CapabilityError)
    const token = PublicToken.narrow(parsed, [`read:runs:${run.id}`])
    const client = createClient({ accessToken: token, baseURL: emulator.url })
    expect((await client.runs.retrieve(run.id)).id).toBe(run.id)
    const before = requestCount()
    const refused = await client.runs.retrieve(other.id).then(
      () => undefined,
      (error: unknown) => error
    )
    expect(refused).toBeInstanceOf(CapabilityError)
    expect((refused as CapabilityError).missingScope).toContain(`read:runs:${other.id}`)
    expect(requestCount()).toBe(before)
  })

  it("Auth.withAuth: 200 in scope; a trigger outside the scopes refused before sending", async () => {
    const run = await triggerWithKey("hello")
    const jwt = await sdkAs(key, () => Sdk.auth.createPublicToken({ scopes: { read: { runs: true } } }))
    const token = PublicToken.narrow(await Effect.runPromise(PublicToken.parse(jwt)), ["read:runs"])
    const retrieved = await effectAs(
      Runs.retrieve(run.id).pipe(Auth.withAuth({ accessToken: token, baseURL: emulator.url }))
    )
    expect(Either.isRight(retrieved) && retrieved.right.id).toBe(run.id)
    const before = requestCount()
    // statically refused too: the cast states that this test checks the run-time pre-check
    const trigger = await effectAs(
      (Tasks.trigger("hello", {}) as Effect.Effect<unknown, unknown, never>).pipe(
        Auth.withAuth({ accessToken: token as Credential.PublicAccessToken, baseURL: emulator.url })
      ) as Effect.Effect<unknown, unknown, never>
    )
    expect(Either.isLeft(trigger) && trigger.left).toBeInstanceOf(CapabilityError)
    expect(requestCount()).toBe(before)
  })

  it("a scope only the server can check (the run's task): the emulator's 403, on both clients", async () => {
    const own = await triggerWithKey("hello")
    const otherTask = await triggerWithKey("other-task")
    const jwt = await sdkAs(key, () => Sdk.auth.createPublicToken({ scopes: { read: { tasks: "hello" } } }))
    // narrowed as if it covered any run: the pre-check cannot know a run's task, so the call goes out
    const token = PublicToken.narrow(await Effect.runPromise(PublicToken.parse(jwt)), ["read:tasks:hello"])
    const client = createClient({ accessToken: token, baseURL: emulator.url })
    expect((await client.runs.retrieve(own.id)).id).toBe(own.id)
    const before = requestCount()
    const denied = await client.runs.retrieve(otherTask.id).then(
      () => undefined,
      (error: unknown) => error
    )
    expect(denied).toBeInstanceOf(PermissionDeniedError)
    expect((denied as PermissionDeniedError).status).toBe(403)
    expect(requestCount()).toBe(before + 1)
    const effect = await effectAs(
      Runs.retrieve(otherTask.id).pipe(Auth.withAuth({ accessToken: token, baseURL: emulator.url }))
    )
    expect(Either.isLeft(effect) && effect.left).toBeInstanceOf(PermissionDeniedError)
    // the SDK's client with the same token: the same 403
    expect(await sdkStatus(sdkAs(jwt, () => Sdk.runs.retrieve(otherTask.id)))).toBe(403)
  })

  it("an expired token: 401 on authctx's client, as on the SDK's", async () => {
    const run = await triggerWithKey("hello")
    const jwt = await sdkAs(key, () =>
      Sdk.auth.createPublicToken({
        scopes: { read: { runs: true } },
        expirationTime: new Date(Date.now() - 5_000)
      })
    )
    const token = PublicToken.narrow(await Effect.runPromise(PublicToken.parse(jwt)), ["read:runs"])
    const client = createClient({ accessToken: token, baseURL: emulator.url })
    const expired = await client.runs.retrieve(run.id).then(
      () => undefined,
      (error: unknown) => error
    )
    expect(expired).toBeInstanceOf(AuthenticationError)
    expect((expired as AuthenticationError).status).toBe(401)
    expect(await sdkStatus(sdkAs(jwt, () => Sdk.runs.retrieve(run.id)))).toBe(401)
  })

  it("createTriggerPublicToken: triggers once through authctx, 422 on reuse (Effect and Promise)", async () => {
    const jwt = await sdkAs(key, () => Sdk.auth.createTriggerPublicToken("interop-once"))
    const parsed = await Effect.runPromise(PublicToken.parse(jwt))
    expect(parsed.oneTimeUse).toBe(true)
    const token = PublicToken.narrow(parsed, ["trigger:tasks:interop-once"])
    const first = await effectAs(
      Tasks.trigger("interop-once", { n: 1 }).pipe(
        Auth.withAuth({ accessToken: token, baseURL: emulator.url })
      )
    )
    expect(Either.isRight(first) && first.right.id).toMatch(/^run_/)
    // the run token the trigger answered with reads the run, through authctx again
    const runJwt = Either.isRight(first) ? first.right.publicAccessToken : undefined
    if (runJwt === undefined) throw new Error("the trigger answers with a public access token")
    const runId = Either.getOrThrow(first).id
    const runToken = PublicToken.narrow(await Effect.runPromise(PublicToken.parse(Redacted.value(runJwt))), [
      `read:runs:${runId}`
    ])
    expect(
      (await createClient({ accessToken: runToken, baseURL: emulator.url }).runs.retrieve(runId)).id
    ).toBe(runId)
    const again = await effectAs(
      Tasks.trigger("interop-once", { n: 2 }).pipe(
        Auth.withAuth({ accessToken: token, baseURL: emulator.url })
      )
    )
    expect(Either.isLeft(again) && again.left).toBeInstanceOf(UnprocessableEntityError)
    const promise = await createClient({ accessToken: token, baseURL: emulator.url })
      .tasks.trigger("interop-once", { n: 3 })
      .then(
        () => undefined,
        (error: unknown) => error
      )
    expect((promise as UnprocessableEntityError).status).toBe(422)
  })
})

describe("a token minted by authctx, used by the official SDK", () => {
  const keyClient = () => createClient({ accessToken: key, baseURL: emulator.url }).requireSecretKey()

  it("createPublicToken: 200 in scope, 403 out of scope, 401 expired", async () => {
    const run = await triggerWithKey("hello")
    const other = await triggerWithKey("hello")
    const token = await keyClient().createPublicToken({ scopes: { read: { runs: [run.id] } } })
    const jwt = Redacted.value(token.token)
    expect((await sdkAs(jwt, () => Sdk.runs.retrieve(run.id))).id).toBe(run.id)
    expect(await sdkStatus(sdkAs(jwt, () => Sdk.runs.retrieve(other.id)))).toBe(403)
    expect(await sdkStatus(sdkAs(jwt, () => Sdk.tasks.trigger("hello", {})))).toBe(403)
    // the Effect API this time: the same minting under Auth.withAuth
    const expired = Either.getOrThrow(
      await effectAs(
        PublicTokens.createPublicToken({
          scopes: ["read:runs"],
          expirationTime: new Date(Date.now() - 5_000)
        }).pipe(Auth.requireSecretKey, Auth.withAuth({ accessToken: key, baseURL: emulator.url }))
      )
    )
    expect(await sdkStatus(sdkAs(Redacted.value(expired.token), () => Sdk.runs.retrieve(run.id)))).toBe(401)
  })

  it("createTriggerPublicToken: the SDK triggers once, then 422; another task 403", async () => {
    const token = await keyClient().createTriggerPublicToken("interop-sdk-once")
    const jwt = Redacted.value(token.token)
    expect(await sdkStatus(sdkAs(jwt, () => Sdk.tasks.trigger("other-task", {})))).toBe(403)
    const handle = await sdkAs(jwt, () => Sdk.tasks.trigger("interop-sdk-once", { n: 1 }))
    expect(handle.id).toMatch(/^run_/)
    expect(await sdkStatus(sdkAs(jwt, () => Sdk.tasks.trigger("interop-sdk-once", { n: 2 })))).toBe(422)
  })
})
