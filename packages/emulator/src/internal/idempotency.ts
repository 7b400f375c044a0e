/**
 * Two kinds of idempotency, as the real server has them (docs/reference/idempotency.md).
 *
 * Run idempotency keys (`options.idempotencyKey` of a trigger or batch item): one run per environment, task
 * and key until the key expires (`idempotencyKeyTTL`, 30 days by default) or the run fails; see
 * `runKeyOf`, `runKeyExpiresAt` and `createRun` in model.ts.
 *
 * Request idempotency, on the routes where the server reads the header (`honoursRequestKey`): the first 2xx answer to an `x-trigger-request-idempotency-key` on a route
 * from a credential is kept and replayed for every later request with the same key. While the first is
 * still being answered, duplicates wait for it (the entry holds a promise). Only 2xx answers are kept, so
 * an injected 500 or a refusal never poisons the retries; when the first request ends without a 2xx (or
 * without any answer: its connection dropped before it ran), the next waiting duplicate runs instead.
 */
import type { Answer } from "./dispatcher.js"

type Entry = { readonly answer: Answer } | { readonly pending: Promise<Answer | undefined> }

/** Settles a claimed key with the answer (or `undefined` when the request produced none). */
export type Settle = (answer: Answer | undefined) => void

/** Either the answer to replay, or the right to produce it (then `settle` must be called exactly once). */
export type Claim = { readonly replay: Answer } | { readonly settle: Settle }

const maxEntries = 100_000

/** One store per emulator. */
export const make = () => {
  const entries = new Map<string, Entry>()

  const claimNow = (key: string): Claim | Promise<Answer | undefined> => {
    const entry = entries.get(key)
    if (entry !== undefined) return "answer" in entry ? { replay: entry.answer } : entry.pending
    let resolve: (answer: Answer | undefined) => void = () => {}
    const pending = new Promise<Answer | undefined>((r) => {
      resolve = r
    })
    entries.set(key, { pending })
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next()
      if (!oldest.done) entries.delete(oldest.value)
    }
    let settled = false
    return {
      settle: (answer) => {
        if (settled) return
        settled = true
        if (answer !== undefined && answer.status >= 200 && answer.status < 300) entries.set(key, { answer })
        else entries.delete(key)
        resolve(answer)
      }
    }
  }

  /**
   * Claims `key`: a cached answer to replay, or the right to answer (settle it later). Waits while another
   * request holds the key.
   */
  const claim = (key: string): Claim | Promise<Claim> => {
    const first = claimNow(key)
    if (!(first instanceof Promise)) return first
    const wait = async (pending: Promise<Answer | undefined>): Promise<Claim> => {
      await pending
      const next = claimNow(key)
      return next instanceof Promise ? wait(next) : next
    }
    return wait(first)
  }

  return { claim, clear: () => entries.clear() }
}

/**
 * Whether a route (by id) honours `x-trigger-request-idempotency-key`. Of the catalog's routes the server reads it
 * on the trigger route only; phase 1 of a batch is deduplicated by the batch's own `idempotencyKey` and
 * phase 2 by item index, and every other route ignores the header (a retried create is a second create).
 */
export const honoursRequestKey = (route: string): boolean => route === "tasks.trigger"

/** The cache key: route, method, path, credential and the client's key. */
export const keyOf = (route: string, method: string, path: string, token: string, key: string): string =>
  `${route}\u0000${method}\u0000${path}\u0000${token}\u0000${key}`

/** Where a run's idempotency key is held in its environment: the server's key is (task, key) per environment. */
export const runKeyOf = (taskIdentifier: string, idempotencyKey: string): string =>
  `${taskIdentifier}\u0000${idempotencyKey}`

const ttlUnits: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** The server's default lifetime of a run idempotency key: 30 days. */
export const defaultRunKeyTtlMs = 30 * 86_400_000

/**
 * When a run idempotency key given at `now` expires: `idempotencyKeyTTL` is a whole number and one unit
 * (`"30s"`, `"10m"`, `"2h"`, `"7d"`); anything else (`"1.5h"`, `"5min"`, a number) is ignored as the server
 * ignores it, and the key lives 30 days.
 */
export const runKeyExpiresAt = (ttl: string | undefined, now: number): number => {
  const match = ttl === undefined ? null : /^(\d+)([smhd])$/.exec(ttl)
  if (match === null) return now + defaultRunKeyTtlMs
  return now + Number(match[1]) * (ttlUnits[match[2] ?? "s"] ?? 1_000)
}
