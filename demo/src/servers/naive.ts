/**
 * The global-swap server: plain `node:http`, no authctx, no SDK. It does what the official SDK's docs say
 * `auth.withAuth` does (the SDK's authentication page, "How scoping actually works"), and what the SDK 4.8.3
 * itself does where it finds no scope storage (no AsyncLocalStorage: edge runtimes, browsers): install the
 * request's credential in ONE process-wide variable, run the handler, restore the previous value in a
 * `finally`. Every call to the API reads whatever that variable holds at the moment of the call, so when
 * requests overlap, a request calls the API with another tenant's credential. (On Node the SDK keeps its
 * scopes in AsyncLocalStorage instead: the `sdk` server runs the SDK itself.)
 */
import { Credential } from "@authctx/core"
import { previewBranch, type Tenant } from "../tenants.js"
import { type CallReport, callReport, twoCalls } from "../work.js"
import { plainTenantServer, type Running, type ServerContext } from "./listen.js"

/** The global configuration, as the SDK's `configure()` and its fallback `auth.withAuth` keep it. */
interface GlobalConfig {
  readonly accessToken: string
  readonly previewBranch: string | undefined
}

const fingerprintOf = (token: string): string => Credential.fingerprint(Credential.unsafeParse(token))

export const startNaive = (context: ServerContext, fallback: string): Promise<Running> => {
  const { tenants, baseURL } = context
  /** `configure({ accessToken })` at startup: the process-wide default. */
  const configured: GlobalConfig = { accessToken: fallback, previewBranch: undefined }
  /** The one global that `withAuth` swaps. */
  let current: GlobalConfig | undefined

  /** The documented `auth.withAuth`: save, install globally, run, restore in `finally`. */
  const withAuth = async <T>(config: GlobalConfig, fn: () => Promise<T>): Promise<T> => {
    const previous = current
    current = config
    try {
      return await fn()
    } finally {
      current = previous
    }
  }

  /** An API call: reads the global when it is made. */
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

  return plainTenantServer("naive", tenants, (tenant) =>
    withAuth(
      {
        accessToken: tenant.token,
        previewBranch: tenant.env === "preview" ? previewBranch : undefined
      },
      () => twoCalls(tenant, retrieve)
    )
  )
}
