/**
 * The process-wide default auth: what `AuthScope.configure()` sets, with the environment variables filling
 * the fields it leaves out, built into an auth context when a call needs it (cached until either changes).
 * The public surface is `AuthScope.configure`, `isServerMode` and `makeOverDefault`; the precedence this
 * module implements is docs/decisions/0018-default-auth-precedence.md.
 *
 * @internal
 */
import type * as Either from "effect/Either"
import {
  type AuthConfig,
  type AuthContext,
  type AuthError,
  devBranchFromEnvironment,
  make,
  environmentVariables as names,
  previewBranchFromEnvironment
} from "../Auth.js"

interface ProcessGlobals {
  readonly process?: { readonly env?: Record<string, string | undefined> }
}

/** The process-wide state `configure()` sets: the default configuration and server mode. */
let defaultConfig: AuthConfig = {}
let serverMode = false

/** @internal */
export const configure = (options: AuthConfig & { readonly serverMode?: boolean | undefined }): void => {
  const { serverMode: mode, ...config } = options
  defaultConfig = config
  if (mode !== undefined) serverMode = mode === true
}

/** @internal */
export const isServerMode = (): boolean => serverMode

/** Server mode on, the default configuration left as it is. @internal */
export const enableServerMode = (): void => {
  serverMode = true
}

const environmentVariable = (name: string): string | undefined => {
  const value = (globalThis as ProcessGlobals).process?.env?.[name]
  return value === undefined || value.length === 0 ? undefined : value
}

/**
 * The default configuration, unvalidated: `configure()`'s fields, with environment variables
 * (`TRIGGER_SECRET_KEY`, then `TRIGGER_ACCESS_TOKEN`, `TRIGGER_API_URL`, the preview branch from
 * `TRIGGER_PREVIEW_BRANCH` or `VERCEL_GIT_COMMIT_REF`, the dev branch from `TRIGGER_DEV_BRANCH`) for the
 * fields it leaves out.
 */
const defaultFields = (): AuthConfig => {
  const config = defaultConfig
  const configured = config.accessToken !== undefined || config.secretKey !== undefined
  return {
    accessToken: configured
      ? config.accessToken
      : (environmentVariable(names.secretKey) ?? environmentVariable(names.accessToken)),
    secretKey: configured ? config.secretKey : undefined,
    baseURL: config.baseURL ?? environmentVariable(names.baseURL),
    previewBranch: config.previewBranch ?? previewBranchFromEnvironment(environmentVariable),
    devBranch: config.devBranch ?? devBranchFromEnvironment(environmentVariable)
  }
}

const searchedByDefault = ["withAuth scope", "configure()", names.secretKey, names.accessToken]

/** `config` merged over the default fields, field by field (a credential in `config` replaces both). */
const overDefault = (config: AuthConfig): AuthConfig => {
  const fallback = defaultFields()
  const ownCredential = config.accessToken !== undefined || config.secretKey !== undefined
  return {
    accessToken: ownCredential ? config.accessToken : fallback.accessToken,
    secretKey: ownCredential ? config.secretKey : fallback.secretKey,
    baseURL: config.baseURL ?? fallback.baseURL,
    previewBranch: config.previewBranch ?? fallback.previewBranch,
    devBranch: config.devBranch ?? fallback.devBranch
  }
}

let defaultCache:
  | {
      readonly fields: AuthConfig
      readonly config: AuthConfig
      readonly result: Either.Either<AuthContext, AuthError>
    }
  | undefined

const sameFields = (a: AuthConfig, b: AuthConfig) =>
  a.accessToken === b.accessToken &&
  a.secretKey === b.secretKey &&
  a.baseURL === b.baseURL &&
  a.previewBranch === b.previewBranch &&
  a.devBranch === b.devBranch

/**
 * The default auth context, validated: see {@link configure}. Built again only when `configure()` or the
 * environment variables it reads have changed since the last call.
 *
 * @internal
 */
export const makeDefault = (): Either.Either<AuthContext, AuthError> => {
  const fields = defaultFields()
  if (
    defaultCache !== undefined &&
    defaultCache.config === defaultConfig &&
    sameFields(defaultCache.fields, fields)
  ) {
    return defaultCache.result
  }
  const result = make(fields, undefined, searchedByDefault)
  defaultCache = { fields, config: defaultConfig, result }
  return result
}

/** `config` merged over the default, built; ignores any active scope. @internal */
export const makeOverDefault = (config: AuthConfig): Either.Either<AuthContext, AuthError> =>
  make(overDefault(config), undefined, searchedByDefault)
