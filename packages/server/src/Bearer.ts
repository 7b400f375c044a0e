/**
 * Bearer credentials in a request (RFC 6750): reading one from a header value, and the
 * `WWW-Authenticate` challenge that goes with each refusal.
 *
 * | refusal                                        | status | `WWW-Authenticate`                              |
 * |------------------------------------------------|--------|-------------------------------------------------|
 * | no credential                                  | 401    | `Bearer realm="authctx"`                        |
 * | malformed header or token                      | 400    | `Bearer realm="authctx", error="invalid_request"` |
 * | refused: kind, `verify`, `resolve`, bad config | 401    | `Bearer realm="authctx", error="invalid_token"` |
 *
 * @example
 * ```ts
 * import { Bearer } from "@authctx/server"
 * import { Either } from "effect"
 *
 * const credential = Bearer.read("Bearer tr_pat_abcdefghijklmnopqrstuvwx")
 * if (Either.isRight(credential)) credential.right._tag // "PersonalAccessToken"
 * ```
 */
import type { Credential } from "@authctx/core"
import type { Either } from "effect"
import type { FailureCode, RequestAuthError } from "./Errors.js"
import * as internal from "./internal/bearer.js"
import * as refusal from "./internal/refusal.js"

/**
 * The realm named in `WWW-Authenticate` when none is given: `"authctx"`.
 *
 * @example
 * ```ts
 * import { Bearer } from "@authctx/server"
 *
 * Bearer.challenge(Bearer.defaultRealm, "missing_credential") // 'Bearer realm="authctx"'
 * ```
 */
export const defaultRealm: string = refusal.defaultRealm

/**
 * The header read for bearer pass-through when none is given: `"authorization"`.
 *
 * @example
 * ```ts
 * import { Bearer } from "@authctx/server"
 *
 * const value = (headers: Headers) => headers.get(Bearer.defaultHeader) ?? undefined
 * ```
 */
export const defaultHeader: string = internal.defaultHeader

/**
 * The longest header value looked at (8,192 characters); a longer one is refused as malformed before any
 * parsing.
 *
 * @example
 * ```ts
 * import { Bearer } from "@authctx/server"
 * import { Either } from "effect"
 *
 * Either.isLeft(Bearer.read(`Bearer ${"x".repeat(Bearer.maxHeaderLength)}`)) // true: a 400
 * ```
 */
export const maxHeaderLength: number = internal.maxHeaderLength

/**
 * The `WWW-Authenticate` challenge of a refusal: no `error` attribute when no credential was sent,
 * `error="invalid_request"` with a 400, `error="invalid_token"` with every other 401.
 *
 * @example
 * ```ts
 * import { Bearer } from "@authctx/server"
 *
 * Bearer.challenge("tenants", "unsupported_kind") // 'Bearer realm="tenants", error="invalid_token"'
 * ```
 */
export const challenge: (realm: string, code: FailureCode) => string = refusal.challenge

/**
 * Reads a bearer credential from a header value (RFC 6750 §2.1): `Bearer`, one space, a token that parses
 * as a credential. The scheme is matched case-insensitively (RFC 7235 §2.1), so `bearer …` is accepted;
 * anything else — a missing value, another scheme, a header sent more than once (an array of values, or
 * values joined with commas), extra white space, tabs, control or non-ASCII characters, more than
 * {@link maxHeaderLength} characters, a token that is not a credential — is a {@link RequestAuthError}.
 * An empty value counts as missing. `realm` names the realm of the challenge and `header` the header in
 * the details (defaults: {@link defaultRealm}, {@link defaultHeader}).
 *
 * @example
 * ```ts
 * import { Bearer } from "@authctx/server"
 * import { Either } from "effect"
 *
 * Either.isRight(Bearer.read("Bearer tr_pat_abcdefghijklmnopqrstuvwx")) // true
 * Bearer.read("Basic dXNlcjpwYXNz") // Left: 400 invalid_request
 * ```
 */
export const read = (
  value: string | ReadonlyArray<string> | undefined,
  realm?: string,
  header?: string
): Either.Either<Credential.Credential, RequestAuthError> => internal.read(value, realm, header)
