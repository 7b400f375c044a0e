/**
 * `@authctx/server`: per-request auth for HTTP servers that call the Trigger.dev management API, framework
 * neutral. `RequestAuth.make` turns a request into its auth context or a `RequestAuthError` ready to send
 * (`Bearer` reads the header and writes the challenge; the error carries the problem+json body), and
 * `AuthHandle` is what handlers get. The Express, Koa and Hono adapters are thin shells over it.
 *
 * @example
 * ```ts
 * import { AuthHandle, problemBody, problemContentType, RequestAuth } from "@authctx/server"
 * import { Either } from "effect"
 * import { createServer } from "node:http"
 *
 * const authenticate = RequestAuth.make({ accept: ["SecretKey"] })
 * createServer(async (req, res) => {
 *   const result = await authenticate({ header: RequestAuth.nodeHeader(req), request: req })
 *   if (Either.isLeft(result)) {
 *     res.writeHead(result.left.status, { ...result.left.headers, "Content-Type": problemContentType })
 *     res.end(problemBody(result.left))
 *     return
 *   }
 *   const auth = AuthHandle.make(result.right)
 *   res.end(JSON.stringify(await auth.client.runs.list({ limit: 1 })))
 * })
 * ```
 */
export * as AuthHandle from "./AuthHandle.js"
export * as Bearer from "./Bearer.js"
export * from "./Errors.js"
export * as RequestAuth from "./RequestAuth.js"
