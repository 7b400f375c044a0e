/**
 * Per-request auth for HTTP servers, framework-neutral: find the request's credential (bearer pass-through
 * or your own `resolve`), validate it, check its kind and your own `verify`, and answer with either the
 * request's auth context or a {@link RequestAuthError} ready to send (status, `WWW-Authenticate` challenge
 * — see `Bearer` — and an `application/problem+json` body that never contains the token).
 *
 * The Express, Koa and Hono adapters are thin shells over {@link make}: they build a {@link RequestView},
 * run the rest of the request inside `AuthScope.runWith(context, next)` on success, and map a refusal to
 * their framework's convention. Another framework takes the same few lines.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/server"
 * import { Either } from "effect"
 *
 * const authenticate = RequestAuth.make({ accept: ["SecretKey"] })
 * const result = await authenticate({
 *   header: (name) => (name === "authorization" ? "Bearer tr_dev_abcdefghijklmnopqrstuvwx" : undefined),
 *   request: undefined
 * })
 * if (Either.isRight(result)) result.right.credential.environment // "dev": a SecretKey
 * ```
 */
import type { Auth, Credential } from "@authctx/core"
import type { Either } from "effect"
import type { RequestAuthError } from "./Errors.js"
import * as internal from "./internal/requestAuth.js"

/** What `resolve` may return: a credential (string, `Redacted` or parsed), a whole config, or nothing. */
export type Resolved = Auth.CredentialInput | Auth.AuthConfig | undefined

/**
 * Options of {@link make} (and of every adapter's `authContext`).
 *
 * - `resolve(request)`: the request's credential, for backends that map their own tenant or user to one
 *   (sync or async). `undefined` means "no credential" (401). When absent, the credential is the request's
 *   `Authorization: Bearer <token>` header (bearer pass-through).
 * - `accept`: the credential kinds allowed; others are refused (401 `invalid_token`). Narrows the kind of
 *   the context statically.
 * - `verify(auth, request)`: your own check after the credential is validated; anything but `true` refuses.
 * - `realm` (default `"authctx"`), `header` (default `"authorization"`).
 * - `baseURL`, `previewBranch` and `devBranch`: the server's defaults, over `configure()` and
 *   `TRIGGER_API_URL` / the branch variables, read and validated once, when the authenticator (the
 *   middleware) is made — so call `configure()` before. A config returned by `resolve` overrides them
 *   field by field.
 *
 * @example
 * ```ts
 * import type { RequestAuth } from "@authctx/server"
 *
 * const options: RequestAuth.Options<"SecretKey", { readonly tenant: string }> = {
 *   resolve: (request) => process.env[`TENANT_${request.tenant}_KEY`],
 *   accept: ["SecretKey"],
 *   baseURL: "https://api.trigger.dev"
 * }
 * ```
 */
export interface Options<
  K extends Credential.Kind = Credential.KeyKind,
  Req = unknown,
  R extends Resolved = Resolved
> {
  readonly resolve?: ((request: Req) => R | PromiseLike<R>) | undefined
  readonly accept?: ReadonlyArray<K> | undefined
  readonly verify?: ((auth: Auth.AuthContext<K>, request: Req) => boolean | PromiseLike<boolean>) | undefined
  readonly realm?: string | undefined
  readonly header?: string | undefined
  readonly baseURL?: string | undefined
  readonly previewBranch?: string | undefined
  readonly devBranch?: string | undefined
}

/**
 * A framework-neutral view of a request: a header getter (lower-case names; an array of every value when
 * the header was sent more than once — see {@link nodeHeader}) and the raw request, passed through to
 * `resolve` and `verify`.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/server"
 * import type { IncomingMessage } from "node:http"
 *
 * const viewOf = (req: IncomingMessage): RequestAuth.RequestView<IncomingMessage> => ({
 *   header: RequestAuth.nodeHeader(req),
 *   request: req
 * })
 * ```
 */
export interface RequestView<Req> {
  readonly header: (name: string) => string | ReadonlyArray<string> | undefined
  readonly request: Req
}

/**
 * What Node's `http.IncomingMessage` exposes of a request's headers: the parsed ones and the raw list.
 * Express's `req`, Koa's `ctx.req` and `@hono/node-server`'s `c.env.incoming` are all of this shape.
 */
export interface NodeHeaders {
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly rawHeaders: ReadonlyArray<string>
}

/**
 * The header getter of a {@link RequestView} for a Node request: every value a header was sent with, from
 * `rawHeaders` — one string when it was sent once, an array when it was sent more than once. Node's
 * `req.headers` keeps only the first `Authorization` of a request that sends it twice and drops the rest
 * silently, so reading it there would accept a request that two parties disagree about. Scanning the raw
 * list costs ~50 ns with the two headers a load tester sends, ~150–350 ns with eleven (a loop on the
 * 2-core development machine), against 12–120 µs per request in the adapter benchmark; looking the name
 * up in the parsed headers first, to skip the scan when it was not sent, cost more than it saved on the
 * requests that matter, those that send it. (Node's header rules: docs/reference/async-context.md.)
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/server"
 * import type { IncomingMessage } from "node:http"
 *
 * const viewOf = (req: IncomingMessage): RequestAuth.RequestView<IncomingMessage> => ({
 *   header: RequestAuth.nodeHeader(req),
 *   request: req
 * })
 * ```
 */
export const nodeHeader: (
  message: NodeHeaders
) => (name: string) => string | ReadonlyArray<string> | undefined = internal.nodeHeader

/** The credential kinds a `resolve` returning `R` can produce, statically. */
export type ResolvedKind<R> = R extends undefined
  ? never
  : R extends Auth.CredentialInput
    ? Exclude<Auth.KindOfInput<R>, Auth.Inherit>
    : R extends Auth.AuthConfig
      ? Exclude<Auth.KindOfConfig<R>, Auth.Inherit>
      : never

/**
 * The kind of the context an authenticator gives: what `resolve` can return (every kind for bearer
 * pass-through), within `accept` (`K`).
 *
 * @example
 * ```ts
 * import type { RequestAuth } from "@authctx/server"
 *
 * type A = RequestAuth.AuthenticatedKind<"SecretKey", RequestAuth.Resolved> // "SecretKey"
 * type B = RequestAuth.AuthenticatedKind<"SecretKey" | "PersonalAccessToken", "tr_pat_abc"> // "PersonalAccessToken"
 * ```
 */
export type AuthenticatedKind<K extends Credential.Kind, R> = [Extract<ResolvedKind<R>, K>] extends [never]
  ? K
  : Extract<ResolvedKind<R>, K>

/**
 * Authenticates one request: the context or a {@link RequestAuthError}, synchronously when neither
 * `resolve` nor `verify` answers with a promise (await it either way). Never throws nor rejects: every
 * refusal, including a `resolve` or `verify` that throws, is a `RequestAuthError`.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/server"
 *
 * const authenticate: RequestAuth.Authenticator<"SecretKey", Request> = RequestAuth.make({
 *   accept: ["SecretKey"]
 * })
 * const check = (request: Request) =>
 *   authenticate({ header: (name) => request.headers.get(name) ?? undefined, request })
 * ```
 */
export interface Authenticator<K extends Credential.Kind, Req> {
  (
    view: RequestView<Req>
  ):
    | Either.Either<Auth.AuthContext<K>, RequestAuthError>
    | Promise<Either.Either<Auth.AuthContext<K>, RequestAuthError>>
  /** The realm of the challenges. */
  readonly realm: string
  /** The (lower-case) header read for bearer pass-through. */
  readonly header: string
  /**
   * The same for a Node request (Express's `req`, Koa's `ctx.req`), without building a view: in bearer
   * mode it reads the header from `rawHeaders` alone (every value, as {@link nodeHeader} gives them), and
   * in `resolve` mode no header at all. It saves an Express middleware ~1 µs a request on Node 20 (a view
   * and a closure, and the lookup of `req.headers` through the prototype chain, decision 0036).
   *
   * @example
   * ```ts
   * import { RequestAuth } from "@authctx/server"
   * import type { IncomingMessage } from "node:http"
   *
   * const authenticate = RequestAuth.make<"SecretKey", IncomingMessage>({ accept: ["SecretKey"] })
   * const check = (req: IncomingMessage) => authenticate.node(req)
   * ```
   */
  readonly node: (
    request: Req & Pick<NodeHeaders, "rawHeaders">
  ) =>
    | Either.Either<Auth.AuthContext<K>, RequestAuthError>
    | Promise<Either.Either<Auth.AuthContext<K>, RequestAuthError>>
}

/**
 * Builds the authenticator of a server (or route). Validates the options at once and throws
 * `InvalidRequestAuthOptions` (or `InvalidAuthConfig` for `baseURL` / `previewBranch`, including those of
 * `configure()` and the environment, which are read here once) when they cannot work. The authenticator
 * then never throws; see {@link Authenticator}. It remembers the last 1,024 credentials it parsed and
 * their contexts (parsing validates a schema, which costs more than the request it guards).
 *
 * Refusals, by code: `missing_credential` (401), `invalid_request` (400, a malformed header or a token
 * that is not a credential), `invalid_token` (401, a resolved credential that does not parse, or a preview
 * key with no branch), `unsupported_kind` (401, not in `accept`), `verify_failed` (401, `verify` returned
 * something other than `true` or threw), `resolve_failed` (401, `resolve` threw or returned something
 * unusable). Details are fixed texts: an exception's message is never sent, as it might contain a secret.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/server"
 *
 * const tenants = new Map([["acme", "tr_prod_abcdefghijklmnopqrstuvwx"]])
 * const authenticate = RequestAuth.make({
 *   resolve: (request: { readonly tenant: string }) => tenants.get(request.tenant),
 *   accept: ["SecretKey"]
 * })
 * ```
 */
export const make: <
  K extends Credential.Kind = Credential.KeyKind,
  Req = unknown,
  const R extends Resolved = Resolved
>(
  options: Options<K, Req, R>
) => Authenticator<AuthenticatedKind<K, R>, Req> = internal.make

/**
 * The refusal an auth middleware gives when an earlier one on the same request set a handle of another
 * kind. The handlers after both are typed by both middlewares (the frameworks intersect their types), so
 * both kinds must hold: a request keeps the kind its first auth middleware gave.
 *
 * @example
 * ```ts
 * import { Bearer, RequestAuth } from "@authctx/server"
 *
 * const refusal = RequestAuth.kindChanged(Bearer.defaultRealm, "SecretKey", "PersonalAccessToken")
 * refusal.status // 401
 * ```
 */
export const kindChanged: (
  realm: string,
  earlier: Credential.Kind,
  kind: Credential.Kind
) => RequestAuthError = internal.kindChanged
