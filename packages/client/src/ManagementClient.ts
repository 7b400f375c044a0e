/**
 * The management API client service: sends a catalog route's request under the current auth, with the
 * headers and branch rule of docs/reference/headers-and-branches.md, the retries of
 * docs/reference/retries-and-limits.md and the errors of docs/errors.md. The namespaces
 * (`Tasks`, `Runs`, `Envvars`, `Schedules`) are thin typed calls over {@link call}.
 *
 * The client holds no credential: every call reads the current `Auth` (so `Auth.withAuth` around any
 * call or group of calls switches credentials with no new client).
 *
 * @example
 * ```ts
 * import { ManagementClient, Runs } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const program = Runs.retrieve("run_123").pipe(
 *   Auth.withAuth({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { Headers, type ManagementApi } from "@authctx/api"
import { Auth, Capability, CapabilityError, Credential, MissingCredential } from "@authctx/core"
import type * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Tracer from "effect/Tracer"
import * as Errors from "./Errors.js"
import * as Arguments from "./internal/arguments.js"
import * as Body from "./internal/body.js"
import * as Decoder from "./internal/decoder.js"
import * as Transport from "./Transport.js"
import { version } from "./version.js"

/** The API version this client speaks (docs/reference/headers-and-branches.md). */
export const apiVersion = "2025-07-16"

/** Retry policy (docs/reference/retries-and-limits.md). */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 5. */
  readonly maxAttempts: number
  /** Delay before the second attempt. Default 1 s. */
  readonly initialDelayMs: number
  /** Growth of the delay per attempt. Default 1.6. */
  readonly factor: number
  /** Largest backoff delay. Default 30 s. */
  readonly maxDelayMs: number
  /** Randomise each delay within [50 %, 100 %] of its value. Default true. */
  readonly jitter: boolean
  /** Longest wait for a rate limit to reset (`x-ratelimit-reset`, `Retry-After`); beyond it, fail. Default 60 s. */
  readonly maxRateLimitWaitMs: number
}

/** Client options (the numbers and why: docs/reference/retries-and-limits.md). */
export interface ClientOptions {
  /** Retry policy, or `false` to send each request once. */
  readonly retry?: Partial<RetryOptions> | false | undefined
  /** Time limit of one attempt, in ms (then it counts as a connection failure). Default 60 s. */
  readonly timeoutMs?: number | undefined
  /**
   * Time limit of a whole call, retries and waits included, in ms; then it fails with
   * `ApiConnectionError`. Default 120 s (`defaultDeadlineMs`).
   */
  readonly deadlineMs?: number | undefined
  /**
   * Largest response body read, in bytes; past it the connection is closed and the call fails with
   * `ResponseTooLargeError`. Default 32 MiB (`Transport.defaultMaxResponseBytes`).
   */
  readonly maxResponseBytes?: number | undefined
  /**
   * The `x-trigger-source` header. Default `"sdk"`, as the official SDK sends: the server records a run's
   * trigger source from it and keeps only `sdk`, `cli` and `mcp` (anything else is recorded as `api`), see
   * docs/reference/headers-and-branches.md. `trigger-version` names authctx and its version.
   */
  readonly source?: string | undefined
}

/** The default retry policy of docs/reference/retries-and-limits.md. */
export const defaultRetry: RetryOptions = {
  maxAttempts: 5,
  initialDelayMs: 1_000,
  factor: 1.6,
  maxDelayMs: 30_000,
  jitter: true,
  maxRateLimitWaitMs: 60_000
}

/**
 * The default deadline of a call, retries included: 120 s. Without one, a server that accepts connections
 * and never answers holds a call for 5 attempts × 60 s plus the backoff (about 309 s); 120 s still leaves
 * room for the longest rate-limit wait the client accepts (60 s) and an attempt after it.
 */
export const defaultDeadlineMs = 120_000

interface FullOptions {
  readonly retry: RetryOptions
  /** The retry policy as a schedule, built once per client. */
  readonly schedule: Schedule.Schedule<unknown, Errors.ApiError | Retryable>
  readonly timeoutMs: number
  readonly deadlineMs: number
  readonly maxResponseBytes: number
  readonly source: string
}

const withDefaults = (options: ClientOptions = {}): FullOptions => {
  const retry =
    options.retry === false ? { ...defaultRetry, maxAttempts: 1 } : { ...defaultRetry, ...options.retry }
  return {
    retry,
    schedule: retrySchedule(retry),
    timeoutMs: options.timeoutMs ?? 60_000,
    deadlineMs: options.deadlineMs ?? defaultDeadlineMs,
    maxResponseBytes: options.maxResponseBytes ?? Transport.defaultMaxResponseBytes,
    source: options.source ?? "sdk"
  }
}

/** The client service: options and the transport it sends with. */
export class ManagementClient extends Context.Tag("@authctx/client/ManagementClient")<
  ManagementClient,
  { readonly options: FullOptions; readonly transport: Transport.Transport }
>() {}

/**
 * The client service on a given transport.
 *
 * @example
 * ```ts
 * import { ManagementClient, Transport } from "@authctx/client"
 *
 * const client = ManagementClient.make(Transport.fetch(), { retry: false })
 * ```
 */
export const make = (transport: Transport.Transport, options?: ClientOptions): ManagementClient["Type"] => ({
  options: withDefaults(options),
  transport
})

/**
 * The client on the `HttpClient` of the context (bring your own: fetch, Node, undici, a test client).
 *
 * @example
 * ```ts
 * import { ManagementClient } from "@authctx/client"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const ClientLive = ManagementClient.layer({ retry: { maxAttempts: 3 } }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 */
export const layer = (options?: ClientOptions): Layer.Layer<ManagementClient, never, HttpClient.HttpClient> =>
  Layer.effect(
    ManagementClient,
    Effect.map(HttpClient.HttpClient, (http) => make(Transport.fromHttpClient(http), options))
  )

/**
 * The client on Node's own `http`/`https` with keep-alive: no `HttpClient` needed, and a third of the
 * per-call overhead of `fetch` (docs/decisions/0005-client-transport.md). Where `node:http` does not
 * exist it uses the global `fetch`. This is what the Promise API runs on.
 *
 * @example
 * ```ts
 * import { ManagementClient } from "@authctx/client"
 *
 * const ClientLive = ManagementClient.layerNode()
 * ```
 */
export const layerNode = (options?: ClientOptions): Layer.Layer<ManagementClient> =>
  Layer.sync(ManagementClient, () =>
    options === undefined ? defaultNodeClient() : make(Transport.node() ?? Transport.fetch(), options)
  )

/**
 * The client of `layerNode()` without options, made once: it holds no state but its options and transport,
 * and a layer provided around every call (as the docs' short examples do) then builds nothing new.
 */
let nodeClient: ManagementClient["Type"] | undefined
const defaultNodeClient = (): ManagementClient["Type"] => {
  nodeClient ??= make(Transport.node() ?? Transport.fetch())
  return nodeClient
}

/**
 * The client on the runtime's global `fetch` ({@link Transport.fetch}: edge runtimes, browsers). It reads
 * the body of a `fetch` response itself and frees each chunk once copied, which an `HttpClient` cannot
 * (docs/decisions/0035-response-memory-node20-fetch.md). For the platform's client (its
 * `FetchHttpClient.Fetch` and `RequestInit` from the context), use {@link layer} with `FetchHttpClient.layer`.
 *
 * @example
 * ```ts
 * import { ManagementClient } from "@authctx/client"
 *
 * const ClientLive = ManagementClient.layerFetch({ retry: false })
 * ```
 */
export const layerFetch = (options?: ClientOptions): Layer.Layer<ManagementClient> =>
  Layer.sync(ManagementClient, () => make(Transport.fetch(), options))

/** A route of the catalog, as the client needs it. */
export type AnyRoute = ManagementApi.Route<
  Capability.Capability<string, Credential.Kind>,
  HttpApiEndpoint.HttpApiEndpoint.Any
>

/** What a call sends, in decoded form: path parameters, query parameters, body. */
export interface CallInput {
  /** Checked before sending: a value that would change the route fails with `InvalidArgumentsError`. */
  readonly path?: Readonly<Record<string, string>> | undefined
  readonly urlParams?: Readonly<Record<string, string | number | undefined>> | undefined
  readonly payload?: unknown
  /** The environment a PAT call targets (for the branch rule); a SecretKey's own environment otherwise. */
  readonly environment?: Credential.Environment | undefined
}

/** Errors of every call: the HTTP errors and the auth pre-flight. */
export type CallError = Errors.ApiError | CapabilityError | MissingCredential

interface Codecs {
  readonly encodePayload: ((u: unknown) => Either.Either<unknown, ParseResult.ParseError>) | undefined
  readonly ndjson: boolean
  readonly decodeSuccess: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
  readonly segments: ReadonlyArray<string>
}

const codecsCache = new WeakMap<object, Codecs>()

/** The endpoint's schemas as compiled codecs, built once per endpoint. */
const codecsOf = (endpoint: HttpApiEndpoint.HttpApiEndpoint.AnyWithProps): Codecs => {
  const cached = codecsCache.get(endpoint)
  if (cached) return cached
  const payload = Option.getOrUndefined(endpoint.payloadSchema) as Schema.Schema<unknown, unknown> | undefined
  const codecs: Codecs = {
    encodePayload: payload ? Schema.encodeUnknownEither(payload) : undefined,
    ndjson:
      payload !== undefined && HttpApiSchema.getEncoding(payload.ast).contentType === "application/x-ndjson",
    // compiled once: the same answers as Schema.decodeUnknownEither at a fraction of its cost (decoder.ts)
    decodeSuccess: Decoder.decoderOf(endpoint.successSchema as Schema.Schema<unknown, unknown>),
    segments: endpoint.path.split("/")
  }
  codecsCache.set(endpoint, codecs)
  return codecs
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Why a path parameter's value cannot be sent, or `undefined` when it can. */
const pathProblem = (value: unknown): string | undefined => {
  if (typeof value !== "string") return "is missing (a string is required)"
  if (value.length === 0) return "is empty, which would call another route"
  // percent-encoding leaves dots alone, and the URL parser resolves these segments: another route
  if (value === "." || value === "..") return `is "${value}", which would call another route`
  if (loneSurrogate.test(value)) return "contains a lone UTF-16 surrogate, which cannot be percent-encoded"
  return undefined
}

/**
 * The path of a route with its parameters percent-encoded, or an `InvalidArgumentsError` naming the first
 * parameter whose value would change the route (or cannot be encoded): checked here, for every endpoint.
 */
const buildPath = (
  endpoint: string,
  segments: ReadonlyArray<string>,
  params: Readonly<Record<string, unknown>> = {}
): Either.Either<string, Errors.InvalidArgumentsError> => {
  let path = ""
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? ""
    let part = segment
    if (segment.startsWith(":")) {
      const name = segment.slice(1)
      const value = params[name]
      const problem = pathProblem(value)
      if (problem !== undefined) {
        return Either.left(
          new Errors.InvalidArgumentsError({
            endpoint,
            parameter: name,
            issue: `the path parameter ${name} ${problem}`
          })
        )
      }
      part = encodeURIComponent(value as string)
    }
    path += i === 0 ? part : `/${part}`
  }
  return Either.right(path)
}

/** Without values: where the body differs from the schema, and how (never the body's contents). */
const describeIssue = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue._tag}`)
    .join("; ")

/** Decodes a 2xx body; any throw (a body nested thousands deep overflows the stack) is a schema error. */
const decodeBody = (codecs: Codecs, response: Transport.WireResponse): Either.Either<unknown, string> => {
  try {
    const decoded = codecs.decodeSuccess(Body.jsonOf(response))
    return Either.isRight(decoded) ? Either.right(decoded.right) : Either.left(describeIssue(decoded.left))
  } catch (error) {
    return Either.left(
      error instanceof RangeError
        ? "(root): the body is nested too deeply to decode"
        : "(root): undecodable body"
    )
  }
}

/** The longest server text (message, code, param, type) kept in an error. */
const maxServerText = 1_000

/** A bearer header value (anything shaped like a credential is `Credential.redactTokens`' job). */
const bearerValue = /\bBearer\s+[^\s"',;]+/gi

/**
 * The shortest run of a secret's characters that counts as the secret: half of a 24-character key body
 * (the rest still holds 12 random alphanumerics, about 71 bits).
 */
const minSecretRun = 12

/**
 * Above this length (a JWT) a secret is matched by runs at every `minSecretRun`th offset, not every
 * offset, and not in its encoded forms.
 */
const maxDenseSecret = 64

/**
 * The base64 and base64url forms of `text` wherever it starts in an encoded string: for each of the three
 * alignments, the encoding without its first and last 4 characters (those mix in the bytes around it).
 */
const base64Forms = (text: string): Array<string> => {
  const forms: Array<string> = []
  for (let align = 0; align < 3; align++) {
    const encoded = btoa("\u0000".repeat(align) + text)
    const core = encoded.slice(align === 0 ? 0 : 4, -4)
    forms.push(core, core.replaceAll("+", "-").replaceAll("/", "_"))
  }
  return forms
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** `text`'s UTF-8 bytes in hex (a proxy or a log line may echo a header that way). */
const hexOf = (text: string): string =>
  Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("")

/**
 * What to replace in server text for this request's secret (`undefined` for a secret too short to find):
 * any run of {@link minSecretRun} or more of its characters, in any letter case, with the letters and
 * digits that follow it (an echo cut or split around a character still hides the rest), the same runs in
 * hex, and the base64 and base64url forms of the token and of its secret part (a proxy that echoes `Basic`
 * or encoded headers).
 */
const secretPattern = (secret: string): RegExp | undefined => {
  const body = secret.slice(Credential.safePrefix(secret).length)
  if (body.length < 8) return undefined
  const run = Math.min(body.length, minSecretRun)
  const dense = body.length <= maxDenseSecret
  const step = dense ? 1 : run
  const runs = new Set<string>()
  for (let i = 0; i + run <= body.length; i += step) runs.add(body.slice(i, i + run))
  runs.add(body.slice(-run))
  const alternatives = [`(?:${[...runs].map(escapeRegExp).join("|")})[A-Za-z0-9]*`]
  // A long secret (a JWT, up to 8 KiB) gets no encoded forms: they would make a pattern of ~140 KB per
  // error. A key's runs in hex (each character two digits wherever it starts: no alignment to mind), and
  // its base64 and base64url forms.
  if (dense) {
    alternatives.push(`(?:${[...runs].map(hexOf).join("|")})[0-9A-Fa-f]*`)
    alternatives.push(...new Set([...base64Forms(secret), ...base64Forms(body)].map(escapeRegExp)))
  }
  return new RegExp(alternatives.join("|"), "gi")
}

/**
 * Server text as the client keeps it: the request's own token (see {@link secretPattern}) and anything
 * token-shaped replaced (a proxy or server may echo the `Authorization` header in its error body), then cut
 * to {@link maxServerText}. Only the first part of a long text is searched: what follows is cut anyway.
 */
const serverText = (text: string, secret: string): string => {
  let clean = text.length > maxServerText + 600 ? text.slice(0, maxServerText + 600) : text
  const pattern = secretPattern(secret)
  if (pattern !== undefined) clean = clean.replace(pattern, "<redacted>")
  clean = Credential.redactTokens(clean.replace(bearerValue, "Bearer <redacted>"), "<redacted>")
  return clean.length > maxServerText ? `${clean.slice(0, maxServerText)}…` : clean
}

const errorFields = (
  body: unknown,
  status: number,
  endpoint: string,
  secret: string
): Errors.HttpErrorFields => {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {}
  const nested =
    typeof record["error"] === "object" && record["error"] !== null
      ? (record["error"] as Record<string, unknown>)
      : undefined
  const message =
    typeof record["error"] === "string"
      ? record["error"]
      : typeof nested?.["message"] === "string"
        ? nested["message"]
        : `${status} status code`
  const field = (name: string) => {
    const value = nested?.[name] ?? record[name]
    return typeof value === "string" ? serverText(value, secret) : undefined
  }
  return {
    status,
    error: serverText(message, secret),
    code: field("code"),
    param: field("param"),
    type: field("type"),
    endpoint
  }
}

type Decision =
  | { readonly _tag: "Done"; readonly value: unknown; readonly headers: Transport.WireResponse["headers"] }
  | { readonly _tag: "Fail"; readonly error: Errors.ApiError }
  | { readonly _tag: "Retry"; readonly error: Errors.ApiError; readonly waitMs: number | undefined }

/** Epoch values below this are seconds, not milliseconds (10¹¹ ms is March 1973; 10¹¹ s is year 5138). */
const epochSecondsBelow = 1e11

/**
 * How long a 429 asks to wait, in ms (negative when the reset is past), or `undefined` when it does not
 * say: `x-ratelimit-reset` (epoch ms; epoch seconds accepted), else `Retry-After` (seconds or a date).
 */
const retryAfterMs = (response: Transport.WireResponse, now: number): number | undefined => {
  const reset = Number(response.headers[Headers.rateLimitReset])
  if (Number.isFinite(reset) && reset > 0) return (reset < epochSecondsBelow ? reset * 1_000 : reset) - now
  const after = response.headers[Headers.retryAfter]
  if (after === undefined) return undefined
  const seconds = Number(after)
  if (Number.isFinite(seconds)) return seconds * 1_000
  const date = Date.parse(after)
  return Number.isFinite(date) ? date - now : undefined
}

const isRetryableStatus = (status: number) =>
  status === 408 || status === 409 || status === 429 || status >= 500

/** Reads one response into a decision: the value, a final error, or a retry. */
const decide = (
  endpoint: string,
  codecs: Codecs,
  response: Transport.WireResponse,
  now: number,
  /** The request's token (for redacting server text), read only for an error. */
  attempts: { readonly secret: string }
): Decision => {
  const { status } = response
  if (status >= 200 && status < 300) {
    const decoded = decodeBody(codecs, response)
    return Either.isRight(decoded)
      ? { _tag: "Done", value: decoded.right, headers: response.headers }
      : // the issue names the body's keys on the path to a mismatch: server text like any other
        {
          _tag: "Fail",
          error: new Errors.ApiSchemaError({
            endpoint,
            status,
            issue: serverText(decoded.left, attempts.secret)
          })
        }
  }
  const wait = status === 429 ? retryAfterMs(response, now) : undefined
  const error = Errors.fromStatus(
    errorFields(Body.jsonOf(response), status, endpoint, attempts.secret),
    wait !== undefined && wait > 0 ? now + wait : undefined
  )
  const hint = response.headers[Headers.shouldRetry]
  const retryable = hint === "true" ? true : hint === "false" ? false : isRetryableStatus(status)
  return retryable ? { _tag: "Retry", error, waitMs: wait } : { _tag: "Fail", error }
}

/** A decoded answer and the response headers it came with. */
export interface Answered<A> {
  readonly value: A
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>
}

/**
 * An attempt that failed in a way worth another attempt, with the wait a 429 asked for and the time left
 * before the call's deadline.
 */
class Retryable {
  constructor(
    readonly error: Errors.ApiError,
    readonly waitMs: number | undefined,
    readonly remainingMs: number
  ) {}
}

/**
 * The retry policy as a `Schedule` over the failures of attempts: exponential backoff (capped, jittered
 * within [50 %, 100 %]) for at most `maxAttempts - 1` retries. A 429's wait replaces the backoff delay
 * only when it is longer: a reset in the past, or one given in a unit the client misreads, still waits
 * the backoff (never five attempts in a few ms). A wait over `maxRateLimitWaitMs`, or past the call's
 * deadline, ends the retries with the 429's error; a backoff delay is cut at the deadline (the next
 * attempt then fails with the deadline's error). The facts and numbers:
 * docs/reference/retries-and-limits.md.
 */
const retrySchedule = (retry: RetryOptions): Schedule.Schedule<unknown, Errors.ApiError | Retryable> => {
  const capped = Schedule.exponential(Duration.millis(retry.initialDelayMs), retry.factor).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.millis(retry.maxDelayMs)))
  )
  const backoff = retry.jitter ? Schedule.jitteredWith(capped, { min: 0.5, max: 1 }) : capped
  const counted: Schedule.Schedule<unknown, Errors.ApiError | Retryable> = Schedule.intersect(
    backoff,
    Schedule.recurs(Math.max(0, retry.maxAttempts - 1))
  )
  return Schedule.passthrough(counted).pipe(
    // a final error (not Retryable) ends the retries at once
    Schedule.whileInput(
      (failure) =>
        failure instanceof Retryable &&
        (failure.waitMs ?? 0) <= Math.min(retry.maxRateLimitWaitMs, failure.remainingMs)
    ),
    Schedule.modifyDelay((failure, delay) => {
      if (!(failure instanceof Retryable)) return delay
      const wanted =
        failure.waitMs !== undefined ? Duration.max(delay, Duration.millis(failure.waitMs)) : delay
      return Duration.min(wanted, Duration.millis(Math.max(0, failure.remainingMs)))
    })
  )
}

/** What one attempt came to: the answer, or a failure (final, or worth another attempt). */
type Step =
  | { readonly _tag: "Answered"; readonly answered: Answered<unknown> }
  | { readonly _tag: "Failed"; readonly failure: Errors.ApiError | Retryable }

/**
 * The attempts of one call: the same request (and idempotency key) every attempt, the call's deadline
 * counted from `started`. Reading an attempt's outcome is plain code, shared by the Effect path and the
 * Promise API's direct path ({@link runDirect}); only retries run as an Effect.
 */
class Attempts {
  attempts = 0
  constructor(
    readonly client: ManagementClient["Type"],
    readonly endpoint: string,
    readonly codecs: Codecs,
    readonly request: Transport.WireRequest,
    readonly started: number
  ) {}

  /** The request's token, for redacting server text: read only when an answer is an error. */
  get secret(): string {
    return (this.request.headers[Headers.authorization] ?? "").replace(/^Bearer /, "")
  }

  pastDeadline(): Errors.ApiConnectionError {
    return new Errors.ApiConnectionError({
      endpoint: this.endpoint,
      reason: `the call did not finish within its deadline of ${this.client.options.deadlineMs} ms (ClientOptions.deadlineMs)`,
      attempts: this.attempts
    })
  }

  /** The time limit of the next attempt (its own, or the time left before the deadline if shorter). */
  begin(now: number): number | Errors.ApiConnectionError {
    const { timeoutMs, deadlineMs } = this.client.options
    const left = deadlineMs - (now - this.started)
    if (left <= 0) return this.pastDeadline()
    this.attempts++
    return Math.min(timeoutMs, left)
  }

  /** What an attempt's outcome means for the call. */
  read(
    outcome: Either.Either<Transport.WireResponse, Transport.TransportFailure>,
    now: number,
    limit: number
  ): Step {
    const { endpoint } = this
    const remainingMs = this.client.options.deadlineMs - (now - this.started)
    if (Either.isLeft(outcome)) {
      const failure = outcome.left
      if (failure._tag === "ResponseTooLarge") {
        const error = new Errors.ResponseTooLargeError({
          endpoint,
          status: failure.status,
          limitBytes: failure.limitBytes
        })
        return { _tag: "Failed", failure: error }
      }
      const timedOut = failure._tag === "TransportTimeout"
      if (timedOut && limit < this.client.options.timeoutMs)
        return { _tag: "Failed", failure: this.pastDeadline() }
      const reason = timedOut ? "the attempt timed out" : failure.reason
      const error = new Errors.ApiConnectionError({ endpoint, reason, attempts: this.attempts })
      return { _tag: "Failed", failure: new Retryable(error, undefined, remainingMs) }
    }
    const decision = decide(endpoint, this.codecs, outcome.right, now, this)
    if (decision._tag === "Done")
      return { _tag: "Answered", answered: { value: decision.value, headers: decision.headers } }
    if (decision._tag === "Fail") return { _tag: "Failed", failure: decision.error }
    return { _tag: "Failed", failure: new Retryable(decision.error, decision.waitMs, remainingMs) }
  }

  /**
   * One attempt as an Effect, on the call's clock; a retryable failure goes to `onRetryable` (the retries
   * after a first attempt; the next attempt within them).
   */
  attempt(
    clock: Clock.Clock,
    onRetryable: (failure: Retryable) => Effect.Effect<Answered<unknown>, Errors.ApiError | Retryable>
  ): Effect.Effect<Answered<unknown>, Errors.ApiError | Retryable> {
    const limit = this.begin(clock.unsafeCurrentTimeMillis())
    if (typeof limit !== "number") return Effect.fail(limit)
    const toEffect = (step: Step) =>
      step._tag === "Answered"
        ? Effect.succeed(step.answered)
        : step.failure instanceof Retryable
          ? onRetryable(step.failure)
          : Effect.fail(step.failure)
    const { transport } = this.client
    const start = transport.start
    if (start !== undefined) {
      // one Effect.async per attempt: the transport's callback and its own timer, no racing fiber
      return Effect.async<Answered<unknown>, Errors.ApiError | Retryable>((resume) => {
        const cancel = start(this.request, limit, (outcome) =>
          resume(toEffect(this.read(outcome, clock.unsafeCurrentTimeMillis(), limit)))
        )
        return Effect.sync(cancel)
      })
    }
    const sent = transport.send(this.request, limit)
    const limited = transport.enforcesTimeout
      ? sent
      : Effect.timeoutFail(sent, {
          duration: Duration.millis(limit),
          onTimeout: () => new Transport.TransportTimeout({ timeoutMs: limit })
        })
    return Effect.flatMap(Effect.either(limited), (outcome) =>
      toEffect(this.read(outcome, clock.unsafeCurrentTimeMillis(), limit))
    )
  }

  /**
   * The retries after a first retryable failure. The schedule's driver is made only then: a call that
   * succeeds at once (nearly all of them) pays for no retry machinery.
   */
  retryAfter(first: Retryable): Effect.Effect<Answered<unknown>, Errors.ApiError> {
    return Effect.clockWith((clock) =>
      Effect.flatMap(Schedule.driver(this.client.options.schedule), (driver) => {
        const next = (
          failure: Errors.ApiError | Retryable
        ): Effect.Effect<Answered<unknown>, Errors.ApiError> =>
          driver.next(failure).pipe(
            Effect.matchEffect({
              onFailure: () => Effect.fail(failure instanceof Retryable ? failure.error : failure),
              onSuccess: () => Effect.catchAll(this.attempt(clock, Effect.fail), next)
            })
          )
        return next(first)
      })
    )
  }

  /** Every attempt, with the retry policy. */
  run(clock: Clock.Clock): Effect.Effect<Answered<unknown>, Errors.ApiError> {
    return this.attempt(clock, (first) => this.retryAfter(first)) as Effect.Effect<
      Answered<unknown>,
      Errors.ApiError
    >
  }
}

const newIdempotencyKey = (): string => globalThis.crypto.randomUUID()

/**
 * Calls a catalog route under the current auth and answers with the decoded value and the response
 * headers (for the calls whose result carries a header, such as `publicAccessToken` from `x-trigger-jwt`).
 * See {@link call}.
 *
 * @example
 * ```ts
 * import { ManagementApi } from "@authctx/api"
 * import { ManagementClient } from "@authctx/client"
 * import { Effect } from "effect"
 *
 * const withJwt = ManagementClient.callWithHeaders(ManagementApi.tasksTrigger, {
 *   path: { taskId: "hello" },
 *   payload: { payload: {} }
 * }).pipe(Effect.map(({ value, headers }) => ({ id: value.id, jwt: headers["x-trigger-jwt"] })))
 * ```
 */
export const callWithHeaders = <R extends AnyRoute>(
  route: R,
  input: CallInput
): Effect.Effect<
  Answered<HttpApiEndpoint.HttpApiEndpoint.Success<R["endpoint"]>>,
  CallError,
  CallContext<R>
> =>
  (Capability.needsCredential(route.capability)
    ? authorizedCall(route, input)
    : openCall(route, input)) as Effect.Effect<
    Answered<HttpApiEndpoint.HttpApiEndpoint.Success<R["endpoint"]>>,
    CallError,
    CallContext<R>
  >

/** A call under the current auth: one step on the fiber, marked for the Promise API's direct path. */
const authorizedCall = (route: AnyRoute, input: CallInput): Effect.Effect<Answered<unknown>, CallError> =>
  callEffect({ route, input, after: Effect.succeed }) as Effect.Effect<Answered<unknown>, CallError>

/**
 * A call to a route that needs no credential (`Capability.open`): no capability check, no token sent, the
 * base URL from {@link openBaseURL}. Not marked for the direct path (it runs on a fiber: it is rare).
 */
const openCall = (route: AnyRoute, input: CallInput): Effect.Effect<Answered<unknown>, CallError> =>
  Effect.flatMap(openBaseURL(route.capability.name), (baseURL) =>
    Effect.withFiberRuntime((fiber): Effect.Effect<Answered<unknown>, CallError> => {
      const client = Context.unsafeGet(fiber.currentContext, ManagementClient)
      const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
      const attempts = begin(client, baseURL, route, input, clock.unsafeCurrentTimeMillis())
      if (Either.isLeft(attempts)) return Effect.fail(attempts.left)
      const sent = attempts.right.run(clock)
      return tracing(fiber)
        ? Effect.withSpan(sent, `authctx ${attempts.right.endpoint}`, spanOptions(route, baseURL))
        : sent
    })
  )

/**
 * The base URL of a call that needs no credential: the current auth's when there is one (a client's, a
 * `withAuth` scope's), else `TRIGGER_API_URL` from the `ConfigProvider` (validated as auth validates it),
 * else `https://api.trigger.dev`: where the SDK's `schedules.timezones` sends it.
 */
const openBaseURL = (endpoint: string): Effect.Effect<string, Errors.InvalidArgumentsError> =>
  Effect.flatMap(Effect.serviceOption(Auth.CurrentAuth), (current) =>
    Option.isSome(current)
      ? Effect.succeed(current.value.baseURL)
      : Config.option(Config.string(Auth.environmentVariables.baseURL)).pipe(
          Effect.orElseSucceed(() => Option.none<string>()),
          Effect.flatMap((configured) => {
            if (Option.isNone(configured) || configured.value.trim() === "")
              return Effect.succeed(Auth.defaultBaseURL)
            const valid = Auth.validateBaseURL(configured.value)
            return Either.isRight(valid)
              ? Effect.succeed(valid.right)
              : Effect.fail(
                  new Errors.InvalidArgumentsError({
                    endpoint,
                    parameter: Auth.environmentVariables.baseURL,
                    issue: valid.left.reason
                  })
                )
          })
        )
  )

/** The capability check of `Capability.authorize` on the auth at hand, as plain code. */
const authorizeNow = (
  capability: Capability.Capability<string, Credential.Kind>,
  auth: Option.Option<Auth.AuthContext>,
  path: Readonly<Record<string, string>> | undefined
): Either.Either<Auth.AuthContext, CapabilityError | MissingCredential> => {
  if (Option.isNone(auth))
    return Either.left(new MissingCredential({ searched: [`the auth scope of ${capability.name}`] }))
  const kind: Credential.Kind = auth.value.credential._tag
  if (!Capability.accepts(capability, kind))
    return Either.left(
      new CapabilityError({ endpoint: capability.name, accepts: capability.accepts, actual: kind })
    )
  // A public access token: its scopes against the route's abilities, path parameters filled in.
  const refused =
    kind === "PublicAccessToken"
      ? Capability.scopeRefusal(capability, auth.value.credential, path)
      : undefined
  return refused === undefined ? Either.right(auth.value) : Either.left(refused)
}

/** The attempts of a call, its request built; or why it cannot be sent. */
const begin = (
  client: ManagementClient["Type"],
  auth: Auth.AuthContext | string,
  route: AnyRoute,
  input: CallInput,
  now: number
): Either.Either<Attempts, Errors.ApiError> => {
  const endpoint = route.endpoint as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
  const codecs = codecsOf(endpoint)
  const name = route.capability.name
  const prepared = prepare(client, auth, name, endpoint, codecs, input)
  return Either.isLeft(prepared)
    ? Either.left(prepared.left)
    : Either.right(new Attempts(client, name, codecs, prepared.right, now))
}

const spanOptions = (route: AnyRoute, auth: Auth.AuthContext | string) => ({
  kind: "client" as const,
  captureStackTrace: false,
  attributes: {
    "authctx.endpoint": route.capability.name,
    "authctx.credential.kind": typeof auth === "string" ? "none" : auth.credential._tag,
    "http.request.method": (route.endpoint as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps).method,
    "url.template": (route.endpoint as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps).path
  }
})

/**
 * Whether a span would go anywhere: tracing is on and a tracer other than Effect's built-in one is
 * installed. With the built-in tracer a span is recorded nowhere and costs ~11 µs per call.
 */
const tracing = (fiber: Fiber.RuntimeFiber<unknown, unknown>): boolean =>
  fiber.getFiberRef(FiberRef.currentTracerEnabled) &&
  Context.get(fiber.currentDefaultServices, Tracer.Tracer) !== builtInTracer

const builtInTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

// ---------------------------------------------------------------------------------------------------------
// The direct path of the Promise API (docs/decisions/0025-client-fast-path.md)
// ---------------------------------------------------------------------------------------------------------

/** What a call effect is, for {@link runDirect}: its route, its input, and what follows the answer. */
interface Direct {
  readonly route: AnyRoute
  readonly input: CallInput
  readonly after: (answered: Answered<unknown>) => Effect.Effect<unknown, unknown, unknown>
}

const directKey = Symbol("@authctx/client/ManagementClient/direct")

const directOf = (effect: unknown): Direct | undefined =>
  typeof effect === "object" && effect !== null
    ? (effect as { readonly [directKey]?: Direct | undefined })[directKey]
    : undefined

/**
 * The effect of a call and what follows its answer (docs/decisions/0031-effect-call-path.md): ONE step on
 * the fiber reads the auth, the client, the clock and the tracer, checks the capability and builds the
 * request; then ONE `Effect.async` sends the first attempt on the transport's callback form and resumes the
 * fiber once, with the decoded answer already passed through `after` when that is a plain value (an exit).
 * Retries, a continuation that is not an exit, a tracer to record the span, or a transport without a
 * callback form continue as ordinary effects. Marked for the Promise API's direct path ({@link runDirect})
 * and runnable under a given auth (`Auth.runUnderAuth`: `withAuth` hands it its context, no fiber-ref swap).
 */
const callEffect = (direct: Direct): Effect.Effect<unknown, unknown, unknown> => {
  const effect = Effect.withFiberRuntime<unknown, unknown, unknown>((fiber) =>
    callStep(fiber, direct, undefined)
  )
  const runUnder: Auth.UnderAuth = (auth) =>
    Effect.withFiberRuntime<unknown, unknown, unknown>((fiber) => callStep(fiber, direct, auth))
  // plain assignments: `Object.defineProperties` cost ~0.5 µs more per effect built (0.55 vs 0.05 µs, 10⁶ runs)
  const marked: Marked = effect
  marked[directKey] = direct
  marked[Auth.runUnderAuth] = runUnder
  return marked
}

type Marked = Effect.Effect<unknown, unknown, unknown> & {
  [directKey]?: Direct
  [Auth.runUnderAuth]?: Auth.UnderAuth
}

/** `next` under `auth` when the call was given one (an exit needs none). */
const underAuth = (
  next: Effect.Effect<unknown, unknown, unknown>,
  auth: Auth.AuthContext | undefined
): Effect.Effect<unknown, unknown, unknown> =>
  auth === undefined || Exit.isExit(next) ? next : Auth.provideContext(next, auth)

/** What follows an answer, under the call's given auth; a throw in `after` is a defect, as in `Effect.flatMap`. */
const following = (
  direct: Direct,
  answered: Answered<unknown>,
  auth: Auth.AuthContext | undefined
): Effect.Effect<unknown, unknown, unknown> => {
  try {
    return underAuth(direct.after(answered), auth)
  } catch (defect) {
    return Effect.die(defect)
  }
}

/** The one fiber step of {@link callEffect}: `given` is the auth handed by `Auth.runUnderAuth`, if any. */
const callStep = (
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  direct: Direct,
  given: Auth.AuthContext | undefined
): Effect.Effect<unknown, unknown, unknown> => {
  const context = fiber.currentContext
  const { route, input } = direct
  const auth = authorizeNow(
    route.capability,
    given === undefined ? Context.getOption(context, Auth.CurrentAuth) : Option.some(given),
    input.path
  )
  if (Either.isLeft(auth)) return Effect.fail(auth.left)
  const client = Context.unsafeGet(context, ManagementClient)
  const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
  const begun = begin(client, auth.right, route, input, clock.unsafeCurrentTimeMillis())
  if (Either.isLeft(begun)) return Effect.fail(begun.left)
  const attempts = begun.right
  const after = (answered: Answered<unknown>) => following(direct, answered, given)
  const start = client.transport.start
  const traced = tracing(fiber)
  if (start === undefined || traced) {
    const sent = attempts.run(clock)
    const spanned = traced
      ? Effect.withSpan(sent, `authctx ${attempts.endpoint}`, spanOptions(route, auth.right))
      : sent
    return Effect.flatMap(spanned, after)
  }
  const limit = attempts.begin(clock.unsafeCurrentTimeMillis())
  if (typeof limit !== "number") return Effect.fail(limit)
  return Effect.async<unknown, unknown, unknown>((resume) => {
    // An interrupted fiber ends (after its finalizers); its end closes the request still in flight (its
    // connection, its timer). No canceler: Effect wraps an async that returns one in `onInterrupt` (an
    // uninterruptible region, a match and two flag changes on every call), 15–30 µs a call over loopback
    // (docs/decisions/0040-compiled-decoders.md).
    let cancel: Transport.Cancel | undefined
    const onFiberEnd = () => cancel?.()
    fiber.addObserver(onFiberEnd)
    cancel = start(attempts.request, limit, (outcome) => {
      fiber.removeObserver(onFiberEnd)
      const step = attempts.read(outcome, clock.unsafeCurrentTimeMillis(), limit)
      resume(
        step._tag === "Answered"
          ? after(step.answered)
          : step.failure instanceof Retryable
            ? Effect.flatMap(attempts.retryAfter(step.failure), after)
            : Effect.fail(step.failure)
      )
    })
  })
}

/** `f` after `effect`, without a fiber when `effect` is already an exit (`Effect.succeed`, `Effect.fail`). */
const chain = (
  effect: Effect.Effect<unknown, unknown, unknown>,
  f: (a: unknown) => Effect.Effect<unknown, unknown, unknown>
): Effect.Effect<unknown, unknown, unknown> =>
  Exit.isExit(effect) ? (Exit.isSuccess(effect) ? f(effect.value) : effect) : Effect.flatMap(effect, f)

/**
 * `Effect.flatMap` for a call's effect that keeps it runnable by the Promise API's direct path (a call
 * effect passed through `Effect.flatMap` is still correct, but runs on a fiber).
 *
 * @example
 * ```ts
 * import { ManagementApi } from "@authctx/api"
 * import { ManagementClient } from "@authctx/client"
 * import { Effect } from "effect"
 *
 * const status = ManagementClient.andThen(
 *   ManagementClient.call(ManagementApi.runsRetrieve, { path: { runId: "run_1234" } }),
 *   (run) => Effect.succeed(run.status)
 * )
 * ```
 */
export const andThen = <A, E, R, B, E2, R2>(
  self: Effect.Effect<A, E, R>,
  f: (a: A) => Effect.Effect<B, E2, R2>
): Effect.Effect<B, E | E2, R | R2> => {
  const direct = directOf(self)
  if (direct === undefined) return Effect.flatMap(self, f)
  const next = f as (a: unknown) => Effect.Effect<unknown, unknown, unknown>
  return callEffect({ ...direct, after: (answered) => chain(direct.after(answered), next) }) as Effect.Effect<
    B,
    E | E2,
    R | R2
  >
}

/**
 * `Effect.map` for a call's effect that keeps it runnable by the Promise API's direct path.
 *
 * @example
 * ```ts
 * import { ManagementApi } from "@authctx/api"
 * import { ManagementClient } from "@authctx/client"
 *
 * const status = ManagementClient.map(
 *   ManagementClient.call(ManagementApi.runsRetrieve, { path: { runId: "run_1234" } }),
 *   (run) => run.status
 * )
 * ```
 */
export const map = <A, E, R, B>(self: Effect.Effect<A, E, R>, f: (a: A) => B): Effect.Effect<B, E, R> =>
  andThen(self, (a) => Effect.succeed(f(a)))

/** What a runtime gives the direct path: its client, or `undefined` when calls must run on a fiber. */
const directClients = new WeakMap<object, ManagementClient["Type"] | undefined>()

const directClient = (
  runtime: ManagedRuntime.ManagedRuntime<ManagementClient, never>
): ManagementClient["Type"] | undefined => {
  if (directClients.has(runtime)) return directClients.get(runtime)
  let client: ManagementClient["Type"] | undefined
  try {
    client = runtime.runSync(
      Effect.withFiberRuntime((fiber) =>
        Effect.succeed(
          // a tracer to record spans, or a transport with no callback form: every call on a fiber
          tracing(fiber) ? undefined : Context.unsafeGet(fiber.currentContext, ManagementClient)
        )
      )
    )
  } catch {
    client = undefined // a layer that cannot be built synchronously
  }
  if (client?.transport.start === undefined) client = undefined
  directClients.set(runtime, client)
  return client
}

/**
 * What {@link runDirect} settled on: the call's exit, or the effect that continues it on a fiber (retries
 * after a first retryable failure, or a continuation that is not already an exit).
 */
export type DirectOutcome<A> =
  | Exit.Exit<A, unknown>
  | Effect.Effect<A, unknown, ManagementClient | Auth.CurrentAuth>

/**
 * Runs a call effect made by {@link call} or {@link callWithHeaders} (or passed through {@link andThen} or
 * {@link map}) without a fiber: the capability check, the request, the first attempt on the transport's
 * callback form and the decoding, as plain code with the same functions as the Effect path. Anything
 * else is handed back: a retryable failure (the Effect retry policy takes over, the deadline counted
 * from the first attempt) or a continuation to run. An aborted `signal` cancels the request and settles
 * on an interruption. `undefined` when the effect is no call, the runtime has a tracer (spans), or the
 * transport has no callback form: run it on a fiber. For the Promise API's boundary.
 *
 * @example
 * ```ts
 * import { ManagementClient, Runs } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Either, ManagedRuntime } from "effect"
 *
 * const runtime = ManagedRuntime.make(ManagementClient.layerNode())
 * const auth = Either.getOrThrow(Auth.make({ accessToken: "tr_dev_abcdefghijklmnopqrstuvwx" }))
 * const outcome = ManagementClient.runDirect(runtime, Runs.retrieve("run_1234"), auth, undefined)
 * ```
 */
export const runDirect = <A>(
  runtime: ManagedRuntime.ManagedRuntime<ManagementClient, never>,
  effect: Effect.Effect<A, unknown, unknown>,
  auth: Auth.AuthContext,
  signal: AbortSignal | undefined
): Promise<DirectOutcome<A>> | undefined => {
  const direct = directOf(effect)
  if (direct === undefined) return undefined
  const client = directClient(runtime)
  const start = client?.transport.start
  if (client === undefined || start === undefined) return undefined
  const authorized = authorizeNow(direct.route.capability, Option.some(auth), direct.input.path)
  if (Either.isLeft(authorized)) return Promise.resolve(Exit.fail(authorized.left))
  const started = Date.now()
  const begun = begin(client, authorized.right, direct.route, direct.input, started)
  if (Either.isLeft(begun)) return Promise.resolve(Exit.fail(begun.left))
  const attempts = begun.right
  const limit = attempts.begin(started)
  if (typeof limit !== "number") return Promise.resolve(Exit.fail(limit))
  return new Promise<DirectOutcome<A>>((resolve) => {
    let settled = false
    const onAbort = () => {
      if (settled) return
      settled = true
      cancel()
      resolve(Exit.interrupt(FiberId.none))
    }
    const cancel = start(attempts.request, limit, (outcome) => {
      if (settled) return
      settled = true
      signal?.removeEventListener("abort", onAbort)
      const step = attempts.read(outcome, Date.now(), limit)
      const next: Effect.Effect<unknown, unknown, unknown> =
        step._tag === "Answered"
          ? direct.after(step.answered)
          : step.failure instanceof Retryable
            ? Effect.flatMap(attempts.retryAfter(step.failure), direct.after)
            : Exit.fail(step.failure)
      resolve(next as DirectOutcome<A>)
    })
    if (!settled) signal?.addEventListener("abort", onAbort, { once: true })
  })
}

/** What a call answers: the decoded value of its answer. */
const answerValue = (answered: Answered<unknown>): Effect.Effect<unknown> => Effect.succeed(answered.value)

/**
 * Calls a catalog route under the current auth: checks the capability before anything is sent, builds the
 * request (path segments percent-encoded, body encoded with the endpoint's schema), sends it with retries,
 * and decodes the answer with the endpoint's success schema.
 *
 * Its `R` carries the route's requirement, so only a program that provides an accepted credential kind
 * compiles (see `Auth.withAuth`).
 */
export const call = <R extends AnyRoute>(route: R, input: CallInput): Call<R> =>
  (Capability.needsCredential(route.capability)
    ? // the call and its value in one effect (not `map` over `callWithHeaders`: one effect less to build)
      callEffect({ route, input, after: answerValue })
    : map(openCall(route, input), (answered) => answered.value)) as Call<R>

/**
 * The type of a call to a route: its decoded success, the call errors, and in `R` the client and the
 * route's capability requirement.
 */
export type Call<R extends AnyRoute> = Effect.Effect<
  HttpApiEndpoint.HttpApiEndpoint.Success<R["endpoint"]>,
  CallError,
  CallContext<R>
>

/** What a call to a route needs: the client and the route's capability requirement. */
export type CallContext<R extends AnyRoute> = ManagementClient | Capability.RequirementOf<R["capability"]>

/**
 * {@link buildRequest}, with any throw while reading the caller's arguments (a value nested too deeply for
 * the schema's walk, a `toString` that throws, a JavaScript caller's `null`) an `InvalidArgumentsError`
 * naming the kind of throw, never its message (it may quote the caller's data), and nothing sent.
 */
const prepare = (
  client: ManagementClient["Type"],
  authOrBaseURL: Auth.AuthContext | string,
  name: string,
  endpoint: HttpApiEndpoint.HttpApiEndpoint.AnyWithProps,
  codecs: Codecs,
  input: CallInput
): Either.Either<Transport.WireRequest, Errors.ApiError> => {
  // explicit parameters, not a rest/spread: this runs once per call on the direct path
  try {
    return buildRequest(client, authOrBaseURL, name, endpoint, codecs, input)
  } catch (error) {
    return Either.left(Arguments.unreadable(name, error))
  }
}

/** Builds the HTTP request of a call (pure: the same request is sent on every attempt). */
const buildRequest = (
  client: ManagementClient["Type"],
  /** The auth of the call, or only the base URL of a call that needs no credential (no token is sent). */
  authOrBaseURL: Auth.AuthContext | string,
  name: string,
  endpoint: HttpApiEndpoint.HttpApiEndpoint.AnyWithProps,
  codecs: Codecs,
  input: CallInput
): Either.Either<Transport.WireRequest, Errors.ApiError> => {
  const auth = typeof authOrBaseURL === "string" ? undefined : authOrBaseURL
  const credential = auth?.credential
  if (
    credential?._tag === "SecretKey" &&
    input.environment !== undefined &&
    input.environment !== credential.environment
  ) {
    // The server does not refuse this: without a branch it answers with the key's own environment
    // (a dev key "writing to prod" writes to dev). docs/reference/headers-and-branches.md.
    return Either.left(
      new Errors.InvalidArgumentsError({
        endpoint: name,
        parameter: "env",
        issue: `a secret key of the ${credential.environment} environment acts on ${credential.environment} only, not on ${input.environment}; use that environment's key or a personal access token`
      })
    )
  }
  const environment = credential?._tag === "SecretKey" ? credential.environment : input.environment
  // Every header 4.8.3 sends outside a task, by name from one place: docs/reference/headers-and-branches.md.
  // A call that needs no credential (`schedules.timezones`) sends no token, even when there is one, and
  // no trigger header but the request's idempotency key, exactly as the SDK sends it.
  const headers: Record<string, string> =
    credential === undefined
      ? { "content-type": "application/json", [Headers.requestIdempotencyKey]: newIdempotencyKey() }
      : {
          [Headers.authorization]: `Bearer ${Redacted.value(credential.token)}`,
          "content-type": codecs.ndjson ? "application/x-ndjson" : "application/json",
          [Headers.apiVersion]: apiVersion,
          [Headers.source]: client.options.source,
          [Headers.clientVersion]: version,
          [Headers.realtimeStreamsVersion]: Headers.realtimeStreamsV2,
          // not on the NDJSON items of a batch, as the SDK: the server deduplicates those by item index
          // (docs/reference/idempotency.md)
          ...(codecs.ndjson ? {} : { [Headers.requestIdempotencyKey]: newIdempotencyKey() })
        }
  const branch = auth === undefined ? undefined : Auth.branchFor(auth, environment)
  if (branch !== undefined) headers[Headers.branch] = branch
  const path = buildPath(name, codecs.segments, input.path)
  if (Either.isLeft(path)) return Either.left(path.left)
  let url = `${auth === undefined ? authOrBaseURL : auth.baseURL}${path.right}`
  if (input.urlParams) {
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(input.urlParams))
      if (value !== undefined) query.set(key, String(value))
    const text = query.toString()
    if (text.length > 0) url += `?${text}`
  }
  let body: string | undefined
  if (input.payload !== undefined) {
    if (codecs.ndjson && typeof input.payload === "string") {
      body = input.payload
    } else {
      const encoded = codecs.encodePayload ? codecs.encodePayload(input.payload) : Either.right(input.payload)
      if (Either.isLeft(encoded)) {
        return Either.left(
          new Errors.InvalidArgumentsError({ endpoint: name, issue: describeIssue(encoded.left) })
        )
      }
      try {
        body = JSON.stringify(encoded.right)
      } catch (error) {
        // a cycle (`metadata` referring to itself) or a `toJSON` that throws: its message may quote the
        // caller's data, so only its name is kept
        return Either.left(
          new Errors.InvalidArgumentsError({
            endpoint: name,
            issue: `the request body cannot be serialized as JSON (${error instanceof Error ? error.name : "a throw"})`
          })
        )
      }
    }
  }
  return Either.right({
    method: endpoint.method,
    url,
    headers,
    body,
    maxResponseBytes: client.options.maxResponseBytes
  })
}
