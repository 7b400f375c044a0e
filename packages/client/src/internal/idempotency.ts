/**
 * Idempotency keys sent the way `@trigger.dev/sdk` 4.8.3 sends them from a backend (outside a task), so a key
 * used through the official SDK and through authctx names the same run. The derivation, the scope and the
 * per-item keys of a batch are written down in docs/reference/idempotency.md.
 */
import { createHash } from "node:crypto"
import { InvalidArgumentsError, UnprocessableEntityError } from "../Errors.js"
import { objectOrOmitted, typeName } from "./arguments.js"

/**
 * An idempotency key as callers pass it, in the SDK's shapes: a string, the parts of a key (joined with
 * `-`), or an already hashed key (64 characters, e.g. the SDK's `IdempotencyKey` from
 * `idempotencyKeys.create`), which is sent unchanged.
 */
export type IdempotencyKeyInput = string | ReadonlyArray<string>

/** The scope of a key. Outside a task every scope hashes the same (no run id or attempt to add). */
export type IdempotencyKeyScope = "run" | "attempt" | "global"

/** What the server stores next to the hash, to show and reset the key by its original value. */
export interface IdempotencyKeyOptions {
  readonly key: string
  readonly scope: IdempotencyKeyScope
}

/** A key ready to send: the hash, and the options when the original key is known. */
export interface KeyToSend {
  readonly idempotencyKey: string
  readonly idempotencyKeyOptions?: IdempotencyKeyOptions
}

/** The length of a hashed key (SHA-256 in hex); a string of this length is taken as hashed already. */
const hashedLength = 64

/** SHA-256 of the UTF-8 text, in lowercase hex, as the SDK's `digestSHA256`. */
const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex")

/**
 * Keys made by `create` in this process, with their original key and scope, so that triggering with one
 * sends its `idempotencyKeyOptions` as the SDK does for keys from its own `idempotencyKeys.create`.
 * Bounded: the oldest entry goes first; a forgotten key is still sent, only without its options.
 */
const catalog = new Map<string, IdempotencyKeyOptions>()
const catalogLimit = 10_000

const remember = (hash: string, options: IdempotencyKeyOptions): void => {
  catalog.delete(hash)
  catalog.set(hash, options)
  if (catalog.size > catalogLimit) {
    const oldest = catalog.keys().next()
    if (!oldest.done) catalog.delete(oldest.value)
  }
}

const scopes: ReadonlySet<string> = new Set<IdempotencyKeyScope>(["run", "attempt", "global"])

/**
 * The original key and scope of a hash made by the official SDK's `idempotencyKeys.create` in this process,
 * from the catalog it registers on `globalThis` (under `Symbol.for("dev.trigger.ts.api")`): with it, a key
 * created by the SDK and triggered through authctx carries the same `idempotencyKeyOptions` as through the
 * SDK. Anything unexpected there is ignored (the key is then sent without options).
 */
const fromSdkCatalog = (hash: string): IdempotencyKeyOptions | undefined => {
  try {
    const registry: unknown = Reflect.get(globalThis, Symbol.for("dev.trigger.ts.api"))
    if (typeof registry !== "object" || registry === null) return undefined
    const catalog: unknown = Reflect.get(registry, "idempotency-key-catalog")
    if (typeof catalog !== "object" || catalog === null) return undefined
    const getKeyOptions: unknown = Reflect.get(catalog, "getKeyOptions")
    if (typeof getKeyOptions !== "function") return undefined
    const found: unknown = Reflect.apply(getKeyOptions, catalog, [hash])
    if (typeof found !== "object" || found === null) return undefined
    const key: unknown = Reflect.get(found, "key")
    const scope: unknown = Reflect.get(found, "scope")
    return typeof key === "string" && typeof scope === "string" && scopes.has(scope)
      ? { key, scope: scope as IdempotencyKeyScope }
      : undefined
  } catch {
    return undefined
  }
}

/** Part lists may nest (batch item keys); `join` then renders an inner list with commas, as the SDK's. */
type Parts = ReadonlyArray<string | Parts>

const hashParts = (parts: Parts, scope: IdempotencyKeyScope): KeyToSend => {
  const key = parts.join("-")
  const options: IdempotencyKeyOptions = { key, scope }
  const idempotencyKey = sha256Hex(key)
  remember(idempotencyKey, options)
  return { idempotencyKey, idempotencyKeyOptions: options }
}

/** How deep a key's parts may nest: the SDK's lists are one or two deep, and a list holding itself never ends. */
const maxPartsDepth = 32

/** Why `key` is not a key (a string, or a list of strings and such lists), or `undefined` when it is one. */
const keyIssue = (key: unknown, depth = 0): string | undefined => {
  if (typeof key === "string") return undefined
  if (!Array.isArray(key)) return `the key must be a string or an array of strings, not ${typeName(key)}`
  if (depth === maxPartsDepth) return `the key's parts nest more than ${maxPartsDepth} lists deep`
  for (const part of key) {
    const issue = keyIssue(part, depth + 1)
    if (issue !== undefined) return issue
  }
  return undefined
}

/** Why `scope` is not a key's scope, or `undefined` when it is one (or left out). */
const scopeIssue = (scope: unknown): string | undefined =>
  scope === undefined || (typeof scope === "string" && scopes.has(scope))
    ? undefined
    : `the scope must be "run", "attempt" or "global", not ${typeof scope === "string" ? JSON.stringify(scope.slice(0, 40)) : typeName(scope)}`

/**
 * {@link create} for the call `endpoint` (its refusal names that call): a key or options of the wrong type
 * (from JavaScript) throw `InvalidArgumentsError` instead of a `TypeError`, or hashing `"null"`.
 */
export const createFor = (
  endpoint: string,
  key: IdempotencyKeyInput,
  options?: { readonly scope?: IdempotencyKeyScope }
): string => {
  const given: { readonly scope?: unknown } | undefined = objectOrOmitted(endpoint, "the options", options)
  const issue = keyIssue(key) ?? scopeIssue(given?.scope)
  if (issue !== undefined) throw new InvalidArgumentsError({ endpoint, issue })
  return hashParts(typeof key === "string" ? [key] : key, options?.scope ?? "run").idempotencyKey
}

/**
 * Hashes a key the way `idempotencyKeys.create(key, { scope })` does outside a task, and remembers its
 * original value so a trigger with the hash sends `idempotencyKeyOptions` too. A key that is not a string
 * or a list of strings, or a scope that is not one of the three, throws `InvalidArgumentsError` (nothing is
 * sent: the key is made here).
 *
 * @example
 * ```ts
 * import { IdempotencyKeys } from "@authctx/client"
 *
 * const key = IdempotencyKeys.create(["order", "1234"], { scope: "global" })
 * // Tasks.trigger("ship-order", payload, { idempotencyKey: key })
 * ```
 */
export const create = (
  key: IdempotencyKeyInput,
  options?: { readonly scope?: IdempotencyKeyScope }
): string => createFor("idempotencyKeys.create", key, options)

/** The SDK's `makeIdempotencyKey`: nothing for an empty key, a 64-character key as is, else its hash. */
const keyToSend = (key: string | Parts | undefined): KeyToSend | undefined => {
  if (key === undefined || key === "") return undefined
  if (typeof key === "string") {
    if (key.length === hashedLength) {
      const known = catalog.get(key) ?? fromSdkCatalog(key)
      return known === undefined
        ? { idempotencyKey: key }
        : { idempotencyKey: key, idempotencyKeyOptions: known }
    }
    return hashParts([key], "run")
  }
  return hashParts(key, "run")
}

/** A caller's key as it is sent: its hash and options, or nothing for no (or an empty) key. */
export const toSend = (key: IdempotencyKeyInput | undefined): KeyToSend | undefined => keyToSend(key)

/** The SDK's `flattenIdempotencyKey`: empty strings dropped, a list with a missing part is no key. */
const flatten = (key: string | Parts | undefined): string | Parts | undefined => {
  if (key === undefined || key === "") return undefined
  if (typeof key === "string") return key
  const flat: Array<string | Parts> = []
  for (const part of key) {
    const inner = flatten(part)
    if (inner !== undefined) flat.push(inner)
  }
  return flat
}

/** {@link itemKey} for arguments a call has read already. */
const derivedKey = (batchKey: IdempotencyKeyInput | undefined, index: number): string | undefined => {
  if (batchKey === undefined) return undefined
  const parts = flatten([batchKey, String(index)])
  return parts === undefined ? undefined : keyToSend(parts)?.idempotencyKey
}

/**
 * The key the SDK derives for item `index` of a batch whose caller gave `batchKey`: the hash of
 * `${batchKey}-${index}` (from the caller's key, not from its hash), without options. No batch key, no
 * derived key. A key of the wrong type, or an index that is not a whole number from 0, throws
 * `InvalidArgumentsError`.
 */
export const itemKey = (batchKey: IdempotencyKeyInput | undefined, index: number): string | undefined => {
  const issue =
    (batchKey === undefined ? undefined : keyIssue(batchKey)) ??
    (Number.isSafeInteger(index) && index >= 0
      ? undefined
      : `the index must be a whole number from 0, not ${typeof index === "number" ? String(index) : typeName(index)}`)
  if (issue !== undefined) throw new InvalidArgumentsError({ endpoint: "idempotencyKeys.itemKey", issue })
  return derivedKey(batchKey, index)
}

/** Options that may carry a caller's key, in the SDK's shapes. */
export interface WithKey {
  readonly idempotencyKey?: IdempotencyKeyInput | undefined
  readonly idempotencyKeyTTL?: string | undefined
}

/** `O` without the keys `K`; unlike `Omit`, it keeps the named fields of a type with an index signature. */
type Without<O, K extends PropertyKey> = { [P in keyof O as P extends K ? never : P]: O[P] }

/** Trigger or item options that take the caller's key in the SDK's shapes (see `IdempotencyKeyInput`). */
export type AcceptKey<O> = Without<O, "idempotencyKey" | "idempotencyKeyOptions" | "idempotencyKeyTTL"> &
  WithKey

type Sent<O> = Without<O, "idempotencyKey" | "idempotencyKeyOptions" | "idempotencyKeyTTL"> & {
  readonly idempotencyKey?: string
  readonly idempotencyKeyTTL?: string
  readonly idempotencyKeyOptions?: IdempotencyKeyOptions
}

const withFields = <O extends WithKey>(
  options: O,
  sent: KeyToSend | undefined,
  ttl: string | undefined
): Sent<O> => {
  // the caller's `idempotencyKeyOptions` are dropped: the SDK computes them from the key, never takes them
  const {
    idempotencyKey: _key,
    idempotencyKeyTTL: _ttl,
    idempotencyKeyOptions: _options,
    ...rest
  } = options as O & { readonly idempotencyKeyOptions?: unknown }
  // the rest is `O` without the three fields, which TypeScript cannot see through a generic spread
  return {
    ...rest,
    ...(sent === undefined ? {} : sent),
    ...(ttl === undefined ? {} : { idempotencyKeyTTL: ttl })
  } as unknown as Sent<O>
}

/**
 * The options of a trigger as sent: the key hashed, with its `idempotencyKeyOptions`;
 * `idempotencyKeyTTL` as given.
 */
export const triggerOptions = <O extends WithKey>(options: O | undefined): Sent<O> | undefined =>
  options === undefined
    ? undefined
    : withFields(options, toSend(options.idempotencyKey), options.idempotencyKeyTTL)

/**
 * The options of batch item `index` as sent: its own key (hashed, with options) when it has one, else the
 * key derived from the batch key (without options); `idempotencyKeyTTL` falls back to the batch's.
 */
export const itemOptions = <O extends WithKey>(
  options: O | undefined,
  batch: WithKey | undefined,
  index: number
): Sent<O> | undefined => {
  const own = toSend(options?.idempotencyKey)
  const derived = derivedKey(batch?.idempotencyKey, index)
  const sent = own ?? (derived === undefined ? undefined : { idempotencyKey: derived })
  const ttl = options?.idempotencyKeyTTL ?? batch?.idempotencyKeyTTL
  if (options === undefined && sent === undefined && ttl === undefined) return undefined
  return withFields(options ?? ({} as O), sent, ttl)
}

/**
 * Whether an answer to the items of a batch says the batch is complete already: the server refuses items
 * for a sealed (or no longer pending) batch with a 422 naming that. Any other refusal is a real error.
 */
export const isSealedRefusal = (error: unknown): error is UnprocessableEntityError =>
  error instanceof UnprocessableEntityError && /already sealed|not in PENDING status/.test(error.error)
