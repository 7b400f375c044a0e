/**
 * The official SDK's option and result shapes, mapped to and from the wire (docs/reference/results-and-pages.md):
 * `queue: "name"` and `version` on trigger options, and the public access token of trigger and batch
 * answers.
 *
 * @internal
 */

import { Headers } from "@authctx/api"
import * as Redacted from "effect/Redacted"

/** The options of a wire schema without its index signature (the known fields only). */
export type KnownFields<T> = { [K in keyof T as string extends K ? never : K]: T[K] }

/** The SDK's `queue` option: a queue name, or the wire form `{ name }`. */
export type QueueOption = string | { readonly name: string }

/** What the SDK adds to the wire options of a trigger or a batch item. */
export interface SdkOptions {
  /** The queue to run on, by name (the SDK's form) or as `{ name }`. Sent as `options.queue: { name }`. */
  readonly queue?: QueueOption | undefined
  /** The worker version to lock the run to (`"20250101.1"`). Sent as `options.lockToVersion`. */
  readonly version?: string | undefined
  /** The wire name of `version`; `version` wins when both are given. */
  readonly lockToVersion?: string | undefined
}

/** Wire options `O` with the SDK's `queue` and `version` shapes in place of `queue` and `lockToVersion`. */
export type SdkShaped<O> = Omit<KnownFields<O>, "queue" | "lockToVersion"> & SdkOptions

/**
 * The wire options for SDK-shaped ones: `queue: "name"` becomes `queue: { name }`, `version` becomes
 * `lockToVersion`, and everything else is passed on unchanged. Keys left `undefined` are dropped, so the
 * body carries only what was given.
 */
export const toWireOptions = <O extends SdkOptions>(
  options: O | undefined
): Omit<O, "queue" | "version" | "lockToVersion"> & { queue?: { name: string }; lockToVersion?: string } => {
  // `null` from a JavaScript caller means no options too (destructuring it would throw a TypeError)
  if (options === undefined || options === null) return {} as Omit<O, "queue" | "version" | "lockToVersion">
  const { queue, version, lockToVersion, ...rest } = options
  const locked = version ?? lockToVersion
  return {
    ...rest,
    ...(queue === undefined ? {} : { queue: typeof queue === "string" ? { name: queue } : { ...queue } }),
    ...(locked === undefined ? {} : { lockToVersion: locked })
  }
}

/** The shape of a JWT: three base64url parts (the signature may be empty only for `alg: none`). */
const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

/**
 * The public access token of a trigger or batch answer, from its `x-trigger-jwt` header, as a `Redacted`
 * (it is a credential: it reads the run or batch). `undefined` when the server sent none or sent something
 * that is not a JWT.
 */
export const publicAccessTokenOf = (
  headers: Readonly<Record<string, string | undefined>>
): Redacted.Redacted<string> | undefined => {
  const jwt = headers[Headers.jwt]?.trim()
  return jwt !== undefined && jwt.length <= 8_192 && jwtShape.test(jwt) ? Redacted.make(jwt) : undefined
}
