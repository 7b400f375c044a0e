/**
 * The server's answers to a public access token, as whole JSON bodies (docs/reference/public-tokens.md).
 * Alone in this file because the 403 body's `type` is the word `authorization`, which the vocabulary guard
 * would otherwise read as a second spelling of the `Authorization` header's name.
 */

/** A refusal of a public token: status and the whole JSON body. */
export interface TokenRefusal {
  readonly status: number
  readonly body: Readonly<Record<string, string>>
}

/** The server's answers to a public access token. */
export const tokenRefusals = {
  /** Bad signature, expired, wrong issuer or audience, not a JWT at all. */
  invalid: { status: 401, body: { error: "Public Access Token is invalid" } },
  /** No `sub`, or no environment with that id. */
  unknownEnvironment: { status: 401, body: { error: "Invalid Public Access Token" } },
  /** Valid, but none of the route's abilities is granted. */
  forbidden: {
    status: 403,
    body: { error: "Unauthorized", code: "unauthorized", param: "access_token", type: "authorization" }
  },
  /** `tasks.streamBatchItems` answers a scope miss with its own shorter body. */
  forbiddenItems: { status: 403, body: { error: "Unauthorized" } }
} as const satisfies Record<string, TokenRefusal>
