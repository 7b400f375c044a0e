/**
 * What the runs routes change on a run after it is triggered: tags added by id and metadata replaced or
 * changed by operations, as the server applies them (docs/reference/run-edits.md).
 */
import type { Schemas } from "@authctx/api"

/** The most tags a run may hold (the server's `MAX_TAGS_PER_RUN`). */
export const maxTagsPerRun = 10

/** The largest metadata the server keeps, as JSON text (its `TASK_RUN_METADATA_MAXIMUM_SIZE` default, 256 KiB). */
export const maxMetadataBytes = 262_144

/** The tags `adding` contributes to `existing`: non-empty, not already there, once each. */
export const newTags = (existing: ReadonlyArray<string>, adding: Schemas.RunTags): ReadonlyArray<string> => {
  const fresh: Array<string> = []
  for (const tag of typeof adding === "string" ? [adding] : adding) {
    if (tag.trim().length > 0 && !existing.includes(tag) && !fresh.includes(tag)) fresh.push(tag)
  }
  return fresh
}

type Json = Record<string, unknown>

const dangerous = new Set(["__proto__", "constructor", "prototype"])

/**
 * The path a key names: a literal top-level key, or a JSON path `$.a.b` (its segments). `undefined` for a
 * key the server refuses (a path naming nothing below `$`, or a `__proto__`/`constructor`/`prototype`
 * segment).
 */
const pathOf = (key: string): ReadonlyArray<string> | undefined => {
  if (!key.startsWith("$.")) return key === "__proto__" ? undefined : [key]
  const segments = key
    .slice(2)
    .split(".")
    .filter((segment) => segment.length > 0)
  if (segments.length === 0 || segments.some((segment) => dangerous.has(segment))) return undefined
  return segments
}

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A copy of `root` with the value at `path` set by `change` (objects on the way are created). */
const changeAt = (root: Json, path: ReadonlyArray<string>, change: (old: unknown) => unknown): Json => {
  const [head, ...rest] = path
  if (head === undefined) return root
  const copy: Json = { ...root }
  if (rest.length === 0) {
    const value = change(Object.hasOwn(copy, head) ? copy[head] : undefined)
    if (value === undefined) delete copy[head]
    else copy[head] = value
    return copy
  }
  const child = Object.hasOwn(copy, head) ? copy[head] : undefined
  copy[head] = changeAt(isObject(child) ? child : {}, rest, change)
  return copy
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * `metadata` after `operations`, in order (the server's `applyMetadataOperations`): `update` replaces the
 * whole object, `set`/`delete` a key, `append` adds to a list (making one of a single value), `remove`
 * takes equal values out of a list, `increment` adds to a number (a missing or non-number value counts as
 * 0). A string names the key the server refuses.
 */
export const applyOperations = (
  metadata: Readonly<Json>,
  operations: ReadonlyArray<Schemas.RunMetadataChangeOperation>
): Json | string => {
  let out: Json = { ...metadata }
  for (const operation of operations) {
    if (operation.type === "update") {
      out = { ...operation.value }
      continue
    }
    const path = pathOf(operation.key)
    if (path === undefined) return `Invalid metadata key "${operation.key}"`
    switch (operation.type) {
      case "set":
        out = changeAt(out, path, () => operation.value)
        break
      case "delete":
        out = changeAt(out, path, () => undefined)
        break
      case "append":
        out = changeAt(out, path, (old) =>
          old === undefined
            ? [operation.value]
            : Array.isArray(old)
              ? [...old, operation.value]
              : [old, operation.value]
        )
        break
      case "remove":
        out = changeAt(out, path, (old) =>
          Array.isArray(old) ? old.filter((item) => !sameJson(item, operation.value)) : old
        )
        break
      case "increment":
        out = changeAt(out, path, (old) => (typeof old === "number" ? old : 0) + operation.value)
        break
    }
  }
  return out
}
