/**
 * docs/reference/endpoints.md holds the catalog's routes as `renderTable` renders them from
 * `Catalog.entries` (test/guards/endpoints.ts). `UPDATE_ENDPOINTS=1` (`pnpm docs:endpoints`) rewrites it.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Catalog } from "@authctx/api"
import { describe, expect, it } from "vitest"
import { markers, renderTable, replaceTable, routeId } from "./endpoints.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const path = join(root, "docs/reference/endpoints.md")
const update = process.env["UPDATE_ENDPOINTS"] === "1"

describe("docs/reference/endpoints.md", () => {
  it("holds the table rendered from the catalog (UPDATE_ENDPOINTS=1 rewrites it)", () => {
    const current = readFileSync(path, "utf8")
    const expected = replaceTable(current, renderTable())
    expect(expected, `the markers ${markers.start} … ${markers.end}`).toBeDefined()
    if (update && expected !== undefined && expected !== current) writeFileSync(path, expected)
    expect(update ? readFileSync(path, "utf8") : current, "stale: run `pnpm docs:endpoints`").toBe(expected)
  })

  it("has one row per route, each id once", () => {
    const rows = renderTable().split("\n").slice(2)
    expect(rows).toHaveLength(Catalog.entries.length)
    expect(new Set(Catalog.entries.map(routeId)).size).toBe(Catalog.entries.length)
  })

  it("the check fails on a stale table: a route the catalog does not have, or one it lost", () => {
    const fresh = replaceTable(`${markers.start}\n${markers.end}`, renderTable())
    const extra = Catalog.entries[0]
    expect(extra).toBeDefined()
    if (extra === undefined) return
    const added = renderTable([...Catalog.entries, { ...extra, name: "added", path: "/api/v9/added" }])
    expect(replaceTable(`${markers.start}\n${markers.end}`, added)).not.toBe(fresh)
    expect(renderTable(Catalog.entries.slice(1))).not.toBe(renderTable())
    expect(replaceTable("no markers", renderTable())).toBeUndefined()
  })
})
