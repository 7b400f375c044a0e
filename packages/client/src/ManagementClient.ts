/**
 * The management API client service: sends a catalog route's request under the current auth, with the
 * headers of SPEC §4, the branch rule of §2, the retries of §6 and the errors of §7. The namespaces
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
import {
  Auth,
  Capability,
  type CapabilityError,
  type Credential,
  type MissingCredential
} from "@authctx/core"
import { FetchHttpClient, type HttpApiEndpoint, HttpApiSchema, HttpClient } from "@effect/platform"
import {
  Clock,
  Context,
  Duration,
  Effect,
  Either,
  Layer,
  Option,
  ParseResult,
  Random,
  Redacted,
  Schema
} from "effect"
import * as Errors from "./Errors.js"
import * as Transport from "./Transport.js"
import { version } from "./version.js"

/** The API version this client speaks (SPEC §4). */
export const apiVersion = "2025-07-16"

/** Retry policy (SPEC §6). */
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

/** Client options. */
export interface ClientOptions {
  /** Retry policy, or `false` to send each request once. */
  readonly retry?: Partial<RetryOptions> | false | undefined
  /** Time limit of one attempt, in ms (then it counts as a connection failure). Default 60 s. */
  readonly timeoutMs?: number | undefined
  /** The `x-trigger-source` header. Default `"authctx"`. */
  readonly source?: string | undefined
}

/** The default retry policy of SPEC §6. */
export const defaultRetry: RetryOptions = {
  maxAttempts: 5,
  initialDelayMs: 1_000,
  factor: 1.6,
  maxDelayMs: 30_000,
  jitter: true,
  maxRateLimitWaitMs: 60_000
}

interface ResolvedOptions {
  readonly retry: RetryOptions
  readonly timeout: Duration.Duration
  readonly source: string
}

const resolveOptions = (options: ClientOptions = {}): ResolvedOptions => ({
  retry:
    options.retry === false ? { ...defaultRetry, maxAttempts: 1 } : { ...defaultRetry, ...options.retry },
  timeout: Duration.millis(options.timeoutMs ?? 60_000),
  source: options.source ?? "authctx"
})

/** The client service: options and the transport it sends with. */
export class ManagementClient extends Context.Tag("@authctx/client/ManagementClient")<
  ManagementClient,
  { readonly options: ResolvedOptions; readonly transport: Transport.Transport }
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
  options: resolveOptions(options),
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
  Layer.sync(ManagementClient, () => make(Transport.node() ?? Transport.fetch(), options))

/**
 * The client on the platform's `fetch`.
 *
 * @example
 * ```ts
 * import { ManagementClient } from "@authctx/client"
 *
 * const ClientLive = ManagementClient.layerNode()
 * ```
 */
export const layerFetch = (options?: ClientOptions): Layer.Layer<ManagementClient> =>
  layer(options).pipe(Layer.provide(FetchHttpClient.layer))

/** A route of the catalog, as the client needs it. */
export type AnyRoute = ManagementApi.Route<
  Capability.Capability<string, Credential.Kind>,
  HttpApiEndpoint.HttpApiEndpoint.Any
>

/** What a call sends, in decoded form: path parameters, query parameters, body. */
export interface CallInput {
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
    decodeSuccess: Schema.decodeUnknownEither(endpoint.successSchema as Schema.Schema<unknown, unknown>),
    segments: endpoint.path.split("/")
  }
  codecsCache.set(endpoint, codecs)
  return codecs
}

const buildPath = (segments: ReadonlyArray<string>, params: Readonly<Record<string, string>> = {}): string =>
  segments.map((s) => (s.startsWith(":") ? encodeURIComponent(params[s.slice(1)] ?? "") : s)).join("/")

/** Without values: where the body differs from the schema, and how (never the body's contents). */
const describeIssue = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue._tag}`)
    .join("; ")

const parseJson = (text: string): unknown => {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const errorFields = (body: unknown, status: number, endpoint: string): Errors.HttpErrorFields => {
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
    return typeof value === "string" ? value : undefined
  }
  return { status, error: message, code: field("code"), param: field("param"), type: field("type"), endpoint }
}

type Decision =
  | { readonly _tag: "Done"; readonly value: unknown }
  | { readonly _tag: "Fail"; readonly error: Errors.ApiError }
  | { readonly _tag: "Retry"; readonly error: Errors.ApiError; readonly waitMs: number | undefined }

const retryAfterMs = (response: Transport.WireResponse, now: number): number | undefined => {
  const reset = Number(response.headers["x-ratelimit-reset"])
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset - now)
  const after = response.headers["retry-after"]
  if (after === undefined) return undefined
  const seconds = Number(after)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000)
  const date = Date.parse(after)
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined
}

const isRetryableStatus = (status: number) =>
  status === 408 || status === 409 || status === 429 || status >= 500

/** Reads one response into a decision: the value, a final error, or a retry. */
const decide = (
  endpoint: string,
  codecs: Codecs,
  response: Transport.WireResponse,
  now: number
): Decision => {
  const { status, text } = response
  if (status >= 200 && status < 300) {
    const decoded = codecs.decodeSuccess(parseJson(text))
    return Either.isRight(decoded)
      ? { _tag: "Done", value: decoded.right }
      : {
          _tag: "Fail",
          error: new Errors.ApiSchemaError({ endpoint, status, issue: describeIssue(decoded.left) })
        }
  }
  const wait = status === 429 ? retryAfterMs(response, now) : undefined
  const error = Errors.fromStatus(
    errorFields(parseJson(text), status, endpoint),
    wait !== undefined ? now + wait : undefined
  )
  const hint = response.headers["x-should-retry"]
  const retryable = hint === "true" ? true : hint === "false" ? false : isRetryableStatus(status)
  return retryable ? { _tag: "Retry", error, waitMs: wait } : { _tag: "Fail", error }
}

/** Sends a prepared request with the retry policy; the same request (and idempotency key) every attempt. */
const send = (
  client: ManagementClient["Type"],
  endpoint: string,
  codecs: Codecs,
  request: Transport.WireRequest
): Effect.Effect<unknown, Errors.ApiError> =>
  Effect.gen(function* () {
    const { retry, timeout } = client.options
    let attempt = 0
    while (true) {
      attempt++
      const outcome = yield* client.transport.send(request).pipe(Effect.timeout(timeout), Effect.either)
      const now = yield* Clock.currentTimeMillis
      const decision: Decision = Either.isLeft(outcome)
        ? {
            _tag: "Retry",
            error: new Errors.ApiConnectionError({
              endpoint,
              reason:
                outcome.left._tag === "TimeoutException" ? "the attempt timed out" : outcome.left.reason,
              attempts: attempt
            }),
            waitMs: undefined
          }
        : decide(endpoint, codecs, outcome.right, now)
      if (decision._tag === "Done") return decision.value
      if (decision._tag === "Fail" || attempt >= retry.maxAttempts) return yield* decision.error
      let waitMs = decision.waitMs
      if (waitMs === undefined) {
        const base = Math.min(retry.maxDelayMs, retry.initialDelayMs * retry.factor ** (attempt - 1))
        waitMs = retry.jitter ? base * (0.5 + 0.5 * (yield* Random.next)) : base
      } else if (waitMs > retry.maxRateLimitWaitMs) {
        return yield* decision.error
      }
      yield* Effect.sleep(Duration.millis(waitMs))
    }
  })

const newIdempotencyKey = (): string => globalThis.crypto.randomUUID()

/**
 * Calls a catalog route under the current auth: checks the capability before anything is sent, builds the
 * request (path segments percent-encoded, body encoded with the endpoint's schema), sends it with retries,
 * and decodes the answer with the endpoint's success schema.
 *
 * Its `R` carries the route's requirement, so only a program that provides an accepted credential kind
 * compiles (see `Auth.withAuth`).
 */
export const call = <R extends AnyRoute>(route: R, input: CallInput): Call<R> =>
  Effect.flatMap(Capability.authorize(route.capability), (auth) =>
    Effect.flatMap(ManagementClient, (client) => {
      const endpoint = route.endpoint as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
      const codecs = codecsOf(endpoint)
      const name = route.capability.name
      const prepared = prepare(client, auth, name, endpoint, codecs, input)
      if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
      return send(client, name, codecs, prepared.right).pipe(
        Effect.withSpan(`authctx ${name}`, {
          kind: "client",
          captureStackTrace: false,
          attributes: {
            "authctx.endpoint": name,
            "authctx.credential.kind": auth.credential._tag,
            "http.request.method": endpoint.method,
            "url.template": endpoint.path
          }
        })
      )
    })
  ) as Call<R>

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

/** Builds the HTTP request of a call (pure: the same request is sent on every attempt). */
const prepare = (
  client: ManagementClient["Type"],
  auth: Auth.AuthContext,
  name: string,
  endpoint: HttpApiEndpoint.HttpApiEndpoint.AnyWithProps,
  codecs: Codecs,
  input: CallInput
): Either.Either<Transport.WireRequest, Errors.ApiError> => {
  const credential = auth.credential
  if (
    credential._tag === "SecretKey" &&
    input.environment !== undefined &&
    input.environment !== credential.environment
  ) {
    // The server does not refuse this: without a branch it answers with the key's own environment
    // (a dev key "writing to prod" writes to dev). docs/reference/headers-and-branches.md.
    return Either.left(
      new Errors.InvalidRequestError({
        endpoint: name,
        issue: `a secret key of the ${credential.environment} environment acts on ${credential.environment} only, not on ${input.environment}; use that environment's key or a personal access token`
      })
    )
  }
  const environment = credential._tag === "SecretKey" ? credential.environment : input.environment
  // Every header 4.8.3 sends outside a task, by name from one place: docs/reference/headers-and-branches.md.
  const headers: Record<string, string> = {
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
  const branch = Auth.branchFor(auth, environment)
  if (branch !== undefined) headers[Headers.branch] = branch
  let url = `${auth.baseURL}${buildPath(codecs.segments, input.path)}`
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
          new Errors.InvalidRequestError({ endpoint: name, issue: describeIssue(encoded.left) })
        )
      }
      body = JSON.stringify(encoded.right)
    }
  }
  return Either.right({ method: endpoint.method, url, headers, body })
}
