/**
 * What goes on the wire, header by header, for every call of the catalog, recorded by a loopback server
 * that keeps every request's headers (the emulator's request log keeps only some): the headers the
 * official SDK 4.8.3 sends outside a task, and `x-trigger-branch` only to preview and dev.
 * docs/reference/headers-and-branches.md.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { Headers } from "@authctx/api"
import { Envvars, ManagementClient, Runs, Schedules, Tasks } from "@authctx/client"
import { runs as promiseRuns } from "@authctx/client/promise"
import { Auth, AuthScope } from "@authctx/core"
import { Effect, Either } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"

/** A server that records each request's method, path and headers and answers 404 (not retried). */
let server: http.Server
let url: string
let seen: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }> = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers })
    req.resume()
    req.on("end", () => {
      res.writeHead(404, { "content-type": "application/json", "x-should-retry": "false" })
      res.end('{"error":"recorded"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  seen = []
})

const prodKey = "tr_prod_abcdefghijklmnopqrstuvwx"
const stagingKey = "tr_stg_abcdefghijklmnopqrst" // a legacy 20-character key
const devKey = "tr_dev_abcdefghijklmnopqrstuvwx"
const previewKey = "tr_preview_abcdefghijklmnopqrstuvwx"
const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789abcd"

type Branches = Pick<Auth.AuthConfig, "previewBranch" | "devBranch">

/** Runs a call under a credential of statically unknown kind, with no retries; the result is ignored. */
const send = (
  effect: Effect.Effect<unknown, unknown, unknown>,
  accessToken: string,
  branches: Branches = {}
) =>
  Effect.runPromise(
    Effect.either(
      (effect as Effect.Effect<unknown, unknown, never>).pipe(
        Auth.withAuth({ accessToken, baseURL: url, ...branches }),
        Effect.provide(ManagementClient.layerNode({ retry: false }))
      )
    )
  )

const schedule = { task: "t", cron: "0 * * * *", deduplicationKey: "k" }
/** Every call of the catalog (batchTrigger sends its first phase only: the recorder answers 404). */
const calls: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, unknown>, string]> = [
  ["tasks.trigger", Tasks.trigger("t", {}), prodKey],
  ["tasks.batchTrigger", Tasks.batchTrigger("t", [{ payload: 1 }]), prodKey],
  ["runs.list (environment)", Runs.list(), prodKey],
  ["runs.list (project)", Runs.list("proj_x"), pat],
  ["runs.retrieve", Runs.retrieve("run_x"), prodKey],
  ["runs.cancel", Runs.cancel("run_x"), prodKey],
  ["runs.replay", Runs.replay("run_x"), prodKey],
  ["envvars.list", Envvars.list("proj_x", "prod"), prodKey],
  ["envvars.retrieve", Envvars.retrieve("proj_x", "prod", "A"), prodKey],
  ["envvars.upload", Envvars.upload("proj_x", "prod", { variables: { A: "1" } }), pat],
  ["envvars.create", Envvars.create("proj_x", "prod", { name: "A", value: "1" }), prodKey],
  ["envvars.update", Envvars.update("proj_x", "prod", "A", { value: "1" }), pat],
  ["envvars.del", Envvars.del("proj_x", "prod", "A"), prodKey],
  ["schedules.list", Schedules.list(), prodKey],
  ["schedules.create", Schedules.create(schedule), prodKey],
  ["schedules.retrieve", Schedules.retrieve("s"), prodKey],
  ["schedules.update", Schedules.update("s", { task: "t", cron: "0 * * * *" }), prodKey],
  ["schedules.activate", Schedules.activate("s"), prodKey],
  ["schedules.deactivate", Schedules.deactivate("s"), prodKey],
  ["schedules.del", Schedules.del("s"), prodKey]
]

describe("the headers of every call", () => {
  it("covers the 20 calls", () => {
    expect(calls).toHaveLength(20)
  })

  for (const [name, call, token] of calls) {
    it(`${name}: the SDK's headers, realtime streams v2 included, and no branch for prod`, async () => {
      await send(call, token, { previewBranch: "feature-x", devBranch: "dev-x" })
      expect(seen).toHaveLength(1)
      const headers = seen[0]?.headers ?? {}
      expect(headers[Headers.authorization]).toBe(`Bearer ${token}`)
      expect(headers[Headers.realtimeStreamsVersion]).toBe("v2")
      expect(headers[Headers.apiVersion]).toBe(ManagementClient.apiVersion)
      expect(headers[Headers.source]).toBe("sdk")
      expect(headers[Headers.clientVersion]).toMatch(/^\d+\.\d+\.\d+/)
      expect(headers[Headers.requestIdempotencyKey]).toMatch(/^[0-9a-f-]{36}$/)
      expect(headers["content-type"]).toMatch(/^application\/(json|x-ndjson)$/)
      // runs.list (project) is project-wide: no environment, so no branch either
      expect(headers[Headers.branch]).toBeUndefined()
    })
  }
})

describe("x-trigger-branch: the preview branch to preview, the dev branch to dev, nothing elsewhere", () => {
  const both: Branches = { previewBranch: "feature-x", devBranch: "ada-spike" }
  const cases: ReadonlyArray<
    readonly [string, Effect.Effect<unknown, unknown, unknown>, string, Branches, string | undefined]
  > = [
    ["preview key", Runs.list(), previewKey, both, "feature-x"],
    ["dev key with a dev branch", Runs.list(), devKey, both, "ada-spike"],
    ["dev key with only a preview branch", Runs.list(), devKey, { previewBranch: "feature-x" }, undefined],
    ["prod key", Runs.list(), prodKey, both, undefined],
    ["staging key", Runs.list(), stagingKey, both, undefined],
    ["PAT on preview", Envvars.list("proj_x", "preview"), pat, both, "feature-x"],
    ["PAT on dev", Envvars.list("proj_x", "dev"), pat, both, "ada-spike"],
    ["PAT on prod", Envvars.list("proj_x", "prod"), pat, both, undefined],
    ["PAT on staging", Envvars.list("proj_x", "staging"), pat, both, undefined]
  ]
  for (const [name, call, token, branches, expected] of cases) {
    it(`${name}: ${expected === undefined ? "not sent" : "sent"}`, async () => {
      await send(call, token, branches)
      expect(seen.map((r) => r.headers[Headers.branch])).toEqual([expected])
    })
  }

  it("a hostile branch is refused before anything is sent, by every credential that could send it", async () => {
    for (const branch of ["feature\r\nx-evil: 1", "a b", "ünïcode", "x".repeat(257)]) {
      const cases: ReadonlyArray<readonly [Effect.Effect<unknown, unknown, unknown>, string, Branches]> = [
        [Runs.list(), previewKey, { previewBranch: branch }],
        [Runs.list(), devKey, { devBranch: branch }],
        [Envvars.list("proj_x", "preview"), pat, { previewBranch: branch }],
        // a PAT checks both branches whatever the call: it may send either
        [Envvars.list("proj_x", "prod"), pat, { devBranch: branch }]
      ]
      for (const [call, token, branches] of cases) {
        const result = await send(call, token, branches)
        expect(Either.isLeft(result) && (result.left as { _tag?: string })._tag).toBe("InvalidAuthConfig")
      }
    }
    expect(seen).toEqual([])
  })
})

describe("the branch from the environment, through the Promise API", () => {
  const variables = Object.values(Auth.environmentVariables)
  let saved: Record<string, string | undefined> = {}
  beforeEach(() => {
    saved = Object.fromEntries(variables.map((name) => [name, process.env[name]]))
    for (const name of variables) delete process.env[name]
    AuthScope.configure({})
  })
  afterEach(() => {
    for (const name of variables) {
      const value = saved[name]
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    AuthScope.configure({})
  })

  const listWith = async (env: Record<string, string>) => {
    Object.assign(process.env, { [Auth.environmentVariables.baseURL]: url, ...env })
    await promiseRuns.list().catch(() => undefined)
    return seen.map((r) => r.headers[Headers.branch])
  }

  it("a Vercel preview deployment: VERCEL_GIT_COMMIT_REF is sent with the preview key", async () => {
    expect(
      await listWith({ TRIGGER_SECRET_KEY: previewKey, VERCEL_GIT_COMMIT_REF: "feature/login" })
    ).toEqual(["feature/login"])
  })

  it("a Vercel production deployment: the branch is not sent with the prod key", async () => {
    expect(await listWith({ TRIGGER_SECRET_KEY: prodKey, VERCEL_GIT_COMMIT_REF: "main" })).toEqual([
      undefined
    ])
  })

  it("TRIGGER_DEV_BRANCH with a dev key", async () => {
    expect(await listWith({ TRIGGER_SECRET_KEY: devKey, TRIGGER_DEV_BRANCH: "ada-spike" })).toEqual([
      "ada-spike"
    ])
  })

  it("a hostile TRIGGER_PREVIEW_BRANCH sends nothing", async () => {
    expect(await listWith({ TRIGGER_SECRET_KEY: previewKey, TRIGGER_PREVIEW_BRANCH: "a\r\nb" })).toEqual([])
  })
})
