/**
 * Wire schemas of the two routes that mint public access tokens (docs/reference/public-tokens.md):
 * `POST /api/v1/auth/jwt/claims` (a root secret key asks for the claims it then signs itself) and
 * `POST /api/v1/auth/public-tokens` (the server signs, for keys that cannot: additional `tr_<env>_sk_` keys).
 * The minted token decodes as a `Redacted` string, so it prints as `<redacted>` wherever it travels.
 *
 * @example
 * ```ts
 * import { AuthSchemas } from "@authctx/api"
 * import { Schema } from "effect"
 *
 * const body = Schema.decodeUnknownSync(AuthSchemas.CreatePublicTokenRequestBody)({
 *   scopes: ["read:runs:run_1"],
 *   expirationTime: "1h"
 * })
 * ```
 */
import * as Schema from "effect/Schema"

/**
 * The claims answer: `sub` is the id of the environment the key acts on (a branch's own id when
 * `x-trigger-branch` selects one) and `pub` is `true`. The caller adds `scopes` (and `otu`, `realtime`) and
 * signs HS256 with its key.
 */
export const JwtClaimsResponse = Schema.Struct({
  sub: Schema.String,
  pub: Schema.Literal(true)
})
export type JwtClaimsResponse = typeof JwtClaimsResponse.Type

/** The `realtime` claim: columns the realtime feed leaves out for this token. */
export const RealtimeClaim = Schema.Struct({
  skipColumns: Schema.optional(Schema.Array(Schema.String))
})
export type RealtimeClaim = typeof RealtimeClaim.Type

/**
 * The body of `POST /api/v1/auth/public-tokens`: at least one scope; `expirationTime` a relative time
 * (`"15m"`, `"2 hours"`, `"1d from now"`; default `"15m"`, at most 30 days) or absolute epoch seconds;
 * `oneTimeUse` adds the `otu` claim.
 */
export const CreatePublicTokenRequestBody = Schema.Struct({
  scopes: Schema.Array(Schema.String).pipe(Schema.minItems(1)),
  expirationTime: Schema.optional(Schema.Union(Schema.String, Schema.Number)),
  oneTimeUse: Schema.optional(Schema.Boolean),
  realtime: Schema.optional(RealtimeClaim)
})
export type CreatePublicTokenRequestBody = typeof CreatePublicTokenRequestBody.Type

/** The answer: the signed token, `Redacted` once decoded. */
export const CreatePublicTokenResponseBody = Schema.Struct({
  token: Schema.Redacted(Schema.String)
})
export type CreatePublicTokenResponseBody = typeof CreatePublicTokenResponseBody.Type
