/**
 * The envvars routes: per environment (and per preview or dev branch), secret values redacted on read.
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import type { Environment } from "../model.js"
import { notFound } from "./common.js"
import { fail, handle, ok, type RouteHandler, withEnvironment } from "./handle.js"

const redacted = "<redacted>"

const shownVariable = (
  name: string,
  value: string,
  isSecret: boolean
): Schemas.EnvironmentVariableWithSecret => ({
  name,
  value: isSecret ? redacted : value,
  isSecret
})

const success = ok({ success: true })

const importVariables = (
  environment: Environment,
  variables: Readonly<Record<string, string>>,
  override: boolean,
  isSecret: boolean | undefined
): void => {
  for (const [name, value] of Object.entries(variables)) {
    const existing = environment.envvars.get(name)
    if (existing === undefined) environment.envvars.set(name, { value, isSecret: isSecret ?? false })
    else if (override) {
      existing.value = value
      if (isSecret !== undefined) existing.isSecret = isSecret
    }
  }
}

/** The envvars handlers, one per route of the `envvars` group. */
export const envvars: readonly [
  RouteHandler<typeof ManagementApi.envvarsList>,
  RouteHandler<typeof ManagementApi.envvarsRetrieve>,
  RouteHandler<typeof ManagementApi.envvarsUpload>,
  RouteHandler<typeof ManagementApi.envvarsCreate>,
  RouteHandler<typeof ManagementApi.envvarsUpdate>,
  RouteHandler<typeof ManagementApi.envvarsDel>
] = [
  handle(ManagementApi.envvarsList, (context) =>
    withEnvironment(context, (environment) =>
      ok([...environment.envvars].map(([name, v]) => shownVariable(name, v.value, v.isSecret)))
    )
  ),

  handle(ManagementApi.envvarsRetrieve, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const variable = environment.envvars.get(path.name)
      return variable === undefined
        ? notFound.envvar
        : ok(shownVariable(path.name, variable.value, variable.isSecret))
    })
  ),

  handle(ManagementApi.envvarsUpload, (context, { payload }) =>
    withEnvironment(context, (environment) => {
      const override = payload.override ?? false
      importVariables(environment, payload.variables, override, payload.isSecret)
      if (payload.parentVariables !== undefined && environment.parent !== undefined)
        importVariables(environment.parent, payload.parentVariables, override, payload.isSecret)
      return success
    })
  ),

  handle(ManagementApi.envvarsCreate, (context, { payload }) =>
    withEnvironment(context, (environment) => {
      if (environment.envvars.has(payload.name)) return fail(409, "Environment variable already exists")
      environment.envvars.set(payload.name, { value: payload.value, isSecret: payload.isSecret ?? false })
      return success
    })
  ),

  handle(ManagementApi.envvarsUpdate, (context, { path, payload }) =>
    withEnvironment(context, (environment) => {
      const variable = environment.envvars.get(path.name)
      if (variable === undefined) return notFound.envvar
      variable.value = payload.value
      return success
    })
  ),

  handle(ManagementApi.envvarsDel, (context, { path }) =>
    withEnvironment(context, (environment) =>
      environment.envvars.delete(path.name) ? success : notFound.envvar
    )
  )
]
