/**
 * The `x-trigger-jwt` header of the trigger and batch routes: a real JWT, signed HS256 with the
 * environment's root key, with the server's claims, issuer, audience and lifetime
 * (docs/reference/results-and-pages.md). Verified with `jose`, over real HTTP.
 */
import { decodeProtectedHeader, errors, jwtVerify } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Emulator } from "../src/index.js"
import { call, field, type Reply, roles, start } from "./support.js"

let emulator: Emulator
let lines: Array<string>
let r: ReturnType<typeof roles>

beforeAll(async () => {
  lines = []
  emulator = await start({ log: (line) => lines.push(line) })
  r = roles(emulator)
})
afterAll(() => emulator.stop())

const key = (token: string) => new TextEncoder().encode(token)
const verify = (jwt: string, rootKey: string) =>
  jwtVerify(jwt, key(rootKey), { issuer: "https://id.trigger.dev", audience: "https://api.trigger.dev" })

const jwtOf = (reply: Reply): string => {
  const jwt = reply.headers.get("x-trigger-jwt")
  if (jwt === null) throw new Error(`no x-trigger-jwt on ${reply.status} ${reply.text}`)
  return jwt
}

const trigger = (token: string, branch?: string) =>
  call(emulator.url, {
    method: "POST",
    path: "/api/v1/tasks/hello/trigger",
    token,
    branch,
    body: { payload: { n: 1 } }
  })

/** The id the server gives an environment, read from a run it lists. */
const environmentIdOf = async (token: string, runId: string, branch?: string): Promise<string> => {
  const listed = await call(emulator.url, { path: "/api/v1/runs?page[size]=100", token, branch })
  const runs = (listed.json as { data: Array<{ id: string; env: { id: string } }> }).data
  const run = runs.find((candidate) => candidate.id === runId)
  if (run === undefined) throw new Error(`run ${runId} not listed`)
  return run.env.id
}

describe("x-trigger-jwt on tasks.trigger", () => {
  it("is signed HS256 with the environment's root key, with the server's claims and a one-hour lifetime", async () => {
    const dev = r.p1.environments.dev
    for (const token of [dev.secretKey, dev.legacySecretKey, dev.scopedKey]) {
      const reply = await trigger(token)
      expect(reply.status).toBe(200)
      const runId = field(reply, "id")
      const jwt = jwtOf(reply)
      expect(decodeProtectedHeader(jwt)).toEqual({ alg: "HS256" })
      const { payload } = await verify(jwt, dev.secretKey)
      const sub = await environmentIdOf(token, runId)
      expect(payload).toMatchObject({
        sub,
        pub: true,
        scopes: [`read:runs:${runId}`, `write:inputStreams:${runId}`],
        iss: "https://id.trigger.dev",
        aud: "https://api.trigger.dev"
      })
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3_600)
      expect(Math.abs((payload.iat ?? 0) - Date.now() / 1_000)).toBeLessThan(60)
      expect(JSON.parse(reply.headers.get("x-trigger-jwt-claims") ?? "null")).toEqual({
        sub,
        pub: true,
        scopes: [`read:runs:${runId}`, `write:inputStreams:${runId}`]
      })
    }
  })

  it("does not verify with another environment's or another project's key", async () => {
    const jwt = jwtOf(await trigger(r.p1.environments.dev.secretKey))
    for (const other of [
      r.p1.environments.prod.secretKey,
      r.p1.environments.staging.secretKey,
      r.p2.environments.dev.secretKey,
      r.admin.pat
    ]) {
      await expect(verify(jwt, other)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed)
    }
  })

  it("for a preview branch names the branch environment and is signed with the preview key", async () => {
    const preview = r.p1.environments.preview.secretKey
    const reply = await trigger(preview, r.branch)
    expect(reply.status).toBe(200)
    const runId = field(reply, "id")
    const { payload } = await verify(jwtOf(reply), preview)
    const branchEnvironment = await environmentIdOf(preview, runId, r.branch)
    expect(payload.sub).toBe(branchEnvironment)
    const otherBranch = r.p1.previewBranches[1] ?? ""
    const other = await trigger(preview, otherBranch)
    const { payload: otherPayload } = await verify(jwtOf(other), preview)
    expect(otherPayload.sub).not.toBe(branchEnvironment)
  })
})

describe("x-trigger-jwt on tasks.batchTrigger (phase 1)", () => {
  it("reads the batch, signed with the environment's root key; the claims header has no scopes", async () => {
    const prod = r.p1.environments.prod
    const reply = await call(emulator.url, {
      method: "POST",
      path: "/api/v3/batches",
      token: prod.secretKey,
      body: { runCount: 2 }
    })
    expect(reply.status).toBe(200)
    const batchId = field(reply, "id")
    const { payload } = await verify(jwtOf(reply), prod.secretKey)
    expect(payload).toMatchObject({ pub: true, scopes: [`read:batch:${batchId}`] })
    const claims = JSON.parse(reply.headers.get("x-trigger-jwt-claims") ?? "null")
    expect(claims).toEqual({ sub: payload.sub, pub: true })
    await expect(verify(jwtOf(reply), r.p1.environments.dev.secretKey)).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed
    )
  })
})

describe("the emulator log", () => {
  it("never shows a public access token", async () => {
    const minted: Array<string> = []
    for (let i = 0; i < 3; i++) minted.push(jwtOf(await trigger(r.p1.environments.dev.secretKey)))
    expect(lines.length).toBeGreaterThan(0)
    const all = lines.join("\n")
    for (const jwt of minted) {
      expect(all).not.toContain(jwt)
      expect(all).not.toContain(jwt.split(".")[2])
    }
  })
})
