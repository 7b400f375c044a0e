/**
 * How the client puts a request on the wire: one small interface, three implementations — any
 * `@effect/platform` `HttpClient`, Node's `http`/`https` with keep-alive (the default on Node: a third of
 * the per-call overhead of `fetch`), and the global `fetch` (edge runtimes, browsers).
 *
 * @example
 * ```ts
 * import { ManagementClient, Transport } from "@authctx/client"
 * import { Layer } from "effect"
 *
 * const transport = Transport.node() ?? Transport.fetch()
 * const ClientLive = Layer.succeed(ManagementClient.ManagementClient, ManagementClient.make(transport))
 * ```
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { BodyReader, freeBytes } from "./internal/body.js"

/**
 * The default limit on a response body: 32 MiB. The management API's answers are small (a list page holds
 * at most 100 items, and the server offloads payloads and outputs of 128 KiB or more to presigned URLs), so
 * 32 MiB is far above any legitimate answer while bounding what one call can cost. Why a limit at all, and
 * how to raise it: docs/reference/retries-and-limits.md.
 */
export const defaultMaxResponseBytes = 32 * 1024 * 1024

/** A request as sent: the same object on every attempt (headers include the idempotency key). */
export interface WireRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  /** Stop reading (and close the connection) once the body passes this many bytes. Default {@link defaultMaxResponseBytes}. */
  readonly maxResponseBytes?: number | undefined
}

/** A response as received: header names in lower case, the body as text. */
export interface WireResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly text: string
}

/** No response: the connection failed or broke. `reason` never holds the request's headers. */
export class TransportError extends Data.TaggedError("TransportError")<{ readonly reason: string }> {}

/** The body passed `maxResponseBytes`: reading stopped there and the connection was closed. */
export class ResponseTooLarge extends Data.TaggedError("ResponseTooLarge")<{
  readonly status: number
  readonly limitBytes: number
}> {}

/** The attempt's time limit passed before the response ended: the request was stopped (its connection closed). */
export class TransportTimeout extends Data.TaggedError("TransportTimeout")<{ readonly timeoutMs: number }> {}

/** Why a transport gave no response. */
export type TransportFailure = TransportError | ResponseTooLarge | TransportTimeout

/** Stops a request in flight (its connection closed); nothing is reported after it. */
export type Cancel = () => void

/**
 * Sends one request with a callback and no Effect: `done` is called once, with the response or the
 * failure (never after the returned {@link Cancel}). The transport owns the attempt's timer: one
 * `setTimeout` per request, cleared when it ends. This is what the Promise API's direct path runs
 * (docs/decisions/0025-client-fast-path.md).
 */
export type Start = (
  request: WireRequest,
  timeoutMs: number,
  done: (outcome: Either.Either<WireResponse, TransportFailure>) => void
) => Cancel

/**
 * Sends one request. `send` stops a request still running after `timeoutMs` (failing with
 * {@link TransportTimeout}) when the transport says so with `enforcesTimeout`; for a transport that does
 * not, the client races each attempt with its own timer. A transport with `start` (the callback form of
 * `send`) also serves the Promise API's direct path.
 */
export interface Transport {
  readonly send: (request: WireRequest, timeoutMs?: number) => Effect.Effect<WireResponse, TransportFailure>
  /** `send` honours its `timeoutMs`. */
  readonly enforcesTimeout?: boolean | undefined
  /** The callback form of `send`, when the transport has one. */
  readonly start?: Start | undefined
}

/** Past this, `setTimeout` fires at once (a 32-bit delay): a limit this long (24.8 days) is no limit. */
const maxTimerMs = 2_147_483_647

/** A timer that calls `f` after `ms`, or none when `ms` is no limit. */
const timer = (ms: number, f: () => void): ReturnType<typeof setTimeout> | undefined =>
  ms < maxTimerMs ? setTimeout(f, Math.max(0, ms)) : undefined

/**
 * A transport from its callback form: `send` is `start` in one `Effect.async` (interrupting the fiber
 * cancels the request).
 *
 * @example
 * ```ts
 * import { Transport } from "@authctx/client"
 * import { Either } from "effect"
 *
 * const canned = Transport.fromStart((_request, _timeoutMs, done) => {
 *   done(Either.right({ status: 200, headers: {}, text: "{}" }))
 *   return () => {}
 * })
 * ```
 */
export const fromStart = (start: Start): Transport => ({
  enforcesTimeout: true,
  start,
  send: (request, timeoutMs = maxTimerMs) =>
    Effect.async<WireResponse, TransportFailure>((resume) => {
      const cancel = start(request, timeoutMs, (outcome) =>
        resume(Either.isRight(outcome) ? Effect.succeed(outcome.right) : Effect.fail(outcome.left))
      )
      return Effect.sync(cancel)
    })
})

const limitOf = (request: WireRequest): number => request.maxResponseBytes ?? defaultMaxResponseBytes

/** A declared `content-length` over the limit: refuse before reading a byte. */
const declaredOver = (value: string | null | undefined, limit: number): boolean => {
  const declared = value == null ? Number.NaN : Number(value)
  return Number.isFinite(declared) && declared > limit
}

/** Runs `effect` with FetchHttpClient's `RequestInit` set not to follow redirects, the rest kept. */
const manualRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
    Effect.provideService(effect, FetchHttpClient.RequestInit, {
      ...Option.getOrUndefined(init),
      redirect: "manual"
    })
  )

/**
 * A transport over an `@effect/platform` `HttpClient` (bring your own: proxies, test clients). The body is
 * read as a stream against the limit. The platform's own `http.client` span is turned off for these
 * requests: the exit it records holds the request, raw `Authorization` header included; the client's own
 * span (`authctx <endpoint>`) records the call instead.
 *
 * @example
 * ```ts
 * import { Transport } from "@authctx/client"
 * import { FetchHttpClient, HttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 *
 * const transport = HttpClient.HttpClient.pipe(Effect.map(Transport.fromHttpClient), Effect.provide(FetchHttpClient.layer))
 * ```
 */
export const fromHttpClient = (client: HttpClient.HttpClient): Transport => {
  const untraced = HttpClient.withTracerDisabledWhen(client, () => true)
  return {
    enforcesTimeout: true,
    send: (request, timeoutMs) => {
      let built = HttpClientRequest.make(request.method as "GET")(request.url, { headers: request.headers })
      if (request.body !== undefined) {
        built = HttpClientRequest.bodyText(
          built,
          request.body,
          request.headers["content-type"] ?? "application/json"
        )
      }
      const limit = limitOf(request)
      return untraced.execute(built).pipe(
        // a fetch-based client (FetchHttpClient) follows redirects unless told not to: the caller's own
        // RequestInit is kept, with `redirect: "manual"` over it (the same 3xx rule as the other transports)
        manualRedirects,
        Effect.mapError((error) => new TransportError({ reason: `${error.reason.toLowerCase()} error` })),
        Effect.flatMap((response) => {
          const tooLarge = new ResponseTooLarge({ status: response.status, limitBytes: limit })
          // a declared length over the limit fails on the first chunk: reading the stream, then
          // cancelling it, is what makes the platform close the connection
          const over = declaredOver(response.headers["content-length"], limit)
          const reader = new BodyReader(over ? -1 : limit)
          return response.stream.pipe(
            Stream.mapError(
              () => new TransportError({ reason: "the connection closed before the response ended" })
            ),
            Stream.runForEach((chunk) => (reader.push(chunk) ? Effect.void : Effect.fail(tooLarge))),
            Effect.map(() => reader.response(response.status, response.headers))
          )
        }),
        (sent) =>
          timeoutMs === undefined || timeoutMs >= maxTimerMs
            ? sent
            : Effect.timeoutFail(sent, {
                duration: timeoutMs,
                onTimeout: () => new TransportTimeout({ timeoutMs })
              })
      )
    }
  }
}

/**
 * A transport over the global `fetch`. The body is read as a stream against the limit; past it, the
 * request is aborted (which closes the connection).
 *
 * @example
 * ```ts
 * import { Transport } from "@authctx/client"
 *
 * const transport = Transport.fetch()
 * ```
 */
export const fetch = (): Transport =>
  fromStart((request, timeoutMs, done) => {
    // aborted on cancel, on the timer, and when the body passes the limit: each closes the connection
    const controller = new AbortController()
    let settled = false
    const finish = (outcome: Either.Either<WireResponse, TransportFailure>) => {
      if (settled) return
      settled = true
      if (timeout !== undefined) clearTimeout(timeout)
      done(outcome)
    }
    const timeout = timer(timeoutMs, () => {
      finish(Either.left(new TransportTimeout({ timeoutMs })))
      controller.abort()
    })
    fetchOnce(request, controller).then(finish, (cause: unknown) =>
      finish(
        Either.left(new TransportError({ reason: cause instanceof Error ? cause.name : "fetch failed" }))
      )
    )
    return () => {
      settled = true
      if (timeout !== undefined) clearTimeout(timeout)
      controller.abort()
    }
  })

const fetchOnce = async (
  request: WireRequest,
  controller: AbortController
): Promise<Either.Either<WireResponse, ResponseTooLarge>> => {
  const init: RequestInit = {
    method: request.method,
    headers: request.headers,
    signal: controller.signal,
    // a 3xx is the answer (an UnexpectedStatusError), as over Node `http`: never another origin's answer
    // taken for the API's, nor a body sent on to where a server points (docs/reference/retries-and-limits.md)
    redirect: "manual"
  }
  if (request.body !== undefined) init.body = request.body
  const response = await globalThis.fetch(request.url, init)
  const limit = limitOf(request)
  const tooLarge = Either.left(new ResponseTooLarge({ status: response.status, limitBytes: limit }))
  if (declaredOver(response.headers.get("content-length"), limit)) {
    controller.abort()
    return tooLarge
  }
  // a byte stream's chunks are the reader's alone (see `isByteStream`): freed once copied
  const reader = new BodyReader(limit, { owned: response.body !== null && isByteStream(response.body) })
  if (response.body !== null) {
    const stream = response.body.getReader()
    while (true) {
      const { done, value } = await stream.read()
      if (done) break
      if (!reader.push(value)) {
        controller.abort()
        return tooLarge
      }
    }
  }
  const headers: Record<string, string> = {}
  response.headers.forEach((value, key) => {
    headers[key] = value
  })
  return Either.right(reader.response(response.status, headers))
}

/**
 * Whether `stream` is a byte stream (`type: "bytes"`, as the body of every `fetch` response on Node 20–24
 * is; tried with a BYOB reader, released at once). The Streams standard transfers each chunk enqueued on
 * one (its source's buffer is detached, the stream holds the only view), so what a reader reads from it is
 * that reader's alone and may be freed once copied. A default stream's chunks may be a source's buffer it
 * reads again (a mocked `fetch`), and are never freed.
 */
const isByteStream = (stream: ReadableStream<Uint8Array>): boolean => {
  try {
    stream.getReader({ mode: "byob" }).releaseLock()
    return true
  } catch {
    return false
  }
}

/** The parts of `node:http` / `node:https` the Node transport uses. */
interface NodeIncoming {
  readonly statusCode?: number | undefined
  readonly headers: Record<string, string | Array<string> | undefined>
  /** Bytes parsed but not yet emitted as `data`. */
  readonly readableLength: number
  readonly socket: NodeSocket | null
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown
  on(event: "end" | "aborted" | "close", listener: () => void): unknown
  on(event: "error", listener: (error: Error) => void): unknown
  destroy(): unknown
}
interface NodeSocket {
  on(event: "data", listener: (read: Uint8Array) => void): unknown
  off(event: "data", listener: (read: Uint8Array) => void): unknown
}
interface NodeClientRequest {
  on(event: "error", listener: (error: Error & { code?: string }) => void): unknown
  end(body?: string): unknown
  destroy(): unknown
}
interface NodeHttpModule {
  readonly Agent: new (options: { keepAlive: boolean; maxSockets?: number }) => object
  request(
    url: string,
    options: { method: string; headers: Readonly<Record<string, string>>; agent: object },
    callback: (response: NodeIncoming) => void
  ): NodeClientRequest
}

interface NodeGlobals {
  readonly process?: { readonly getBuiltinModule?: (id: string) => unknown }
}

/**
 * The keep-alive agents of every Node transport in the process, made on first use (as Node's own global
 * agent is shared): a layer built for each call (`Effect.provide(ManagementClient.layerNode())` around every
 * request) then reuses connections instead of opening one per call and leaving it open — 10× raw
 * `node:http`'s CPU per call with an agent per transport (docs/decisions/0040-compiled-decoders.md). Idle
 * sockets do not keep the process alive (Node unreferences a pooled socket).
 */
let sharedAgents: { readonly http: object; readonly https: object } | undefined

/**
 * A transport over Node's `http` and `https` modules with keep-alive agents, or `undefined` where they do
 * not exist (found with `process.getBuiltinModule`, so bundles for other runtimes do not break).
 *
 * @example
 * ```ts
 * import { Transport } from "@authctx/client"
 *
 * const transport = Transport.node() ?? Transport.fetch()
 * ```
 */
export const node = (): Transport | undefined => {
  const load = (globalThis as NodeGlobals).process?.getBuiltinModule
  const http = load?.("node:http") as NodeHttpModule | undefined
  const https = load?.("node:https") as NodeHttpModule | undefined
  if (http === undefined || https === undefined) return undefined
  sharedAgents ??= {
    http: new http.Agent({ keepAlive: true, maxSockets: 128 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 128 })
  }
  const agents = sharedAgents
  return fromStart((request, timeoutMs, done) => {
    const secure = request.url.startsWith("https:")
    const module = secure ? https : http
    let settled = false
    let outgoing: NodeClientRequest | undefined
    const finish = (outcome: Either.Either<WireResponse, TransportFailure>) => {
      if (settled) return
      settled = true
      if (timeout !== undefined) clearTimeout(timeout)
      done(outcome)
    }
    const fail = (reason: string) => finish(Either.left(new TransportError({ reason })))
    // the attempt's one timer, owned here and cleared when the request ends (the client races nothing)
    const timeout = timer(timeoutMs, () => {
      finish(Either.left(new TransportTimeout({ timeoutMs })))
      outgoing?.destroy()
    })
    try {
      outgoing = module.request(
        request.url,
        { method: request.method, headers: request.headers, agent: secure ? agents.https : agents.http },
        (response) => {
          const status = response.statusCode ?? 0
          const limit = limitOf(request)
          const tooLarge = () => {
            if (settled) return
            // settled first: destroying emits the connection's own errors at once
            finish(Either.left(new ResponseTooLarge({ status, limitBytes: limit })))
            // stop reading: the socket is destroyed, not returned to the pool with a body half read
            response.destroy()
            outgoing?.destroy()
          }
          const declared = response.headers["content-length"]
          if (declaredOver(typeof declared === "string" ? declared : undefined, limit)) return tooLarge()
          // owned: Node's HTTP parser copies each piece of the body into a buffer of its own
          const reader = new BodyReader(limit, { owned: true })
          // Each socket read is garbage once parsed (the body's pieces are copies), but only a collection
          // frees it: reading 50 MiB kept nothing and still peaked at 38–67 MiB on Node 22–24. This
          // listener runs after the HTTP client's own (added when the socket was assigned, before any
          // answer), so the read is parsed when it sees it; it frees the read once the reader has copied
          // every piece of it (`copying`, and none waiting in the response's buffer): 7 MiB on Node 22–24.
          // It is added only once the reader copies (past 1 MiB): before that it would free nothing, and
          // nearly every answer ends before (no listener added and removed on the socket per request).
          const socket = response.socket
          const freeRead = (read: Uint8Array) => {
            if (reader.copying && response.readableLength === 0) freeBytes(read)
          }
          let watching = false
          // off when the response ends (its socket may serve the next request) or closes for any reason
          const unwatch = () => socket?.off("data", freeRead)
          response.on("data", (chunk) => {
            if (settled) return
            if (!reader.push(chunk)) return tooLarge()
            if (!watching && reader.copying && socket) {
              watching = true
              socket.on("data", freeRead)
              response.on("close", unwatch)
            }
          })
          response.on("aborted", () => fail("the connection closed before the response ended"))
          response.on("error", () => fail("the connection closed before the response ended"))
          response.on("end", () => {
            if (watching) unwatch()
            if (settled) return
            const headers: Record<string, string> = {}
            for (const [key, value] of Object.entries(response.headers)) {
              if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(", ") : value
            }
            finish(Either.right(reader.response(status, headers)))
          })
        }
      )
    } catch {
      // e.g. a header value Node refuses; its message may quote the value, so it is not kept
      fail("the request could not be sent")
      return () => {}
    }
    outgoing.on("error", (error) =>
      fail(error.code ? `connection error (${error.code})` : "connection error")
    )
    outgoing.end(request.body)
    return () => {
      if (timeout !== undefined) clearTimeout(timeout)
      settled = true
      outgoing?.destroy()
    }
  })
}
