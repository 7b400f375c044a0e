/** A small test catalog: one SecretKey-only, one PAT-only and one both-kinds endpoint. */
import { Capability } from "@authctx/core"
import { Effect } from "effect"

export const RetrieveRun = Capability.make("runs.retrieve", ["SecretKey"])
export const ProjectRuns = Capability.make("runs.list(project)", ["PersonalAccessToken"])
export const ListEnvVars = Capability.make("envvars.list", ["SecretKey", "PersonalAccessToken"])

/** A call to each endpoint: returns the kind of credential it ran under. */
export const retrieveRun = Capability.authorize(RetrieveRun).pipe(Effect.map((a) => a.credential._tag))
export const projectRuns = Capability.authorize(ProjectRuns).pipe(Effect.map((a) => a.credential._tag))
export const listEnvVars = Capability.authorize(ListEnvVars).pipe(Effect.map((a) => a.credential._tag))

/** Deterministic valid credentials. */
export const devKey = "tr_dev_abcdefghijklmnopqrstuvwx" as const
export const prodKey = "tr_prod_abcdefghijklmnopqrstuvwx" as const
export const previewKey = "tr_preview_abcdefghijklmnopqrstuvwx" as const
export const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789" as const
