/**
 * Wait tokens as the emulator keeps them, per environment (docs/reference/wait-tokens.md): created with an
 * optional idempotency key (same key, same token, until the key's TTL passes), listed newest first,
 * completed once (a second completion keeps the first data).
 */
import type { Environment } from "./model.js"

/** A wait token. Its status is computed from the clock (see {@link statusOf}). */
export interface WaitToken {
  readonly id: string
  readonly environment: Environment
  readonly createdAt: number
  readonly timeoutAt: number | undefined
  readonly tags: ReadonlyArray<string>
  /** The callback URL the SDK shows as `url`. */
  readonly url: string
  idempotencyKey: string | undefined
  idempotencyKeyExpiresAt: number | undefined
  completedAt: number | undefined
  /**
   * The completion `data` as the server stores it: JSON text (`application/json`), or, from 512 KiB, the
   * object-store path it was offloaded to (`application/store`, read back through `packets.download`).
   */
  output: string | undefined
  outputType: "application/json" | "application/store"
}

/** One environment's tokens: by id in creation order, and by live idempotency key. */
export interface Store {
  readonly tokens: Map<string, WaitToken>
  readonly byIdempotencyKey: Map<string, WaitToken>
}

const stores = new WeakMap<Environment, Store>()

/**
 * The store of an environment. Environments belong to one emulator's state, so keying by the environment
 * object keeps emulators apart, and an emulator's tokens go when its state does.
 */
export const storeOf = (environment: Environment): Store => {
  let store = stores.get(environment)
  if (store === undefined) {
    store = { tokens: new Map(), byIdempotencyKey: new Map() }
    stores.set(environment, store)
  }
  return store
}

/** `COMPLETED` once completed, `TIMED_OUT` once its timeout passed uncompleted, else `WAITING`. */
export const statusOf = (token: WaitToken, now: number): "WAITING" | "COMPLETED" | "TIMED_OUT" =>
  token.completedAt !== undefined
    ? "COMPLETED"
    : token.timeoutAt !== undefined && token.timeoutAt <= now
      ? "TIMED_OUT"
      : "WAITING"
