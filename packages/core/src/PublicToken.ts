/**
 * Public access tokens: parsing one whose scopes you know, narrowing one whose scopes you do not, and the
 * server's scope grammar. A token's scopes are part of its type (`Credential.PublicAccessToken<S>`), so
 * a call they do not allow fails to compile; the client checks them again before sending.
 *
 * @example
 * ```ts
 * import { Auth, PublicToken } from "@authctx/core"
 *
 * declare const jwt: string // from your backend
 * const token = PublicToken.narrow(PublicToken.unsafeParse(jwt), ["read:runs"])
 * const scope = Auth.withAuth({ accessToken: token }) // runs.list and runs.retrieve compile under it
 * ```
 */
import type * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Credential from "./Credential.js"
import { CapabilityError, InvalidCredential } from "./Errors.js"
import { grants as internalGrants } from "./internal/publicScopes.js"

/**
 * Parses a public access token (a three-part JWT whose claims say `pub: true`) without verifying it. Its
 * scopes are not known statically: narrow it (see {@link narrow}) before calling a scope-restricted
 * endpoint.
 *
 * @example
 * ```ts
 * import { PublicToken } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * declare const jwt: string
 * const program = Effect.map(PublicToken.parse(jwt), (token) => token.scopes)
 * ```
 */
export const parse = (input: string): Effect.Effect<Credential.PublicAccessToken, InvalidCredential> =>
  Either.flatMap(Credential.parseEither(input), (credential) =>
    Credential.isPublicAccessToken(credential)
      ? Either.right(credential)
      : Either.left(
          new InvalidCredential({
            reason: "NotPublicToken",
            prefix: Credential.safePrefix(input),
            length: input.length
          })
        )
  )

/**
 * {@link parse}, throwing `InvalidCredential` when the input is not a public access token.
 *
 * @example
 * ```ts
 * import { PublicToken } from "@authctx/core"
 *
 * declare const jwt: string
 * const token = PublicToken.unsafeParse(jwt)
 * ```
 */
export const unsafeParse = (input: string): Credential.PublicAccessToken =>
  Either.getOrThrowWith(
    parse(input) as Either.Either<Credential.PublicAccessToken, InvalidCredential>,
    (e) => e
  )

/**
 * Whether a token's scopes grant every one of `scopes` by the server's grammar (`admin` grants all,
 * `read:all` every read, `*:runs` every action on runs, `read:runs` every run, `read:runs:run_1` that run).
 *
 * @example
 * ```ts
 * import { PublicToken } from "@authctx/core"
 *
 * PublicToken.grantsAll(["read:runs"], ["read:runs:run_1"]) // true
 * PublicToken.grantsAll(["read:runs:run_1"], ["read:runs"]) // false
 * ```
 */
export const grantsAll = (tokenScopes: ReadonlyArray<string>, scopes: ReadonlyArray<string>): boolean =>
  scopes.every((scope) => internalGrants(tokenScopes, scope))

/**
 * Whether scopes grant one ability, as the server's check does (see {@link grantsAll}).
 *
 * @example
 * ```ts
 * import { PublicToken } from "@authctx/core"
 *
 * PublicToken.grants(["admin"], "trigger:tasks:my-task") // true
 * ```
 */
export const grants = (scopes: ReadonlyArray<string>, ability: string): boolean =>
  internalGrants(scopes, ability)

/**
 * A token of statically unknown scopes as one with `scopes`, checked at run time: every one of `scopes`
 * must be granted by the token's own (by the server's grammar). Throws `CapabilityError` otherwise.
 *
 * @example
 * ```ts
 * import { PublicToken } from "@authctx/core"
 *
 * declare const jwt: string
 * const token = PublicToken.narrow(PublicToken.unsafeParse(jwt), ["read:runs:run_1"])
 * // Credential.PublicAccessToken<readonly ["read:runs:run_1"]>
 * ```
 */
export const narrow = <const Scopes extends ReadonlyArray<string>>(
  token: Credential.PublicAccessToken,
  scopes: Scopes
): Credential.PublicAccessToken<Scopes> => {
  const missing = scopes.filter((scope) => !internalGrants(token.scopes, scope))
  if (missing.length > 0)
    throw new CapabilityError({
      endpoint: "PublicToken.narrow",
      accepts: ["PublicAccessToken"],
      actual: "PublicAccessToken",
      missingScope: missing
    })
  return token as Credential.PublicAccessToken<Scopes>
}
