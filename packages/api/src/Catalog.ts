/**
 * The catalog read back from the `HttpApi`: one entry per route, with its group, call name, method, path
 * and capability. Nothing here is written by hand; everything comes from `ManagementApi.api` through
 * `HttpApi.reflect`, so the client, the emulator and the docs cannot drift from it.
 *
 * @example
 * ```ts
 * import { Catalog } from "@authctx/api"
 *
 * for (const entry of Catalog.entries) console.log(entry.call, entry.method, entry.path, entry.capability.accepts)
 * const match = Catalog.match("GET", "/api/v3/runs/run_123") // { entry: runs.retrieve, params: { runId: "run_123" } }
 * ```
 */
import type { Capability, Credential } from "@authctx/core"
import * as HttpApi from "@effect/platform/HttpApi"
import type * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import * as Context from "effect/Context"
import * as Option from "effect/Option"
import { Accepts, api, CallName, PartOf } from "./ManagementApi.js"

/** One route of the catalog. */
export interface Entry {
  /** The `HttpApiGroup` name: `tasks`, `runs`, `envvars` or `schedules`. */
  readonly group: string
  /** The endpoint's name within its group (`retrieve`, `listProject`, …). */
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
  readonly endpoint: HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
}

const collect = (): ReadonlyArray<Entry> => {
  const out: Array<Entry> = []
  HttpApi.reflect(api, {
    onGroup: () => {},
    onEndpoint: ({ group, endpoint, mergedAnnotations }) => {
      // reflect types the merged annotations as Context<never>; every endpoint carries both tags (route()).
      const annotations = mergedAnnotations as Context.Context<Accepts | CallName>
      out.push({
        group: group.identifier,
        name: endpoint.name,
        call: Context.get(annotations, CallName),
        method: endpoint.method,
        path: endpoint.path,
        capability: Context.get(annotations, Accepts),
        partOf: Option.getOrUndefined(Context.getOption(mergedAnnotations, PartOf)),
        endpoint: endpoint as unknown as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
      })
    }
  })
  return out
}

/** Every route, in the order of the API. */
export const entries: ReadonlyArray<Entry> = collect()

interface CompiledRoute {
  readonly entry: Entry
  readonly segments: ReadonlyArray<string>
}

const compiled: ReadonlyArray<CompiledRoute> = entries.map((entry) => ({
  entry,
  segments: entry.path.split("/").slice(1)
}))

/** A matched route and its (percent-decoded) path parameters. */
export interface Match {
  readonly entry: Entry
  readonly params: Readonly<Record<string, string>>
}

const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/**
 * Finds the route for a method and a path (without the query). Literal segments win over parameters, so
 * `/api/v3/batches/:batchId/items` and `/api/v1/projects/:projectRef/envvars/:env/import` match before
 * the routes with a parameter in that place. A segment that is not valid percent-encoding matches nothing.
 */
export const match = (method: string, pathname: string): Match | undefined => {
  const parts = pathname.split("/").slice(1)
  let best: { route: CompiledRoute; params: Record<string, string>; literals: number } | undefined
  for (const route of compiled) {
    if (route.entry.method !== method || route.segments.length !== parts.length) continue
    const params: Record<string, string> = {}
    let literals = 0
    let ok = true
    for (let i = 0; i < parts.length; i++) {
      const template = route.segments[i] as string
      const part = parts[i] as string
      if (template.startsWith(":")) {
        const value = decodeSegment(part)
        if (value === undefined || value.length === 0) {
          ok = false
          break
        }
        params[template.slice(1)] = value
      } else if (template === part) {
        literals++
      } else {
        ok = false
        break
      }
    }
    if (ok && (best === undefined || literals > best.literals)) best = { route, params, literals }
  }
  return best && { entry: best.route.entry, params: best.params }
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
