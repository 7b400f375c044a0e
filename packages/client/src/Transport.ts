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
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Data, Effect, Either, Stream } from "effect"
import { BodyReader } from "./internal/body.js"

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

/** Sends one request. */
export interface Transport {
  readonly send: (request: WireRequest) => Effect.Effect<WireResponse, TransportError | ResponseTooLarge>
}

const limitOf = (request: WireRequest): number => request.maxResponseBytes ?? defaultMaxResponseBytes

/** A declared `content-length` over the limit: refuse before reading a byte. */
const declaredOver = (value: string | null | undefined, limit: number): boolean => {
  const declared = value == null ? Number.NaN : Number(value)
  return Number.isFinite(declared) && declared > limit
}

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
    send: (request) => {
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
export const fetch = (): Transport => ({
  send: (request) =>
    Effect.tryPromise({
      try: async (signal): Promise<Either.Either<WireResponse, ResponseTooLarge>> => {
        // our own controller: aborted when the fiber is interrupted and when the body passes the limit
        const controller = new AbortController()
        const abort = () => controller.abort()
        signal.addEventListener("abort", abort, { once: true })
        try {
          const init: RequestInit = {
            method: request.method,
            headers: request.headers,
            signal: controller.signal
          }
          if (request.body !== undefined) init.body = request.body
          const response = await globalThis.fetch(request.url, init)
          const limit = limitOf(request)
          const tooLarge = Either.left(new ResponseTooLarge({ status: response.status, limitBytes: limit }))
          if (declaredOver(response.headers.get("content-length"), limit)) {
            controller.abort()
            return tooLarge
          }
          const reader = new BodyReader(limit)
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
        } finally {
          signal.removeEventListener("abort", abort)
        }
      },
      catch: (cause) => new TransportError({ reason: cause instanceof Error ? cause.name : "fetch failed" })
    }).pipe(Effect.flatten)
})

/** The parts of `node:http` / `node:https` the Node transport uses. */
interface NodeIncoming {
  readonly statusCode?: number | undefined
  readonly headers: Record<string, string | Array<string> | undefined>
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown
  on(event: "end" | "aborted", listener: () => void): unknown
  on(event: "error", listener: (error: Error) => void): unknown
  destroy(): unknown
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
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 128 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 128 })
  }
  return {
    send: (request) =>
      Effect.async<WireResponse, TransportError | ResponseTooLarge>((resume) => {
        const secure = request.url.startsWith("https:")
        const module = secure ? https : http
        let settled = false
        const fail = (reason: string) => {
          if (settled) return
          settled = true
          resume(Effect.fail(new TransportError({ reason })))
        }
        let outgoing: NodeClientRequest
        try {
          outgoing = module.request(
            request.url,
            { method: request.method, headers: request.headers, agent: secure ? agents.https : agents.http },
            (response) => {
              const status = response.statusCode ?? 0
              const limit = limitOf(request)
              const tooLarge = () => {
                if (settled) return
                settled = true
                // stop reading: the socket is destroyed, not returned to the pool with a body half read
                response.destroy()
                outgoing.destroy()
                resume(Effect.fail(new ResponseTooLarge({ status, limitBytes: limit })))
              }
              const declared = response.headers["content-length"]
              if (declaredOver(typeof declared === "string" ? declared : undefined, limit)) return tooLarge()
              const reader = new BodyReader(limit)
              response.on("data", (chunk) => {
                if (!settled && !reader.push(chunk)) tooLarge()
              })
              response.on("aborted", () => fail("the connection closed before the response ended"))
              response.on("error", () => fail("the connection closed before the response ended"))
              response.on("end", () => {
                if (settled) return
                settled = true
                const headers: Record<string, string> = {}
                for (const [key, value] of Object.entries(response.headers)) {
                  if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(", ") : value
                }
                resume(Effect.succeed(reader.response(status, headers)))
              })
            }
          )
        } catch {
          // e.g. a header value Node refuses; its message may quote the value, so it is not kept
          fail("the request could not be sent")
          return
        }
        outgoing.on("error", (error) =>
          fail(error.code ? `connection error (${error.code})` : "connection error")
        )
        outgoing.end(request.body)
        return Effect.sync(() => {
          settled = true
          outgoing.destroy()
        })
      })
  }
}
