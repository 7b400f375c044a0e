/**
 * Serving a request listener on 127.0.0.1, on a free port, and closing it with its keep-alive sockets; and
 * the plain `node:http` tenant server that the servers without authctx (the SDK's, the global swap) share.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { isOwn, serve, type WorkResult } from "@authctx/adapter-testkit"
import { Credential } from "@authctx/core"
import { type Slug, type Tenant, type Tenants, tenantIdOf } from "../tenants.js"

/** The demo's servers, in the order of the table: authctx on three frameworks, the SDK, the global swap. */
export type Framework = "express" | "koa" | "hono" | "sdk" | "naive"

/** What every demo server is built from. */
export interface ServerContext {
  readonly tenants: Tenants
  /** The emulator's base URL. */
  readonly baseURL: string
}

/** A running demo server. */
export interface Running {
  readonly framework: Framework
  readonly url: string
  readonly close: () => Promise<void>
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void

/** Listens on 127.0.0.1, port 0 (a free one), with the testkit's `serve` (the adapter suites' own). */
export const listen = async (framework: Framework, listener: Listener): Promise<Running> => {
  const { url, close } = await serve(createServer({ keepAliveTimeout: 10_000 }, listener))
  return { framework, url, close }
}

/** Whether a path segment is an environment slug. */
export const isSlug = (value: string | undefined): value is Slug => Credential.isEnvironment(value)

const send = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
  res.end(text)
}

/**
 * A plain `node:http` server with the demo's tenant routes (`GET /t/:tenant/vars`, `GET /vars` with
 * `x-tenant`): `handle` does the tenant's work (the testkit's `tenantWork`); 200 when the answer is the tenant's own,
 * 502 otherwise (or when `handle` rejects), 401 for an unknown tenant, 404 for anything else.
 */
export const plainTenantServer = (
  framework: Framework,
  tenants: Tenants,
  handle: (tenant: Tenant) => Promise<WorkResult>
): Promise<Running> =>
  listen(framework, (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname
    if (!(req.method === "GET" && (path === "/vars" || /^\/t\/[^/]+\/vars$/.test(path)))) {
      send(res, 404, { error: "not found" })
      return
    }
    const header = req.headers["x-tenant"]
    const tenant = tenants.byId.get(tenantIdOf(path, typeof header === "string" ? header : undefined) ?? "")
    if (tenant === undefined) {
      send(res, 401, { error: "unknown tenant" })
      return
    }
    handle(tenant).then(
      (answer) => send(res, isOwn(tenant, answer) ? 200 : 502, answer),
      (error: unknown) => send(res, 502, { error: error instanceof Error ? error.name : "handler failed" })
    )
  })
