/**
 * The parse cache of one authenticator, and the bounded memo it is built on.
 *
 * @internal
 */
import { Credential, type InvalidCredential } from "@authctx/core"
import { Either } from "effect"

/** A credential parser: a token to its credential, or why it is not one. */
export type Parser = (token: string) => Either.Either<Credential.Credential, InvalidCredential>

/** How many parsed credentials one authenticator keeps (at most; at least half as many). */
export const parsedCacheSize = 1024

/**
 * A bounded string-keyed memo in two generations: entries go into the young map; when it holds `size / 2`
 * it becomes the old map (the previous old one is dropped) and a new young map starts. A hit in the young
 * map is one `Map.get` and changes nothing; a hit in the old map moves the entry to the young one. So it
 * keeps at most `size` entries and at least the `size / 2` most recently used, like an LRU, without the
 * LRU's delete-and-reinsert on every hit (that was ~1.1 µs of a ~4.8 µs Hono middleware per request,
 * measured for issue #16).
 */
export class Memo<V> {
  private young = new Map<string, V>()
  private old = new Map<string, V>()
  private readonly half: number
  // The entry found or set last, compared before the maps: a header value is a new string on every
  // request, and `Map.get` hashes it first (all of its characters), where `===` with the last key stops at
  // the first difference: ~65 ns against ~5 ns for a 47-character `Authorization` made anew each time
  // (Node 20, this machine), of the ~300–500 ns Hono's handler form adds to a request (issue #16). Only
  // `set` drops entries, and it makes its own key the last one: the last entry is always in the maps too,
  // so the memo keeps nothing more than they do.
  private lastKey: string | undefined = undefined
  private lastValue: V | undefined = undefined
  constructor(size: number) {
    this.half = Math.max(1, Math.floor(size / 2))
  }
  get(key: string): V | undefined {
    if (key === this.lastKey) return this.lastValue
    let hit = this.young.get(key)
    if (hit === undefined) {
      hit = this.old.get(key)
      if (hit === undefined) return undefined
      this.keep(key, hit)
    }
    this.lastKey = key
    this.lastValue = hit
    return hit
  }
  set(key: string, value: V): void {
    this.lastKey = key
    this.lastValue = value
    this.keep(key, value)
  }
  private keep(key: string, value: V): void {
    if (this.young.size >= this.half) {
      this.old = this.young
      this.young = new Map()
    }
    this.young.set(key, value)
  }
  /** How many entries are kept now (both generations; a key in both counts twice). */
  get size(): number {
    return this.young.size + this.old.size
  }
}

/**
 * A credential parser that remembers its recent successful parses ({@link Memo}). Parsing validates the
 * credential's schema, which costs far more than the request it guards; a server sees the same few
 * credentials again and again. Only the parse is remembered — never whether a credential is accepted —
 * and only inside one authenticator (no module state).
 */
export const cachedParser = (): Parser => {
  const parsed = new Memo<Either.Either<Credential.Credential, InvalidCredential>>(parsedCacheSize)
  return (token) => {
    const hit = parsed.get(token)
    if (hit !== undefined) return hit
    const result = Credential.parseEither(token)
    if (Either.isRight(result)) parsed.set(token, result)
    return result
  }
}
