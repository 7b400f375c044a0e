/**
 * The coverage table of docs/reference/coverage.md: every HTTP call of the SDK 4.8.3 (the checked-in rows
 * of test/guards/sdkCalls.ts) joined with `Catalog.entries` by method and path template. A row the catalog
 * has a route for is covered, and shows the catalog's accepted kinds and public-token scopes; the others
 * show the server's facts and why authctx does not have them. test/guards/coverage.test.ts fails when the
 * file is stale; `pnpm docs:endpoints` rewrites it with the endpoint table.
 */
import { Catalog } from "@authctx/api"
import { type SdkCall, sdkCalls } from "./sdkCalls.js"

/** The markers around the generated part of docs/reference/coverage.md. */
export const markers = {
  start: "<!-- generated:coverage (pnpm docs:endpoints) -->",
  end: "<!-- /generated:coverage -->"
} as const

const kindLabel: Record<string, string> = { SecretKey: "SecretKey", PersonalAccessToken: "PAT" }

const outOfScope: Record<Exclude<SdkCall["status"], "counted">, string> = {
  realtime: "out of scope: realtime (`/realtime/v1`), a separate piece of work",
  "task-only": "out of scope: made from inside a running task",
  "no-route": "out of scope: the server has no such route",
  "client-only": "out of scope: no public SDK function calls it"
}

/**
 * A path template with its parameter names dropped (`/api/v3/runs/:runId` and `/api/v3/runs/{runId}` →
 * `/api/v3/runs/{}`), so the catalog and the data match whatever the parameters are called.
 *
 * @example
 * ```ts
 * import { template } from "./coverage.js"
 *
 * template("GET", "/api/v3/runs/:runId") // "GET /api/v3/runs/{}"
 * ```
 */
export const template = (method: string, path: string): string =>
  `${method} ${path.replace(/:\w+/g, "{}").replace(/\{\w*\}/g, "{}")}`

/** The catalog routes by method and path template. */
const byTemplate = (entries: ReadonlyArray<Catalog.Entry>): ReadonlyMap<string, Catalog.Entry> =>
  new Map(entries.map((entry) => [template(entry.method, entry.path), entry]))

/** The catalog route serving an SDK call, if any. */
export const routeOf = (
  call: SdkCall,
  entries: ReadonlyArray<Catalog.Entry> = Catalog.entries
): Catalog.Entry | undefined => byTemplate(entries).get(template(call.method, call.path))

/** The catalog routes no row of the SDK's calls names (should be none: each route serves an SDK call). */
export const unmatchedRoutes = (
  entries: ReadonlyArray<Catalog.Entry> = Catalog.entries,
  calls: ReadonlyArray<SdkCall> = sdkCalls
): ReadonlyArray<Catalog.Entry> => {
  const named = new Set(calls.map((call) => template(call.method, call.path)))
  return entries.filter((entry) => !named.has(template(entry.method, entry.path)))
}

/** How many of the counted calls the catalog covers, of how many. */
export const count = (
  entries: ReadonlyArray<Catalog.Entry> = Catalog.entries,
  calls: ReadonlyArray<SdkCall> = sdkCalls
): { readonly covered: number; readonly counted: number } => {
  const routes = byTemplate(entries)
  const counted = calls.filter((call) => call.status === "counted")
  return {
    covered: counted.filter((call) => routes.has(template(call.method, call.path))).length,
    counted: counted.length
  }
}

const scopes = (list: ReadonlyArray<string> | undefined): string =>
  list === undefined
    ? "–"
    : list.length === 0 || (list.length === 1 && list[0] === "")
      ? "any token of the environment"
      : list.map((scope) => `\`${scope}\``).join(", ")

/**
 * The generated part of docs/reference/coverage.md: the count line, then one row per SDK call.
 *
 * @example
 * ```ts
 * import { renderCoverage } from "./coverage.js"
 *
 * renderCoverage().split("\n")[0] // "authctx covers N of 62 counted calls …"
 * ```
 */
export const renderCoverage = (
  entries: ReadonlyArray<Catalog.Entry> = Catalog.entries,
  calls: ReadonlyArray<SdkCall> = sdkCalls
): string => {
  const routes = byTemplate(entries)
  const { covered, counted } = count(entries, calls)
  return [
    `**Covered ${covered} of ${counted} counted calls** (the calls a backend can make whose route exists upstream).`,
    "",
    "| SDK call | method | path | accepts | public-token scopes | authctx |",
    "|---|---|---|---|---|---|",
    ...calls.map((call) => {
      const entry = routes.get(template(call.method, call.path))
      const accepts =
        entry === undefined
          ? call.kinds
          : entry.capability.accepts.length === 0
            ? "none (no credential)"
            : entry.capability.accepts.map((kind) => kindLabel[kind] ?? kind).join(", ")
      const status =
        entry !== undefined
          ? `covered (\`${entry.id}\`)`
          : call.status === "counted"
            ? "not yet"
            : outOfScope[call.status]
      const many = call.calls !== undefined && call.calls > 1 ? ` (${call.calls} calls)` : ""
      const cells = [
        `${call.sdk}${many}`,
        call.method,
        `\`${call.path}\``,
        accepts,
        entry === undefined || entry.publicTokenScopes !== undefined || call.jwt === undefined
          ? scopes(entry === undefined ? call.jwt : entry.publicTokenScopes)
          : `${scopes(call.jwt)} (server; not yet in the catalog)`,
        status
      ]
      return `| ${cells.map((cell) => cell.replace(/\|/g, "\\|")).join(" | ")} |`
    })
  ].join("\n")
}

/**
 * `markdown` with the text between the markers replaced by `generated`; `undefined` when the markers are
 * missing.
 */
export const replaceGenerated = (markdown: string, generated: string): string | undefined => {
  const start = markdown.indexOf(markers.start)
  const end = markdown.indexOf(markers.end)
  if (start === -1 || end < start) return undefined
  return `${markdown.slice(0, start + markers.start.length)}\n${generated}\n${markdown.slice(end)}`
}
