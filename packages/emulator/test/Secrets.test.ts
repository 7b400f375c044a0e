/**
 * No raw token anywhere the emulator writes: the request log, error bodies, the `log` option's lines and
 * the CLI's per-request output (its formatter, `RequestLog.format`, and `Cli.main` with captured output).
 * A token is "present" when its body (what follows the prefix) appears.
 */
import { Catalog } from "@authctx/api"
import { Cli, type Emulator, RequestLog } from "@authctx/emulator"
import { SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { call, prepare, roles, start } from "./support.js"

let emulator: Emulator
const lines: Array<string> = []
const bodies: Array<string> = []

/** Public access tokens of p1's dev environment (valid, expired, signed with a key not its own). */
const jwts: Array<string> = []

const mintJwts = async (e: Emulator): Promise<void> => {
  const { p1, p2 } = roles(e)
  const key = p1.environments.dev.secretKey
  const claims = (await (
    await fetch(`${e.url}/api/v1/auth/jwt/claims`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}` }
    })
  ).json()) as Record<string, unknown>
  const sign = (secret: string, expiresAt: string | number) =>
    new SignJWT({ ...claims, scopes: ["admin"] })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://id.trigger.dev")
      .setAudience("https://api.trigger.dev")
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(new TextEncoder().encode(secret))
  jwts.push(
    await sign(key, "10m"),
    await sign(key, Math.floor(Date.now() / 1000) - 60),
    await sign(p2.environments.dev.secretKey, "10m")
  )
}

/** Every token the suite sends: all demo keys and PATs, public tokens, and unknown or malformed ones. */
const tokensOf = (e: Emulator): Array<string> => [
  ...e.credentials.projects.flatMap((p) =>
    Object.values(p.environments).flatMap((keys) => [keys.secretKey, keys.legacySecretKey, keys.scopedKey])
  ),
  ...e.credentials.users.map((u) => u.pat),
  `tr_dev_${"U".repeat(30)}unknown`,
  `tr_pat_${"W".repeat(30)}unknownpat`,
  `tr_prod_short${"X".repeat(3)}`,
  "sk_live_notatriggerkey0123456789",
  ...jwts
]

/** The secret part of a token: what follows its prefix; a JWT's signature. */
const secretPart = (token: string): string =>
  token.startsWith("eyJ") ? (token.split(".")[2] ?? token) : token.replace(/^tr_[a-z]+_(?:sk_)?/, "")

const expectNoToken = (text: string, tokens: ReadonlyArray<string>) => {
  for (const token of tokens)
    expect(text, `contains the secret of ${token.slice(0, 8)}…`).not.toContain(secretPart(token))
}

beforeAll(async () => {
  emulator = await start({ log: (line) => lines.push(line) })
  await mintJwts(emulator)
  const { p1, branch } = roles(emulator)
  const tokens = tokensOf(emulator)
  emulator.faults.inject({ route: "runs.list", status: 503, shouldRetry: true, times: 3 })
  emulator.faults.inject({ route: "runs.retrieve", drop: "after", times: 2 })
  for (const entry of Catalog.entries) {
    const request = await prepare(emulator.url, entry, {
      projectRef: p1.ref,
      env: "dev",
      owner: { token: p1.environments.dev.secretKey }
    })
    for (const token of tokens) {
      for (const b of [undefined, branch, "nope"]) {
        const reply = await call(emulator.url, { ...request, token, branch: b }).catch(() => undefined)
        if (reply !== undefined && reply.status >= 400) bodies.push(reply.text)
      }
    }
    // a token where it does not belong: in the path, the branch and the idempotency key
    for (const leaked of [tokens[0] ?? "", jwts[0] ?? ""]) {
      const reply = await call(emulator.url, {
        path: `/api/v3/runs/${leaked}`,
        token: leaked,
        branch: leaked,
        idempotencyKey: leaked
      }).catch(() => undefined)
      if (reply !== undefined) bodies.push(reply.text)
    }
  }
})
afterAll(() => emulator.stop())

describe("no raw token", () => {
  it("in the request log", () => {
    const records = emulator.requests()
    expect(records.length).toBeGreaterThan(1000)
    expect(records.some((r) => r.credentialKind === "SecretKey" && r.credential !== undefined)).toBe(true)
    expect(records.some((r) => r.credentialKind === "invalid")).toBe(true)
    expect(records.some((r) => r.credentialKind === "PublicAccessToken" && r.status === 200)).toBe(true)
    expect(records.some((r) => r.credentialKind === "PublicAccessToken" && r.status === 401)).toBe(true)
    expectNoToken(JSON.stringify(records), tokensOf(emulator))
  })

  it("in any error body", () => {
    expect(bodies.length).toBeGreaterThan(500)
    expectNoToken(bodies.join("\n"), tokensOf(emulator))
  })

  it("in the lines the log option receives", () => {
    expect(lines.length).toBe(emulator.requests().length)
    expectNoToken(lines.join("\n"), tokensOf(emulator))
  })

  it("in the formatter's lines (what the CLI prints per request)", () => {
    const formatted = emulator.requests().map(RequestLog.format)
    expect(formatted[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} (GET|POST|PUT|DELETE) \/api\/\S+ (\d{3}|dropped) /)
    expectNoToken(formatted.join("\n"), tokensOf(emulator))
  })

  it("in the log records of each credential kind, which show the fingerprint instead", () => {
    const { p1, admin } = roles(emulator)
    const byKind = (kind: string) => emulator.requests().find((r) => r.credentialKind === kind)
    expect(byKind("SecretKey")?.credential).toMatch(/^tr_(dev|stg|prod|preview)_(sk_)?[0-9a-f]{12}$/)
    expect(byKind("PersonalAccessToken")?.credential).toMatch(/^tr_pat_[0-9a-f]{12}$/)
    expect(byKind("none")?.credential).toBeUndefined()
    const line = RequestLog.format({
      seq: 1,
      at: 0,
      method: "GET",
      path: `/api/v3/runs/${p1.environments.dev.secretKey}`,
      route: "runs.retrieve",
      status: 200,
      credentialKind: "PersonalAccessToken",
      credential: "tr_pat_0123456789ab",
      projectRef: undefined,
      environment: undefined,
      branch: admin.pat,
      idempotencyKey: undefined,
      replayed: false,
      fault: undefined,
      durationMs: 1
    })
    expect(line).toContain("tr_pat_0123456789ab")
    expectNoToken(line, tokensOf(emulator))
  })
})

describe("the CLI", () => {
  const io = () => {
    const out: Array<string> = []
    const err: Array<string> = []
    const exits: Array<number> = []
    const signals = new Map<string, () => void>()
    return {
      out,
      err,
      exits,
      signals,
      io: {
        out: (text: string) => out.push(text),
        err: (text: string) => err.push(text),
        exit: (code: number) => exits.push(code),
        onSignal: (signal: string, f: () => void) => signals.set(signal, f)
      }
    }
  }

  it("parses its flags", () => {
    expect(Cli.parseArgs([])).toEqual({ port: 3030, host: "127.0.0.1", seed: 1 })
    expect(Cli.parseArgs(["--port", "0", "--seed=9", "--host", "localhost"])).toEqual({
      port: 0,
      host: "localhost",
      seed: 9
    })
    expect(Cli.parseArgs(["--help"])).toBe("help")
    expect(Cli.parseArgs(["--port", "x"])).toMatch(/port/)
    expect(Cli.parseArgs(["--port"])).toMatch(/needs a value/)
    expect(Cli.parseArgs(["--verbose"])).toMatch(/unknown option/)
  })

  it("exits 2 with the usage on bad flags", async () => {
    const t = io()
    expect(await Cli.main(["--nope"], t.io)).toBeUndefined()
    expect(t.exits).toEqual([2])
    expect(t.err.join("")).toContain("Usage: authctx-emulator")
  })

  it("prints the URL and the demo credentials, logs requests without tokens, and stops on SIGINT", async () => {
    const t = io()
    const running = await Cli.main(["--port", "0", "--seed", "5"], t.io)
    if (running === undefined) throw new Error("the CLI did not start")
    const printed = t.out.join("")
    expect(printed).toContain(running.url)
    const key = running.credentials.projects[0]?.environments.dev.secretKey ?? ""
    expect(printed).toContain(key) // the banner shows the demo secrets on purpose
    const bannerLength = t.out.length

    const tokens = tokensOf(running)
    for (const token of tokens) await call(running.url, { path: "/api/v1/runs", token })
    const requestLines = t.out.slice(bannerLength)
    expect(requestLines).toHaveLength(tokens.length)
    expect(requestLines[0]).toMatch(
      /GET \/api\/v1\/runs 200 runs\.listEnvironment SecretKey tr_dev_[0-9a-f]{12} /
    )
    expectNoToken(requestLines.join(""), tokens)

    t.signals.get("SIGINT")?.()
    // the stop closes the server and its connections first: wait for the exit, not a fixed pause
    for (let i = 0; i < 400 && t.exits.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5))
    expect(t.exits).toEqual([0])
    await expect(fetch(`${running.url}/api/v1/runs`)).rejects.toThrow()
  })
})
