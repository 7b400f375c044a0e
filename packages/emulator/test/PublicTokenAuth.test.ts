/**
 * Public access tokens in the emulator: the ability grammar against a table of the server's cases and as
 * properties (fast-check), recognition, and every catalog route with a token: a JWT is taken only where
 * the route lists abilities (`Catalog.Entry.publicTokenScopes`), refused 401 `Invalid API key` elsewhere,
 * and 403 with the server's body when none of its abilities is granted (docs/reference/public-tokens.md).
 */
import type { Emulator } from "@authctx/emulator"
import fc from "fast-check"
import { SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  allows,
  type Binding,
  can,
  isPublicToken,
  parseScope,
  type Resource
} from "../src/internal/publicTokenAuth.js"
import { call, decodeSuccess, entries, keyOf, prepare, roles, start, successStatus } from "./support.js"

describe("the ability grammar, against the server's cases", () => {
  const table: ReadonlyArray<readonly [ReadonlyArray<string>, string, Resource, boolean]> = [
    // admin alone is every action on everything
    [["admin"], "read", { type: "runs", id: "run_1" }, true],
    [["admin"], "trigger", { type: "tasks" }, true],
    [["admin"], "batchTrigger", { type: "batch", id: "batch_1" }, true],
    // admin:<type> is the action `admin` on that type, not a wildcard
    [["admin:sessions"], "read", { type: "sessions", id: "s1" }, false],
    [["admin:sessions"], "admin", { type: "sessions", id: "s1" }, true],
    [["admin:sessions:s1"], "admin", { type: "sessions", id: "s2" }, false],
    // <action>:all: that action on every type
    [["read:all"], "read", { type: "runs", id: "run_1" }, true],
    [["read:all"], "read", { type: "batch" }, true],
    [["read:all"], "write", { type: "runs", id: "run_1" }, false],
    // *:<type>[:<id>]: every action on the type (or the id)
    [["*:runs"], "write", { type: "runs", id: "run_1" }, true],
    [["*:runs"], "read", { type: "tasks", id: "t" }, false],
    [["*:runs:run_1"], "write", { type: "runs", id: "run_1" }, true],
    [["*:runs:run_1"], "write", { type: "runs", id: "run_2" }, false],
    // <action>:<type>: every resource of the type, and the type itself
    [["read:runs"], "read", { type: "runs", id: "run_1" }, true],
    [["read:runs"], "read", { type: "runs" }, true],
    // <action>:<type>:<id>: that id only; never the whole type
    [["read:runs:run_1"], "read", { type: "runs", id: "run_1" }, true],
    [["read:runs:run_1"], "read", { type: "runs", id: "run_2" }, false],
    [["read:runs:run_1"], "read", { type: "runs" }, false],
    // everything after the second ':' is the id
    [["read:tags:env:prod"], "read", { type: "tags", id: "env:prod" }, true],
    [["read:tags:env:prod"], "read", { type: "tags", id: "env" }, false],
    // no implication between actions, exact and case-sensitive
    [["write:runs"], "read", { type: "runs", id: "run_1" }, false],
    [["trigger:tasks:hello"], "batchTrigger", { type: "tasks", id: "hello" }, false],
    [["READ:runs"], "read", { type: "runs", id: "run_1" }, false],
    [["read:Runs"], "read", { type: "runs", id: "run_1" }, false],
    [["Admin"], "read", { type: "runs", id: "run_1" }, false],
    // unparsable scopes grant nothing
    [[""], "read", { type: "runs" }, false],
    [["read"], "read", { type: "runs" }, false],
    [[":runs"], "read", { type: "runs" }, false],
    [["read:"], "read", { type: "runs" }, false],
    [[], "read", { type: "runs" }, false],
    // any one scope suffices
    [["read:runs:run_9", "read:runs:run_1"], "read", { type: "runs", id: "run_1" }, true]
  ]
  for (const [scopes, action, resource, expected] of table)
    it(`${JSON.stringify(scopes)} ${expected ? "lets" : "does not let"} ${action} ${resource.type}${resource.id === undefined ? "" : `:${resource.id}`}`, () => {
      expect(can(scopes, action, resource)).toBe(expected)
    })

  it("reads the id as everything after the second ':'", () => {
    expect(parseScope("read:tags:a:b:c")).toEqual({ all: false, action: "read", type: "tags", id: "a:b:c" })
    expect(parseScope("admin")).toEqual({ all: true })
    expect(parseScope("nocolon")).toBeUndefined()
  })
})

const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,11}$/)
const action = word.filter((a) => a !== "admin" && a !== "*")
const type = word.filter((t) => t !== "all")
const id = fc.stringMatching(/^[A-Za-z0-9_:.-]{1,20}$/)
const scope = fc.oneof(
  fc.constant("admin"),
  fc.tuple(action, type).map(([a, t]) => `${a}:${t}`),
  fc.tuple(action, type, id).map(([a, t, i]) => `${a}:${t}:${i}`),
  action.map((a) => `${a}:all`),
  fc.tuple(type, id).map(([t, i]) => `*:${t}:${i}`)
)

describe("the ability grammar, as properties", () => {
  it("a scope naming an id grants that id (ids may hold ':') and no other, nor the whole type", () => {
    fc.assert(
      fc.property(action, type, id, id, (a, t, i, other) => {
        const scopes = [`${a}:${t}:${i}`]
        expect(can(scopes, a, { type: t, id: i })).toBe(true)
        expect(can(scopes, a, { type: t, id: other })).toBe(i === other)
        expect(can(scopes, a, { type: t })).toBe(false)
      })
    )
  })

  it("a scope naming a type grants every id of it; `admin` grants everything", () => {
    fc.assert(
      fc.property(action, type, fc.option(id, { nil: undefined }), (a, t, i) => {
        expect(can([`${a}:${t}`], a, { type: t, id: i })).toBe(true)
        expect(can(["admin"], a, { type: t, id: i })).toBe(true)
        expect(can([`${a}:all`], a, { type: t, id: i })).toBe(true)
        expect(can([`*:${t}`], a, { type: t, id: i })).toBe(true)
      })
    )
  })

  it("no action implies another", () => {
    fc.assert(
      fc.property(action, action, type, id, (a, b, t, i) => {
        fc.pre(a !== b)
        for (const s of [`${a}:${t}:${i}`, `${a}:${t}`, `${a}:all`])
          expect(can([s], b, { type: t, id: i })).toBe(false)
      })
    )
  })

  it("more scopes never grant less, and the order of scopes does not matter", () => {
    fc.assert(
      fc.property(
        fc.array(scope, { maxLength: 5 }),
        fc.array(scope, { maxLength: 5 }),
        action,
        type,
        fc.option(id, { nil: undefined }),
        (s, t, a, ty, i) => {
          const resource = { type: ty, id: i }
          if (can(s, a, resource)) expect(can([...s, ...t], a, resource)).toBe(true)
          expect(can([...s].reverse(), a, resource)).toBe(can(s, a, resource))
        }
      )
    )
  })

  it("a route's patterns: any pattern suffices; a binding needs any one value, or every one", () => {
    const any = (values: ReadonlyArray<string>): Binding => ({ values, every: false })
    const every = (values: ReadonlyArray<string>): Binding => ({ values, every: true })
    const runs = ["read:runs:{runId}", "read:tasks:{task}", "read:tags:{tag}"]
    const bound = { runId: any(["run_1"]), task: any(["hello"]), tag: any(["a", "b"]) }
    expect(allows(["read:tags:b"], runs, bound)).toBe(true)
    expect(allows(["read:tasks:hello"], runs, bound)).toBe(true)
    expect(allows(["read:tags:c", "write:runs:run_1"], runs, bound)).toBe(false)
    const batch = ["batchTrigger:tasks:{taskIdentifiers}", "batchTrigger:batch"]
    expect(allows(["batchTrigger:tasks:a"], batch, { taskIdentifiers: every(["a", "b"]) })).toBe(false)
    expect(
      allows(["batchTrigger:tasks:a", "batchTrigger:tasks:b"], batch, { taskIdentifiers: every(["a", "b"]) })
    ).toBe(true)
    expect(allows(["batchTrigger:batch"], batch, { taskIdentifiers: every(["a"]) })).toBe(true)
    // no identifiers: only a grant of the whole type passes
    expect(allows(["batchTrigger:tasks:a"], batch, { taskIdentifiers: every([]) })).toBe(false)
    expect(allows(["batchTrigger:tasks"], batch, { taskIdentifiers: every([]) })).toBe(true)
    // an empty list admits any valid token
    expect(allows([], [], {})).toBe(true)
    fc.assert(
      fc.property(
        fc.array(scope, { maxLength: 4 }),
        fc.array(id, { minLength: 1, maxLength: 4 }),
        (s, ids) => {
          const pattern = ["read:runs:{x}"]
          const someOne = ids.some((i) => can(s, "read", { type: "runs", id: i }))
          const everyOne = ids.every((i) => can(s, "read", { type: "runs", id: i }))
          expect(allows(s, pattern, { x: any(ids) })).toBe(someOne)
          expect(allows(s, pattern, { x: every(ids) })).toBe(everyOne)
        }
      )
    )
  })
})

describe("recognition", () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")
  const header = b64({ alg: "HS256" })
  it("is a three-part token whose payload says pub: true, nothing else", () => {
    expect(isPublicToken(`${header}.${b64({ pub: true })}.sig`)).toBe(true)
    expect(isPublicToken(`${header}.${b64({ pub: "true" })}.sig`)).toBe(false)
    expect(isPublicToken(`${header}.${b64({ sub: "env" })}.sig`)).toBe(false)
    expect(isPublicToken(`${header}.${b64({ pub: true })}`)).toBe(false)
    expect(isPublicToken(`${header}.${b64({ pub: true })}.sig.extra`)).toBe(false)
    expect(isPublicToken(`${header}.not json.sig`)).toBe(false)
    expect(isPublicToken(`${header}.${b64([true])}.sig`)).toBe(false)
    expect(isPublicToken("tr_dev_abcdefghijklmnopqrstuvwx")).toBe(false)
    expect(isPublicToken("..")).toBe(false)
  })
})

describe("every route with a public access token", () => {
  let emulator: Emulator
  let admin: string
  let none: string
  beforeAll(async () => {
    emulator = await start()
    const secretKey = roles(emulator).p1.environments.dev.secretKey
    const claims = (await (
      await fetch(`${emulator.url}/api/v1/auth/jwt/claims`, {
        method: "POST",
        headers: { authorization: `Bearer ${secretKey}` }
      })
    ).json()) as Record<string, unknown>
    const sign = (scopes: ReadonlyArray<string>) =>
      new SignJWT({ ...claims, scopes: [...scopes] })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("https://id.trigger.dev")
        .setAudience("https://api.trigger.dev")
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(new TextEncoder().encode(secretKey))
    admin = await sign(["admin"])
    none = await sign(["read:nothing:here"])
  })
  afterAll(() => emulator.stop())

  it("takes JWTs on the routes of the server that do, and on no other", () => {
    expect(entries.filter((entry) => entry.publicTokenScopes !== undefined).map((entry) => entry.id)).toEqual(
      [
        "tasks.trigger",
        "tasks.createBatch",
        "tasks.streamBatchItems",
        "packets.download",
        "runs.listEnvironment",
        "runs.retrieve",
        "runs.cancel",
        "deployments.list",
        "deployments.retrieveCurrent",
        "batch.retrieve",
        "queues.retrieve",
        "waitTokens.complete",
        "idempotencyKeys.reset",
        // ---- sessions ----
        "sessions.start",
        "sessions.retrieve",
        "sessions.update",
        "sessions.close",
        "sessions.list",
        // ---- query ----
        "query.execute",
        "query.dashboardsList",
        // ---- prompts ----
        "prompts.resolve",
        "prompts.list",
        "prompts.versions",
        "prompts.promote",
        "prompts.createOverride",
        "prompts.updateOverride",
        "prompts.removeOverride",
        "prompts.reactivateOverride"
      ]
    )
  })

  for (const entry of entries) {
    if (entry.capability.accepts.length === 0) continue
    it(`${keyOf(entry)}: ${entry.publicTokenScopes === undefined ? "401 Invalid API key" : "admin succeeds, no grant is 403"}`, async () => {
      const p1 = roles(emulator).p1
      const target = {
        projectRef: p1.ref,
        env: "dev" as const,
        owner: { token: p1.environments.dev.secretKey }
      }
      const request = await prepare(emulator.url, entry, target)
      const withAdmin = await call(emulator.url, { ...request, token: admin })
      if (entry.publicTokenScopes === undefined) {
        expect(withAdmin.status, withAdmin.text).toBe(401)
        expect(withAdmin.json).toEqual({ error: "Invalid API key" })
        return
      }
      expect(withAdmin.status, withAdmin.text).toBe(successStatus(entry))
      expect(() => decodeSuccess(entry, withAdmin.json)).not.toThrow()
      if (entry.publicTokenScopes.length === 0) return
      const fresh = await prepare(emulator.url, entry, target)
      const denied = await call(emulator.url, { ...fresh, token: none })
      expect(denied.status, denied.text).toBe(403)
      expect(denied.json).toEqual(
        entry.id === "tasks.streamBatchItems"
          ? { error: "Unauthorized" }
          : { error: "Unauthorized", code: "unauthorized", param: "access_token", type: "authorization" }
      )
      expect(denied.text).not.toContain(none.split(".")[2])
    })
  }
})
