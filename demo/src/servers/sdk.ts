/**
 * The official SDK's server: plain `node:http` (like the global-swap server) and `@trigger.dev/sdk` itself,
 * used the way its docs show for a multi-tenant backend: `configure()` once with a default, then
 * `auth.withAuth({ accessToken, previewBranch }, handler)` per request, the handler making ambient calls
 * (`envvars.retrieve`). On Node, SDK 4.8.3 keeps each `withAuth` scope in AsyncLocalStorage, so this server
 * is expected not to leak (0 of 200 cross-talk in `pnpm bench`'s Promise run); the demo measures it the same
 * way as the others, from the emulator's log.
 */
import { createRequire } from "node:module"
import { tenantWork, type WorkPath } from "@authctx/adapter-testkit"
import { Credential } from "@authctx/core"
import { apiClientManager } from "@trigger.dev/core/v3"
import * as Sdk from "@trigger.dev/sdk"
import { previewBranch } from "../tenants.js"
import { plainTenantServer, type Running, type ServerContext } from "./listen.js"

/** The installed SDK's version (`4.8.3`), read from its manifest, for the labels. */
export const sdkVersion: string = (() => {
  const manifest: unknown = createRequire(import.meta.url)("@trigger.dev/sdk/package.json")
  return typeof manifest === "object" && manifest !== null && "version" in manifest
    ? String(manifest.version)
    : "unknown"
})()

/**
 * The fingerprint of the credential the SDK would send now (what its calls read), or `undefined` when it
 * has none or it is not a credential.
 */
export const sdkCurrentFingerprint = (): string | undefined => {
  const token = apiClientManager.accessToken
  if (token === undefined) return undefined
  const parsed = Credential.parseEither(token)
  return parsed._tag === "Right" ? Credential.fingerprint(parsed.right) : undefined
}

/** Sets the SDK's process-wide default (`configure`), as an app does once at startup. */
export const configureSdk = (
  config: { readonly accessToken: string; readonly baseURL: string } | undefined
): void => {
  Sdk.configure(config === undefined ? {} : { accessToken: config.accessToken, baseURL: config.baseURL })
}

export const startSdk = (context: ServerContext): Promise<Running> => {
  const { tenants, baseURL } = context

  /** The SDK's ambient envvars calls, reporting the credential its scope holds: the SDK has no per-request client. */
  const calls: WorkPath = {
    credential: sdkCurrentFingerprint,
    retrieve: (projectRef, env, name) => Sdk.envvars.retrieve(projectRef, env, name),
    list: (projectRef, env) => Sdk.envvars.list(projectRef, env)
  }

  // withAuth's declared type is a Promise of the callback's Promise; awaiting it gives the answer.
  return plainTenantServer(
    "sdk",
    tenants,
    async (tenant) =>
      await Sdk.auth.withAuth(
        tenant.env === "preview"
          ? { accessToken: tenant.token, baseURL, previewBranch }
          : { accessToken: tenant.token, baseURL },
        () => tenantWork(tenant, calls, calls)
      )
  )
}
