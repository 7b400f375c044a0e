/**
 * Environment variables of a project's environment. Both credential kinds: a SecretKey must belong to the
 * named project and environment (another environment is refused before sending); a PAT names any
 * project its user can reach. For `preview` the preview branch, for `dev` the dev branch, is sent as
 * `x-trigger-branch` (docs/reference/headers-and-branches.md).
 *
 * @example
 * ```ts
 * import { Envvars, ManagementClient } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const vars = Envvars.list("proj_1234", "prod").pipe(
 *   Auth.withAuth({ accessToken: "tr_pat_abcdefghijklmnopqrstuvwx0123456789" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import type { Credential } from "@authctx/core"
import * as Calls from "./Calls.js"
import { type Call, call } from "./ManagementClient.js"

/** An environment slug of the envvars routes (`Credential.Environment`, the one definition of the slugs). */
export type EnvironmentSlug = Credential.Environment

/**
 * Lists the variables; a secret's value is redacted by the server.
 *
 * @example
 * ```ts
 * import { Envvars } from "@authctx/client"
 *
 * const vars = Envvars.list("proj_1234", "dev")
 * ```
 */
export const list = (projectRef: string, env: EnvironmentSlug): Call<typeof ManagementApi.envvarsList> =>
  call(ManagementApi.envvarsList, { path: { projectRef, env }, environment: env })

/**
 * Retrieves one variable.
 *
 * @example
 * ```ts
 * import { Envvars } from "@authctx/client"
 *
 * const value = Envvars.retrieve("proj_1234", "dev", "DATABASE_URL")
 * ```
 */
export const retrieve = (
  projectRef: string,
  env: EnvironmentSlug,
  name: string
): Call<typeof ManagementApi.envvarsRetrieve> =>
  call(ManagementApi.envvarsRetrieve, { path: { projectRef, env, name }, environment: env })

/**
 * Imports many variables at once (`override` replaces existing values).
 *
 * @example
 * ```ts
 * import { Envvars } from "@authctx/client"
 *
 * const done = Envvars.upload("proj_1234", "dev", { variables: { MY_ENV_VAR: "value" }, override: true })
 * ```
 */
export const upload = (
  projectRef: string,
  env: EnvironmentSlug,
  body: Schemas.ImportEnvironmentVariablesRequestBody
): Call<typeof ManagementApi.envvarsUpload> =>
  call(ManagementApi.envvarsUpload, { path: { projectRef, env }, payload: body, environment: env })

/**
 * Creates a variable (a 409 `ConflictError` when it exists).
 *
 * @example
 * ```ts
 * import { Envvars } from "@authctx/client"
 *
 * const done = Envvars.create("proj_1234", "dev", { name: "API_KEY", value: "s3cret", isSecret: true })
 * ```
 */
export const create = (
  projectRef: string,
  env: EnvironmentSlug,
  body: Schemas.CreateEnvironmentVariableRequestBody
): Call<typeof ManagementApi.envvarsCreate> =>
  call(ManagementApi.envvarsCreate, { path: { projectRef, env }, payload: body, environment: env })

/**
 * Updates a variable's value.
 *
 * @example
 * ```ts
 * import { Envvars } from "@authctx/client"
 *
 * const done = Envvars.update("proj_1234", "preview", "DATABASE_URL", { value: "postgres://preview" })
 * ```
 */
export const update = (
  projectRef: string,
  env: EnvironmentSlug,
  name: string,
  body: Schemas.UpdateEnvironmentVariableRequestBody
): Call<typeof ManagementApi.envvarsUpdate> =>
  call(ManagementApi.envvarsUpdate, { path: { projectRef, env, name }, payload: body, environment: env })

/**
 * Deletes a variable.
 *
 * @example
 * ```ts
 * import { Envvars } from "@authctx/client"
 *
 * const done = Envvars.del("proj_1234", "dev", "OLD_VAR")
 * ```
 */
export const del = (
  projectRef: string,
  env: EnvironmentSlug,
  name: string
): Call<typeof ManagementApi.envvarsDel> =>
  call(ManagementApi.envvarsDel, { path: { projectRef, env, name }, environment: env })

/**
 * The environment variable calls, as one object: what the Promise API's `envvars` (ambient and per client)
 * is derived from. Every one accepts both kinds.
 *
 * @example
 * ```ts
 * import { Envvars } from "@authctx/client"
 *
 * Object.keys(Envvars.calls) // ["list", "retrieve", "upload", "create", "update", "del"]
 * ```
 */
export const calls = {
  /** Lists an environment's variables. */
  list: Calls.make(ManagementApi.envvarsList, list, 2),
  /** Retrieves one variable, with its value. */
  retrieve: Calls.make(ManagementApi.envvarsRetrieve, retrieve, 3),
  /** Imports variables (`override: true` replaces existing ones). */
  upload: Calls.make(ManagementApi.envvarsUpload, upload, 3),
  /** Creates one variable. */
  create: Calls.make(ManagementApi.envvarsCreate, create, 3),
  /** Updates one variable's value. */
  update: Calls.make(ManagementApi.envvarsUpdate, update, 4),
  /** Deletes one variable. */
  del: Calls.make(ManagementApi.envvarsDel, del, 3)
}
