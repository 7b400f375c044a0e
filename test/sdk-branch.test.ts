/**
 * The official SDK 4.8.3 and authctx, configured the same way (option or environment variables), against
 * one loopback recorder: the same `x-trigger-realtime-streams-version` and `x-trigger-api-version`, and
 * the same `x-trigger-branch` for a preview branch to preview and a dev branch (`TRIGGER_DEV_BRANCH`) to
 * dev. The differences are deliberate and listed: the SDK keeps one branch and sends it everywhere, so a
 * preview branch (or Vercel's git branch) also goes to dev, where the server reads it as a dev branch, and
 * to prod and staging; authctx sends each branch only to its environment
 * (docs/reference/headers-and-branches.md, docs/decisions/0008-branch-header-and-auth-parity.md).
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { Headers } from "@authctx/api"
import * as Authctx from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import * as Sdk from "@trigger.dev/sdk"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"

let server: http.Server
let url: string
let seen: Array<http.IncomingHttpHeaders> = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers)
    req.resume()
    req.on("end", () => {
      // 404 with x-should-retry: false, so neither client retries
      res.writeHead(404, { "content-type": "application/json", "x-should-retry": "false" })
      res.end('{"error":"recorded"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const variables = [...Object.values(Auth.environmentVariables), "TRIGGER_V2_REALTIME_STREAMS"]
let saved: Record<string, string | undefined> = {}
beforeEach(() => {
  saved = Object.fromEntries(variables.map((name) => [name, process.env[name]]))
  for (const name of variables) delete process.env[name]
  seen = []
})
afterEach(() => {
  for (const name of variables) {
    const value = saved[name]
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})

const previewKey = "tr_preview_abcdefghijklmnopqrst"
const devKey = "tr_dev_abcdefghijklmnopqrst"
const prodKey = "tr_prod_abcdefghijklmnopqrst"
const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789abcd"

interface Scenario {
  readonly name: string
  readonly token: string
  readonly env: Readonly<Record<string, string>>
  readonly option?: string
  /** The call: runs.list for keys, envvars.list of `environment` for the PAT. */
  readonly environment?: "prod" | "preview" | "dev"
}

/** The headers each client sends for one scenario: [sdk, authctx]. */
const both = async (s: Scenario) => {
  Object.assign(process.env, s.env)
  const config = {
    accessToken: s.token,
    baseURL: url,
    ...(s.option === undefined ? {} : { previewBranch: s.option })
  }
  const sdkCall = async (): Promise<unknown> =>
    s.environment === undefined ? await Sdk.runs.list() : await Sdk.envvars.list("proj_x", s.environment)
  await Sdk.auth.withAuth(config, sdkCall).catch(() => undefined)
  const authctxCall = (): Promise<unknown> =>
    s.environment === undefined ? Authctx.runs.list() : Authctx.envvars.list("proj_x", s.environment)
  await Authctx.auth.withAuth(config, authctxCall).catch(() => undefined)
  expect(seen).toHaveLength(2)
  return seen.map((h) => ({
    branch: h[Headers.branch],
    streams: h[Headers.realtimeStreamsVersion],
    apiVersion: h[Headers.apiVersion]
  }))
}

const same: ReadonlyArray<Scenario & { readonly branch: string | undefined }> = [
  {
    name: "preview key, TRIGGER_PREVIEW_BRANCH",
    token: previewKey,
    env: { TRIGGER_PREVIEW_BRANCH: "feature-a" },
    branch: "feature-a"
  },
  {
    name: "preview key on a Vercel preview deployment",
    token: previewKey,
    env: { VERCEL_GIT_COMMIT_REF: "feature/login" },
    branch: "feature/login"
  },
  {
    name: "the option over the variables",
    token: previewKey,
    env: { TRIGGER_PREVIEW_BRANCH: "p", VERCEL_GIT_COMMIT_REF: "v" },
    option: "opt",
    branch: "opt"
  },
  {
    name: "dev key, TRIGGER_DEV_BRANCH",
    token: devKey,
    env: { TRIGGER_DEV_BRANCH: "ada-spike" },
    branch: "ada-spike"
  },
  {
    name: 'dev key, TRIGGER_DEV_BRANCH "default"',
    token: devKey,
    env: { TRIGGER_DEV_BRANCH: "default" },
    branch: undefined
  },
  { name: "dev key, no branch", token: devKey, env: {}, branch: undefined },
  {
    name: "PAT on preview",
    token: pat,
    env: { TRIGGER_PREVIEW_BRANCH: "feature-a" },
    environment: "preview",
    branch: "feature-a"
  },
  {
    name: "PAT on dev",
    token: pat,
    env: { TRIGGER_DEV_BRANCH: "ada-spike" },
    environment: "dev",
    branch: "ada-spike"
  }
]

describe("the official SDK and authctx send the same branch where the server reads it", () => {
  for (const s of same) {
    it(s.name, async () => {
      const [sdk, authctx] = await both(s)
      expect(sdk).toEqual({ branch: s.branch, streams: "v2", apiVersion: "2025-07-16" })
      expect(authctx).toEqual(sdk)
    })
  }
})

describe("the deliberate differences: each branch to its own environment only", () => {
  it("a dev key with a preview branch set: the SDK sends it to dev (a dev branch lookup), authctx does not", async () => {
    for (const env of [{ TRIGGER_PREVIEW_BRANCH: "feature-a" }, { VERCEL_GIT_COMMIT_REF: "feature-a" }]) {
      seen = []
      const [sdk, authctx] = await both({ name: "", token: devKey, env })
      expect(sdk?.branch).toBe("feature-a")
      expect(authctx?.branch).toBeUndefined()
      for (const name of Object.keys(env)) delete process.env[name]
    }
  })

  it("a prod key on a Vercel production deployment: the SDK sends the branch, authctx does not (the server ignores it)", async () => {
    const [sdk, authctx] = await both({ name: "", token: prodKey, env: { VERCEL_GIT_COMMIT_REF: "main" } })
    expect(sdk?.branch).toBe("main")
    expect(authctx?.branch).toBeUndefined()
  })

  it("a PAT on prod env vars from a Vercel deployment: the SDK's branch would select a preview branch", async () => {
    const [sdk, authctx] = await both({
      name: "",
      token: pat,
      env: { VERCEL_GIT_COMMIT_REF: "main" },
      environment: "prod"
    })
    expect(sdk?.branch).toBe("main")
    expect(authctx?.branch).toBeUndefined()
  })
})
