/**
 * Public access tokens minted by the official SDK 4.8.3 (`auth.createPublicToken`,
 * `createTriggerPublicToken`, `createBatchTriggerPublicToken`) against the emulator, then used by the SDK's
 * own client (`auth.withAuth({ accessToken })`): the emulator verifies them as the server does
 * (docs/reference/public-tokens.md): 200 in scope, 403 out of scope, 401 expired or badly signed, 422 on a
 * reused one-time token, tokens of a preview branch signed with the parent's key, and no token in the
 * request log or an error body.
 */
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let keys: { readonly secretKey: string; readonly legacySecretKey: string; readonly scopedKey: string }
let prodKey: string
let previewKey: string
let branch: string
const logLines: Array<string> = []
/** Every token a test mints or receives, for the leak check at the end. */
const seenTokens: Array<string> = []

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 13,
    timings: { queuedMs: 20, executingMs: 40 },
    log: (line) => logLines.push(line)
  })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("no demo project")
  keys = project.environments.dev
  prodKey = project.environments.prod.secretKey
  previewKey = project.environments.preview.secretKey
  branch = project.previewBranches[0] ?? ""
})
afterAll(() => emulator.stop())

/** Runs `f` with the SDK configured with `accessToken` (a key to mint with, or a public token to use). */
const as = async <A>(accessToken: string, f: () => Promise<A>, previewBranch?: string): Promise<A> =>
  await Sdk.auth.withAuth(
    { baseURL: emulator.url, accessToken, ...(previewBranch === undefined ? {} : { previewBranch }) },
    f
  )

const minted = (token: string): string => {
  seenTokens.push(token)
  return token
}

/** The status and body fields of the SDK's rejection (`ApiError` keeps `error`, `code`, `param`, `type`). */
const refusal = async (promise: Promise<unknown>): Promise<Record<string, unknown>> => {
  try {
    await promise
  } catch (error) {
    // the SDK wraps a refused batch in a BatchTriggerError holding the ApiError
    const outer = error as Record<string, unknown>
    const e = (outer["apiError"] ?? outer) as Record<string, unknown>
    const fields = {
      status: e["status"],
      error: e["error"],
      code: e["code"],
      param: e["param"],
      type: e["type"]
    }
    return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))
  }
  throw new Error("expected a refusal")
}

const forbidden = {
  status: 403,
  error: "Unauthorized",
  code: "unauthorized",
  param: "access_token",
  type: "authorization"
}
const invalid = { status: 401, error: "Public Access Token is invalid" }

const trigger = (key: string, task = "hello") => as(key, () => Sdk.tasks.trigger(task, { n: 1 }))

/** The claims the emulator answers for a key: `sub` is the environment id. */
const claimsOf = async (key: string, branchName?: string): Promise<{ sub: string; pub: boolean }> => {
  const response = await fetch(`${emulator.url}/api/v1/auth/jwt/claims`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      ...(branchName === undefined ? {} : { "x-trigger-branch": branchName })
    }
  })
  expect(response.status).toBe(200)
  return (await response.json()) as { sub: string; pub: boolean }
}

describe("auth.createPublicToken (root key: the claims route, signed by the SDK)", () => {
  it("reads its run (200), not another run, not a cancel, not a trigger (403), not a route without JWTs (401)", async () => {
    const run = await trigger(keys.secretKey)
    const other = await trigger(keys.secretKey)
    const token = minted(
      await as(keys.secretKey, () => Sdk.auth.createPublicToken({ scopes: { read: { runs: [run.id] } } }))
    )
    const retrieved = await as(token, () => Sdk.runs.retrieve(run.id))
    expect(retrieved.id).toBe(run.id)
    expect(await refusal(as(token, () => Sdk.runs.retrieve(other.id)))).toEqual(forbidden)
    expect(await refusal(as(token, () => Sdk.runs.cancel(run.id)))).toEqual(forbidden)
    expect(await refusal(as(token, () => Sdk.tasks.trigger("hello", {})))).toEqual(forbidden)
    expect(await refusal(as(token, () => Sdk.schedules.list()))).toEqual({
      status: 401,
      error: "Invalid API key"
    })
  })

  it("read:tasks:<task> reads the task's runs; read:tags:<tag> the tagged ones; read:runs lists", async () => {
    const tagged = await as(keys.secretKey, () => Sdk.tasks.trigger("hello", {}, { tags: ["tenant:acme"] }))
    const otherTask = await trigger(keys.secretKey, "other-task")
    const byTask = minted(
      await as(keys.secretKey, () => Sdk.auth.createPublicToken({ scopes: { read: { tasks: "hello" } } }))
    )
    expect((await as(byTask, () => Sdk.runs.retrieve(tagged.id))).id).toBe(tagged.id)
    expect(await refusal(as(byTask, () => Sdk.runs.retrieve(otherTask.id)))).toEqual(forbidden)
    // an id holding `:` is one id
    const byTag = minted(
      await as(keys.secretKey, () =>
        Sdk.auth.createPublicToken({ scopes: { read: { tags: "tenant:acme" } } })
      )
    )
    expect((await as(byTag, () => Sdk.runs.retrieve(tagged.id))).id).toBe(tagged.id)
    expect(await refusal(as(byTag, () => Sdk.runs.retrieve(otherTask.id)))).toEqual(forbidden)
    const lister = minted(
      await as(keys.secretKey, () => Sdk.auth.createPublicToken({ scopes: { read: { runs: true } } }))
    )
    const page = await as(lister, () => Sdk.runs.list({ limit: 5 }))
    expect(page.data.length).toBeGreaterThan(0)
    expect(await refusal(as(byTag, () => Sdk.runs.list({ limit: 5 })))).toEqual(forbidden)
  })

  it("admin grants everything a JWT may call; a token with no scopes grants nothing", async () => {
    // the SDK's type has no `admin`, but its flattening turns a top-level `true` into the bare scope
    const adminScopes = { admin: true } as unknown as { read: { runs: true } }
    const run = await trigger(keys.secretKey)
    const admin = minted(await as(keys.secretKey, () => Sdk.auth.createPublicToken({ scopes: adminScopes })))
    expect((await as(admin, () => Sdk.runs.retrieve(run.id))).id).toBe(run.id)
    expect((await as(admin, () => Sdk.tasks.trigger("hello", {}))).id).toMatch(/^run_/)
    const bare = minted(await as(keys.secretKey, () => Sdk.auth.createPublicToken()))
    expect(await refusal(as(bare, () => Sdk.runs.retrieve(run.id)))).toEqual(forbidden)
  })

  it("an expired token is 401", async () => {
    const run = await trigger(keys.secretKey)
    const expired = minted(
      await as(keys.secretKey, () =>
        Sdk.auth.createPublicToken({
          scopes: { read: { runs: true } },
          expirationTime: new Date(Date.now() - 5_000)
        })
      )
    )
    expect(await refusal(as(expired, () => Sdk.runs.retrieve(run.id)))).toEqual(invalid)
  })

  it("a token minted with the legacy root key verifies too", async () => {
    const run = await trigger(keys.secretKey)
    const token = minted(
      await as(keys.legacySecretKey, () => Sdk.auth.createPublicToken({ scopes: { read: { runs: true } } }))
    )
    expect((await as(token, () => Sdk.runs.retrieve(run.id))).id).toBe(run.id)
  })
})

describe("signatures, issuer and environment", () => {
  const sign = (claims: Record<string, unknown>, key: string, configure?: (jwt: SignJWT) => SignJWT) =>
    (configure ?? ((jwt) => jwt))(
      new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("https://id.trigger.dev")
        .setAudience("https://api.trigger.dev")
        .setIssuedAt()
        .setExpirationTime("5m")
    )
      .sign(new TextEncoder().encode(key))
      .then(minted)

  it("refuses another environment's key, a made-up key, a wrong audience, an unknown or missing sub", async () => {
    const run = await trigger(keys.secretKey)
    const { sub } = await claimsOf(keys.secretKey)
    const claims = { sub, pub: true, scopes: ["read:runs"] }
    // the token as the SDK would sign it verifies: the cases below differ in one thing each
    expect((await as(await sign(claims, keys.secretKey), () => Sdk.runs.retrieve(run.id))).id).toBe(run.id)
    const otherEnv = await sign(claims, prodKey)
    expect(await refusal(as(otherEnv, () => Sdk.runs.retrieve(run.id)))).toEqual(invalid)
    const madeUp = await sign(claims, "tr_dev_notakeyofthisemulator0")
    expect(await refusal(as(madeUp, () => Sdk.runs.retrieve(run.id)))).toEqual(invalid)
    const wrongAudience = await sign(claims, keys.secretKey, (jwt) => jwt.setAudience("https://example.com"))
    expect(await refusal(as(wrongAudience, () => Sdk.runs.retrieve(run.id)))).toEqual(invalid)
    const unknownSub = await sign({ ...claims, sub: "env_doesnotexist" }, keys.secretKey)
    expect(await refusal(as(unknownSub, () => Sdk.runs.retrieve(run.id)))).toEqual({
      status: 401,
      error: "Invalid Public Access Token"
    })
    const noSub = await sign({ pub: true, scopes: ["read:runs"] }, keys.secretKey)
    expect(await refusal(as(noSub, () => Sdk.runs.retrieve(run.id)))).toEqual({
      status: 401,
      error: "Invalid Public Access Token"
    })
    // a token of the prod environment, properly signed, does not see a dev run
    const prodToken = await sign({ ...claims, sub: (await claimsOf(prodKey)).sub }, prodKey)
    expect(await refusal(as(prodToken, () => Sdk.runs.retrieve(run.id)))).toMatchObject({ status: 404 })
  })

  it("a preview branch's token names the branch and is signed with the parent preview key", async () => {
    const branchClaims = await claimsOf(previewKey, branch)
    expect(branchClaims.pub).toBe(true)
    expect(branchClaims.sub).not.toBe((await claimsOf(keys.secretKey)).sub)
    const onBranch = await as(previewKey, () => Sdk.tasks.trigger("hello", {}), branch)
    const claims = { sub: branchClaims.sub, pub: true, scopes: ["read:runs"] }
    // signed with the parent preview environment's key: accepted; with another key: refused
    const parentSigned = await sign(claims, previewKey)
    expect((await as(parentSigned, () => Sdk.runs.retrieve(onBranch.id))).id).toBe(onBranch.id)
    expect(await refusal(as(await sign(claims, prodKey), () => Sdk.runs.retrieve(onBranch.id)))).toEqual(
      invalid
    )
  })
})

describe("preview branches", () => {
  it("the SDK mints for the branch with the preview key; the token reads the branch's runs only", async () => {
    const onBranch = await as(previewKey, () => Sdk.tasks.trigger("hello", {}), branch)
    const token = minted(
      await as(previewKey, () => Sdk.auth.createPublicToken({ scopes: { read: { runs: true } } }), branch)
    )
    expect((await as(token, () => Sdk.runs.retrieve(onBranch.id))).id).toBe(onBranch.id)
    const devRun = await trigger(keys.secretKey)
    expect(await refusal(as(token, () => Sdk.runs.retrieve(devRun.id)))).toMatchObject({ status: 404 })
  })
})

describe("auth.createTriggerPublicToken and createBatchTriggerPublicToken", () => {
  it("a one-time trigger token triggers its task once (the answer's token reads the run), then 422", async () => {
    const token = minted(await as(keys.secretKey, () => Sdk.auth.createTriggerPublicToken("hello")))
    const handle = await as(token, () => Sdk.tasks.trigger("hello", { n: 1 }))
    minted(handle.publicAccessToken)
    const read = await as(handle.publicAccessToken, () => Sdk.runs.retrieve(handle.id))
    expect(read.id).toBe(handle.id)
    expect(await refusal(as(token, () => Sdk.tasks.trigger("hello", { n: 2 })))).toEqual({
      status: 422,
      error: "Cannot trigger hello with a one-time use token as it has already been used."
    })
  })

  it("another task is 403 (and does not use the one use up); multipleUse triggers again", async () => {
    // two tokens with the same claims minted in the same second are the same token (and so one use):
    // this one names a second task to differ from the test above's
    const token = minted(
      await as(keys.secretKey, () => Sdk.auth.createTriggerPublicToken(["hello", "second-task"]))
    )
    expect(await refusal(as(token, () => Sdk.tasks.trigger("other-task", {})))).toEqual(forbidden)
    expect((await as(token, () => Sdk.tasks.trigger("hello", {}))).id).toMatch(/^run_/)
    const reusable = minted(
      await as(keys.secretKey, () => Sdk.auth.createTriggerPublicToken(["hello"], { multipleUse: true }))
    )
    await as(reusable, () => Sdk.tasks.trigger("hello", {}))
    expect((await as(reusable, () => Sdk.tasks.trigger("hello", {}))).id).toMatch(/^run_/)
  })

  it("a batch token batch-triggers its task once, not another task", async () => {
    const token = minted(await as(keys.secretKey, () => Sdk.auth.createBatchTriggerPublicToken("hello")))
    const other = minted(await as(keys.secretKey, () => Sdk.auth.createBatchTriggerPublicToken("hello")))
    expect(
      await refusal(as(other, () => Sdk.tasks.batchTrigger("other-task", [{ payload: { n: 1 } }])))
    ).toEqual(forbidden)
    const batch = await as(token, () =>
      Sdk.tasks.batchTrigger("hello", [{ payload: { n: 1 } }, { payload: { n: 2 } }])
    )
    minted(batch.publicAccessToken)
    expect(batch.batchId).toMatch(/^batch_/)
    expect((await as(batch.publicAccessToken, () => Sdk.batch.retrieve(batch.batchId))).id).toBe(
      batch.batchId
    )
    expect(await refusal(as(token, () => Sdk.tasks.batchTrigger("hello", [{ payload: { n: 3 } }])))).toEqual({
      status: 422,
      error: "Cannot create batch with a one-time use token as it has already been used."
    })
  })
})

describe("additional keys: the server mints (auth.createPublicToken route)", () => {
  it("the SDK mints through the route with a tr_<env>_sk_ key, and the token works in scope only", async () => {
    const run = await trigger(keys.secretKey)
    const token = minted(
      await as(keys.scopedKey, () => Sdk.auth.createPublicToken({ scopes: { read: { runs: [run.id] } } }))
    )
    expect((await as(token, () => Sdk.runs.retrieve(run.id))).id).toBe(run.id)
    expect(await refusal(as(token, () => Sdk.tasks.trigger("hello", {})))).toEqual(forbidden)
    const once = minted(await as(keys.scopedKey, () => Sdk.auth.createTriggerPublicToken("hello")))
    await as(once, () => Sdk.tasks.trigger("hello", {}))
    expect(await refusal(as(once, () => Sdk.tasks.trigger("hello", {})))).toMatchObject({ status: 422 })
  })

  it("answers the server's 400s on a bad expiration, and refuses a public token as minter", async () => {
    const post = (token: string, body: unknown) =>
      fetch(`${emulator.url}/api/v1/auth/public-tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body)
      }).then(async (response) => ({ status: response.status, body: await response.json() }))
    const scopes = ["read:runs"]
    expect(await post(keys.scopedKey, { scopes, expirationTime: "soon" })).toEqual({
      status: 400,
      body: { error: "Invalid expiration time" }
    })
    expect(await post(keys.scopedKey, { scopes, expirationTime: "5m ago" })).toEqual({
      status: 400,
      body: { error: "Expiration time must be in the future" }
    })
    expect(await post(keys.scopedKey, { scopes, expirationTime: "31d" })).toEqual({
      status: 400,
      body: { error: "Expiration time cannot exceed 30 days" }
    })
    const ok = await post(keys.scopedKey, { scopes, expirationTime: "2 hours", oneTimeUse: true })
    expect(ok.status).toBe(200)
    const token = minted((ok.body as { token: string }).token)
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
      string,
      unknown
    >
    expect(claims).toMatchObject({ pub: true, scopes, otu: true, sub: (await claimsOf(keys.secretKey)).sub })
    expect(Number(claims["exp"]) - Number(claims["iat"])).toBe(7_200)
    expect(await post(token, { scopes })).toEqual({ status: 401, body: { error: "Invalid API key" } })
  })
})

describe("no token in the request log or an error body", () => {
  it("a JWT in a path or refused as a key is never echoed", async () => {
    const token = minted(
      await as(keys.secretKey, () => Sdk.auth.createPublicToken({ scopes: { read: { runs: true } } }))
    )
    const response = await fetch(`${emulator.url}/api/v3/runs/${token}`, {
      headers: { authorization: `Bearer ${keys.secretKey}` }
    })
    const text = await response.text()
    expect(response.status).toBe(404)
    expect(text).not.toContain(token)
    const refused = await fetch(`${emulator.url}/api/v1/projects/x/envvars/dev`, {
      headers: { authorization: `Bearer ${token}` }
    })
    expect(await refused.text()).not.toContain(token.slice(-20))
  })

  it("the log and the request records hold none of the tokens minted or received above", () => {
    expect(seenTokens.length).toBeGreaterThan(20)
    const records = JSON.stringify(emulator.requests())
    const lines = logLines.join("\n")
    expect(lines.length).toBeGreaterThan(0)
    for (const token of seenTokens) {
      const signature = token.split(".")[2] ?? token
      expect(records).not.toContain(signature)
      expect(lines).not.toContain(signature)
    }
    expect(emulator.requests().some((r) => r.credentialKind === "PublicAccessToken")).toBe(true)
  })
})
