/**
 * The official SDK 4.8.3 calls the emulator's prompts routes, and its own response schemas (zod, in
 * `zodfetch`) accept every answer: `prompts.resolve` (its `ResolvedPrompt`, with the override first),
 * `prompts.list`, `prompts.versions`, `prompts.promote`, and the override calls create, update, remove and
 * reactivate; the server's 400 and 404 reach it as its own `ApiError`s.
 */
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator({ seed: 33 })
  const key = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
  Sdk.configure({ secretKey: key, baseURL: emulator.url })
})
afterAll(() => emulator.stop())

const routes = () => emulator.requests().map((request) => request.route)

describe("the SDK's prompts against the emulator", () => {
  it("resolve, list, versions", async () => {
    const prompt = await Sdk.prompts.resolve("greeting", { name: "Ada", company: "Acme" })
    expect(prompt).toMatchObject({
      version: 2,
      labels: ["latest", "current"],
      text: "Hello Ada from Acme!",
      model: "gpt-4o",
      config: { temperature: 0.7 }
    })
    expect(prompt.toAISDKTelemetry().experimental_telemetry.metadata["prompt.slug"]).toBe("greeting")
    const summary = await Sdk.prompts.resolve("summarize", { words: 5, text: "t" }, { version: 1 })
    expect([summary.text, summary.model, summary.config]).toEqual([
      "Summarize in 5 words:\nt",
      undefined,
      undefined
    ])

    const listed = await Sdk.prompts.list()
    expect(listed.data.map((p) => [p.slug, p.currentVersion, p.hasOverride])).toEqual([
      ["greeting", 2, false],
      ["support-reply", 1, true],
      ["summarize", 1, false]
    ])
    const versions = await Sdk.prompts.versions("greeting")
    expect(versions.data.map((v) => v.version)).toEqual([2, 1])
    expect(routes()).toEqual(["prompts.resolve", "prompts.resolve", "prompts.list", "prompts.versions"])
  })

  it("the override life cycle and promote", async () => {
    const created = await Sdk.prompts.createOverride("greeting", {
      textContent: "Hi {{name}}",
      model: "gpt-4.1"
    })
    expect(created).toEqual({ ok: true, version: 3 })
    const over = await Sdk.prompts.resolve("greeting", { name: "Ada" })
    expect([over.version, over.text, over.model]).toEqual([3, "Hi Ada", "gpt-4.1"])
    expect(await Sdk.prompts.updateOverride("greeting", { textContent: "Hey {{name}}" })).toEqual({
      ok: true
    })
    expect((await Sdk.prompts.resolve("greeting", { name: "Ada" })).text).toBe("Hey Ada")
    expect(await Sdk.prompts.removeOverride("greeting")).toEqual({ ok: true })
    expect((await Sdk.prompts.resolve("greeting", { name: "Ada" })).version).toBe(2)
    expect(await Sdk.prompts.reactivateOverride("greeting", 3)).toEqual({ ok: true })
    expect((await Sdk.prompts.resolve("greeting", { name: "Ada" })).version).toBe(3)
    expect(await Sdk.prompts.removeOverride("greeting")).toEqual({ ok: true })
    expect(await Sdk.prompts.promote("greeting", 1)).toEqual({ ok: true })
    expect((await Sdk.prompts.resolve("greeting", { name: "Ada" })).text).toBe("Hello Ada!")
    expect(routes()).toEqual(
      expect.arrayContaining([
        "prompts.createOverride",
        "prompts.updateOverride",
        "prompts.removeOverride",
        "prompts.reactivateOverride",
        "prompts.promote"
      ])
    )
  })

  it("the server's 400 and 404 are the SDK's errors", async () => {
    await expect(Sdk.prompts.resolve("no-such-prompt")).rejects.toMatchObject({ status: 404 })
    await expect(Sdk.prompts.versions("no-such-prompt")).rejects.toMatchObject({ status: 404 })
    await expect(Sdk.prompts.promote("greeting", 3)).rejects.toMatchObject({ status: 400 })
    await expect(Sdk.prompts.updateOverride("greeting", { model: "m" })).rejects.toMatchObject({
      status: 400
    })
    await expect(
      Sdk.prompts.createOverride("greeting", { textContent: "x", source: "code" })
    ).rejects.toMatchObject({
      status: 400
    })
  })
})
