/**
 * The global-swap server: plain `node:http`, no authctx, no SDK. It does what the official SDK's docs say
 * `auth.withAuth` does (the SDK's authentication page, "How scoping actually works"), and what the SDK 4.8.3
 * itself does where it finds no scope storage (no AsyncLocalStorage: edge runtimes, browsers): install the
 * request's credential in ONE process-wide variable, run the handler, restore the previous value in a
 * `finally`. Every call to the API reads whatever that variable holds at the moment of the call, so when
 * requests overlap, a request calls the API with another tenant's credential. (On Node the SDK keeps its
 * scopes in AsyncLocalStorage instead: the `sdk` server runs the SDK itself.)
 */
import { tenantWork, type WorkPath } from "@authctx/adapter-testkit"
import { Credential } from "@authctx/core"
import { previewBranch } from "../tenants.js"
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

  /** The global a call made now would send. */
  const global = (): GlobalConfig => current ?? configured

  /** An API call: reads the global when it is made; a refused call answers its status (the work goes on). */
  const get = async (
    env: string,
    path: string
  ): Promise<{ readonly status: number; readonly body: unknown }> => {
    const config = global()
    const headers: Record<string, string> = { authorization: `Bearer ${config.accessToken}` }
    if (env === "preview" && config.previewBranch !== undefined) {
      headers["x-trigger-branch"] = config.previewBranch
    }
    const response = await fetch(`${baseURL}${path}`, { headers })
    const body: unknown = await response.json()
    return { status: response.ok ? 200 : response.status, body }
  }

  /** The global swap's envvars calls, reporting the global's credential: the ambient calls of this server. */
  const calls: WorkPath = {
    credential: () => fingerprintOf(global().accessToken),
    retrieve: async (projectRef, env, name) => {
      const { status, body } = await get(
        env,
        `/api/v1/projects/${encodeURIComponent(projectRef)}/envvars/${env}/${encodeURIComponent(name)}`
      )
      const value =
        status === 200 &&
        typeof body === "object" &&
        body !== null &&
        "value" in body &&
        typeof body.value === "string"
          ? body.value
          : `status ${status}`
      return { value }
    },
    list: async (projectRef, env) => {
      const { status, body } = await get(
        env,
        `/api/v1/projects/${encodeURIComponent(projectRef)}/envvars/${env}`
      )
      if (status !== 200 || !Array.isArray(body)) return []
      const entries: ReadonlyArray<unknown> = body
      return entries.flatMap((v) =>
        typeof v === "object" && v !== null && "name" in v && typeof v.name === "string"
          ? [{ name: v.name }]
          : []
      )
    }
  }

  return plainTenantServer("naive", tenants, (tenant) =>
    withAuth(
      {
        accessToken: tenant.token,
        previewBranch: tenant.env === "preview" ? previewBranch : undefined
      },
      () => tenantWork(tenant, calls, calls)
    )
  )
}
