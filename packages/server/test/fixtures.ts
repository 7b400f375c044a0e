/** Deterministic credentials, and the isolation of each test from the process's default auth. */
import { Auth, AuthScope } from "@authctx/core"
import { afterEach, beforeEach } from "vitest"

export const devKey = "tr_dev_abcdefghijklmnopqrstuvwx" as const
export const prodKey = "tr_prod_abcdefghijklmnopqrstuvwx" as const
export const previewKey = "tr_preview_abcdefghijklmnopqrstuvwx" as const
export const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789" as const

/**
 * Runs every test of the calling file with no `TRIGGER_*` variable, no `configure()` default and server
 * mode off, and puts them back afterwards.
 */
export const isolateDefaultAuth = (): void => {
  const names: ReadonlyArray<string> = Object.values(Auth.environmentVariables)
  let saved: Record<string, string | undefined> = {}
  beforeEach(() => {
    saved = Object.fromEntries(names.map((name) => [name, process.env[name]]))
    for (const name of names) delete process.env[name]
    AuthScope.configure({ serverMode: false })
  })
  afterEach(() => {
    for (const name of names) {
      const value = saved[name]
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    AuthScope.configure({ serverMode: false })
  })
}
