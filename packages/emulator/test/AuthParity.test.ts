/**
 * The emulator answers as the real server does, in status and in the environment it serves, where it
 * used to differ: branches of dev, PATs with a branch, a key on another environment's envvars path, and
 * how the `Authorization` header is read. Over real HTTP; which environment served a call is read back
 * through its effects (a run's `env.name`, a variable seen only in one environment's list). The server
 * function each rule copies: docs/emulator.md ("Auth rules and the server behaviour each copies").
 */
import type { Emulator } from "@authctx/emulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { call, field, fresh, type Reply, roles, start } from "./support.js"

let emulator: Emulator
beforeAll(async () => {
  emulator = await start()
})
afterAll(() => emulator.stop())

const answer = (reply: Reply) => ({ status: reply.status, body: reply.json })

const setup = () => {
  const { p1, admin, branch } = roles(emulator)
  const devBranch = p1.devBranches[0]
  if (devBranch === undefined) throw new Error("the demo project has a dev branch")
  return { p1, admin, previewBranch: branch, devBranch, url: emulator.url }
}

/** Triggers a run and returns the `env.name` the run lists with (`runs.list` under the same auth). */
const triggerAndRead = async (token: string, branch: string | undefined) => {
  const { url } = setup()
  const trigger = await call(url, {
    method: "POST",
    path: "/api/v1/tasks/hello/trigger",
    token,
    branch,
    body: {}
  })
  const runId = field(trigger, "id")
  const list = await call(url, { path: "/api/v1/runs?page[size]=100", token, branch })
  const runs = (list.json as { data?: ReadonlyArray<{ id: string; env: { name: string } }> }).data ?? []
  return { runId, status: trigger.status, env: runs.find((r) => r.id === runId)?.env.name }
}

/** The variable names an environment's own key (and branch) sees. */
const names = async (token: string, projectRef: string, env: string, branch?: string) => {
  const reply = await call(setup().url, {
    path: `/api/v1/projects/${projectRef}/envvars/${env}`,
    token,
    branch
  })
  expect(reply.status, reply.text).toBe(200)
  return (reply.json as ReadonlyArray<{ name: string }>).map((v) => v.name)
}

describe("dev branches (bearerCredentials resolveBranch)", () => {
  it("a dev key with x-trigger-branch acts on that dev branch, apart from the root dev environment", async () => {
    const { p1, devBranch, url } = setup()
    const devKey = p1.environments.dev.secretKey
    const onBranch = await triggerAndRead(devKey, devBranch)
    expect(onBranch).toMatchObject({ status: 200, env: devBranch })
    const fromRoot = await call(url, { path: `/api/v3/runs/${onBranch.runId}`, token: devKey })
    expect(answer(fromRoot)).toEqual({ status: 404, body: { error: "Run not found" } })
  })

  it("a dev key with an unknown branch is refused 401 No matching branch env", async () => {
    const { p1, url } = setup()
    const reply = await call(url, {
      path: "/api/v1/runs",
      token: p1.environments.dev.secretKey,
      branch: "nope"
    })
    expect(answer(reply)).toEqual({ status: 401, body: { error: "No matching branch env" } })
  })

  it('"default" names the root dev environment, and refs/heads/ is read as the server reads it', async () => {
    const { p1, devBranch } = setup()
    const devKey = p1.environments.dev.secretKey
    expect(await triggerAndRead(devKey, "default")).toMatchObject({ status: 200, env: "dev" })
    expect(await triggerAndRead(devKey, `refs/heads/${devBranch}`)).toMatchObject({
      status: 200,
      env: devBranch
    })
  })

  it("a prod or staging key ignores the header (they have no branches)", async () => {
    const { p1, previewBranch } = setup()
    expect(await triggerAndRead(p1.environments.prod.secretKey, previewBranch)).toMatchObject({
      status: 200,
      env: "prod"
    })
    expect(await triggerAndRead(p1.environments.staging.secretKey, "nope")).toMatchObject({
      status: 200,
      env: "staging"
    })
  })

  it("lists the dev branches with the demo credentials", () => {
    expect(setup().p1.devBranches).toEqual(["ada-spike"])
  })
})

describe("a PAT with a branch (apiAuth resolveEnvironmentForAuthentication)", () => {
  it("on preview: an unknown branch is 404 Branch not found; no branch is the preview environment", async () => {
    const { p1, admin, url } = setup()
    const path = `/api/v1/projects/${p1.ref}/envvars/preview`
    expect(answer(await call(url, { path, token: admin.pat, branch: "nope" }))).toEqual({
      status: 404,
      body: { error: "Branch not found" }
    })
    expect((await call(url, { path, token: admin.pat })).status).toBe(200)
  })

  it("on prod: the preview branch of that name is served, not prod", async () => {
    const { p1, admin, previewBranch, url } = setup()
    const name = fresh("PAT_PROD").toUpperCase()
    const created = await call(url, {
      method: "POST",
      path: `/api/v1/projects/${p1.ref}/envvars/prod`,
      token: admin.pat,
      branch: previewBranch,
      body: { name, value: "v" }
    })
    expect(created.status, created.text).toBe(200)
    expect(await names(p1.environments.preview.secretKey, p1.ref, "preview", previewBranch)).toContain(name)
    expect(await names(p1.environments.prod.secretKey, p1.ref, "prod")).not.toContain(name)
    const unknown = await call(url, {
      path: `/api/v1/projects/${p1.ref}/envvars/prod`,
      token: admin.pat,
      branch: "nope"
    })
    expect(answer(unknown)).toEqual({ status: 404, body: { error: "Branch not found" } })
  })

  it("on dev: the dev branch of that name is served", async () => {
    const { p1, admin, devBranch, url } = setup()
    const name = fresh("PAT_DEV").toUpperCase()
    const created = await call(url, {
      method: "POST",
      path: `/api/v1/projects/${p1.ref}/envvars/dev`,
      token: admin.pat,
      branch: devBranch,
      body: { name, value: "v" }
    })
    expect(created.status, created.text).toBe(200)
    expect(await names(p1.environments.dev.secretKey, p1.ref, "dev", devBranch)).toContain(name)
    expect(await names(p1.environments.dev.secretKey, p1.ref, "dev")).not.toContain(name)
  })
})

describe("a key on another environment's envvars path (apiAuth resolveEnvironmentForAuthentication)", () => {
  it("without a branch header: accepted, and the key's own environment is served", async () => {
    const { p1, url } = setup()
    const name = fresh("DEV_ON_PROD").toUpperCase()
    const created = await call(url, {
      method: "POST",
      path: `/api/v1/projects/${p1.ref}/envvars/prod`,
      token: p1.environments.dev.secretKey,
      body: { name, value: "v" }
    })
    expect(created.status, created.text).toBe(200)
    expect(await names(p1.environments.dev.secretKey, p1.ref, "dev")).toContain(name)
    expect(await names(p1.environments.prod.secretKey, p1.ref, "prod")).not.toContain(name)
  })

  it("with a branch header the key's environment does not have: 400 Invalid environment slug", async () => {
    const { p1, previewBranch, url } = setup()
    const reply = await call(url, {
      path: `/api/v1/projects/${p1.ref}/envvars/dev`,
      token: p1.environments.prod.secretKey,
      branch: previewBranch
    })
    expect(reply.status).toBe(400)
    expect(field(reply, "error")).toMatch(/^Invalid environment slug for this API key\./)
  })

  it("with the branch of the key's environment: accepted, that branch is served", async () => {
    const { p1, devBranch, url } = setup()
    const name = fresh("BRANCH_ON_PROD").toUpperCase()
    const created = await call(url, {
      method: "POST",
      path: `/api/v1/projects/${p1.ref}/envvars/prod`,
      token: p1.environments.dev.secretKey,
      branch: devBranch,
      body: { name, value: "v" }
    })
    expect(created.status, created.text).toBe(200)
    expect(await names(p1.environments.dev.secretKey, p1.ref, "dev", devBranch)).toContain(name)
  })
})

describe("the Authorization header (bearerCredentials authenticate, personalAccessToken)", () => {
  it("a lowercase bearer scheme is not removed: 401 on key routes and on the PAT route", async () => {
    const { p1, admin, url } = setup()
    const keyReply = await call(url, {
      path: "/api/v1/runs",
      authorization: `bearer ${p1.environments.dev.secretKey}`
    })
    expect(answer(keyReply)).toEqual({ status: 401, body: { error: "Invalid API key" } })
    const patReply = await call(url, {
      path: `/api/v1/projects/${p1.ref}/runs`,
      authorization: `bearer ${admin.pat}`
    })
    expect(answer(patReply)).toEqual({ status: 401, body: { error: "Invalid or Missing PAT" } })
  })

  it("a bare key is read as the token; a bare PAT works on the PAT route but not on envvars", async () => {
    const { p1, admin, url } = setup()
    expect(
      (await call(url, { path: "/api/v1/runs", authorization: p1.environments.dev.secretKey })).status
    ).toBe(200)
    expect(
      (await call(url, { path: `/api/v1/projects/${p1.ref}/runs`, authorization: admin.pat })).status
    ).toBe(200)
    const envvars = await call(url, {
      path: `/api/v1/projects/${p1.ref}/envvars/dev`,
      authorization: admin.pat
    })
    expect(answer(envvars)).toEqual({ status: 401, body: { error: "Invalid API key" } })
  })

  it("no header: each route family's own message", async () => {
    const { p1, url } = setup()
    expect(answer(await call(url, { path: "/api/v1/runs" }))).toEqual({
      status: 401,
      body: { error: "Invalid or Missing API key" }
    })
    expect(answer(await call(url, { path: `/api/v1/projects/${p1.ref}/runs` }))).toEqual({
      status: 401,
      body: { error: "Invalid or Missing PAT" }
    })
  })

  it("the request log never holds the token, whatever the scheme", async () => {
    const { p1, url } = setup()
    const token = p1.environments.dev.secretKey
    emulator.clearRequests()
    await call(url, { path: "/api/v1/runs", authorization: `bearer ${token}` })
    await call(url, { path: "/api/v1/runs", authorization: token })
    expect(JSON.stringify(emulator.requests())).not.toContain(token.slice(7))
  })
})
