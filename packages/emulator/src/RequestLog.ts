/**
 * The request log's record and its one-line text form, shared by the `log` option of `startEmulator` and
 * the `authctx-emulator` CLI. A record names the credential by kind and fingerprint only, never the token.
 *
 * @example
 * ```ts
 * import { RequestLog, startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator({ log: (line) => process.stderr.write(`${line}\n`) })
 * // later: emulator.requests().map(RequestLog.format)
 * ```
 */
import { Credential } from "@authctx/core"

/**
 * The kind of credential a request carried: `none` when there was no usable `Bearer` header, `invalid`
 * when the token does not parse or is not one of the emulator's.
 *
 * @example
 * ```ts
 * import { type CredentialKind, startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator()
 * const refused: CredentialKind = "invalid"
 * emulator.requests().filter((r) => r.credentialKind === refused)
 * ```
 */
export type CredentialKind = Credential.Kind | "PublicAccessToken" | "none" | "invalid"

/**
 * One HTTP request the emulator received.
 *
 * @example
 * ```ts
 * import { type RequestRecord, startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator()
 * const key = "3f2c…" // the x-trigger-request-idempotency-key of one call
 * const retries: Array<RequestRecord> = emulator.requests().filter((r) => r.idempotencyKey === key) // one per attempt
 * ```
 */
export interface RequestRecord {
  /** 1, 2, 3… in arrival order. */
  readonly seq: number
  /** Arrival time, epoch milliseconds. */
  readonly at: number
  readonly method: string
  /** The pathname, without the query. */
  readonly path: string
  /**
   * The id of the matched route (`runs.retrieve`, `runs.listProject`; docs/emulator.md, "Route ids"),
   * `"object store"` for the presigned-URL store, `undefined` when no route matched.
   */
  readonly route: string | undefined
  /** The status sent; `0` when the connection was dropped (or closed by the client) before an answer. */
  readonly status: number
  readonly credentialKind: CredentialKind
  /** `Credential.fingerprint` of the token when it parses; never the token. */
  readonly credential: string | undefined
  readonly projectRef: string | undefined
  /** The environment slug the request acted on (`preview` for a preview branch too). */
  readonly environment: string | undefined
  /** The `x-trigger-branch` header, when sent. */
  readonly branch: string | undefined
  /** The `x-trigger-request-idempotency-key` header, when sent. */
  readonly idempotencyKey: string | undefined
  /** Answered from the idempotency cache. */
  readonly replayed: boolean
  /** The injected fault, e.g. `status 503` or `drop after`. */
  readonly fault: string | undefined
  readonly durationMs: number
}

/** A credential's shape: 16+ characters after the prefix (a fingerprint has 12, a real token 20 or more). */
const tokenMinBody = 16

/** A JWT: a base64url JSON header (`eyJ…`), a payload and a signature, separated by dots. */
const jwtShape = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g

/**
 * Whether text may hold a credential (a `tr_` key or PAT, or a JWT): the cheap test before
 * {@link redactTokens}.
 *
 * @example
 * ```ts
 * import { RequestLog } from "@authctx/emulator"
 *
 * RequestLog.mayHoldToken("/api/v3/runs/run_1") // false
 * ```
 */
export const mayHoldToken = (text: string): boolean => text.includes("tr_") || text.includes("eyJ")

/**
 * Replaces anything shaped like a credential with its safe prefix and `…` (a JWT, such as a public access
 * token, with `eyJ…`), as a last line of defence for text that may hold a path or a message from a client.
 *
 * @example
 * ```ts
 * import { RequestLog } from "@authctx/emulator"
 *
 * RequestLog.redactTokens("key tr_dev_abcdefghijklmnopqrstuvwx") // "key tr_dev_…"
 * ```
 */
export const redactTokens = (text: string): string =>
  Credential.redactTokens(text.includes("eyJ") ? text.replace(jwtShape, "eyJ…") : text, "…", tokenMinBody)

/**
 * One line for a record: time, method, path, status, route, credential kind and fingerprint, and the
 * idempotency, fault and branch facts when present. Never contains a token.
 *
 * @example
 * ```ts
 * import { RequestLog, startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator()
 * for (const record of emulator.requests()) console.log(RequestLog.format(record))
 * // "12:00:00.123 GET /api/v3/runs/run_abc 200 runs.retrieve SecretKey tr_dev_1a2b3c4d5e6f 1.2ms"
 * ```
 */
export const format = (record: RequestRecord): string => {
  const time = new Date(record.at).toISOString().slice(11, 23)
  let line = `${time} ${record.method} ${record.path} ${record.status === 0 ? "dropped" : record.status}`
  if (record.route !== undefined) line += ` ${record.route}`
  line += ` ${record.credentialKind}`
  if (record.credential !== undefined) line += ` ${record.credential}`
  if (record.branch !== undefined) line += ` branch=${record.branch}`
  if (record.idempotencyKey !== undefined) line += ` idem=${record.idempotencyKey}`
  if (record.replayed) line += " replayed"
  if (record.fault !== undefined) line += ` fault=(${record.fault})`
  line += ` ${record.durationMs.toFixed(1)}ms`
  return redactTokens(line)
}
