/**
 * The errors of `@authctx/core`. Each is a `Schema.TaggedError` with a message a person can act on; none
 * ever carries a secret (at most the credential's prefix, such as `tr_pat_`, and its length).
 */
import * as Schema from "effect/Schema"
import { Kind } from "./internal/credentialFormat.js"
import { environmentVariables } from "./internal/variables.js"

/** Why a credential string was refused. */
export const InvalidCredentialReason = Schema.Literal(
  "NotAString",
  "Empty",
  "Blank",
  "TooLong",
  "LineBreak",
  "ControlCharacter",
  "BearerScheme",
  "SurroundingWhitespace",
  "NonAscii",
  "InvalidCharacters",
  "UnknownPrefix",
  "TooShort",
  "MalformedPublicToken",
  "NotPublicToken"
)
/** @see InvalidCredentialReason */
export type InvalidCredentialReason = typeof InvalidCredentialReason.Type

const advice: Record<InvalidCredentialReason, string> = {
  NotAString: "the credential is not a string",
  Empty: "the credential is empty",
  Blank: "the credential is only white space",
  TooLong: "the credential is longer than 512 characters; check that a whole file or header was not pasted",
  LineBreak: "the credential contains a line break (CR or LF); trim it, e.g. a trailing newline from a file",
  ControlCharacter: "the credential contains a control character",
  BearerScheme: 'the credential starts with "Bearer "; pass the token alone, without the scheme',
  SurroundingWhitespace: "the credential has white space around it; trim it",
  NonAscii: "the credential contains characters outside ASCII",
  InvalidCharacters: "after its prefix a credential has only letters and digits",
  UnknownPrefix:
    "a credential starts with tr_dev_, tr_stg_, tr_prod_ or tr_preview_ (a secret key) or tr_pat_ (a personal access token)",
  TooShort:
    "the credential is too short: at least 20 letters or digits follow tr_<env>_ or tr_pat_, and 24 follow tr_<env>_sk_",
  MalformedPublicToken:
    "the credential has three dot-separated parts like a public access token (a JWT), but its claims do not decode (a JSON object with pub, sub, scopes)",
  NotPublicToken:
    "the credential is a JWT whose claims do not say pub: true; only public access tokens are accepted"
}

/**
 * A credential string that is not a valid SecretKey or PersonalAccessToken. `reason` says what is wrong;
 * `prefix` is the recognised prefix (never any of the secret part) and `length` the input's length.
 *
 * @example
 * ```ts
 * import { Credential } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * Credential.parse("Bearer tr_dev_abc").pipe(
 *   Effect.catchTag("InvalidCredential", (e) => Effect.logWarning(e.reason)) // "BearerScheme"
 * )
 * ```
 */
export class InvalidCredential extends Schema.TaggedError<InvalidCredential>(
  "@authctx/core/InvalidCredential"
)("InvalidCredential", {
  reason: InvalidCredentialReason,
  prefix: Schema.String,
  length: Schema.Number
}) {
  override get message(): string {
    const shown = this.prefix
      ? ` (starts with ${this.prefix}, ${this.length} characters)`
      : ` (${this.length} characters)`
    if (this.reason === "TooShort" && this.prefix) {
      // the floor depends on the key's shape: 24 after an additional key's `_sk_`, 20 after any other prefix
      const minimum = this.prefix.endsWith("_sk_") ? 24 : 20
      return `Invalid credential${shown}: the credential is too short: at least ${minimum} letters or digits follow ${this.prefix}.`
    }
    return `Invalid credential${shown}: ${advice[this.reason]}.`
  }
}

/**
 * No credential anywhere: not in the scope, not configured, not in the environment.
 *
 * @example
 * ```ts
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * Auth.current.pipe(Effect.catchTag("MissingCredential", (e) => Effect.logError(e.message)))
 * ```
 */
export class MissingCredential extends Schema.TaggedError<MissingCredential>(
  "@authctx/core/MissingCredential"
)("MissingCredential", {
  /** Where the credential was looked for, for the message. */
  searched: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `No credential found (looked in: ${this.searched.join(", ")}). Set ${environmentVariables.secretKey} or ${environmentVariables.accessToken}, or pass accessToken / secretKey to configure(), withAuth() or createClient().`
  }
}

/**
 * An auth configuration that cannot be used: a preview key without a branch, a branch name with characters
 * outside `[A-Za-z0-9._/-]`, a `baseURL` that is not an http(s) URL, or contradictory options.
 */
export class InvalidAuthConfig extends Schema.TaggedError<InvalidAuthConfig>(
  "@authctx/core/InvalidAuthConfig"
)("InvalidAuthConfig", {
  field: Schema.Literal("previewBranch", "devBranch", "baseURL", "credential"),
  reason: Schema.String
}) {
  override get message(): string {
    return `Invalid auth configuration (${this.field}): ${this.reason}`
  }
}

/**
 * An endpoint was called with a credential kind it does not accept. Raised before any request is sent;
 * the types normally prevent it, so seeing it means the types were bypassed or the kind was only known at
 * run time.
 */
export class CapabilityError extends Schema.TaggedError<CapabilityError>("@authctx/core/CapabilityError")(
  "CapabilityError",
  {
    endpoint: Schema.String,
    accepts: Schema.Array(Kind),
    actual: Kind,
    /**
     * For a public access token the route admits whose scopes do not: the abilities any one of which the
     * token needs (`read:runs:run_1`). Scope strings only: never the token.
     */
    missingScope: Schema.optional(Schema.Array(Schema.String))
  }
) {
  override get message(): string {
    if (this.missingScope !== undefined)
      return `${this.endpoint} needs a public access token with one of the scopes ${this.missingScope.join(", ")}, but the current token's scopes include none of them. Mint a token with that scope (createPublicToken({ scopes })) or use a secret key.`
    return `${this.endpoint} accepts ${this.accepts.join(" or ")}, but the current credential is a ${this.actual}. Run it under withAuth with an accepted credential.`
  }
}

/**
 * A scoped Promise call was made where no async-context mechanism (AsyncLocalStorage) exists. authctx never
 * falls back to a process-wide global; use an explicit client instead.
 */
export class NoAsyncContext extends Schema.TaggedError<NoAsyncContext>("@authctx/core/NoAsyncContext")(
  "NoAsyncContext",
  {}
) {
  override get message(): string {
    return "This runtime has no AsyncLocalStorage, so withAuth cannot scope a credential to an async call tree. authctx never swaps a global instead: use createClient({ accessToken }) and call methods on that client."
  }
}

/**
 * An ambient Promise-API call (`runs.list()`, `envvars.retrieve(…)`) ran outside any auth scope while
 * server mode is on (`configure({ serverMode: true })`): in a server that is a callback the request's async
 * context did not reach — a request body read through its stream events, a connection made at start-up —
 * and the process default would be the wrong credential. Nothing was sent.
 *
 * @example
 * ```ts
 * import { OutsideAuthScope } from "@authctx/core"
 *
 * const isTrap = (error: unknown) => error instanceof OutsideAuthScope
 * ```
 */
export class OutsideAuthScope extends Schema.TaggedError<OutsideAuthScope>("@authctx/core/OutsideAuthScope")(
  "OutsideAuthScope",
  {}
) {
  override get message(): string {
    return "An ambient call ran outside any auth scope, and server mode (configure({ serverMode: true })) does not fall back to the process default. In a request handler use the request's own client (req.auth.client in Express, ctx.state.auth.client in Koa, c.var.auth.client in Hono), or wrap the callback that runs later in req.auth.bind(fn) (or bind(fn) from @authctx/client/promise, called while the request's scope is active). Outside requests use createClient({ accessToken }) or auth.withAuth(config, fn)."
  }
}
