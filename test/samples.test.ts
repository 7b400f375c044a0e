/**
 * The code samples of the official "Authentication" page, changed only in their import path
 * (test/samples/official-authentication-page), run against the emulator. The emulator names its first
 * project `proj_1234` with a preview branch `feature-xyz`, as the samples do; the environment variables the
 * samples read point at the emulator's credentials.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { CapabilityError, configure, createClient, InvalidArgumentsError } from "@authctx/client/promise"
import { Credential } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"

const here = dirname(fileURLToPath(import.meta.url))
const samples = join(here, "samples/official-authentication-page")

let emulator: Emulator
let pat: string
let projectBKey: string
let devKey: string
const saved = { ...process.env }

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 21,
    projects: [{ ref: "proj_1234", previewBranches: ["feature-xyz"] }]
  })
  const [a, b] = emulator.credentials.projects
  pat = emulator.credentials.users.find((u) => u.projectRefs.length === 2)?.pat ?? ""
  devKey = a?.environments.dev.secretKey ?? ""
  projectBKey = b?.environments.dev.secretKey ?? ""
  Object.assign(process.env, {
    TRIGGER_API_URL: emulator.url,
    TRIGGER_SECRET_KEY: devKey,
    TRIGGER_ACCESS_TOKEN: pat,
    TRIGGER_SECRET_KEY_PROJECT_B: projectBKey
  })
})
afterAll(async () => {
  process.env = saved
  await emulator.stop()
})
afterEach(() => configure({}))

const fingerprint = (token: string) => Credential.fingerprint(Credential.unsafeParse(token))
const since = (seq: number) => emulator.requests().filter((r) => r.seq > seq)
const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0

/** Imports a sample as it is; its top-level code (configure, awaited calls) runs. */
const runSample = (file: string) => import(join(samples, file))

describe("the official Authentication page's samples", () => {
  it("envvars.upload with a PAT (configure({ secretKey: TRIGGER_ACCESS_TOKEN }))", async () => {
    const before = lastSeq()
    await runSample("02-envvars-upload.ts")
    expect(since(before).map((r) => [r.route, r.status, r.credential])).toEqual([
      ["envvars.upload", 200, fingerprint(pat)]
    ])
    const admin = createClient({ accessToken: pat })
    expect((await admin.envvars.retrieve("proj_1234", "dev", "MY_ENV_VAR")).value).toBe("MY_ENV_VAR_VALUE")
  })

  for (const file of ["03-preview-branch.ts", "04-preview-branch-sdk-usage.ts"]) {
    it(`envvars.update on a preview branch (${file}): x-trigger-branch is sent, to the preview env only`, async () => {
      const before = lastSeq()
      await runSample(file)
      expect(since(before).map((r) => [r.route, r.status, r.branch])).toEqual([
        ["envvars.update", 200, "feature-xyz"]
      ])
      const admin = createClient({ accessToken: pat, previewBranch: "feature-xyz" })
      expect((await admin.envvars.retrieve("proj_1234", "preview", "DATABASE_URL")).isSecret).toBe(true)
    })
  }

  it("auth.withAuth scopes project B's key to the callback", async () => {
    const before = lastSeq()
    const sample = await runSample("05-with-auth.ts")
    expect(sample).toBeDefined()
    expect(since(before).map((r) => [r.route, r.status, r.credential])).toEqual([
      ["runs.listEnvironment", 200, fingerprint(projectBKey)]
    ])
  })

  it("configure + runs.list: the functions of sample 1, run as written", async () => {
    // The sample declares its two functions without exporting them; run them from a copy that only adds
    // an export line, so the code under test is the sample's own.
    // The copy lives in a directory of its own under test/build (inside the workspace, so its imports
    // resolve), made here: no other test or the type-check has to have run first.
    const source = readFileSync(join(samples, "01-configure-and-runs-list.ts"), "utf8")
    mkdirSync(join(here, "build"), { recursive: true })
    const dir = mkdtempSync(join(here, "build/samples-"))
    const copy = join(dir, "sample-01-with-exports.ts")
    writeFileSync(copy, `${source}\nexport { secretKeyExample, personalAccessTokenExample };\n`)
    const sample: {
      secretKeyExample: () => Promise<unknown>
      personalAccessTokenExample: () => Promise<unknown>
    } = await import(copy).finally(() => rmSync(dir, { recursive: true, force: true }))
    const before = lastSeq()
    // As written, the second configure() replaces the first, so both functions run under the PAT.
    // runs.list(params) is the environment route, SecretKey only: refused before any request.
    await expect(sample.secretKeyExample()).rejects.toBeInstanceOf(CapabilityError)
    // projectRef given twice with different values ("prof_1234" and "tr_proj_1234567890"): refused too.
    await expect(sample.personalAccessTokenExample()).rejects.toBeInstanceOf(InvalidArgumentsError)
    expect(since(before)).toEqual([])
    // With the secret key scoped around it, the first function works unchanged.
    const { auth } = await import("@authctx/client/promise")
    const page = await auth.withAuth({ accessToken: devKey }, sample.secretKeyExample)
    expect(page).toMatchObject({ data: expect.any(Array) })
    expect(since(before).map((r) => [r.route, r.credential])).toEqual([
      ["runs.listEnvironment", fingerprint(devKey)]
    ])
  })
})
