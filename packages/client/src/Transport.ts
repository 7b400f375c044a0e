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
import type { HttpClient } from "@effect/platform"
import { HttpClientRequest } from "@effect/platform"
import { Data, Effect } from "effect"

/** A request as sent: the same object on every attempt (headers include the idempotency key). */
export interface WireRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

/** A response as received: header names in lower case, the body as text. */
export interface WireResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly text: string
}

/** No response: the connection failed or broke. `reason` never holds the request's headers. */
export class TransportError extends Data.TaggedError("TransportError")<{ readonly reason: string }> {}

/** Sends one request. */
export interface Transport {
  readonly send: (request: WireRequest) => Effect.Effect<WireResponse, TransportError>
}

/**
 * A transport over an `@effect/platform` `HttpClient` (bring your own: tracing, proxies, test clients).
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
export const fromHttpClient = (client: HttpClient.HttpClient): Transport => ({
  send: (request) => {
    let built = HttpClientRequest.make(request.method as "GET")(request.url, { headers: request.headers })
    if (request.body !== undefined) {
      built = HttpClientRequest.bodyText(
        built,
        request.body,
        request.headers["content-type"] ?? "application/json"
      )
    }
    return client.execute(built).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.text, (text) => ({ status: response.status, headers: response.headers, text }))
      ),
      Effect.mapError((error) => new TransportError({ reason: `${error.reason.toLowerCase()} error` }))
    )
  }
})

/**
 * A transport over the global `fetch`.
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
      try: async (signal) => {
        const init: RequestInit = { method: request.method, headers: request.headers, signal }
        if (request.body !== undefined) init.body = request.body
        const response = await globalThis.fetch(request.url, init)
        const headers: Record<string, string> = {}
        response.headers.forEach((value, key) => {
          headers[key] = value
        })
        return { status: response.status, headers, text: await response.text() }
      },
      catch: (cause) => new TransportError({ reason: cause instanceof Error ? cause.name : "fetch failed" })
    })
})

/** The parts of `node:http` / `node:https` the Node transport uses. */
interface NodeIncoming {
  readonly statusCode?: number | undefined
  readonly headers: Record<string, string | Array<string> | undefined>
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown
  on(event: "end" | "aborted", listener: () => void): unknown
  on(event: "error", listener: (error: Error) => void): unknown
  setEncoding(encoding: "utf8"): unknown
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
      Effect.async<WireResponse, TransportError>((resume) => {
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
              response.setEncoding("utf8")
              let text = ""
              response.on("data", (chunk) => {
                text += chunk
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
                resume(Effect.succeed({ status: response.statusCode ?? 0, headers, text }))
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
