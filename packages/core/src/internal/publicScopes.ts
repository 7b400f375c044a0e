/**
 * The server's ability grammar for public access token scopes, at run time and in the types
 * (docs/reference/public-tokens.md):
 *
 * - `admin` grants everything; `admin:<type>[:<id>]` is the action `admin`, not a wildcard;
 * - `<action>:all` grants the action on every type; `*:<type>[:<id>]` every action on the type (or id);
 * - `<action>:<type>` grants the action on every resource of the type, `<action>:<type>:<id>` on one id
 *   (everything after the second `:` is the id: ids may contain `:`);
 * - matching is exact and case-sensitive; no action implies another.
 *
 * A route's abilities (`read:runs:{runId}`) name a path parameter in braces; a name that is no path
 * parameter (`read:tasks:{task}` on `runs.retrieve`) is a property of the resource only the server can
 * look up.
 *
 * @internal
 */

/** One parsed scope: its action, type and optional id; `undefined` for a scope that grants nothing. */
interface Scope {
  readonly action: string
  readonly type: string
  readonly id: string | undefined
}

const parseScope = (scope: string): Scope | undefined => {
  const first = scope.indexOf(":")
  if (first <= 0) return undefined
  const action = scope.slice(0, first)
  const rest = scope.slice(first + 1)
  const second = rest.indexOf(":")
  const type = second === -1 ? rest : rest.slice(0, second)
  if (type === "") return undefined
  return { action, type, id: second === -1 ? undefined : rest.slice(second + 1) }
}

/** Whether one scope grants `action` on `type` (and `id`, when given; `undefined` = any resource). */
const grantsOne = (scope: string, action: string, type: string, id: string | undefined): boolean => {
  if (scope === "admin") return true
  const parsed = parseScope(scope)
  if (parsed === undefined) return false
  if (parsed.type === "all" && parsed.id === undefined) return parsed.action === action
  if (parsed.action !== "*" && parsed.action !== action) return false
  if (parsed.type !== type) return false
  return parsed.id === undefined || parsed.id === id
}

/** Whether one scope grants `action` on `type` for at least one id. */
const grantsSomeId = (scope: string, action: string, type: string): boolean => {
  if (scope === "admin") return true
  const own = parseScope(scope)
  if (own === undefined) return false
  if (own.type === "all" && own.id === undefined) return own.action === action
  return (own.action === "*" || own.action === action) && own.type === type
}

/**
 * Whether `scopes` grant the ability `action:type[:id]` as the server's check does.
 *
 * @internal
 */
export const grants = (scopes: ReadonlyArray<string>, ability: string): boolean => {
  const parsed = parseScope(ability)
  if (parsed === undefined) return false
  return scopes.some((scope) => grantsOne(scope, parsed.action, parsed.type, parsed.id))
}

/** The outcome of the pre-check of a route's abilities. @internal */
export type Verdict =
  | { readonly _tag: "Allowed" }
  /** `needed`: the route's abilities with the path parameters filled in. */
  | { readonly _tag: "Refused"; readonly needed: ReadonlyArray<string> }

const placeholder = /\{([^}]+)\}$/

/**
 * The pre-check of a call: whether any one of the route's abilities is granted. A `{param}` that is a path
 * parameter is filled in from `path`; a `{name}` that is not (a property of the resource) passes when the
 * scopes grant that action on that type for some id, since only the server can tell which.
 *
 * @internal
 */
export const allows = (
  abilities: ReadonlyArray<string>,
  scopes: ReadonlyArray<string>,
  path: Readonly<Record<string, string>> | undefined
): Verdict => {
  if (abilities.length === 0) return { _tag: "Allowed" }
  const needed: Array<string> = []
  for (const ability of abilities) {
    const match = placeholder.exec(ability)
    if (match === null) {
      if (grants(scopes, ability)) return { _tag: "Allowed" }
      needed.push(ability)
      continue
    }
    const name = match[1] ?? ""
    const value = path?.[name]
    const base = ability.slice(0, match.index)
    if (value !== undefined) {
      const concrete = `${base}${value}`
      if (grants(scopes, concrete)) return { _tag: "Allowed" }
      needed.push(concrete)
      continue
    }
    // A property of the resource: any id of that action and type may be the one the server finds.
    const parsed = parseScope(`${base}x`)
    if (parsed !== undefined && scopes.some((scope) => grantsSomeId(scope, parsed.action, parsed.type)))
      return { _tag: "Allowed" }
    needed.push(ability)
  }
  return { _tag: "Refused", needed }
}

// ---------------------------------------------------------------------------------------------------------
// The same grammar in the types
// ---------------------------------------------------------------------------------------------------------

/**
 * The route abilities one scope covers, as a union of template literal types a route's ability string
 * (`read:runs:{runId}`) is tested against. An id scope covers the route's `{param}` form, whose value the
 * run-time pre-check compares; a plain `string` covers nothing (scopes not known statically).
 *
 * @internal
 */
export type Covers<S extends string> = string extends S
  ? never
  : S extends "admin"
    ? string
    : S extends `${infer A}:all`
      ? A extends `${string}:${string}`
        ? ById<S>
        : `${A}:${string}`
      : S extends `*:${infer T}:${infer Id}`
        ? `${string}:${T}:{${string}}` | `${string}:${T}:${Id}`
        : S extends `*:${infer T}`
          ? `${string}:${T}` | `${string}:${T}:${string}`
          : ById<S>

type ById<S extends string> = S extends `${infer A}:${infer T}:${infer Id}`
  ? `${A}:${T}:{${string}}` | `${A}:${T}:${Id}`
  : S extends `${infer A}:${infer T}`
    ? `${A}:${T}` | `${A}:${T}:${string}`
    : never
