/**
 * Type tests of the soundness rule (docs/concepts.md "Capabilities", decision 0001). Checked by `tsc`:
 * every `@ts-expect-error` below must stay an error, and every other line must compile.
 */
import { Auth, type Capability, type Credential } from "@authctx/core"
import { Effect, Redacted } from "effect"
import { describe, expectTypeOf, it } from "vitest"
import { devKey, listEnvVars, pat, projectRuns, retrieveRun } from "./fixtures.js"

describe("requirements", () => {
  it("a call carries its endpoint's requirement in R", () => {
    expectTypeOf(retrieveRun).toEqualTypeOf<
      Effect.Effect<
        "SecretKey",
        import("@authctx/core").CapabilityError | import("@authctx/core").MissingCredential,
        Capability.Requires<"runs.retrieve", "SecretKey">
      >
    >()
  })
})

describe("withAuth with a SecretKey", () => {
  it("discharges SecretKey-only and both-kinds calls", () => {
    const program = Effect.all([retrieveRun, listEnvVars]).pipe(Auth.withAuth({ accessToken: devKey }))
    expectTypeOf<Effect.Effect.Context<typeof program>>().toEqualTypeOf<never>()
    Effect.runPromise(program)
  })
  it("leaves a NotAccepted naming the endpoint for a PAT-only call", () => {
    const program = projectRuns.pipe(Auth.withAuth({ accessToken: devKey }))
    expectTypeOf<Effect.Effect.Context<typeof program>>().toEqualTypeOf<
      Capability.NotAccepted<"runs.list(project)", "SecretKey", "PersonalAccessToken">
    >()
    // @ts-expect-error Type 'NotAccepted<"runs.list(project)", "SecretKey", "PersonalAccessToken">' is not assignable to type 'never'.
    Effect.runPromise(program)
  })
  it("data-first is the same", () => {
    const program = Auth.withAuth(retrieveRun, { secretKey: devKey })
    expectTypeOf<Effect.Effect.Context<typeof program>>().toEqualTypeOf<never>()
  })
})

describe("withAuth with a PAT", () => {
  it("fails at the run site for a SecretKey-only call, naming the endpoint", () => {
    const program = retrieveRun.pipe(Auth.withAuth({ accessToken: pat }))
    expectTypeOf<Effect.Effect.Context<typeof program>>().toEqualTypeOf<
      Capability.NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    >()
    // @ts-expect-error Type 'NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(program)
  })
  it("discharges PAT-only and both-kinds calls", () => {
    const program = Effect.all([projectRuns, listEnvVars]).pipe(Auth.withAuth({ accessToken: pat }))
    Effect.runPromise(program)
  })
})

describe("nesting", () => {
  it("withAuth(pat) inside withAuth(secretKey) still fails for a SecretKey-only call", () => {
    const program = retrieveRun.pipe(
      Auth.withAuth({ accessToken: pat }),
      Auth.withAuth({ accessToken: devKey })
    )
    expectTypeOf<Effect.Effect.Context<typeof program>>().toEqualTypeOf<
      Capability.NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    >()
    // @ts-expect-error Type 'NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(program)
  })
  it("an outer layer cannot satisfy a requirement an inner withAuth refused", () => {
    const program = retrieveRun.pipe(
      Auth.withAuth({ accessToken: pat }),
      Effect.provide(Auth.layer({ accessToken: devKey }))
    )
    // @ts-expect-error Type 'NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(program)
  })
  it("withAuth without a credential leaves the requirements to the surrounding auth", () => {
    const inner = retrieveRun.pipe(Auth.withAuth({ previewBranch: "feature-x" }))
    expectTypeOf<Effect.Effect.Context<typeof inner>>().toEqualTypeOf<
      Capability.Requires<"runs.retrieve", "SecretKey">
    >()
    Effect.runPromise(inner.pipe(Auth.withAuth({ accessToken: devKey })))
    // @ts-expect-error Type 'NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(inner.pipe(Auth.withAuth({ accessToken: pat })))
  })
})

describe("layers", () => {
  it("a SecretKey layer removes exactly the requirements a SecretKey satisfies", () => {
    const ok = Effect.all([retrieveRun, listEnvVars]).pipe(
      Effect.provide(Auth.layer({ accessToken: devKey }))
    )
    expectTypeOf<Effect.Effect.Context<typeof ok>>().toEqualTypeOf<never>()
    const bad = projectRuns.pipe(Effect.provide(Auth.layer({ accessToken: devKey })))
    // @ts-expect-error Type 'RequiresKind<"runs.list(project)", "PersonalAccessToken">' is not assignable to type 'never'.
    Effect.runPromise(bad)
  })
})

describe("a credential of statically unknown kind", () => {
  const fromEnv: string = process.env["TRIGGER_SECRET_KEY"] ?? ""
  it("satisfies only the both-kinds endpoint", () => {
    Effect.runPromise(listEnvVars.pipe(Auth.withAuth({ accessToken: fromEnv })))
    Effect.runPromise(listEnvVars.pipe(Effect.provide(Auth.layerConfig())))
    // @ts-expect-error Type 'KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: fromEnv })))
    // @ts-expect-error Type 'KindNotKnown<"runs.list(project)", "PersonalAccessToken", "narrow it with Auth.requirePersonalAccessToken">' is not assignable to type 'never'.
    Effect.runPromise(projectRuns.pipe(Auth.withAuth({ accessToken: fromEnv })))
    // @ts-expect-error Type 'RequiresKind<"runs.retrieve", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(retrieveRun.pipe(Effect.provide(Auth.layerConfig())))
    // @ts-expect-error Type 'KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: Redacted.make(fromEnv) })))
  })
  it("a maybe-undefined credential is unknown too (it may inherit anything)", () => {
    const maybe = process.env["TRIGGER_SECRET_KEY"]
    Effect.runPromise(listEnvVars.pipe(Auth.withAuth({ accessToken: maybe })))
    // @ts-expect-error Type 'KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: maybe })))
  })
  it("until narrowed at run time", () => {
    const narrowed = retrieveRun.pipe(Auth.requireSecretKey)
    Effect.runPromise(narrowed.pipe(Auth.withAuth({ accessToken: fromEnv })))
    Effect.runPromise(narrowed.pipe(Effect.provide(Auth.layerConfig())))
    const patNarrowed = projectRuns.pipe(Auth.requirePersonalAccessToken)
    Effect.runPromise(patNarrowed.pipe(Effect.provide(Auth.layerConfig())))
    // @ts-expect-error Type 'NotAccepted<"runs.list(project)", "SecretKey", "PersonalAccessToken">' is not assignable to type 'never'.
    Effect.runPromise(projectRuns.pipe(Auth.requireSecretKey, Auth.withAuth({ accessToken: fromEnv })))
  })
  it("a parsed credential keeps its kind", () => {
    const key: Credential.SecretKey = Credential_unsafe(devKey)
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: key })))
    const widen = (c: Credential.Credential): Credential.Credential => c
    const any = widen(key)
    // @ts-expect-error Type 'KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: any })))
  })
})

import { Credential as C } from "@authctx/core"

const Credential_unsafe = C.unsafeParse

describe("literal inference", () => {
  it("types a parse by its prefix", () => {
    expectTypeOf(C.unsafeParse(pat)).toEqualTypeOf<Credential.PersonalAccessToken>()
    expectTypeOf(C.unsafeParse("tr_prod_abcdefghijklmnopqrstuvwx")).toEqualTypeOf<Credential.SecretKey>()
    expectTypeOf(C.unsafeParse("tr_stg_abcdefghijklmnopqrstuvwx")).toEqualTypeOf<Credential.SecretKey>()
    expectTypeOf(C.unsafeParse("tr_preview_abcdefghijklmnopqrstuvwx")).toEqualTypeOf<Credential.SecretKey>()
    const s: string = pat
    expectTypeOf(C.unsafeParse(s)).toEqualTypeOf<Credential.Credential>()
    expectTypeOf<Credential.KindOf<"nope">>().toEqualTypeOf<never>()
  })
})
