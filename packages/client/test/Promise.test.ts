/**
 * The Promise API against the emulator: scoped auth under heavy overlap (the emulator's request log is the
 * witness), `configure` as the lowest precedence, server mode and `bind`, rejections with the tagged classes,
 * and `createClient`.
 */
import { Runs } from "@authctx/client"
import {
  AuthenticationError,
  auth,
  bind,
  CapabilityError,
  configure,
  createClient,
  envvars,
  InvalidArgumentsError,
  OutsideAuthScope,
  runs
} from "@authctx/client/promise"
import { Credential } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let keys: Array<string>
let pat: string
let projectRef: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 5 })
  keys = emulator.credentials.projects.flatMap((p) => [
    p.environments.dev.secretKey,
    p.environments.prod.secretKey
  ])
  pat = emulator.credentials.users.find((u) => u.projectRefs.length === 2)?.pat ?? ""
  projectRef = emulator.credentials.projects[0]?.ref ?? ""
})
afterAll(() => emulator.stop())
afterEach(() => configure({}))

const fingerprint = (token: string) => Credential.fingerprint(Credential.unsafeParse(token))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const randomBody = () =>
  Array.from(
    { length: 32 },
    () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(Math.random() * 36)]
  ).join("")

describe("auth.withAuth", () => {
  it("10,000 overlapping scopes with distinct credentials, random delays and concurrent configure(): zero cross-talk", async () => {
    const n = 10_000
    const before = emulator.requests().at(-1)?.seq ?? 0
    // distinct credentials: unknown to the emulator (it answers 401, and logs each one's fingerprint)
    const tokens = Array.from({ length: n }, (_, i) =>
      i % 2 === 0 ? `tr_dev_${randomBody()}` : `tr_pat_${randomBody()}`
    )
    let reconfigure = true
    const configurer = (async () => {
      while (reconfigure) {
        configure({ accessToken: keys[Math.floor(Math.random() * keys.length)], baseURL: emulator.url })
        await sleep(1)
      }
    })()
    const outcomes = await Promise.all(
      tokens.map((token, i) =>
        auth.withAuth({ accessToken: token, baseURL: emulator.url }, async () => {
          await sleep(Math.random() * 20)
          const seen = auth.current()?.credential
          const result = await envvars.list(`proj_${i}`, "dev").then(
            () => "resolved",
            (error: unknown) => (error instanceof AuthenticationError ? "401" : `unexpected ${String(error)}`)
          )
          return {
            token,
            seenOwn: seen !== undefined && fingerprint(token) === Credential.fingerprint(seen),
            result
          }
        })
      )
    )
    reconfigure = false
    await configurer
    expect(outcomes.filter((o) => !o.seenOwn)).toEqual([])
    expect(outcomes.filter((o) => o.result !== "401")).toEqual([])
    const log = emulator.requests().filter((r) => r.seq > before)
    expect(log).toHaveLength(n)
    const expected = new Map(
      tokens.map((token, i) => [`/api/v1/projects/proj_${i}/envvars/dev`, fingerprint(token)])
    )
    const crossTalk = log.filter((r) => expected.get(r.path) !== r.credential)
    expect(crossTalk).toEqual([])
  })

  it("nested scopes merge field by field, and the outer one is back afterwards", async () => {
    const [a = "", b = ""] = keys
    await auth.withAuth({ accessToken: a, baseURL: emulator.url }, async () => {
      await auth.withAuth({ previewBranch: "feature-a" }, async () => {
        expect(auth.current()?.baseURL).toBe(emulator.url)
        expect(auth.current()?.previewBranch).toBe("feature-a")
        await auth.withAuth({ accessToken: b }, async () => {
          expect(fingerprint(b)).toBe(
            Credential.fingerprint(auth.current()?.credential ?? Credential.unsafeParse(a))
          )
        })
      })
      expect(Credential.fingerprint(auth.current()?.credential ?? Credential.unsafeParse(b))).toBe(
        fingerprint(a)
      )
      expect(auth.current()?.previewBranch).toBeUndefined()
    })
  })

  it("configure() is used only where no scope is active", async () => {
    const [a = "", b = ""] = keys
    configure({ secretKey: a, baseURL: emulator.url })
    const before = emulator.requests().at(-1)?.seq ?? 0
    await runs.list({ limit: 1 })
    await auth.withAuth({ accessToken: b }, () => runs.list({ limit: 1 }))
    const log = emulator.requests().filter((r) => r.seq > before)
    expect(log.map((r) => r.credential)).toEqual([fingerprint(a), fingerprint(b)])
  })

  it("an invalid scope rejects before fn runs, with the typed error", async () => {
    let ran = false
    await expect(
      auth.withAuth({ accessToken: "tr_dev_short" }, async () => {
        ran = true
      })
    ).rejects.toMatchObject({ _tag: "InvalidCredential", reason: "TooShort" })
    expect(ran).toBe(false)
  })
})

describe("the ambient calls", () => {
  it("reject with the same tagged classes as the Effect API", async () => {
    configure({ accessToken: pat, baseURL: emulator.url })
    const capability = await runs.retrieve("run_1").catch((e: unknown) => e)
    expect(capability).toBeInstanceOf(CapabilityError)
    expect(capability).toMatchObject({ _tag: "CapabilityError", endpoint: "runs.retrieve" })
    const contradiction = await runs.list("proj_a", { projectRef: "proj_b" }).catch((e: unknown) => e)
    expect(contradiction).toBeInstanceOf(InvalidArgumentsError)
  })

  it("runs.list({ projectRef }) calls the project route (the SDK ignores it)", async () => {
    configure({ accessToken: pat, baseURL: emulator.url })
    const before = emulator.requests().at(-1)?.seq ?? 0
    await runs.list({ projectRef, limit: 5 })
    await runs.list(projectRef, { limit: 5 })
    const log = emulator.requests().filter((r) => r.seq > before)
    expect(log.map((r) => r.route)).toEqual(["runs.listProject", "runs.listProject"])
  })

  it("envvars.update(projectRef, env, name, body) works (the SDK throws ReferenceError)", async () => {
    configure({ accessToken: pat, baseURL: emulator.url })
    await envvars.create(projectRef, "dev", { name: "PROMISE_A", value: "1" })
    await envvars.update(projectRef, "dev", "PROMISE_A", { value: "2" })
    expect((await envvars.retrieve(projectRef, "dev", "PROMISE_A")).value).toBe("2")
  })
})

describe("createClient", () => {
  it("is bound to its credential, whatever the scope around it", async () => {
    const [a = "", b = ""] = keys
    const client = createClient({ accessToken: a, baseURL: emulator.url }).requireSecretKey()
    const before = emulator.requests().at(-1)?.seq ?? 0
    await auth.withAuth({ accessToken: b, baseURL: emulator.url }, () => client.runs.list({ limit: 1 }))
    const log = emulator.requests().filter((r) => r.seq > before)
    expect(log.map((r) => r.credential)).toEqual([fingerprint(a)])
  })

  it("narrows at run time, and runs Effect programs under its auth", async () => {
    const fromEnv: string = keys[0] ?? ""
    const client = createClient({ accessToken: fromEnv, baseURL: emulator.url })
    expect(() => client.requirePersonalAccessToken()).toThrow(CapabilityError)
    const key = client.requireSecretKey()
    const page = await key.run(Runs.list({ limit: 1 }))
    expect(page.data.length).toBeLessThanOrEqual(1)
    await expect(key.runs.retrieve("run_missing")).rejects.toMatchObject({
      _tag: "NotFoundError",
      status: 404
    })
  })

  it("throws the typed error at once for a configuration that cannot be used", () => {
    expect(() => createClient({ accessToken: "Bearer tr_dev_abcdefghijklmnopqrstuvwx" })).toThrow(
      expect.objectContaining({ _tag: "InvalidCredential", reason: "BearerScheme" })
    )
  })
})

describe("server mode and bind", () => {
  afterEach(() => configure({ serverMode: false }))

  it("outside any scope an ambient call rejects with OutsideAuthScope and sends nothing; scopes and clients still work", async () => {
    const [a = "", b = ""] = keys
    configure({ secretKey: a, baseURL: emulator.url, serverMode: true })
    const before = emulator.requests().at(-1)?.seq ?? 0
    const refused = runs.list({ limit: 1 })
    await expect(refused).rejects.toBeInstanceOf(OutsideAuthScope)
    await expect(refused).rejects.toThrow(/req\.auth\.client/)
    await auth.withAuth({ accessToken: b }, () => runs.list({ limit: 1 }))
    await createClient({ accessToken: a }).requireSecretKey().runs.list({ limit: 1 })
    const log = emulator.requests().filter((r) => r.seq > before)
    expect(log.map((r) => r.credential)).toEqual([fingerprint(b), fingerprint(a)])
  })

  it("a bound callback fired from another scope carries the scope it was bound in", async () => {
    const [a = "", b = ""] = keys
    configure({ baseURL: emulator.url })
    const before = emulator.requests().at(-1)?.seq ?? 0
    const waiters: Array<() => Promise<unknown>> = []
    await auth.withAuth({ accessToken: a }, async () => {
      waiters.push(
        bind(() => runs.list({ limit: 1 })),
        () => runs.list({ limit: 1 })
      )
    })
    await auth.withAuth({ accessToken: b }, () => Promise.all(waiters.map((fire) => fire())))
    const log = emulator.requests().filter((r) => r.seq > before)
    // the bound one carries a; the plain one runs in the firing scope, b
    expect(log.map((r) => r.credential).sort()).toEqual([fingerprint(a), fingerprint(b)].sort())
    expect(log).toHaveLength(2)
  })
})
