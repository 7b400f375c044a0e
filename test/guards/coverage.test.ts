/**
 * docs/reference/coverage.md holds the coverage table as `renderCoverage` renders it from the catalog and
 * the SDK's calls (test/guards/coverage.ts). `UPDATE_ENDPOINTS=1` (`pnpm docs:endpoints`) rewrites it.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Catalog } from "@authctx/api"
import { describe, expect, it } from "vitest"
import { count, markers, renderCoverage, replaceGenerated, template, unmatchedRoutes } from "./coverage.js"
import { sdkCalls } from "./sdkCalls.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const path = join(root, "docs/reference/coverage.md")
const update = process.env["UPDATE_ENDPOINTS"] === "1"

describe("docs/reference/coverage.md", () => {
  it("holds the table rendered from the catalog and the SDK's calls (UPDATE_ENDPOINTS=1 rewrites it)", () => {
    const current = readFileSync(path, "utf8")
    const expected = replaceGenerated(current, renderCoverage())
    expect(expected, `the markers ${markers.start} … ${markers.end}`).toBeDefined()
    if (update && expected !== undefined && expected !== current) writeFileSync(path, expected)
    expect(update ? readFileSync(path, "utf8") : current, "stale: run `pnpm docs:endpoints`").toBe(expected)
  })

  it("counts the 62 calls of issue #12, each SDK call's route once", () => {
    expect(sdkCalls.filter((call) => call.status === "counted")).toHaveLength(62)
    const counted = sdkCalls
      .filter((call) => call.status === "counted")
      .map((c) => template(c.method, c.path))
    expect(new Set(counted).size).toBe(counted.length)
  })

  it("every catalog route serves a call of the list (a route the list lacks is a gap in the data)", () => {
    expect(unmatchedRoutes().map((entry) => entry.id)).toEqual([])
  })

  it("covered-ness follows the catalog: a route removed or added changes the count and the table", () => {
    const all = count()
    expect(all.covered).toBe(
      sdkCalls.filter(
        (call) =>
          call.status === "counted" &&
          Catalog.entries.some((e) => template(e.method, e.path) === template(call.method, call.path))
      ).length
    )
    const first = Catalog.entries[0]
    expect(first).toBeDefined()
    if (first === undefined) return
    expect(count(Catalog.entries.slice(1)).covered).toBe(all.covered - 1)
    expect(renderCoverage(Catalog.entries.slice(1))).not.toBe(renderCoverage())
    const added = { ...first, id: "x.added", method: "GET" as const, path: "/api/v1/waitpoints/tokens/:id" }
    const withAdded = renderCoverage([...Catalog.entries, added])
    expect(withAdded).toContain("covered (`x.added`)")
    expect(replaceGenerated("no markers", renderCoverage())).toBeUndefined()
  })
})
