/**
 * The demo, in-process with a small load: zero leaks through the authctx servers and through the official
 * SDK (on Node), a visible leak through the global swap, the table printed; the refusals (nothing sent by
 * authctx, what the SDK sent, from the emulator's log); the exit-status rules; and `--serve`'s curl lines
 * answer.
 */
import { setTimeout as sleep } from "node:timers/promises"
import { describe, expect, it } from "vitest"
import { exitCodeOf, main, runDemo } from "../src/main.js"
import type { Output, Row } from "../src/output.js"
import type { Framework } from "../src/servers/listen.js"

const capture = (): Output & { readonly text: () => string } => {
  const chunks: Array<string> = []
  return { write: (text) => void chunks.push(text), live: false, text: () => chunks.join("") }
}

describe("pnpm demo", () => {
  it("150 requests per server: no authctx or SDK leak, a non-zero global-swap leak count, the table and the refusals", async () => {
    const output = capture()
    const result = await runDemo({ requests: 150, concurrency: 32, output })
    const text = output.text()

    const byFramework = new Map(result.rows.map((row) => [row.framework, row]))
    for (const framework of ["express", "koa", "hono"] as const) {
      const row = byFramework.get(framework)
      expect(row, framework).toBeDefined()
      expect(row?.leaks, framework).toBe(0)
      expect(row?.errors, framework).toBe(0)
      expect(row?.checked, framework).toBe(600)
    }
    // The official SDK 4.8.3 under the same load: on Node it keeps its scopes in AsyncLocalStorage.
    expect(byFramework.get("sdk")).toMatchObject({ leaks: 0, errors: 0, checked: 600 })
    expect(byFramework.get("naive")?.leaks).toBeGreaterThan(0)
    expect(result.exitCode).toBe(0)

    expect(text).toMatch(/framework\s+requests\s+requests\/s\s+p50 ms\s+p99 ms/)
    for (const label of [
      "Express + authctx",
      "Koa + authctx",
      "Hono + authctx",
      "SDK 4.8.3 withAuth",
      "global swap (docs)"
    ]) {
      expect(text).toContain(label)
    }
    expect(text).toContain("cross-tenant leaks")
    expect(text).toContain(
      "as the SDK's docs describe auth.withAuth and as the SDK does where it has no scope storage"
    )

    // Refused by authctx with a typed error and nothing sent; the SDK sent each (the emulator's log).
    expect(
      result.refusals.map((r) => [r.ok, r.authctx.error, r.authctx.detail, r.authctx.sent, r.sdk.statuses])
    ).toEqual([
      [true, "CapabilityError", "runs.retrieve accepts SecretKey, not PersonalAccessToken", 0, [401]],
      [true, "InvalidCredential", "LineBreak", 0, [200]],
      [true, "InvalidCredential", "BearerScheme", 0, [401]]
    ])
    expect(text).toContain("refused, 0 requests sent — CapabilityError: runs.retrieve accepts SecretKey")
    expect(text).toContain("refused, 0 requests sent — InvalidCredential (reason LineBreak)")
    expect(text).toContain("refused, 0 requests sent — InvalidCredential (reason BearerScheme)")
    // No credential is printed in load mode: only fingerprints (12 characters after the prefix).
    expect(text).not.toMatch(/tr_(?:dev|stg|prod|preview|pat)_(?:sk_)?[A-Za-z0-9]{16,}/)
  })

  it("--serve keeps the servers up and its curl lines answer with the tenant's own data", async () => {
    const output = capture()
    const controller = new AbortController()
    const running = main(["--", "--serve"], { output, signal: controller.signal })
    let urls: Array<string> = []
    for (let i = 0; i < 200 && urls.length === 0; i++) {
      await sleep(25)
      urls = [...output.text().matchAll(/curl -s (http:\/\/127\.0\.0\.1:\d+\/t\/(t\d+)\/vars)/g)].map(
        (m) => m[1] ?? ""
      )
    }
    try {
      expect(urls).toHaveLength(5)
      for (const url of urls) {
        const response = await fetch(url)
        expect(response.status).toBe(200)
        expect(await response.json()).toMatchObject({
          tenant: "t00",
          calls: [{ own: true }, { own: true }, { own: true }],
          listed: true
        })
      }
      const bearer = /curl -s -H 'Authorization: Bearer (\S+)' (\S+)/.exec(output.text())
      expect(bearer).not.toBeNull()
      const response = await fetch(bearer?.[2] ?? "", { headers: { authorization: `Bearer ${bearer?.[1]}` } })
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ kind: "SecretKey" })
      const refused = await fetch(urls[0]?.replace("/t/t00/", "/t/nobody/") ?? "")
      expect(refused.status).toBe(401)
      await refused.text()
    } finally {
      controller.abort()
    }
    expect(await running).toBe(0)
    expect(output.text()).toContain("demo keys")
  })

  it("exit status: 1 for an authctx leak or failure, 2 when the global swap did not leak; the SDK's row never counts", () => {
    const row = (framework: Framework, leaks: number): Row => ({
      framework,
      requests: 10,
      perSecond: 1,
      p50: 1,
      p99: 1,
      errors: leaks,
      checked: 20,
      leaks
    })
    const clean = (["express", "koa", "hono"] as const).map((f) => row(f, 0))
    expect(exitCodeOf([...clean, row("sdk", 0), row("naive", 9)], [])).toBe(0)
    expect(exitCodeOf([...clean, row("sdk", 7), row("naive", 9)], [])).toBe(0)
    expect(exitCodeOf([row("express", 1), ...clean.slice(1), row("sdk", 0), row("naive", 9)], [])).toBe(1)
    expect(exitCodeOf([...clean, row("sdk", 0), row("naive", 9)], ["a case was not refused"])).toBe(1)
    expect(exitCodeOf([...clean, row("sdk", 0), row("naive", 0)], [])).toBe(2)
    expect(exitCodeOf([...clean, row("sdk", 5), row("naive", 0)], [])).toBe(2)
  })

  it("--help prints the usage; an unknown option is refused", async () => {
    const output = capture()
    expect(await main(["--help"], { output })).toBe(0)
    expect(output.text()).toContain("--serve")
    expect(await main(["--nope"], { output: capture() })).toBe(64)
  })
})
