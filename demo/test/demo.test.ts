/**
 * The demo, in-process with a small load: zero leaks through the authctx servers, a visible leak through
 * the naive one, the table printed; and `--serve`'s curl lines answer.
 */
import { setTimeout as sleep } from "node:timers/promises"
import { describe, expect, it } from "vitest"
import { main, runDemo } from "../src/main.js"
import type { Output } from "../src/output.js"

const capture = (): Output & { readonly text: () => string } => {
  const chunks: Array<string> = []
  return { write: (text) => void chunks.push(text), live: false, text: () => chunks.join("") }
}

describe("pnpm demo", () => {
  it("150 requests per server: no authctx leak, a non-zero naive leak count, and the table", async () => {
    const output = capture()
    const result = await runDemo({ requests: 150, concurrency: 32, output })
    const text = output.text()

    const byFramework = new Map(result.rows.map((row) => [row.framework, row]))
    for (const framework of ["express", "koa", "hono"] as const) {
      const row = byFramework.get(framework)
      expect(row, framework).toBeDefined()
      expect(row?.leaks, framework).toBe(0)
      expect(row?.errors, framework).toBe(0)
      expect(row?.checked, framework).toBe(300)
    }
    expect(byFramework.get("naive")?.leaks).toBeGreaterThan(0)
    expect(result.exitCode).toBe(0)

    expect(text).toMatch(/framework\s+requests\s+requests\/s\s+p50 ms\s+p99 ms/)
    for (const label of ["Express + authctx", "Koa + authctx", "Hono + authctx", "naive global swap"]) {
      expect(text).toContain(label)
    }
    expect(text).toContain("cross-tenant leaks")
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
      expect(urls).toHaveLength(4)
      for (const url of urls) {
        const response = await fetch(url)
        expect(response.status).toBe(200)
        expect(await response.json()).toMatchObject({ tenant: "t00", calls: [{ own: true }, { own: true }] })
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

  it("--help prints the usage; an unknown option is refused", async () => {
    const output = capture()
    expect(await main(["--help"], { output })).toBe(0)
    expect(output.text()).toContain("--serve")
    expect(await main(["--nope"], { output: capture() })).toBe(64)
  })
})
