/**
 * The endpoint table of docs/reference/endpoints.md, rendered from `Catalog.entries`: the docs' list of
 * routes is the catalog, not a copy of it. test/guards/endpoints.test.ts fails when the file is stale;
 * `pnpm docs:endpoints` (`UPDATE_ENDPOINTS=1`) rewrites it.
 */
import { Catalog } from "@authctx/api"

/** The markers around the generated table in docs/reference/endpoints.md. */
export const markers = {
  start: "<!-- generated:endpoints (pnpm docs:endpoints) -->",
  end: "<!-- /generated:endpoints -->"
} as const

const kindLabel: Record<string, string> = { SecretKey: "SecretKey", PersonalAccessToken: "PAT" }

/**
 * The route's id, `<group>.<name>` (`runs.listProject`, `tasks.createBatch`): the one name of a route in
 * the request log, fault rules and errors.
 */
export const routeId = (entry: Catalog.Entry): string => entry.id

/**
 * One row per catalog route, in the catalog's order: route id, method, path, the SDK call it serves, the
 * credential kinds it accepts, and for a wire-only route the calls it is a step of.
 *
 * @example
 * ```ts
 * import { renderTable } from "./endpoints.js"
 *
 * renderTable().split("\n")[2] // "| `tasks.trigger` | POST | `/api/v1/tasks/{taskId}/trigger` | `tasks.trigger` | SecretKey | |"
 * ```
 */
export const renderTable = (entries: ReadonlyArray<Catalog.Entry> = Catalog.entries): string =>
  [
    "| route | method | path | call | accepts | part of |",
    "|---|---|---|---|---|---|",
    ...entries.map((entry) => {
      const cells = [
        `\`${routeId(entry)}\``,
        entry.method,
        `\`${entry.path.replace(/:(\w+)/g, "{$1}")}\``,
        `\`${entry.call}\``,
        entry.capability.accepts.length === 0
          ? "none (no credential)"
          : entry.capability.accepts.map((kind) => kindLabel[kind] ?? kind).join(", "),
        (entry.partOf ?? []).map((call) => `\`${call}\``).join(", ")
      ]
      return `| ${cells.join(" | ")} |`.replace(/ {2}\|$/, " |")
    })
  ].join("\n")

/**
 * `markdown` with the text between the markers replaced by `table`; `undefined` when the markers are
 * missing.
 *
 * @example
 * ```ts
 * import { markers, replaceTable } from "./endpoints.js"
 *
 * replaceTable(`${markers.start}\nold\n${markers.end}`, "new") // `${markers.start}\nnew\n${markers.end}`
 * ```
 */
export const replaceTable = (markdown: string, table: string): string | undefined => {
  const start = markdown.indexOf(markers.start)
  const end = markdown.indexOf(markers.end)
  if (start === -1 || end < start) return undefined
  return `${markdown.slice(0, start + markers.start.length)}\n${table}\n${markdown.slice(end)}`
}
