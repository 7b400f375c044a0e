/**
 * The catalog read back from the `HttpApi`: one entry per route, with its group, call name, method, path
 * and capability, and its one id. Nothing here is written by hand; everything comes from `ManagementApi.api` through
 * `HttpApi.reflect`, so the client, the emulator and the docs cannot drift from it.
 *
 * @example
 * ```ts
 * import { Catalog } from "@authctx/api"
 *
 * for (const entry of Catalog.entries) console.log(entry.id, entry.call, entry.method, entry.path, entry.capability.accepts)
 * const match = Catalog.match("GET", "/api/v3/runs/run_123") // { entry: runs.retrieve, params: { runId: "run_123" } }
 * ```
 */
import type { Capability, Credential } from "@authctx/core"
import * as HttpApi from "@effect/platform/HttpApi"
import type * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import * as Context from "effect/Context"
import * as Option from "effect/Option"
import { Accepts, api, CallName, PartOf, PublicTokenScopes, RouteId } from "./ManagementApi.js"

/** One route of the catalog. */
export interface Entry {
  /**
   * The route's one id, `<group>.<name>` (`runs.retrieve`, `runs.listProject`, `tasks.createBatch`): the
   * name the request log, fault rules, errors and docs use. It equals {@link Entry.call} exactly when the
   * call has this one route (docs/emulator.md, "Route ids").
   */
  readonly id: string
  /** The `HttpApiGroup` name: `tasks`, `runs`, `envvars` or `schedules`. */
  readonly group: string
  /** The endpoint's name within its group (`retrieve`, `listEnvironment`, `listProject`, …). */
  readonly name: string
  /** The SDK call it serves (`runs.list`, `tasks.batchTrigger`, …). */
  readonly call: string
  readonly method: HttpMethod
  /** The path template, with `:param` segments. */
  readonly path: string
  readonly capability: Capability.Capability<string, Credential.Kind>
  /**
   * For a wire-only route (not a call of its own on the official page): the calls it is a step of
   * (`packets.upload` → `tasks.trigger`, `tasks.batchTrigger`). `undefined` for the page's calls.
   */
  readonly partOf: ReadonlyArray<string> | undefined
  /**
   * The abilities that let a public access token call this route (`ManagementApi.PublicTokenScopes`);
   * `undefined` when the server refuses JWTs here.
   */
  readonly publicTokenScopes: ReadonlyArray<string> | undefined
  readonly endpoint: HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
}

const collect = (): ReadonlyArray<Entry> => {
  const out: Array<Entry> = []
  HttpApi.reflect(api, {
    onGroup: () => {},
    onEndpoint: ({ group, endpoint, mergedAnnotations }) => {
      // reflect types the merged annotations as Context<never>; every endpoint carries these tags (route()).
      const annotations = mergedAnnotations as Context.Context<Accepts | CallName | RouteId>
      out.push({
        id: Context.get(annotations, RouteId),
        group: group.identifier,
        name: endpoint.name,
        call: Context.get(annotations, CallName),
        method: endpoint.method,
        path: endpoint.path,
        capability: Context.get(annotations, Accepts),
        partOf: Option.getOrUndefined(Context.getOption(mergedAnnotations, PartOf)),
        publicTokenScopes: Option.getOrUndefined(Context.getOption(mergedAnnotations, PublicTokenScopes)),
        endpoint: endpoint as unknown as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
      })
    }
  })
  return out
}

/** Every route, in the order of the API. */
export const entries: ReadonlyArray<Entry> = collect()

/**
 * The entry with this route id.
 *
 * @example
 * ```ts
 * import { Catalog } from "@authctx/api"
 *
 * Catalog.byId.get("runs.listProject")?.path // "/api/v1/projects/:projectRef/runs"
 * ```
 */
export const byId: ReadonlyMap<string, Entry> = new Map(entries.map((entry) => [entry.id, entry]))

/**
 * The routes a name selects: the one route with that id, or every route of the call with that name
 * (`runs.list` → `runs.listEnvironment` and `runs.listProject`); empty when it is neither. A name that is
 * both an id and a call selects the same single route either way (a test keeps it so).
 *
 * @example
 * ```ts
 * import { Catalog } from "@authctx/api"
 *
 * Catalog.select("tasks.batchTrigger").map((e) => e.id) // ["tasks.createBatch", "tasks.streamBatchItems"]
 * Catalog.select("runs.listProject").map((e) => e.id) // ["runs.listProject"]
 * ```
 */
export const select = (name: string): ReadonlyArray<Entry> => {
  const one = byId.get(name)
  return one !== undefined ? [one] : entries.filter((entry) => entry.call === name)
}

interface CompiledRoute {
  readonly entry: Entry
  /** Per segment: the literal text, or `undefined` for a parameter. */
  readonly literals: ReadonlyArray<string | undefined>
  /** Per segment: the parameter's name, or `undefined` for a literal. */
  readonly params: ReadonlyArray<string | undefined>
  /** How many segments are literal: the more, the better the match. */
  readonly literalCount: number
}

/**
 * The routes by method and segment count, compiled once: a request is compared only with the few routes
 * of its method and length (at most five here), not all of them. Profiled in the emulator at 32
 * concurrent requests this took matching from ~0.7 µs to ~0.2 µs per request.
 */
const index = new Map<string, Map<number, ReadonlyArray<CompiledRoute>>>()
for (const entry of entries) {
  const segments = entry.path.split("/").slice(1)
  const compiled: CompiledRoute = {
    entry,
    literals: segments.map((segment) => (segment.startsWith(":") ? undefined : segment)),
    params: segments.map((segment) => (segment.startsWith(":") ? segment.slice(1) : undefined)),
    literalCount: segments.filter((segment) => !segment.startsWith(":")).length
  }
  const byLength = index.get(entry.method) ?? new Map<number, ReadonlyArray<CompiledRoute>>()
  byLength.set(segments.length, [...(byLength.get(segments.length) ?? []), compiled])
  index.set(entry.method, byLength)
}

/** A matched route and its (percent-decoded) path parameters. */
export interface Match {
  readonly entry: Entry
  readonly params: Readonly<Record<string, string>>
}

const decodeSegment = (segment: string): string | undefined => {
  if (!segment.includes("%")) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

const matchRoute = (
  route: CompiledRoute,
  parts: ReadonlyArray<string>
): Record<string, string> | undefined => {
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string
    const literal = route.literals[i]
    if (literal !== undefined) {
      if (literal !== part) return undefined
      continue
    }
    const value = decodeSegment(part)
    if (value === undefined || value.length === 0) return undefined
    params[route.params[i] as string] = value
  }
  return params
}

/**
 * Finds the route for a method and a path (without the query). Literal segments win over parameters, so
 * `/api/v3/batches/:batchId/items` and `/api/v1/projects/:projectRef/envvars/:env/import` match before
 * the routes with a parameter in that place. A segment that is not valid percent-encoding matches nothing.
 */
export const match = (method: string, pathname: string): Match | undefined => {
  const parts = pathname.split("/")
  parts.shift()
  const candidates = index.get(method)?.get(parts.length)
  if (candidates === undefined) return undefined
  let best: { entry: Entry; params: Record<string, string>; literals: number } | undefined
  for (const route of candidates) {
    if (best !== undefined && route.literalCount <= best.literals) continue
    const params = matchRoute(route, parts)
    if (params !== undefined) best = { entry: route.entry, params, literals: route.literalCount }
  }
  return best && { entry: best.entry, params: best.params }
}

/** Whether any route has this path (with another method): for 405 answers. */
export const pathExists = (pathname: string): boolean =>
  ["GET", "POST", "PUT", "DELETE", "PATCH"].some((method) => match(method, pathname) !== undefined)

/**
 * The official page's route table (docs/research/trigger-wire.md) rebuilt from the catalog, as markdown (call, method and path, SecretKey, PAT), one row
 * per call; a call with two routes shows both. Wire-only routes (`partOf`) are steps of those calls, not
 * rows of their own.
 */
export const markdownTable = (): string => {
  const rows = new Map<string, { routes: Array<string>; secretKey: boolean; pat: boolean }>()
  for (const entry of entries) {
    if (entry.partOf !== undefined) continue
    const key =
      entry.call === "runs.list"
        ? `${entry.call} ${entry.capability.name.slice("runs.list ".length)}`
        : entry.call
    const row = rows.get(key) ?? { routes: [], secretKey: false, pat: false }
    row.routes.push(`\`${entry.method} ${entry.path.replace(/:(\w+)/g, "{$1}")}\``)
    row.secretKey ||= entry.capability.accepts.includes("SecretKey")
    row.pat ||= entry.capability.accepts.includes("PersonalAccessToken")
    rows.set(key, row)
  }
  const lines = ["| call | method and path | SecretKey | PAT |", "|---|---|---|---|"]
  for (const [call, row] of rows) {
    lines.push(
      `| \`${call}\` | ${row.routes.join(", then ")} | ${row.secretKey ? "✅" : ""} | ${row.pat ? "✅" : ""} |`
    )
  }
  return lines.join("\n")
}
