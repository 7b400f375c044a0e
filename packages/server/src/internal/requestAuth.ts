/**
 * The authenticator behind `RequestAuth.make`, and the Node header getter.
 *
 * @internal
 */
import { Auth, AuthScope, Credential } from "@authctx/core"
import { Either, Redacted } from "effect"
import { type FailureCode, InvalidRequestAuthOptions, type RequestAuthError } from "../Errors.js"
import type {
  AuthenticatedKind,
  Authenticator,
  NodeHeaders,
  Options,
  RequestView,
  Resolved
} from "../RequestAuth.js"
import { defaultHeader, notPrintableAscii, read } from "./bearer.js"
import { cachedParser, Memo, parsedCacheSize } from "./parseCache.js"
import { defaultRealm, refusal } from "./refusal.js"

/** Every value `name` (lower case) was sent with, from a Node `rawHeaders` list. */
export const rawHeader = (
  raw: ReadonlyArray<string>,
  name: string
): string | ReadonlyArray<string> | undefined => {
  let first: string | undefined
  let all: Array<string> | undefined
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]
    // Most clients send the name in lower case: compare as is first. (`toLowerCase()` on a one-byte string
    // measured faster than folding it character by character here: ~28 against ~48 ns per header read.)
    if (key === undefined || key.length !== name.length || (key !== name && key.toLowerCase() !== name))
      continue
    const value = raw[i + 1] ?? ""
    if (first === undefined) first = value
    else if (all === undefined) all = [first, value]
    else all.push(value)
  }
  return all ?? first
}

/** See `RequestAuth.nodeHeader`. */
export const nodeHeader =
  (message: NodeHeaders) =>
  (name: string): string | ReadonlyArray<string> | undefined =>
    rawHeader(message.rawHeaders, name)

const httpToken = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

const isPromiseLike = <A>(value: A | PromiseLike<A>): value is PromiseLike<A> =>
  typeof value === "object" && value !== null && "then" in value && typeof value.then === "function"

/** What `resolve` returned, as a config that certainly names a credential; `undefined` when it names none. */
const toConfig = (resolved: Resolved): Auth.AuthConfig | undefined => {
  if (resolved === undefined) return undefined
  if (typeof resolved === "string" || Redacted.isRedacted(resolved) || Credential.isCredential(resolved)) {
    return { accessToken: resolved }
  }
  return resolved.accessToken === undefined && resolved.secretKey === undefined ? undefined : resolved
}

const kindText = (kind: Credential.Kind): string =>
  kind === "SecretKey"
    ? "a secret key"
    : kind === "PersonalAccessToken"
      ? "a personal access token"
      : "a public access token"

const acceptedText = (kinds: ReadonlyArray<Credential.Kind>): string => kinds.map(kindText).join(" or ")

/** See `RequestAuth.kindChanged`. */
export const kindChanged = (
  realm: string,
  earlier: Credential.Kind,
  kind: Credential.Kind
): RequestAuthError =>
  refusal(
    realm,
    "unsupported_kind",
    `An earlier auth middleware on this request gave ${kindText(earlier)}; this one gave ${kindText(kind)}.`
  )

/** See `RequestAuth.make`: the options are checked here, once; the authenticator never throws. */
export const make = <
  K extends Credential.Kind = Credential.KeyKind,
  Req = unknown,
  const R extends Resolved = Resolved
>(
  options: Options<K, Req, R>
): Authenticator<AuthenticatedKind<K, R>, Req> => {
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
        reason: `the kinds are ${Credential.kinds.map((kind) => `"${kind}"`).join(", ")}`
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
  const checked = AuthScope.makeOverDefault({ accessToken: placeholder, baseURL, previewBranch, devBranch })
  if (Either.isLeft(checked)) throw checked.left
  const defaults: Auth.AuthContext = checked.right

  const parse = cachedParser()
  // A credential's context over the defaults is a pure function of the (cached, so shared) credential.
  const contexts = new WeakMap<Credential.Credential, Either.Either<Auth.AuthContext, Auth.AuthError>>()
  const contextOf = (credential: Credential.Credential): Either.Either<Auth.AuthContext, Auth.AuthError> => {
    let built = contexts.get(credential)
    if (built === undefined) {
      built = Auth.make({ accessToken: credential }, defaults)
      contexts.set(credential, built)
    }
    return built
  }
  type Context = Auth.AuthContext<AuthenticatedKind<K, R>>
  type Result = Either.Either<Context, RequestAuthError>
  const refuse = (code: FailureCode, detail: string): Either.Either<never, RequestAuthError> =>
    Either.left(refusal(realm, code, detail))

  const fromBuilt = (
    built: Either.Either<Auth.AuthContext, Auth.AuthError>,
    source: "bearer" | "resolve"
  ): Either.Either<Auth.AuthContext, RequestAuthError> => {
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

  const verified = (narrowed: Context, request: Req): Outcome => {
    if (verify === undefined) return Either.right(narrowed)
    const judge = (verdict: unknown): Result => (verdict === true ? Either.right(narrowed) : verifyFailed())
    let answer: boolean | PromiseLike<boolean>
    try {
      answer = verify(narrowed as unknown as Auth.AuthContext<K>, request)
    } catch {
      return verifyFailed()
    }
    return isPromiseLike(answer) ? Promise.resolve(answer).then(judge, verifyFailed) : judge(answer)
  }

  /** The built context, refused when its kind is not accepted: a pure function of the credential. */
  const admit = (
    built: Either.Either<Auth.AuthContext, Auth.AuthError>,
    source: "bearer" | "resolve"
  ): Result => {
    const result = fromBuilt(built, source)
    if (Either.isLeft(result)) return Either.left(result.left)
    const kind = result.right.credential._tag
    // Public access tokens are admitted only where a route opts in (`accept: ["PublicAccessToken"]`).
    const accepted = accept ?? Credential.keyKinds
    if (!accepted.includes(kind)) {
      return refuse(
        "unsupported_kind",
        `This server accepts ${acceptedText(accepted)}; the credential is ${kindText(kind)}.`
      )
    }
    // The kind is within `accept` (checked above) and within what `resolve` can return (its type).
    return result as unknown as Result
  }

  const check = (
    built: Either.Either<Auth.AuthContext, Auth.AuthError>,
    source: "bearer" | "resolve",
    request: Req
  ): Outcome => {
    const admitted = admit(built, source)
    return Either.isLeft(admitted) || verify === undefined ? admitted : verified(admitted.right, request)
  }

  // The admitted answer by the whole header value (bearer) or by the string `resolve` returned: a request
  // whose credential was seen recently costs one `Map.get` before `verify` (reading the header, parsing
  // and checking it was ~1.4 µs per request in the Hono middleware, issue #16). Only admitted answers are
  // kept, in a bounded memo; `verify` still runs on every request.
  const byHeader = new Memo<Either.Right<RequestAuthError, Context>>(parsedCacheSize)
  const byResolved = new Memo<Either.Right<RequestAuthError, Context>>(parsedCacheSize)
  const afterAdmitted = (admitted: Either.Right<RequestAuthError, Context>, request: Req): Outcome =>
    verify === undefined ? admitted : verified(admitted.right, request)

  /** A string credential parsed through the cache; an invalid one is left for `Auth.make` to refuse. */
  const cachedInput = (input: string): Auth.CredentialInput => Either.getOrElse(parse(input), () => input)

  const fromResolved = (resolved: Resolved, request: Req): Outcome => {
    let config: Auth.AuthConfig | undefined
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
    const merged: Auth.AuthConfig = {
      accessToken,
      secretKey,
      baseURL: config.baseURL,
      previewBranch: config.previewBranch,
      devBranch: config.devBranch
    }
    return check(Auth.make(merged, defaults), "resolve", request)
  }

  const fromString = (resolved: string, request: Req): Outcome => {
    const hit = byResolved.get(resolved)
    if (hit !== undefined) return afterAdmitted(hit, request)
    const parsed = parse(resolved)
    if (Either.isLeft(parsed)) return fromResolved(resolved, request)
    const admitted = admit(contextOf(parsed.right), "resolve")
    if (Either.isLeft(admitted)) return admitted
    byResolved.set(resolved, admitted)
    return afterAdmitted(admitted, request)
  }

  /** Bearer pass-through: `value` is what the request sent in the header (every value, when repeated). */
  const bearer = (value: string | ReadonlyArray<string> | undefined, request: Req): Outcome => {
    if (typeof value === "string") {
      const hit = byHeader.get(value)
      if (hit !== undefined) return afterAdmitted(hit, request)
    }
    const credential = read(value, realm, header, parse)
    if (Either.isLeft(credential)) return Either.left(credential.left)
    const admitted = admit(contextOf(credential.right), "bearer")
    if (Either.isLeft(admitted)) return admitted
    if (typeof value === "string") byHeader.set(value, admitted)
    return afterAdmitted(admitted, request)
  }

  const resolved = (request: Req): Outcome => {
    let answer: Resolved | PromiseLike<Resolved>
    try {
      answer = resolve === undefined ? undefined : resolve(request)
    } catch {
      return resolveFailed()
    }
    if (typeof answer === "string") return fromString(answer, request)
    return isPromiseLike(answer)
      ? Promise.resolve(answer).then(
          (value) => (typeof value === "string" ? fromString(value, request) : fromResolved(value, request)),
          resolveFailed
        )
      : fromResolved(answer, request)
  }

  // Synchronous unless `resolve` or `verify` answers with a promise: no promise per request otherwise.
  const authenticate = (view: RequestView<Req>): Outcome =>
    resolve === undefined ? bearer(view.header(header), view.request) : resolved(view.request)
  // The same for a Node request, without a view: the header (bearer mode only) straight from `rawHeaders`.
  const node = (request: Req & Pick<NodeHeaders, "rawHeaders">): Outcome =>
    resolve === undefined ? bearer(rawHeader(request.rawHeaders, header), request) : resolved(request)
  return Object.assign(authenticate, { realm, header, node })
}
