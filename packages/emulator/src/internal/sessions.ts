/**
 * Sessions as the emulator keeps them, per environment (docs/reference/sessions.md): created by
 * `sessions.start` (one per external id), found by id (`session_…`) or external id, closed once, listed newest
 * first by an internal id that orders them as the server's list cursor does.
 */
import type { SchemasSessions } from "@authctx/api"
import type { Environment } from "./model.js"

/** A session. Its status (`ACTIVE`, `CLOSED`, `EXPIRED`) is derived from the clock (see {@link statusOf}). */
export interface Session {
  /** The internal id: the list's cursor; later sessions have greater ids (string order). */
  readonly internalId: string
  /** The id callers see, `session_…`. */
  readonly id: string
  /** Fixed once set (the server refuses to change it). */
  readonly externalId: string | undefined
  readonly type: string
  readonly taskIdentifier: string
  triggerConfig: SchemasSessions.SessionTriggerConfig
  /** The run it triggered last. */
  currentRunId: string | undefined
  tags: ReadonlyArray<string>
  metadata: Readonly<Record<string, unknown>> | null
  closedAt: number | undefined
  closedReason: string | null
  readonly expiresAt: number | undefined
  readonly createdAt: number
  updatedAt: number
}

/** One environment's sessions: in creation order, and by id and by external id. */
export interface Store {
  readonly list: Array<Session>
  readonly byId: Map<string, Session>
  readonly byExternalId: Map<string, Session>
  /** The count behind the next internal id. */
  next: number
}

const stores = new WeakMap<Environment, Store>()

/**
 * The store of an environment (keyed by the environment object: emulators stay apart, and an emulator's
 * sessions go when its state does).
 */
export const storeOf = (environment: Environment): Store => {
  let store = stores.get(environment)
  if (store === undefined) {
    store = { list: [], byId: new Map(), byExternalId: new Map(), next: 0 }
    stores.set(environment, store)
  }
  return store
}

/** The next internal id of a store: fixed-width, so string order is creation order. */
export const nextInternalId = (store: Store, suffix: string): string =>
  `cm${(store.next++).toString(36).padStart(10, "0")}${suffix}`

/**
 * The session a path names: by id when it starts with `session_`, else by external id (the server tells
 * them apart by that prefix alone).
 */
export const resolve = (store: Store, idOrExternalId: string): Session | undefined =>
  idOrExternalId.startsWith("session_")
    ? store.byId.get(idOrExternalId)
    : store.byExternalId.get(idOrExternalId)

/** `CLOSED` once closed, `EXPIRED` once `expiresAt` passed, else `ACTIVE`. */
export const statusOf = (session: Session, now: number): SchemasSessions.SessionStatus =>
  session.closedAt !== undefined
    ? "CLOSED"
    : session.expiresAt !== undefined && session.expiresAt < now
      ? "EXPIRED"
      : "ACTIVE"
