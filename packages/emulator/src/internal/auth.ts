/**
 * SPEC §5, as the emulator enforces it: who the bearer token belongs to, whether the route accepts that
 * kind, and which environment (or project) the request acts on.
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

/** The token's owner, or why there is none. */
export type Identity =
  | { readonly kind: "none" }
  | { readonly kind: "invalid"; readonly fingerprint: string | undefined; readonly token: string }
  | { readonly kind: "known"; readonly principal: Principal; readonly token: string }

const none: Identity = { kind: "none" }

/** The token from an `Authorization` header, or `undefined` when missing, empty or not `Bearer`. */
export const bearerToken = (header: string | undefined): string | undefined => {
  if (header === undefined || header.length < 8) return undefined
  if (!(header.startsWith("Bearer ") || /^bearer /i.test(header))) return undefined
  const token = header.slice(7).trim()
  return token.length === 0 ? undefined : token
}

/** Who is calling: a Map lookup for known tokens; unknown ones are only parsed for their fingerprint. */
export const identify = (state: State, header: string | undefined): Identity => {
  const token = bearerToken(header)
  if (token === undefined) return none
  const principal = state.tokens.get(token)
  if (principal !== undefined) return { kind: "known", principal, token }
  const parsed = Credential.parseEither(token)
  return {
    kind: "invalid",
    token,
    fingerprint: Either.isRight(parsed) ? Credential.fingerprint(parsed.right) : undefined
  }
}

/** A refusal: the status and the `error` message of the body. */
export interface Refusal {
  readonly status: number
  readonly error: string
}

/** The SPEC §5 answers, written once. */
export const refusals = {
  missing: { status: 401, error: "Invalid or Missing API Key" },
  invalidKey: { status: 401, error: "Invalid API key" },
  invalidPat: { status: 401, error: "Invalid or Missing PAT" },
  otherProject: { status: 400, error: "Invalid project ref for this API key" },
  otherEnvironment: { status: 400, error: "Invalid environment slug for this API key" },
  projectNotFound: { status: 404, error: "Project not found" },
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
      return refusals.missing
    case "invalid":
      return patOnly ? refusals.invalidPat : refusals.invalidKey
    case "known": {
      const principal = identity.principal
      if (principal.kind === "SecretKey") return route.acceptsSecretKey ? principal : refusals.invalidPat
      return route.acceptsPat ? principal : refusals.invalidKey
    }
  }
}

/** Where an authorized request acts. */
export interface Scope {
  /** The environment (a branch environment for preview with a branch); absent on project-wide routes. */
  readonly environment: Environment | undefined
  readonly project: Project
}

const branchOf = (environment: Environment, branch: string | undefined): Environment | Refusal => {
  if (branch === undefined || branch.length === 0) return refusals.branchRequired
  return environment.branches.get(branch) ?? refusals.noBranch
}

/**
 * The scope of an accepted credential. A SecretKey acts on its environment (a preview key on the branch
 * named by `x-trigger-branch`) and must match the route's `projectRef` and `env`; a PAT acts on the route's
 * project (which its user must reach) and `env` (preview: the branch when one is sent, else the preview
 * environment itself).
 */
export const resolveScope = (
  state: State,
  route: RouteAuth,
  principal: Principal,
  params: { readonly projectRef?: unknown; readonly env?: unknown },
  branch: string | undefined
): Scope | Refusal => {
  if (principal.kind === "SecretKey") {
    let environment = principal.environment
    if (environment.slug === "preview") {
      const resolved = branchOf(environment, branch)
      if (!("id" in resolved)) return resolved
      environment = resolved
    }
    if (route.hasProjectRef && params.projectRef !== environment.project.ref) return refusals.otherProject
    if (route.hasEnv && params.env !== environment.slug) return refusals.otherEnvironment
    return { environment, project: environment.project }
  }
  if (!route.hasProjectRef || typeof params.projectRef !== "string") return refusals.patNeedsProject
  const project = state.projects.get(params.projectRef)
  if (project === undefined || !principal.user.projectRefs.has(project.ref)) return refusals.projectNotFound
  if (!route.hasEnv) return { environment: undefined, project }
  const slug = params.env
  if (typeof slug !== "string" || !isSlug(slug)) return refusals.otherEnvironment
  const environment = project.environments[slug]
  if (slug === "preview" && branch !== undefined && branch.length > 0) {
    const resolved = branchOf(environment, branch)
    return "id" in resolved ? { environment: resolved, project } : resolved
  }
  return { environment, project }
}

/** Whether a value is a refusal rather than a result. */
export const isRefusal = (value: object): value is Refusal => "error" in value && "status" in value
