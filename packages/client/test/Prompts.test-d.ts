/**
 * The prompts calls at type level: a SecretKey client has each with the SDK's signature; a PAT client has
 * each as a `Refused` member naming why, and an Effect program calling them does not compile under a PAT
 * client (the diagnostic text is in each `@ts-expect-error`).
 */
import type { SchemasPrompts } from "@authctx/api"
import { Prompts } from "@authctx/client"
import { createClient, type ResolvedPrompt } from "@authctx/client/promise"
import { describe, expectTypeOf, it } from "vitest"

const devKey = "tr_dev_abcdefghijklmnopqrstuvwx"
const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789"

describe("a SecretKey client", () => {
  it("has the prompts calls with the SDK's signatures", () => {
    const client = createClient({ accessToken: devKey })
    expectTypeOf(client.prompts.resolve("greeting", { name: "Ada" }, { label: "current" })).toEqualTypeOf<
      Promise<ResolvedPrompt>
    >()
    void client.prompts.resolve("greeting")
    void client.prompts.resolve(
      "greeting",
      {},
      { version: 2, requestOptions: { signal: AbortSignal.abort() } }
    )
    expectTypeOf(client.prompts.list()).toEqualTypeOf<Promise<SchemasPrompts.ListPromptsResponseBody>>()
    expectTypeOf(client.prompts.versions("greeting")).toEqualTypeOf<
      Promise<SchemasPrompts.ListPromptVersionsResponseBody>
    >()
    expectTypeOf(client.prompts.promote("greeting", 1)).toEqualTypeOf<Promise<{ readonly ok: boolean }>>()
    expectTypeOf(client.prompts.createOverride("greeting", { textContent: "Hi" })).toEqualTypeOf<
      Promise<{ readonly ok: boolean; readonly version: number }>
    >()
    void client.prompts.updateOverride("greeting", { model: "gpt-4o" })
    void client.prompts.removeOverride("greeting")
    void client.prompts.reactivateOverride("greeting", 3)
    // an override needs its text
    // @ts-expect-error Property 'textContent' is missing
    void client.prompts.createOverride("greeting", { model: "gpt-4o" })
    // a version is a number, as in the SDK
    // @ts-expect-error Argument of type 'string' is not assignable to parameter of type 'number'
    void client.prompts.promote("greeting", "1")
    void client.run(Prompts.resolve("greeting"))
  })
})

describe("a PAT client", () => {
  it("has each call as a Refused member", () => {
    const client = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"prompts.resolve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.prompts.resolve("greeting")
    // @ts-expect-error Refused<"prompts.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.prompts.list()
    // @ts-expect-error Refused<"prompts.versions", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.prompts.versions("greeting")
    // @ts-expect-error Refused<"prompts.promote", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.prompts.promote("greeting", 1)
    // @ts-expect-error Refused<"prompts.createOverride", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.prompts.createOverride("greeting", { textContent: "Hi" })
    // @ts-expect-error Refused<"prompts.updateOverride", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.prompts.updateOverride("greeting", {})
    // @ts-expect-error Refused<"prompts.removeOverride", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.prompts.removeOverride("greeting")
    // @ts-expect-error Refused<"prompts.reactivateOverride", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.prompts.reactivateOverride("greeting", 3)
  })

  it("does not run an Effect program that calls them", () => {
    const client = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"prompts.resolve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(Prompts.resolve("greeting"))
    // @ts-expect-error Refused<"prompts.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(Prompts.list())
    // @ts-expect-error Refused<"prompts.versions", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(Prompts.versions("greeting"))
    // @ts-expect-error Refused<"prompts.promote", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(Prompts.promote("greeting", 1))
    // @ts-expect-error Refused<"prompts.createOverride", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(Prompts.createOverride("greeting", { textContent: "Hi" }))
    // @ts-expect-error Refused<"prompts.updateOverride", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(Prompts.updateOverride("greeting", {}))
    // @ts-expect-error Refused<"prompts.removeOverride", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(Prompts.removeOverride("greeting"))
    // @ts-expect-error Refused<"prompts.reactivateOverride", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.run(Prompts.reactivateOverride("greeting", 3))
  })
})
