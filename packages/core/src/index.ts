/**
 * `@authctx/core`: credentials as validated values, auth scoped to a fiber or an async call tree, and
 * endpoint capabilities checked by the compiler.
 *
 * @example
 * ```ts
 * import { Auth, Credential } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const program = Auth.current.pipe(Auth.withAuth({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" }))
 * ```
 */
export * as Auth from "./Auth.js"
export * as AuthScope from "./AuthScope.js"
export * as Capability from "./Capability.js"
/**
 * The type-level kind of a public token or of a route's public alternative, at the root too, so that
 * declaration files can name it (`Credential.PublicKind`).
 */
export type { Grants, PublicKind } from "./Credential.js"
export * as Credential from "./Credential.js"
export * from "./Errors.js"
export * as PublicToken from "./PublicToken.js"
