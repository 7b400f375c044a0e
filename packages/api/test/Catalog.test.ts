/**
 * The catalog against the official Authentication page's table of calls (call, method, path, kinds), kept
 * verbatim in `auth-page-table.md`, and against the route table of docs/research/trigger-wire.md (what the
 * SDK 4.8.3 sends): the two tables the repository holds as the contract.
 */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Catalog, ManagementApi } from "@authctx/api"
import { describe, expect, it } from "vitest"

const here = dirname(fileURLToPath(import.meta.url))
const copy = readFileSync(join(here, "auth-page-table.md"), "utf8")

interface SpecRoute {
  readonly call: string
  readonly method: string
  readonly path: string
  readonly kinds: ReadonlyArray<string>
}

/** Parses the page's table: one row per call; `tasks.batchTrigger` has two routes in one row. */
const parseTable = (markdown: string): Array<SpecRoute> => {
  const routes: Array<SpecRoute> = []
  for (const line of markdown.split("\n").slice(2)) {
    const cells = line.split("|").map((c) => c.trim())
    const [, callCell = "", routeCell = "", secretKey = "", pat = ""] = cells
    const call = /`([^`]+)`/.exec(callCell)?.[1] ?? ""
    const variant = /\((environment|project)\)/.exec(callCell)?.[1]
    const kinds = [
      ...(secretKey.includes("✅") ? ["SecretKey"] : []),
      ...(pat.includes("✅") ? ["PersonalAccessToken"] : [])
    ]
    for (const m of routeCell.matchAll(/`(GET|POST|PUT|DELETE) ([^`?]+)(?:\?[^`]*)?`/g)) {
      routes.push({
        call: variant ? `${call} (${variant})` : call,
        method: m[1] as string,
        path: m[2] as string,
        kinds
      })
    }
  }
  return routes
}

const toRoute = (entry: Catalog.Entry): SpecRoute => ({
  call: entry.call === "runs.list" ? entry.capability.name : entry.call,
  method: entry.method,
  path: entry.path.replace(/:(\w+)/g, "{$1}"),
  kinds: [...entry.capability.accepts].sort((a, b) => (a === "SecretKey" ? -1 : b === "SecretKey" ? 1 : 0))
})

/** The calls of the page's table (`runs.list (environment)` as `runs.list`). */
const pageCalls = new Set(parseTable(copy).map((route) => route.call.replace(/ \(\w+\)$/, "")))

/** Whether an entry is a route of a call of the page's table (not a route the whole-API work added). */
const onPage = (entry: Catalog.Entry): boolean => pageCalls.has(entry.call)

/** The routes of the page's calls: every entry of a page call that is not a step of another call. */
const catalogRoutes = (): Array<SpecRoute> =>
  Catalog.entries.filter((entry) => entry.partOf === undefined && onPage(entry)).map(toRoute)

/**
 * The routes beyond the page's table (issue #12, the whole management API): each must be a row of
 * docs/research/whole-api.md, by method and path.
 */
const wholeApiRoutes = (): Array<Catalog.Entry> =>
  Catalog.entries.filter((entry) => entry.partOf === undefined && !onPage(entry))

/**
 * Routes the SDK sends on the wire inside another call, which the page's table does not list
 * (docs/reference/payloads.md). Each must be named here, with the calls it is part of.
 */
const wireOnly: ReadonlyArray<SpecRoute & { readonly partOf: ReadonlyArray<string> }> = [
  {
    call: "packets.upload",
    method: "PUT",
    path: "/api/v2/packets/{filename}",
    kinds: ["SecretKey"],
    partOf: ["tasks.trigger", "tasks.batchTrigger"]
  },
  // ---- query ----
  {
    call: "packets.download",
    method: "GET",
    path: "/api/v1/packets/{filename}",
    kinds: ["SecretKey"],
    partOf: ["waitTokens.retrieve"]
  }
]

const byKey = (routes: ReadonlyArray<SpecRoute>) =>
  [...routes].sort((a, b) => `${a.method} ${a.path}`.localeCompare(`${b.method} ${b.path}`))

describe("the catalog", () => {
  it("has every route of the page's table with its method, path, call and kinds, and no other", () => {
    const spec = parseTable(copy)
    expect(spec).toHaveLength(21) // 20 calls; tasks.batchTrigger has two routes
    expect(byKey(catalogRoutes())).toEqual(byKey(spec))
  })

  it("has no route beyond the table's but the named wire-only ones, each a step of a call of the catalog", () => {
    const spec = parseTable(copy)
    const others = Catalog.entries
      .filter((entry) => entry.partOf !== undefined)
      .map((entry) => ({ ...toRoute(entry), partOf: entry.partOf }))
    expect(byKey(others)).toEqual(byKey(wireOnly))
    expect(Catalog.entries).toHaveLength(spec.length + wireOnly.length + wholeApiRoutes().length)
    // a step of a call of the page's table, or of a whole-API call (#12: packets.download of waitTokens.retrieve)
    const calls = new Set([
      ...spec.map((route) => route.call),
      ...wholeApiRoutes().map((entry) => entry.call)
    ])
    for (const route of wireOnly) for (const call of route.partOf) expect(calls.has(call)).toBe(true)
  })

  it("has the routes of the wire notes' table (docs/research/trigger-wire.md, section 1), each for its call", () => {
    const notes = readFileSync(join(here, "../../../docs/research/trigger-wire.md"), "utf8")
    const table = notes.slice(notes.indexOf("## 1. Routes"), notes.indexOf("\n## 2."))
    const rows = [...table.matchAll(/^\| `([a-z]+\.[A-Za-z]+)[^|]*\| `(GET|POST|PUT|DELETE) ([^`]+)`/gm)].map(
      (m) => `${m[2]} ${(m[3] as string).replace(/\{\w+\}/g, "{}")} ${m[1]}`
    )
    expect(rows).toHaveLength(21)
    const routes = Catalog.entries
      .filter((entry) => entry.partOf === undefined && onPage(entry))
      .map((entry) => `${entry.method} ${entry.path.replace(/:\w+/g, "{}")} ${entry.call}`)
    expect([...routes].sort()).toEqual([...rows].sort())
  })

  it("has each route beyond the page's table as a row of docs/research/whole-api.md (method and path)", () => {
    const research = readFileSync(join(here, "../../../docs/research/whole-api.md"), "utf8")
    const rows = new Set(
      [...research.matchAll(/(GET|POST|PUT|PATCH|DELETE) `(\/api\/[^`?[]+)/g)].map(
        (m) => `${m[1]} ${(m[2] as string).replace(/\{\w+\}/g, "{}")}`
      )
    )
    expect(rows.size).toBeGreaterThan(40)
    for (const entry of wholeApiRoutes())
      expect(rows.has(`${entry.method} ${entry.path.replace(/:\w+/g, "{}")}`), entry.id).toBe(true)
  })

  it("each route's capability is the annotation both sides read, named for its call", () => {
    for (const entry of Catalog.entries) {
      expect(entry.capability.name.startsWith(entry.call)).toBe(true)
    }
    expect(ManagementApi.runsListProject.capability.accepts).toEqual(["PersonalAccessToken"])
    expect(ManagementApi.envvarsUpdate.capability.accepts).toEqual(["SecretKey", "PersonalAccessToken"])
  })

  it("gives every route one id, <group>.<name>, unique, and the same on the route object and the entry", () => {
    const ids = Catalog.entries.map((entry) => entry.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const entry of Catalog.entries) expect(entry.id).toBe(`${entry.group}.${entry.name}`)
    expect(ManagementApi.routes.map((route) => route.id)).toEqual(ids)
    expect(ManagementApi.routes.map((route) => route.call)).toEqual(
      Catalog.entries.map((entry) => entry.call)
    )
    expect(Catalog.byId.get("runs.listProject")?.path).toBe("/api/v1/projects/:projectRef/runs")
  })

  it("an id that is also a call name is that call's only route, so a name never selects two ways", () => {
    const calls = new Set(Catalog.entries.map((entry) => entry.call))
    for (const entry of Catalog.entries) {
      if (!calls.has(entry.id)) continue
      expect(Catalog.entries.filter((other) => other.call === entry.id).map((other) => other.id)).toEqual([
        entry.id
      ])
    }
    expect(Catalog.select("runs.list").map((entry) => entry.id)).toEqual([
      "runs.listEnvironment",
      "runs.listProject"
    ])
    expect(Catalog.select("tasks.batchTrigger").map((entry) => entry.id)).toEqual([
      "tasks.createBatch",
      "tasks.streamBatchItems"
    ])
    expect(Catalog.select("runs.retrieve").map((entry) => entry.id)).toEqual(["runs.retrieve"])
    expect(Catalog.select("runs.list (project)")).toEqual([])
  })

  it("matches paths, literal segments first, with percent-decoded parameters", () => {
    expect(Catalog.match("GET", "/api/v3/runs/run_1")?.entry.capability.name).toBe("runs.retrieve")
    expect(Catalog.match("GET", "/api/v3/runs/a%2Fb%20c")?.params).toEqual({ runId: "a/b c" })
    expect(Catalog.match("POST", "/api/v1/projects/proj_1/envvars/dev/import")?.entry.call).toBe(
      "envvars.upload"
    )
    expect(Catalog.match("GET", "/api/v1/projects/proj_1/envvars/dev/import")?.entry.call).toBe(
      "envvars.retrieve"
    )
    expect(Catalog.match("POST", "/api/v3/batches/batch_1/items")?.entry.name).toBe("streamBatchItems")
    expect(Catalog.match("GET", "/api/v1/projects/p/runs")?.entry.capability.name).toBe("runs.list (project)")
    expect(Catalog.match("PUT", "/api/v2/packets/trigger%2Fpacket_1%2Fpayload.json")?.params).toEqual({
      filename: "trigger/packet_1/payload.json"
    })
    expect(Catalog.match("GET", "/api/v3/runs/%E0%A4%A")).toBeUndefined()
    expect(Catalog.match("PATCH", "/api/v3/runs/run_1")).toBeUndefined()
    expect(Catalog.pathExists("/api/v3/runs/run_1")).toBe(true)
    expect(Catalog.pathExists("/nope")).toBe(false)
  })

  it("rebuilds the docs table from the catalog", () => {
    const table = Catalog.markdownTable()
    // the page's 20 calls and the whole-API calls (#12): runs reschedule, addTags, metadata ×2, batch.retrieve;
    // bulk actions: runs.bulk.create, .list, .retrieve, .abort; schedules.timezones, deployments ×2
    // + queues ×5, wait tokens ×4 and idempotencyKeys.reset, sessions ×5; auth.jwtClaims and auth.createPublicToken (#13); query.execute, query.dashboards.list
    expect(table.split("\n")).toHaveLength(
      2 +
        20 +
        5 +
        4 +
        3 +
        5 +
        5 +
        5 +
        2 +
        2 +
        // ---- prompts ----
        8
    )
    expect(table).toContain("| `runs.list (project)` | `GET /api/v1/projects/{projectRef}/runs` |  | ✅ |")
  })
})
