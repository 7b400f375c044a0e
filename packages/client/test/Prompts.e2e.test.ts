/**
 * The prompts calls against the emulator over real HTTP: resolve (template, version, label, override
 * first, 404s), list, versions, promote (deployed versions only), the override life cycle (create, update,
 * remove, reactivate, with the server's 400s and 404s), each environment its own prompts, the scoped key
 * accepted, a PAT refused before sending, the Promise API (ambient, client, `requestOptions` in the SDK's
 * place), and no token in any error.
 */
import { ManagementClient, Prompts } from "@authctx/client"
import { auth, CapabilityError, createClient, prompts } from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string
let stagingKey: string
let scopedKey: string
let pat: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 31 })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("the emulator has a project")
  key = project.environments.dev.secretKey
  stagingKey = project.environments.staging.secretKey
  scopedKey = project.environments.prod.scopedKey
  pat = emulator.credentials.users.find((user) => user.projectRefs.includes(project.ref))?.pat ?? ""
})
afterAll(() => emulator.stop())

/** Runs a program under a credential (the kind is checked at run time: tests pass refused kinds on purpose). */
const run = <A, E>(effect: Effect.Effect<A, E, unknown>, token = key, url = emulator.url) =>
  Effect.runPromise(
    Effect.either(
      (effect as Effect.Effect<A, E, never>).pipe(
        Auth.withAuth({ accessToken: token, baseURL: url }),
        Effect.provide(ManagementClient.layerNode({ retry: false }))
      )
    )
  )
const ok = async <A, E>(effect: Effect.Effect<A, E, unknown>, token = key): Promise<A> =>
  Either.getOrThrow(await run(effect, token))
const failure = async <A, E>(effect: Effect.Effect<A, E, unknown>, token = key) => {
  const answer = await run(effect, token)
  if (Either.isRight(answer)) throw new Error("expected a failure")
  return answer.left as unknown as {
    readonly _tag: string
    readonly status?: number
    readonly error?: string
  }
}
const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0

describe("prompts.resolve", () => {
  it("puts the variables into the current version's template, sections and all", async () => {
    const prompt = await ok(Prompts.resolve("greeting", { name: "Ada", company: "Acme" }), stagingKey)
    expect(prompt).toMatchObject({
      slug: "greeting",
      version: 2,
      labels: ["latest", "current"],
      template: "Hello {{name}}{{#company}} from {{company}}{{/company}}!",
      text: "Hello Ada from Acme!",
      model: "gpt-4o",
      config: { temperature: 0.7 }
    })
    expect(prompt.promptId).toMatch(/^prompt_/)
    // a falsy section key drops the section; a missing variable is empty
    expect((await ok(Prompts.resolve("greeting", { name: "Bo", company: "" }), stagingKey)).text).toBe(
      "Hello Bo!"
    )
    expect((await ok(Prompts.resolve("greeting"), stagingKey)).text).toBe("Hello !")
    // spaces inside the braces, a number, and no model or config on either the version or the prompt
    const summary = await ok(Prompts.resolve("summarize", { words: 20, text: "long" }), stagingKey)
    expect(summary.text).toBe("Summarize in 20 words:\nlong")
    expect(summary.model).toBeUndefined()
    expect(summary.config).toBeUndefined()
  })

  it("a version number answers that version; a label that one; an unknown of either is a 404", async () => {
    const first = await ok(Prompts.resolve("greeting", { name: "Ada" }, { version: 1 }), stagingKey)
    expect([first.version, first.text, first.model]).toEqual([1, "Hello Ada!", "gpt-4o-mini"])
    expect((await ok(Prompts.resolve("greeting", {}, { label: "latest" }), stagingKey)).version).toBe(2)
    for (const options of [{ version: 99 }, { label: "nope" }]) {
      const missing = await failure(Prompts.resolve("greeting", {}, options), stagingKey)
      expect([missing._tag, missing.error]).toEqual(["NotFoundError", "No version found"])
    }
    const unknown = await failure(Prompts.resolve("no-such-prompt"), stagingKey)
    expect([unknown._tag, unknown.error]).toEqual(["NotFoundError", "Prompt not found"])
  })

  it("toAISDKTelemetry tags a generation with the prompt, as the SDK's", async () => {
    const prompt = await ok(Prompts.resolve("greeting", { name: "Ada" }), stagingKey)
    expect(prompt.toAISDKTelemetry({ user: "u_1" })).toEqual({
      experimental_telemetry: {
        isEnabled: true,
        metadata: {
          "prompt.slug": "greeting",
          "prompt.id": prompt.promptId,
          "prompt.version": "2",
          "prompt.labels": "latest, current",
          "prompt.model": "gpt-4o",
          "prompt.input": '{"name":"Ada"}',
          user: "u_1"
        }
      }
    })
    const bare = (await ok(Prompts.resolve("summarize"), stagingKey)).toAISDKTelemetry()
    expect(Object.keys(bare.experimental_telemetry.metadata)).toEqual([
      "prompt.slug",
      "prompt.id",
      "prompt.version",
      "prompt.labels"
    ])
  })
})

describe("prompts.list and prompts.versions", () => {
  it("lists the environment's prompts, most recently updated first, and a prompt's versions newest first", async () => {
    const listed = await ok(Prompts.list(), stagingKey)
    expect(listed.data.map((p) => [p.slug, p.currentVersion, p.hasOverride, p.defaultModel])).toEqual([
      ["greeting", 2, false, "gpt-4o"],
      // its active override's model wins over the prompt's default
      ["support-reply", 1, true, "gpt-4o-mini"],
      ["summarize", 1, false, null]
    ])
    expect(Number.isNaN(Date.parse(listed.data[0]?.updatedAt ?? ""))).toBe(false)
    const history = await ok(Prompts.versions("greeting"), stagingKey)
    expect(history.data.map((v) => [v.version, v.source, v.labels])).toEqual([
      [2, "code", ["latest", "current"]],
      [1, "code", []]
    ])
    expect(history.data[0]?.contentHash).toMatch(/^[0-9a-f]{16}$/)
    const unknown = await failure(Prompts.versions("no-such-prompt"), stagingKey)
    expect([unknown._tag, unknown.error]).toEqual(["NotFoundError", "Not found"])
    const support = await ok(Prompts.versions("support-reply"), stagingKey)
    expect(support.data.map((v) => [v.version, v.source, v.labels, v.commitMessage])).toEqual([
      [3, "dashboard", ["override"], "shorter"],
      [2, "dashboard", [], "kinder"],
      [1, "code", ["latest", "current"], null]
    ])
    // the active override answers, whatever the label
    const reply = await ok(
      Prompts.resolve("support-reply", { customer: "Ada", ticket: "refund" }),
      stagingKey
    )
    expect([reply.version, reply.text, reply.model]).toEqual([
      3,
      "Reply briefly to Ada about: refund",
      "gpt-4o-mini"
    ])
  })

  it("each environment has its own prompts: an override in one is not seen in another", async () => {
    const emu = await startEmulator({ seed: 32 })
    try {
      const project = emu.credentials.projects[0]
      const dev = project?.environments.dev.secretKey ?? ""
      const prod = project?.environments.prod.secretKey ?? ""
      const on = async <A, E>(effect: Effect.Effect<A, E, unknown>, token: string) =>
        Either.getOrThrow(await run(effect, token, emu.url))
      await on(Prompts.createOverride("greeting", { textContent: "dev only" }), dev)
      expect((await on(Prompts.resolve("greeting"), dev)).text).toBe("dev only")
      expect((await on(Prompts.resolve("greeting", { name: "P" }), prod)).text).toBe("Hello P!")
      const devIds = (await on(Prompts.list(), dev)).data.map((p) => p.friendlyId)
      const prodIds = (await on(Prompts.list(), prod)).data.map((p) => p.friendlyId)
      expect(devIds.some((id) => prodIds.includes(id))).toBe(false)
    } finally {
      await emu.stop()
    }
  })
})

describe("overrides and promotion", () => {
  it("create → resolve answers it over any label; update edits it; remove reverts; reactivate brings it back", async () => {
    const created = await ok(
      Prompts.createOverride("greeting", {
        textContent: "Hi {{name}}",
        model: "gpt-4.1",
        commitMessage: "try"
      })
    )
    expect(created).toEqual({ ok: true, version: 3 })
    const over = await ok(Prompts.resolve("greeting", { name: "Ada" }, { label: "current" }))
    expect([over.version, over.labels, over.text, over.model]).toEqual([3, ["override"], "Hi Ada", "gpt-4.1"])
    // a version number still answers that version
    expect((await ok(Prompts.resolve("greeting", {}, { version: 2 }))).version).toBe(2)
    const listed = (await ok(Prompts.list())).data.find((p) => p.slug === "greeting")
    expect([listed?.hasOverride, listed?.defaultModel, listed?.currentVersion]).toEqual([true, "gpt-4.1", 2])

    expect(await ok(Prompts.updateOverride("greeting", { textContent: "Hey {{name}}" }))).toEqual({
      ok: true
    })
    const edited = await ok(Prompts.resolve("greeting", { name: "Ada" }))
    expect([edited.version, edited.text, edited.model]).toEqual([3, "Hey Ada", "gpt-4.1"])
    const v3 = (await ok(Prompts.versions("greeting"))).data[0]
    expect([v3?.version, v3?.source, v3?.commitMessage, v3?.textContent]).toEqual([
      3,
      "api",
      "try",
      "Hey {{name}}"
    ])

    // a second override takes the label; the first keeps its version
    expect(await ok(Prompts.createOverride("greeting", { textContent: "Yo", source: "dashboard" }))).toEqual({
      ok: true,
      version: 4
    })
    expect(await ok(Prompts.removeOverride("greeting"))).toEqual({ ok: true })
    expect((await ok(Prompts.resolve("greeting", { name: "Ada" }))).text).toBe("Hello Ada!")
    // removing again is fine; updating with none active is the server's 400
    expect(await ok(Prompts.removeOverride("greeting"))).toEqual({ ok: true })
    const noOverride = await failure(Prompts.updateOverride("greeting", { model: "x" }))
    expect([noOverride._tag, noOverride.error]).toEqual(["BadRequestError", "No active override to update"])

    expect(await ok(Prompts.reactivateOverride("greeting", 3))).toEqual({ ok: true })
    const back = await ok(Prompts.resolve("greeting", { name: "Ada" }))
    expect([back.version, back.text]).toEqual([3, "Hey Ada"])
    const deployed = await failure(Prompts.reactivateOverride("greeting", 1))
    expect([deployed._tag, deployed.error]).toEqual([
      "BadRequestError",
      "Code-sourced versions cannot be reactivated as overrides"
    ])
    const missing = await failure(Prompts.reactivateOverride("greeting", 42))
    expect([missing._tag, missing.error]).toEqual(["NotFoundError", "Version 42 not found"])
    await ok(Prompts.removeOverride("greeting"))
  })

  it("promote moves `current` to a deployed version; an override version is the server's 400", async () => {
    expect(await ok(Prompts.promote("greeting", 1))).toEqual({ ok: true })
    const rolledBack = await ok(Prompts.resolve("greeting", { name: "Ada" }))
    expect([rolledBack.version, rolledBack.labels, rolledBack.text]).toEqual([1, ["current"], "Hello Ada!"])
    expect((await ok(Prompts.list())).data.find((p) => p.slug === "greeting")?.currentVersion).toBe(1)
    const override = await failure(Prompts.promote("greeting", 3))
    expect([override._tag, override.error]).toEqual([
      "BadRequestError",
      "Only code-sourced versions can be promoted. Use the override API instead."
    ])
    const missing = await failure(Prompts.promote("greeting", 77))
    expect([missing._tag, missing.error]).toEqual(["NotFoundError", "Version 77 not found"])
    const unknown = await failure(Prompts.promote("no-such-prompt", 1))
    expect([unknown._tag, unknown.error]).toEqual(["NotFoundError", "Prompt not found"])
    expect(await ok(Prompts.promote("greeting", 2))).toEqual({ ok: true })
  })

  it("refuses before sending what the server would refuse: version 0 or 1.5, source code", async () => {
    const before = lastSeq()
    for (const effect of [
      Prompts.promote("greeting", 0),
      Prompts.reactivateOverride("greeting", 1.5),
      Prompts.createOverride("greeting", { textContent: "x", source: "code" })
    ] as ReadonlyArray<Effect.Effect<unknown, unknown, unknown>>) {
      const refused = await failure(effect)
      expect(refused._tag).toBe("InvalidArgumentsError")
    }
    expect(lastSeq()).toBe(before)
  })

  it("a slug is one encoded path segment; the override calls on an unknown slug are 404", async () => {
    for (const effect of [
      Prompts.createOverride("a/b?c", { textContent: "x" }),
      Prompts.updateOverride("nope", {}),
      Prompts.removeOverride("nope"),
      Prompts.reactivateOverride("nope", 1)
    ] as ReadonlyArray<Effect.Effect<unknown, unknown, unknown>>) {
      const missing = await failure(effect)
      expect([missing._tag, missing.error]).toEqual(["NotFoundError", "Prompt not found"])
    }
    expect(emulator.requests().at(-4)?.path).toBe("/api/v1/prompts/a%2Fb%3Fc/override")
  })
})

describe("who may call", () => {
  it("an additional (scoped) key may call every prompts route (each declares its authorization)", async () => {
    expect((await ok(Prompts.list(), scopedKey)).data).toHaveLength(3)
    expect((await ok(Prompts.resolve("greeting", { name: "S" }), scopedKey)).text).toBe("Hello S!")
    expect((await ok(Prompts.createOverride("summarize", { textContent: "s" }), scopedKey)).version).toBe(2)
    expect(await ok(Prompts.removeOverride("summarize"), scopedKey)).toEqual({ ok: true })
  })

  it("a PAT is refused before sending (CapabilityError, nothing in the request log), on every call", async () => {
    const refused = [
      Prompts.resolve("greeting"),
      Prompts.list(),
      Prompts.versions("greeting"),
      Prompts.promote("greeting", 1),
      Prompts.createOverride("greeting", { textContent: "x" }),
      Prompts.updateOverride("greeting", {}),
      Prompts.removeOverride("greeting"),
      Prompts.reactivateOverride("greeting", 1)
    ] as ReadonlyArray<Effect.Effect<unknown, unknown, unknown>>
    const before = lastSeq()
    for (const effect of refused) {
      const answer = await run(effect, pat)
      expect(Either.isLeft(answer) && answer.left).toBeInstanceOf(CapabilityError)
      expect(JSON.stringify(answer)).not.toContain(pat)
    }
    const client = createClient({ accessToken: pat, baseURL: emulator.url })
    const members = client.prompts as unknown as Record<
      string,
      (...args: ReadonlyArray<unknown>) => Promise<unknown>
    >
    expect(Object.keys(members).sort()).toEqual(Object.keys(Prompts.calls).sort())
    // the second argument is a version or a body, and for `resolve` its variables (an object)
    for (const name of Object.keys(Prompts.calls))
      await expect(members[name]?.("greeting", name === "resolve" ? {} : 1)).rejects.toBeInstanceOf(
        CapabilityError
      )
    expect(lastSeq()).toBe(before)
  })

  it("a wrong key is the server's 401, and no error shows a token", async () => {
    const wrong = `${key.slice(0, -4)}zzzz`
    const answer = await failure(Prompts.list(), wrong)
    expect(answer.status).toBe(401)
    const text = `${JSON.stringify(answer)} ${String(answer)}`
    expect(text).not.toContain(wrong)
    expect(text).not.toContain(key)
    const notFound = await failure(Prompts.resolve("no-such-prompt"))
    expect(`${JSON.stringify(notFound)} ${String(notFound)}`).not.toContain(key)
  })
})

describe("the Promise API", () => {
  it("ambient and on a client, with requestOptions last or inside resolve's options (the SDK's place)", async () => {
    await auth.withAuth({ accessToken: stagingKey, baseURL: emulator.url }, async () => {
      expect((await prompts.resolve("greeting", { name: "Amb" })).text).toBe("Hello Amb!")
      expect((await prompts.list()).data.map((p) => p.slug)).toEqual([
        "greeting",
        "support-reply",
        "summarize"
      ])
      expect((await prompts.versions("summarize")).data).toHaveLength(1)
    })
    const client = createClient({ accessToken: stagingKey, baseURL: emulator.url }).requireSecretKey()
    const created = await client.prompts.createOverride("summarize", { textContent: "TL;DR {{text}}" })
    expect(created.version).toBe(2)
    expect(await client.prompts.updateOverride("summarize", { commitMessage: "shorter" })).toEqual({
      ok: true
    })
    expect((await client.prompts.resolve("summarize", { text: "x" }, { version: 2 })).text).toBe("TL;DR x")
    expect(await client.prompts.removeOverride("summarize")).toEqual({ ok: true })
    expect(await client.prompts.reactivateOverride("summarize", 2)).toEqual({ ok: true })
    expect(await client.prompts.removeOverride("summarize")).toEqual({ ok: true })
    expect(await client.prompts.promote("summarize", 1)).toEqual({ ok: true })

    const aborted = AbortSignal.abort()
    const before = lastSeq()
    await expect(
      client.prompts.resolve("greeting", {}, { label: "current", requestOptions: { signal: aborted } })
    ).rejects.toMatchObject({ name: "AbortError" })
    await expect(client.prompts.resolve("greeting", {}, {}, { signal: aborted })).rejects.toMatchObject({
      name: "AbortError"
    })
    await expect(client.prompts.list({ signal: aborted })).rejects.toMatchObject({ name: "AbortError" })
    expect(lastSeq()).toBe(before)
  })
})
