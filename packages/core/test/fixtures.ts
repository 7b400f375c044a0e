/** A small test catalog: one SecretKey-only, one PAT-only and one both-kinds endpoint. */
import { Auth, AuthScope, Capability, Credential } from "@authctx/core"
import { Effect } from "effect"
import { afterEach, beforeEach } from "vitest"

export const RetrieveRun = Capability.make("runs.retrieve", ["SecretKey"])
export const ProjectRuns = Capability.make("runs.list(project)", ["PersonalAccessToken"])
export const ListEnvVars = Capability.make("envvars.list", Credential.Kind.literals)

/** A call to each endpoint: returns the kind of credential it ran under. */
export const retrieveRun = Capability.authorize(RetrieveRun).pipe(Effect.map((a) => a.credential._tag))
export const projectRuns = Capability.authorize(ProjectRuns).pipe(Effect.map((a) => a.credential._tag))
export const listEnvVars = Capability.authorize(ListEnvVars).pipe(Effect.map((a) => a.credential._tag))

/** Deterministic valid credentials. */
export const devKey = "tr_dev_abcdefghijklmnopqrstuvwx" as const
export const prodKey = "tr_prod_abcdefghijklmnopqrstuvwx" as const
export const previewKey = "tr_preview_abcdefghijklmnopqrstuvwx" as const
export const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789" as const

/** The variables the default auth reads (the branch ones included: a CI on Vercel sets one). */
export const authVariables: ReadonlyArray<string> = Object.values(Auth.environmentVariables)

/**
 * Runs every test of the calling file with no `TRIGGER_*` variable, no `configure()` default and server mode
 * off, and puts
 * both back afterwards.
 */
export const isolateDefaultAuth = (): void => {
  let saved: Record<string, string | undefined> = {}
  beforeEach(() => {
    saved = Object.fromEntries(authVariables.map((name) => [name, process.env[name]]))
    for (const name of authVariables) delete process.env[name]
    AuthScope.configure({ serverMode: false })
  })
  afterEach(() => {
    for (const name of authVariables) {
      const value = saved[name]
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    AuthScope.configure({ serverMode: false })
  })
}
