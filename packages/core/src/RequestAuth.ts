/**
 * Per-request auth for HTTP servers, framework-neutral: find the request's credential (bearer pass-through
 * or your own `resolve`), validate it, check its kind and your own `verify`, and answer with either the
 * request's auth context or a ready-made failure (status, `WWW-Authenticate` challenge and an
 * `application/problem+json` body that never contains the token).
 *
 * The Express, Koa and Hono adapters are thin shells over {@link make}: they build a {@link RequestView},
 * run the rest of the request inside `AuthScope.runWith(context, next)` on success, and map a failure to
 * their framework's convention.
 *
 * | failure                                        | status | `WWW-Authenticate`                              |
 * |------------------------------------------------|--------|-------------------------------------------------|
 * | no credential                                  | 401    | `Bearer realm="authctx"`                        |
 * | malformed header or token                      | 400    | `Bearer realm="authctx", error="invalid_request"` |
 * | refused: kind, `verify`, `resolve`, bad config | 401    | `Bearer realm="authctx", error="invalid_token"` |
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/core"
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
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type {
  AuthConfig,
  AuthContext,
  AuthError,
  CredentialInput,
  Inherit,
  KindOfConfig,
  KindOfInput
} from "./Auth.js"
import * as Auth from "./Auth.js"
import * as AuthScope from "./AuthScope.js"
import * as Credential from "./Credential.js"
import type { InvalidCredential } from "./Errors.js"

/** The realm named in `WWW-Authenticate` when none is given. */
export const defaultRealm = "authctx"

/** The header read for bearer pass-through when none is given. */
export const defaultHeader = "authorization"

/** The longest header value looked at; a longer one is refused as malformed before any parsing. */
export const maxHeaderLength = 8192

/** The media type of failure bodies (RFC 9457). */
export const problemContentType = "application/problem+json"

/** What `resolve` may return: a credential (string, `Redacted` or parsed), a whole config, or nothing. */
export type Resolved = CredentialInput | AuthConfig | undefined

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
 *   `TRIGGER_API_URL` / the branch variables, read and validated once, when the authenticator (the middleware) is made —
 *   so call `configure()` before. A config returned by `resolve` overrides them field by field.
 *
 * @example
 * ```ts
 * import type { RequestAuth } from "@authctx/core"
 *
 * const options: RequestAuth.Options<"SecretKey", { readonly tenant: string }> = {
 *   resolve: (request) => process.env[`TENANT_${request.tenant}_KEY`],
 *   accept: ["SecretKey"],
 *   baseURL: "https://api.trigger.dev"
 * }
 * ```
 */
export interface Options<
  K extends Credential.Kind = Credential.Kind,
  Req = unknown,
  R extends Resolved = Resolved
> {
  readonly resolve?: ((request: Req) => R | PromiseLike<R>) | undefined
  readonly accept?: ReadonlyArray<K> | undefined
  readonly verify?: ((auth: AuthContext<K>, request: Req) => boolean | PromiseLike<boolean>) | undefined
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
 * import { RequestAuth } from "@authctx/core"
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
 * silently, so reading it there would accept a request that two parties disagree about. The raw list is
 * scanned only when the parsed headers have the name at all: ~50 ns with the two headers a load tester
 * sends, ~150–350 ns with eleven (a loop on the 2-core development machine), against 30–120 µs per request
 * in the adapter benchmark. (Node's header rules: docs/reference/async-context.md.)
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/core"
 * import type { IncomingMessage } from "node:http"
 *
 * const viewOf = (req: IncomingMessage): RequestAuth.RequestView<IncomingMessage> => ({
 *   header: RequestAuth.nodeHeader(req),
 *   request: req
 * })
 * ```
 */
export const nodeHeader =
  (message: NodeHeaders) =>
  (name: string): string | ReadonlyArray<string> | undefined => {
    if (message.headers[name] === undefined) return undefined
    const raw = message.rawHeaders
    let first: string | undefined
    let all: Array<string> | undefined
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i]
      if (key === undefined || key.length !== name.length || key.toLowerCase() !== name) continue
      const value = raw[i + 1] ?? ""
      if (first === undefined) first = value
      else if (all === undefined) all = [first, value]
      else all.push(value)
    }
    return all ?? first
  }

/** The credential kinds a `resolve` returning `R` can produce, statically. */
export type ResolvedKind<R> = R extends undefined
  ? never
  : R extends CredentialInput
    ? Exclude<KindOfInput<R>, Inherit>
    : R extends AuthConfig
      ? Exclude<KindOfConfig<R>, Inherit>
      : never

/**
 * The kind of the context an authenticator gives: what `resolve` can return (every kind for bearer
 * pass-through), within `accept` (`K`).
 *
 * @example
 * ```ts
 * import type { RequestAuth } from "@authctx/core"
 *
 * type A = RequestAuth.KindOf<"SecretKey", RequestAuth.Resolved> // "SecretKey"
 * type B = RequestAuth.KindOf<"SecretKey" | "PersonalAccessToken", "tr_pat_abc"> // "PersonalAccessToken"
 * ```
 */
export type KindOf<K extends Credential.Kind, R> = [Extract<ResolvedKind<R>, K>] extends [never]
  ? K
  : Extract<ResolvedKind<R>, K>

/** Why a request was refused, as a stable machine-readable code. */
export const FailureCode = Schema.Literal(
  "missing_credential",
  "invalid_request",
  "invalid_token",
  "unsupported_kind",
  "verify_failed",
  "resolve_failed"
)
/** @see FailureCode */
export type FailureCode = typeof FailureCode.Type

/** An RFC 9457 problem body: never contains the token (at most its safe prefix and length). */
export const Problem = Schema.Struct({
  type: Schema.String,
  title: Schema.String,
  status: Schema.Literal(400, 401),
  detail: Schema.String
})
/** @see Problem */
export type Problem = typeof Problem.Type

/**
 * A refused request, ready to send: `status`, the `WWW-Authenticate` challenge and the problem body.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/core"
 * import { Either } from "effect"
 *
 * const result = await RequestAuth.make({})({ header: () => undefined, request: undefined })
 * if (Either.isLeft(result)) {
 *   const failure: RequestAuth.AuthFailure = result.left
 *   failure.status // 401
 *   result.left.wwwAuthenticate // 'Bearer realm="authctx"'
 * }
 * ```
 */
export class AuthFailure extends Schema.TaggedError<AuthFailure>("@authctx/core/AuthFailure")("AuthFailure", {
  status: Schema.Literal(400, 401),
  code: FailureCode,
  wwwAuthenticate: Schema.String,
  problem: Problem
}) {
  override get message(): string {
    return `${this.problem.title}: ${this.problem.detail}`
  }
}

/**
 * Options that cannot work: an empty `accept`, an unknown kind in it, a realm that cannot be quoted in a
 * header, or a header name that is not an HTTP token. Thrown by {@link make}, once, when the server is
 * set up.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/core"
 *
 * RequestAuth.make({ realm: 'my "realm"' }) // throws InvalidRequestAuthOptions (option: "realm")
 * ```
 */
export class InvalidRequestAuthOptions extends Schema.TaggedError<InvalidRequestAuthOptions>(
  "@authctx/core/InvalidRequestAuthOptions"
)("InvalidRequestAuthOptions", {
  option: Schema.Literal("accept", "realm", "header", "resolve", "verify"),
  reason: Schema.String
}) {
  override get message(): string {
    return `Invalid request auth option ${this.option}: ${this.reason}`
  }
}

/**
 * Authenticates one request: the context or an {@link AuthFailure}, synchronously when neither `resolve`
 * nor `verify` answers with a promise (await it either way). Never throws nor rejects: every failure,
 * including a `resolve` or `verify` that throws, is an `AuthFailure`.
 */
export interface Authenticator<K extends Credential.Kind, Req> {
  (
    view: RequestView<Req>
  ): Either.Either<AuthContext<K>, AuthFailure> | Promise<Either.Either<AuthContext<K>, AuthFailure>>
  /** The realm of the challenges. */
  readonly realm: string
  /** The (lower-case) header read for bearer pass-through. */
  readonly header: string
}

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
 * Builds a failure. `detail` must be one of this module's fixed texts or built only from safe parts (a
 * credential's safe prefix and length, kinds, header names): it is sent to the client.
 */
const failure = (realm: string, code: FailureCode, detail: string): AuthFailure => {
  const status = statusOf(code)
  const challenge =
    code === "missing_credential"
      ? `Bearer realm="${realm}"`
      : `Bearer realm="${realm}", error="${status === 400 ? "invalid_request" : "invalid_token"}"`
  return new AuthFailure({
    status,
    code,
    wwwAuthenticate: challenge,
    problem: { type: `urn:authctx:problem:${code}`, title: titles[code], status, detail }
  })
}

const notPrintableAscii = /[^\u0020-\u007e]/
const httpToken = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** A header name as people write it, for details: `Authorization`, or the configured name as given. */
const displayName = (header: string): string => (header === defaultHeader ? "Authorization" : header)

/**
 * Reads a bearer credential from a header value (RFC 6750 §2.1): `Bearer`, one space, a token that parses
 * as a credential. The scheme is matched case-insensitively (RFC 7235 §2.1), so `bearer …` is accepted;
 * anything else — a missing value, another scheme, a header sent more than once (an array of values, or
 * values joined with commas), extra white space, tabs, control or non-ASCII characters, more than {@link maxHeaderLength} characters, a token that is not a credential — is an
 * {@link AuthFailure}. An empty value counts as missing. `parse` is the credential parser (`make` passes
 * one that remembers its last parses).
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/core"
 * import { Either } from "effect"
 *
 * const credential = RequestAuth.readBearer("Bearer tr_pat_abcdefghijklmnopqrstuvwx")
 * Either.isRight(credential) // true
 * RequestAuth.readBearer("Basic dXNlcjpwYXNz") // Left: 400 invalid_request
 * ```
 */
export const readBearer = (
  value: string | ReadonlyArray<string> | undefined,
  realm: string = defaultRealm,
  header: string = defaultHeader,
  parse: (token: string) => Either.Either<Credential.Credential, InvalidCredential> = Credential.parseEither
): Either.Either<Credential.Credential, AuthFailure> => {
  const name = displayName(header)
  const malformed = (detail: string) => Either.left(failure(realm, "invalid_request", detail))
  if (typeof value !== "string") {
    if (value === undefined || value.length === 0) {
      return Either.left(
        failure(
          realm,
          "missing_credential",
          `This request needs a credential: send "${name}: Bearer <token>".`
        )
      )
    }
    if (value.length > 1) return malformed(`The ${name} header was sent more than once.`)
    return readBearer(value[0], realm, header, parse)
  }
  if (value.length === 0) {
    return Either.left(
      failure(realm, "missing_credential", `This request needs a credential: send "${name}: Bearer <token>".`)
    )
  }
  if (value.length > maxHeaderLength) {
    return malformed(`The ${name} header is longer than ${maxHeaderLength} characters.`)
  }
  // A Bearer token never holds a comma (RFC 6750 §2.1): one here is a header sent twice and joined by a
  // proxy or by the fetch `Headers` (`"Bearer a, Bearer b"`), or a list of values.
  if (value.includes(",")) {
    return malformed(`The ${name} header holds more than one value (sent twice, or joined with commas).`)
  }
  if (notPrintableAscii.test(value)) {
    return malformed(
      `The ${name} header contains a character outside printable ASCII (a tab, a line break, a control character or a non-ASCII letter).`
    )
  }
  const space = value.indexOf(" ")
  const scheme = space === -1 ? value : value.slice(0, space)
  if (scheme.toLowerCase() !== "bearer") {
    return malformed(`The ${name} header must use the Bearer scheme: "Bearer <token>".`)
  }
  const token = space === -1 ? "" : value.slice(space + 1)
  if (token.trim().length === 0)
    return malformed(`The ${name} header names the Bearer scheme but has no token.`)
  if (token.includes(" ")) {
    return malformed(
      `The ${name} header must be "Bearer", one space and the token, with no other white space.`
    )
  }
  return Either.mapLeft(parse(token), (error: InvalidCredential) =>
    failure(realm, "invalid_request", error.message)
  )
}

/** How many parsed credentials one authenticator keeps (see {@link make}). */
const parsedCacheSize = 1024

/**
 * A credential parser that remembers its last successful parses (least recently used first out). Parsing
 * validates the credential's schema, which costs far more than the request it guards; a server sees the
 * same few credentials again and again. Only the parse is remembered — never whether a credential is
 * accepted — and only inside one authenticator (no module state).
 */
const cachedParser = (): ((token: string) => Either.Either<Credential.Credential, InvalidCredential>) => {
  const parsed = new Map<string, Credential.Credential>()
  return (token) => {
    const hit = parsed.get(token)
    if (hit !== undefined) {
      parsed.delete(token)
      parsed.set(token, hit)
      return Either.right(hit)
    }
    const result = Credential.parseEither(token)
    if (Either.isRight(result)) {
      if (parsed.size >= parsedCacheSize) {
        const oldest = parsed.keys().next()
        if (oldest.done !== true) parsed.delete(oldest.value)
      }
      parsed.set(token, result.right)
    }
    return result
  }
}

const isPromiseLike = <A>(value: A | PromiseLike<A>): value is PromiseLike<A> =>
  typeof value === "object" && value !== null && "then" in value && typeof value.then === "function"

/** What `resolve` returned, as a config that certainly names a credential; `undefined` when it names none. */
const toConfig = (resolved: Resolved): AuthConfig | undefined => {
  if (resolved === undefined) return undefined
  if (typeof resolved === "string" || Redacted.isRedacted(resolved) || Credential.isCredential(resolved)) {
    return { accessToken: resolved }
  }
  return resolved.accessToken === undefined && resolved.secretKey === undefined ? undefined : resolved
}

const acceptedText = (kinds: ReadonlyArray<Credential.Kind>): string =>
  kinds.map((kind) => (kind === "SecretKey" ? "a secret key" : "a personal access token")).join(" or ")

const kindText = (kind: Credential.Kind): string =>
  kind === "SecretKey" ? "a secret key" : "a personal access token"

/**
 * The refusal an auth middleware gives when an earlier one on the same request set a handle of another
 * kind. The handlers after both are typed by both middlewares (the frameworks intersect their types), so
 * both kinds must hold: a request keeps the kind its first auth middleware gave.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/core"
 *
 * const failure = RequestAuth.kindChanged(RequestAuth.defaultRealm, "SecretKey", "PersonalAccessToken")
 * failure.status // 401
 * ```
 */
export const kindChanged = (realm: string, earlier: Credential.Kind, kind: Credential.Kind): AuthFailure =>
  failure(
    realm,
    "unsupported_kind",
    `An earlier auth middleware on this request gave ${kindText(earlier)}; this one gave ${kindText(kind)}.`
  )

/**
 * Builds the authenticator of a server (or route). Validates the options at once and throws
 * {@link InvalidRequestAuthOptions} (or `InvalidAuthConfig` for `baseURL` / `previewBranch`, including
 * those of `configure()` and the environment, which are read here once) when they cannot work. The
 * authenticator then never throws; see {@link Authenticator}. It remembers the last 1,024 credentials it
 * parsed and their contexts (parsing validates a schema, which costs more than the request it guards).
 *
 * Failures, by code: `missing_credential` (401), `invalid_request` (400, a malformed header or a token that
 * is not a credential), `invalid_token` (401, a resolved credential that does not parse, or a preview key
 * with no branch), `unsupported_kind` (401, not in `accept`), `verify_failed` (401, `verify` returned
 * something other than `true` or threw), `resolve_failed` (401, `resolve` threw or returned something
 * unusable). Details are fixed texts: an exception's message is never sent, as it might contain a secret.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/core"
 *
 * const tenants = new Map([["acme", "tr_prod_abcdefghijklmnopqrstuvwx"]])
 * const authenticate = RequestAuth.make({
 *   resolve: (request: { readonly tenant: string }) => tenants.get(request.tenant),
 *   accept: ["SecretKey"]
 * })
 * ```
 */
export const make = <
  K extends Credential.Kind = Credential.Kind,
  Req = unknown,
  const R extends Resolved = Resolved
>(
  options: Options<K, Req, R>
): Authenticator<KindOf<K, R>, Req> => {
  const realm = options.realm ?? defaultRealm
  if (realm.length === 0 || realm.length > 256 || notPrintableAscii.test(realm) || /["\\]/.test(realm)) {
    throw new InvalidRequestAuthOptions({
      option: "realm",
      reason: "a realm has 1 to 256 printable ASCII characters, without double quotes or backslashes"
    })
  }
  const header = (options.header ?? defaultHeader).toLowerCase()
  if (!httpToken.test(header)) {
    throw new InvalidRequestAuthOptions({
      option: "header",
      reason: "a header name is an HTTP token, e.g. authorization"
    })
  }
  const accept: ReadonlyArray<Credential.Kind> | undefined = options.accept
  if (accept !== undefined) {
    if (accept.length === 0) {
      throw new InvalidRequestAuthOptions({
        option: "accept",
        reason: "accept names no kind, so every request would be refused"
      })
    }
    const unknown = accept.find((kind) => !Credential.kinds.includes(kind))
    if (unknown !== undefined) {
      throw new InvalidRequestAuthOptions({
        option: "accept",
        reason: 'the kinds are "SecretKey" and "PersonalAccessToken"'
      })
    }
  }
  const { resolve, verify, baseURL, previewBranch, devBranch } = options
  if (resolve !== undefined && typeof resolve !== "function") {
    throw new InvalidRequestAuthOptions({ option: "resolve", reason: "resolve is a function of the request" })
  }
  if (verify !== undefined && typeof verify !== "function") {
    throw new InvalidRequestAuthOptions({
      option: "verify",
      reason: "verify is a function of the auth and the request"
    })
  }
  // The server's defaults — baseURL and the branches over configure() and TRIGGER_API_URL / the branch
  // variables — are read and validated once, here. A placeholder credential (never sent anywhere) lets
  // AuthScope build them as it builds every context; being a PAT, it checks the branch (a PAT can send it).
  const placeholder = Credential.PersonalAccessToken.make({ token: Redacted.make("tr_pat_placeholder") })
  const checked = AuthScope.resolveWith({ accessToken: placeholder, baseURL, previewBranch, devBranch })
  if (Either.isLeft(checked)) throw checked.left
  const defaults: AuthContext = checked.right

  const parse = cachedParser()
  // A credential's context over the defaults is a pure function of the (cached, so shared) credential.
  const contexts = new WeakMap<Credential.Credential, Either.Either<AuthContext, AuthError>>()
  const contextOf = (credential: Credential.Credential): Either.Either<AuthContext, AuthError> => {
    let built = contexts.get(credential)
    if (built === undefined) {
      built = Auth.make({ accessToken: credential }, defaults)
      contexts.set(credential, built)
    }
    return built
  }
  type Context = AuthContext<KindOf<K, R>>
  type Result = Either.Either<Context, AuthFailure>
  const refuse = (code: FailureCode, detail: string): Either.Either<never, AuthFailure> =>
    Either.left(failure(realm, code, detail))

  const fromBuilt = (
    built: Either.Either<AuthContext, AuthError>,
    source: "bearer" | "resolve"
  ): Either.Either<AuthContext, AuthFailure> => {
    if (Either.isRight(built)) return Either.right(built.right)
    const error = built.left
    switch (error._tag) {
      case "InvalidCredential":
        return refuse(
          source === "bearer" ? "invalid_request" : "invalid_token",
          source === "bearer"
            ? error.message
            : "The credential resolved for this request is not a valid credential."
        )
      case "MissingCredential":
        return refuse("missing_credential", "No credential is available for this request.")
      case "InvalidAuthConfig":
        return error.field === "previewBranch" && source === "bearer"
          ? refuse("invalid_token", "A preview key needs a preview branch, and this server names none.")
          : refuse(
              "resolve_failed",
              "The credential for this request could not be used with this server's configuration."
            )
    }
  }

  type Outcome = Result | Promise<Result>
  const resolveFailed = (): Result =>
    refuse("resolve_failed", "The credential for this request could not be resolved.")
  const verifyFailed = (): Result => refuse("verify_failed", "The credential was refused for this request.")

  const verified = (context: AuthContext, request: Req): Outcome => {
    // The kind is within `accept` (checked before) and within what `resolve` can return (its type).
    const narrowed = context as unknown as Context
    if (verify === undefined) return Either.right(narrowed)
    const judge = (verdict: unknown): Result => (verdict === true ? Either.right(narrowed) : verifyFailed())
    let answer: boolean | PromiseLike<boolean>
    try {
      answer = verify(context as unknown as AuthContext<K>, request)
    } catch {
      return verifyFailed()
    }
    return isPromiseLike(answer) ? Promise.resolve(answer).then(judge, verifyFailed) : judge(answer)
  }

  const check = (
    built: Either.Either<AuthContext, AuthError>,
    source: "bearer" | "resolve",
    request: Req
  ): Outcome => {
    const result = fromBuilt(built, source)
    if (Either.isLeft(result)) return Either.left(result.left)
    const context = result.right
    const kind = context.credential._tag
    if (accept !== undefined && !accept.includes(kind)) {
      return refuse(
        "unsupported_kind",
        `This server accepts ${acceptedText(accept)}; the credential is ${kindText(kind)}.`
      )
    }
    return verified(context, request)
  }

  /** A string credential parsed through the cache; an invalid one is left for `Auth.make` to refuse. */
  const cachedInput = (input: string): CredentialInput => Either.getOrElse(parse(input), () => input)

  const fromResolved = (resolved: Resolved, request: Req): Outcome => {
    let config: AuthConfig | undefined
    try {
      config = toConfig(resolved)
    } catch {
      return resolveFailed()
    }
    if (config === undefined)
      return refuse("missing_credential", "No credential is available for this request.")
    const accessToken =
      typeof config.accessToken === "string" ? cachedInput(config.accessToken) : config.accessToken
    const secretKey = typeof config.secretKey === "string" ? cachedInput(config.secretKey) : config.secretKey
    const only = accessToken === undefined ? secretKey : secretKey === undefined ? accessToken : undefined
    if (
      Credential.isCredential(only) &&
      config.baseURL === undefined &&
      config.previewBranch === undefined &&
      config.devBranch === undefined
    ) {
      return check(contextOf(only), "resolve", request)
    }
    const merged: AuthConfig = {
      accessToken,
      secretKey,
      baseURL: config.baseURL,
      previewBranch: config.previewBranch,
      devBranch: config.devBranch
    }
    return check(Auth.make(merged, defaults), "resolve", request)
  }

  // Synchronous unless `resolve` or `verify` answers with a promise: no promise per request otherwise.
  const authenticate = (view: RequestView<Req>): Outcome => {
    if (resolve === undefined) {
      const credential = readBearer(view.header(header), realm, header, parse)
      if (Either.isLeft(credential)) return Either.left(credential.left)
      return check(contextOf(credential.right), "bearer", view.request)
    }
    let answer: Resolved | PromiseLike<Resolved>
    try {
      answer = resolve(view.request)
    } catch {
      return resolveFailed()
    }
    return isPromiseLike(answer)
      ? Promise.resolve(answer).then((resolved) => fromResolved(resolved, view.request), resolveFailed)
      : fromResolved(answer, view.request)
  }
  return Object.assign(authenticate, { realm, header })
}

/**
 * A refused request as an error, the way Express and Koa middleware pass it on (`next(err)`,
 * `ctx.throw`): `status` (and `statusCode`) 401 or 400, `code` (see `FailureCode`), `headers` with the
 * `WWW-Authenticate` challenge, and the `problem` body. The adapters export it as `UnauthorizedError`.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/core"
 * import type { ErrorRequestHandler } from "express"
 *
 * const onAuthError: ErrorRequestHandler = (err, _req, res, next) => {
 *   if (!(err instanceof RequestAuth.UnauthorizedError)) return next(err)
 *   res.status(err.status).set(err.headers).json({ error: err.code })
 * }
 * ```
 */
export class UnauthorizedError extends Schema.TaggedError<UnauthorizedError>(
  "@authctx/core/UnauthorizedError"
)("UnauthorizedError", {
  status: Schema.Literal(400, 401),
  code: FailureCode,
  headers: Schema.Struct({ "WWW-Authenticate": Schema.String }),
  problem: Problem
}) {
  /** The refused request as an error. */
  static fromFailure(failure: AuthFailure): UnauthorizedError {
    return new UnauthorizedError({
      status: failure.status,
      code: failure.code,
      headers: { "WWW-Authenticate": failure.wwwAuthenticate },
      problem: failure.problem
    })
  }
  /** The status, under the name http-errors and Express's final handler also read. */
  get statusCode(): 400 | 401 {
    return this.status
  }
  /** The message is safe to show the client (it never contains the token). */
  get expose(): boolean {
    return true
  }
  override get message(): string {
    return `${this.problem.title}: ${this.problem.detail}`
  }
}

/**
 * The body of a failure, as sent with `Content-Type: application/problem+json`.
 *
 * @example
 * ```ts
 * import { RequestAuth } from "@authctx/core"
 * import { Either } from "effect"
 *
 * const refused = RequestAuth.readBearer("Token abc")
 * if (Either.isLeft(refused)) RequestAuth.problemBody(refused.left) // '{"type":"urn:authctx:problem:invalid_request",…}'
 * ```
 */
export const problemBody = (failure: AuthFailure): string => JSON.stringify(failure.problem)
