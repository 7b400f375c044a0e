/**
 * Building a refusal: its status, `WWW-Authenticate` challenge and problem body, from a code and a detail.
 *
 * @internal
 */
import { type FailureCode, RequestAuthError } from "../Errors.js"

/** The realm named in `WWW-Authenticate` when none is given. */
export const defaultRealm = "authctx"

const titles: Record<FailureCode, string> = {
  missing_credential: "Missing credential",
  invalid_request: "Malformed credential",
  invalid_token: "Invalid credential",
  unsupported_kind: "Credential kind not accepted",
  verify_failed: "Credential refused",
  resolve_failed: "Credential could not be resolved"
}

const statusOf = (code: FailureCode): 400 | 401 => (code === "invalid_request" ? 400 : 401)

/**
 * The `WWW-Authenticate` challenge of a refusal (RFC 6750 §3): no error attribute when no credential was
 * sent, `invalid_request` with a 400, `invalid_token` with every other 401.
 */
export const challenge = (realm: string, code: FailureCode): string =>
  code === "missing_credential"
    ? `Bearer realm="${realm}"`
    : `Bearer realm="${realm}", error="${statusOf(code) === 400 ? "invalid_request" : "invalid_token"}"`

/**
 * Builds a refusal. `detail` must be one of this package's fixed texts or built only from safe parts (a
 * credential's safe prefix and length, kinds, header names): it is sent to the client.
 */
export const refusal = (realm: string, code: FailureCode, detail: string): RequestAuthError => {
  const status = statusOf(code)
  return new RequestAuthError({
    status,
    code,
    headers: { "WWW-Authenticate": challenge(realm, code) },
    problem: { type: `urn:authctx:problem:${code}`, title: titles[code], status, detail }
  })
}
