/**
 * The server's auth rules, as the emulator enforces them: who the bearer token belongs to, whether the
 * route accepts that kind, and which environment (or project) the request acts on. Each rule names the
 * server function it copies in docs/emulator.md ("Auth rules and the server behaviour each copies").
 *
 * Tokens are looked up in a `Map` keyed by the whole token rather than compared one by one. That is fine
 * for timing: the map hashes the *whole* presented string and only compares it with entries of the same
 * hash, so response time does not reveal how many leading characters of a real key a guess shares (the
 * leak a `===` loop over known keys would have). The emulator's keys are demo keys anyway.
 */
import { Credential } from "@authctx/core"
import { Either } from "effect"
import type { Environment, Principal, Project, State } from "./model.js"
import { isSlug } from "./model.js"
import { isPublicToken } from "./publicTokenAuth.js"

/** The token's owner, or why there is none. */
export type Identity =
  | { readonly kind: "none" }
  | { readonly kind: "invalid"; readonly fingerprint: string | undefined; readonly token: string }
  /** A JWT whose payload says `pub: true`: verified (asynchronously) on the routes that take one. */
  | { readonly kind: "publicToken"; readonly token: string }
  | {
      readonly kind: "known"
      readonly principal: Principal
      readonly token: string
      /** The header is exactly `Bearer <token>` (the server's PAT check on envvars routes wants this). */
      readonly exact: boolean
    }

const none: Identity = { kind: "none" }

/**
 * The token of an `Authorization` header as the server reads it: a leading `Bearer ` (that case only) is
 * removed and the rest trimmed, so a bare token is a token and `bearer x` is the token `bearer x`.
 * `undefined` when the header is missing or nothing is left.
 */
export const bearerToken = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined
  const token = (header.startsWith("Bearer ") ? header.slice(7) : header).trim()
  return token.length === 0 ? undefined : token
}

/** Who is calling: a Map lookup for known tokens; unknown ones are only parsed for their fingerprint. */
export const identify = (state: State, header: string | undefined): Identity => {
  const token = bearerToken(header)
  if (token === undefined) return none
  const principal = state.tokens.get(token)
  if (principal !== undefined) return { kind: "known", principal, token, exact: header === `Bearer ${token}` }
  if (isPublicToken(token)) return { kind: "publicToken", token }
  const parsed = Credential.parseEither(token)
  return {
    kind: "invalid",
    token,
    fingerprint: Either.isRight(parsed) ? Credential.fingerprint(parsed.right) : undefined
  }
}

const maxCachedHeaders = 4_096

/**
 * {@link identify} with the answers for the emulator's own tokens kept by the whole header: a client sends
 * the same `Authorization` header on every request, and this saves the trim, the lookup and the
 * exact-header string per request. Unknown tokens are not kept (their variety is the client's to choose);
 * the cache is emptied when it reaches 4,096 headers, so memory stays bounded whatever is sent.
 */
export const cachedIdentify = (state: State): ((header: string | undefined) => Identity) => {
  const known = new Map<string, Identity>()
  // The last known header and its answer: a client repeats its header, and comparing it with the last
  // one is a length check and a memcmp, where a Map lookup first hashes the fresh string.
  let lastHeader: string | undefined
  let lastIdentity: Identity = none
  return (header) => {
    if (header === undefined) return none
    if (header === lastHeader) return lastIdentity
    const cached = known.get(header)
    if (cached !== undefined) {
      lastHeader = header
      lastIdentity = cached
      return cached
    }
    const identity = identify(state, header)
    if (identity.kind === "known") {
      if (known.size >= maxCachedHeaders) known.clear()
      known.set(header, identity)
      lastHeader = header
      lastIdentity = identity
    }
    return identity
  }
}

/** The dev branch name that means the root dev environment. */
export const defaultDevBranch = "default"

const refPrefixes = [
  "refs/heads/",
  "refs/remotes/",
  "refs/tags/",
  "refs/pull/",
  "refs/merge/",
  "refs/release/"
]

/**
 * The `x-trigger-branch` header as the server reads it: a git ref prefix (`refs/heads/` and the like) is
 * removed; another `refs/…` value, or an empty one, is no branch.
 */
export const branchOf = (header: string | undefined): string | undefined => {
  if (header === undefined || header.length === 0) return undefined
  const prefix = refPrefixes.find((p) => header.startsWith(p))
  if (prefix !== undefined) return header.slice(prefix.length)
  return header.startsWith("refs/") ? undefined : header
}

/** A refusal: the status and the `error` message of the body. */
export interface Refusal {
  readonly status: number
  readonly error: string
}

/** The server's answers, written once (docs/emulator.md says which server function gives each). */
export const refusals = {
  missingKey: { status: 401, error: "Invalid or Missing API key" },
  missingPat: { status: 401, error: "Invalid or Missing PAT" },
  invalidKey: { status: 401, error: "Invalid API key" },
  invalidPat: { status: 401, error: "Invalid PAT" },
  otherProject: {
    status: 400,
    error:
      "Invalid project ref for this API key. Make sure you are using an API key associated with that project."
  },
  otherEnvironment: {
    status: 400,
    error:
      "Invalid environment slug for this API key. Make sure you are using an API key associated with that environment."
  },
  projectNotFound: { status: 404, error: "Project not found" },
  environmentNotFound: { status: 404, error: "Environment not found" },
  branchNotFound: { status: 404, error: "Branch not found" },
  branchRequired: { status: 401, error: "x-trigger-branch header required for preview env" },
  noBranch: { status: 401, error: "No matching branch env" },
  patNeedsProject: {
    status: 400,
    error: "A personal access token needs a route that names the project (projectRef)"
  }
} as const satisfies Record<string, Refusal>

/** What a route needs to know to authorize: its accepted kinds and which scope its path names. */
export interface RouteAuth {
  readonly acceptsSecretKey: boolean
  readonly acceptsPat: boolean
  /** The path has a `:projectRef` segment. */
  readonly hasProjectRef: boolean
  /** The path has an `:env` segment. */
  readonly hasEnv: boolean
}

/** The credential is accepted by the route: the owner, or the refusal. */
export const authorizeKind = (route: RouteAuth, identity: Identity): Principal | Refusal => {
  const patOnly = route.acceptsPat && !route.acceptsSecretKey
  switch (identity.kind) {
    case "none":
      return patOnly ? refusals.missingPat : refusals.missingKey
    case "publicToken":
    case "invalid":
      if (!patOnly) return refusals.invalidKey
      return identity.token.startsWith(Credential.personalAccessTokenPrefix)
        ? refusals.invalidPat
        : refusals.missingPat
    case "known": {
      const principal = identity.principal
      if (principal.kind === "SecretKey") return route.acceptsSecretKey ? principal : refusals.missingPat
      if (!route.acceptsPat) return refusals.invalidKey
      // Routes that take both kinds try the PAT only on an exact `Bearer <token>` header, then read the
      // token as an API key, which a PAT is not.
      return patOnly || identity.exact ? principal : refusals.invalidKey
    }
  }
}

/** Where an authorized request acts. */
export interface Scope {
  /** The environment (a branch environment when a branch selects one); absent on project-wide routes. */
  readonly environment: Environment | undefined
  readonly project: Project
}

/** The environment a key acts on: its own, or the branch of it the header names (preview and dev). */
const keyEnvironment = (environment: Environment, branch: string | undefined): Environment | Refusal => {
  if (environment.slug === "preview") {
    if (branch === undefined) return refusals.branchRequired
    return environment.branches.get(branch) ?? refusals.noBranch
  }
  if (environment.slug === "dev" && branch !== undefined && branch !== defaultDevBranch)
    return environment.branches.get(branch) ?? refusals.noBranch
  return environment
}

/**
 * The scope of an accepted credential, `branch` already read with {@link branchOf}.
 *
 * A SecretKey acts on its environment, or the preview or dev branch the header names; on a route naming a
 * project it must be that project, and on one naming an environment it is refused only when neither the
 * slug nor the branch matches (so without a branch header a key on another environment's path acts on
 * its own environment, as the server does). A PAT acts on the route's project (which its user must
 * reach) and, without a branch, the environment with the path's slug; with a branch, on the dev branch
 * of that name for `dev`, and on the preview branch of that name for every other slug.
 */
export const resolveScope = (
  state: State,
  route: RouteAuth,
  principal: Principal,
  params: { readonly projectRef?: unknown; readonly env?: unknown },
  branch: string | undefined
): Scope | Refusal => {
  const requested = params.env === "dev" && branch === defaultDevBranch ? undefined : branch
  if (principal.kind === "SecretKey") {
    const environment = keyEnvironment(principal.environment, branch)
    if (!("id" in environment)) return environment
    if (route.hasProjectRef && params.projectRef !== environment.project.ref) return refusals.otherProject
    if (route.hasEnv && params.env !== environment.slug && environment.branch !== requested)
      return refusals.otherEnvironment
    return { environment, project: environment.project }
  }
  if (!route.hasProjectRef || typeof params.projectRef !== "string") return refusals.patNeedsProject
  const project = state.projects.get(params.projectRef)
  if (project === undefined || !principal.user.projectRefs.has(project.ref)) return refusals.projectNotFound
  if (!route.hasEnv) return { environment: undefined, project }
  const slug = params.env
  if (requested === undefined) {
    if (typeof slug !== "string" || !isSlug(slug)) return refusals.environmentNotFound
    return { environment: project.environments[slug], project }
  }
  const parent = slug === "dev" ? project.environments.dev : project.environments.preview
  const environment = parent.branches.get(requested)
  return environment === undefined ? refusals.branchNotFound : { environment, project }
}

/** Whether a value is a refusal rather than a result. */
export const isRefusal = (value: object): value is Refusal => "error" in value && "status" in value
