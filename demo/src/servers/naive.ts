/**
 * The naive server: plain `node:http`, no authctx. It does what the official SDK's docs say `auth.withAuth` does (and what it falls back to without AsyncLocalStorage)
 * (see the SDK's authentication page, "How scoping actually works"): install the request's credential in
 * ONE process-wide variable, run the handler, restore the previous value in a `finally`. Every call to the
 * API reads whatever that variable holds at the moment of the call, so when requests overlap, a request
 * calls the API with another tenant's credential.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { Credential } from "@authctx/core"
import { previewBranch, type Tenant, tenantIdOf } from "../tenants.js"
import { type CallReport, callReport, jitter, type TenantAnswer } from "../work.js"
import { listen, type Running, type ServerContext } from "./listen.js"

/** The SDK's global configuration, as `configure()` and `auth.withAuth` keep it. */
interface GlobalConfig {
  readonly accessToken: string
  readonly previewBranch: string | undefined
}

const fingerprintOf = (token: string): string => Credential.fingerprint(Credential.unsafeParse(token))

export const startNaive = (context: ServerContext, fallback: string): Promise<Running> => {
  const { tenants, baseURL } = context
  /** `configure({ secretKey })` at startup: the process-wide default. */
  const configured: GlobalConfig = { accessToken: fallback, previewBranch: undefined }
  /** The one global that `withAuth` swaps. */
  let current: GlobalConfig | undefined

  /** The SDK's `auth.withAuth`: save, install globally, run, restore in `finally`. */
  const withAuth = async <T>(config: GlobalConfig, fn: () => Promise<T>): Promise<T> => {
    const previous = current
    current = config
    try {
      return await fn()
    } finally {
      current = previous
    }
  }

  /** An SDK call: reads the global when it is made. */
  const retrieve = async (tenant: Tenant): Promise<CallReport> => {
    const config = current ?? configured
    const headers: Record<string, string> = { authorization: `Bearer ${config.accessToken}` }
    if (tenant.env === "preview" && config.previewBranch !== undefined) {
      headers["x-trigger-branch"] = config.previewBranch
    }
    const response = await fetch(
      `${baseURL}/api/v1/projects/${encodeURIComponent(tenant.projectRef)}/envvars/${tenant.env}/${tenant.varName}`,
      { headers }
    )
    const body: unknown = await response.json()
    const value =
      response.ok &&
      typeof body === "object" &&
      body !== null &&
      "value" in body &&
      typeof body.value === "string"
        ? body.value
        : `status ${response.status}`
    return callReport(tenant, "global", fingerprintOf(config.accessToken), value)
  }

  const handle = async (tenant: Tenant): Promise<TenantAnswer> =>
    withAuth(
      {
        accessToken: tenant.token,
        previewBranch: tenant.env === "preview" ? previewBranch : undefined
      },
      async () => {
        await jitter()
        const first = await retrieve(tenant)
        await jitter()
        const second = await retrieve(tenant)
        return { tenant: tenant.id, calls: [first, second] }
      }
    )

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body)
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
    res.end(text)
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname
    const header = req.headers["x-tenant"]
    const tenant = tenants.byId.get(tenantIdOf(path, typeof header === "string" ? header : undefined) ?? "")
    if (!(req.method === "GET" && (path === "/vars" || /^\/t\/[^/]+\/vars$/.test(path)))) {
      send(res, 404, { error: "not found" })
      return
    }
    if (tenant === undefined) {
      send(res, 401, { error: "unknown tenant" })
      return
    }
    handle(tenant).then(
      (answer) => send(res, answer.calls.every((c) => c.value === tenant.id) ? 200 : 502, answer),
      (error: unknown) => send(res, 502, { error: error instanceof Error ? error.name : "handler failed" })
    )
  }
  return listen("naive", listener)
}
