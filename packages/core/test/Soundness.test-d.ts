/**
 * Type tests of the soundness rule's edges (issue #14, decision 0024, docs/concepts.md "The soundness
 * rule"): branded and template-literal tokens, unions of configurations, every place auth can be
 * provided below a `withAuth`, generic helpers, a layer without a credential. Each `@ts-expect-error`
 * carries the text TypeScript's diagnostic must contain; every other line must compile.
 */
import { Auth, type Capability, Credential } from "@authctx/core"
import { type Brand, Context, Effect, Either, Layer, Stream } from "effect"
import { describe, expectTypeOf, it } from "vitest"
import { devKey, listEnvVars, pat, projectRuns, retrieveRun } from "./fixtures.js"

type TenantKey = string & Brand.Brand<"TenantKey">
declare const tenantKey: TenantKey
declare const token: `tr_${string}`
declare const devTemplate: `tr_dev_${string}`
declare const patTemplate: `tr_pat_${string}`
type TenantAuth =
  | { readonly type: "pat"; readonly accessToken: string }
  | { readonly type: "key"; readonly secretKey: string }
declare const tenantAuth: TenantAuth
type KnownTenantAuth =
  | { readonly type: "pat"; readonly accessToken: typeof pat }
  | { readonly type: "key"; readonly secretKey: typeof devKey }
declare const knownTenantAuth: KnownTenantAuth

describe("H1: branded and template-literal tokens have an unknown kind (both), never every kind", () => {
  it("a layer of a template tr_… token satisfies only both-kinds calls", () => {
    Effect.runPromise(listEnvVars.pipe(Effect.provide(Auth.layer({ accessToken: token }))))
    const both = Effect.all([retrieveRun, projectRuns]).pipe(
      Effect.provide(Auth.layer({ accessToken: token }))
    )
    // @ts-expect-error Type 'RequiresKind<"runs.retrieve", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(both)
  })
  it("a branded token inside withAuth(devKey) is not rescued by the outer SecretKey", () => {
    const program = retrieveRun.pipe(
      Auth.withAuth({ accessToken: tenantKey }),
      Auth.withAuth({ accessToken: devKey })
    )
    // @ts-expect-error Type 'KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(program)
  })
  it("a template tr_… token on a PAT-only call names the other narrowing", () => {
    // @ts-expect-error Type 'KindNotKnown<"runs.list(project)", "PersonalAccessToken", "narrow it with Auth.requirePersonalAccessToken">' is not assignable to type 'never'.
    Effect.runPromise(projectRuns.pipe(Auth.withAuth({ accessToken: token })))
  })
  it("narrowing makes them usable", () => {
    Effect.runPromise(retrieveRun.pipe(Auth.requireSecretKey, Auth.withAuth({ accessToken: tenantKey })))
    Effect.runPromise(
      projectRuns.pipe(Auth.requirePersonalAccessToken, Auth.withAuth({ accessToken: token }))
    )
  })
  it("a template that fixes the prefix has that kind", () => {
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: devTemplate })))
    Effect.runPromise(projectRuns.pipe(Effect.provide(Auth.layer({ accessToken: patTemplate }))))
    // @ts-expect-error Type 'NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: patTemplate })))
  })
  it("Credential.parse of them is a Credential, not never", () => {
    expectTypeOf(Credential.parse(token)).toEqualTypeOf<
      Effect.Effect<Credential.Credential, import("@authctx/core").InvalidCredential>
    >()
    expectTypeOf(Credential.unsafeParse(tenantKey)._tag).toEqualTypeOf<Credential.Kind>()
    expectTypeOf(Credential.unsafeParse(devTemplate)).toEqualTypeOf<Credential.SecretKey>()
    expectTypeOf<Credential.KindOf<`tr_${string}`>>().toEqualTypeOf<Credential.Kind>()
    expectTypeOf<Credential.KindOf<"tr_nope_x">>().toEqualTypeOf<never>()
  })
})

describe("H2: a declared union of configurations has the union of their kinds", () => {
  it("is not rescued by an outer SecretKey", () => {
    // @ts-expect-error Type 'KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">' is not assignable to type 'never'.
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth(tenantAuth), Auth.withAuth({ accessToken: devKey })))
  })
  it("a union of literal kinds is both kinds too", () => {
    const program = projectRuns.pipe(
      Auth.provide(Auth.layer(knownTenantAuth)),
      Auth.withAuth({ accessToken: pat })
    )
    // @ts-expect-error KindNotKnown<"runs.list(project)", "PersonalAccessToken", "narrow it with Auth.requirePersonalAccessToken">
    Effect.runPromise(program)
    Effect.runPromise(listEnvVars.pipe(Auth.withAuth(knownTenantAuth)))
    Effect.runPromise(retrieveRun.pipe(Auth.requireSecretKey, Auth.withAuth(tenantAuth)))
  })
})

class RunKind extends Context.Tag("RunKind")<RunKind, string>() {}
const RunKindLive = Layer.effect(RunKind, retrieveRun)
class RunKindService extends Effect.Service<RunKindService>()("RunKindService", {
  effect: Effect.map(retrieveRun, (kind) => ({ kind })),
  dependencies: [Auth.layer({ accessToken: pat })]
}) {}

describe("H3: a plain provider below withAuth decides at run time, so the outer credential cannot satisfy its calls", () => {
  const hint = "auth was provided inside this withAuth; provide it with Auth.withAuth or Auth.provide"
  void hint
  it("Effect.provide(Auth.layer(...))", () => {
    const program = retrieveRun.pipe(
      Effect.provide(Auth.layer({ accessToken: pat })),
      Auth.withAuth({ accessToken: devKey })
    )
    expectTypeOf<Effect.Effect.Context<typeof program>>().toEqualTypeOf<
      Capability.ProvidedInside<"runs.retrieve">
    >()
    // @ts-expect-error Type 'ProvidedInside<"runs.retrieve", "auth was provided inside this withAuth; provide it with Auth.withAuth or Auth.provide">' is not assignable to type 'never'.
    Effect.runPromise(program)
  })
  it("Effect.provide(Auth.layerConfig())", () => {
    const program = retrieveRun.pipe(
      Effect.provide(Auth.layerConfig()),
      Auth.withAuth({ accessToken: devKey })
    )
    // @ts-expect-error ProvidedInside<"runs.retrieve", "auth was provided inside this withAuth; provide it with Auth.withAuth or Auth.provide">
    Effect.runPromise(program)
  })
  it("Layer.provide", () => {
    const live = RunKindLive.pipe(Layer.provide(Auth.layer({ accessToken: pat })))
    // @ts-expect-error ProvidedInside<"runs.retrieve", "auth was provided inside this withAuth; provide it with Auth.withAuth or Auth.provide">
    Effect.runPromise(RunKind.pipe(Effect.provide(live), Auth.withAuth({ accessToken: devKey })))
  })
  it("Effect.Service dependencies", () => {
    const program = RunKindService.pipe(
      Effect.provide(RunKindService.Default),
      Auth.withAuth({ accessToken: devKey })
    )
    // @ts-expect-error ProvidedInside<"runs.retrieve", "auth was provided inside this withAuth; provide it with Auth.withAuth or Auth.provide">
    Effect.runPromise(program)
  })
  it("Stream.provideSomeLayer", () => {
    const stream = Stream.fromEffect(retrieveRun).pipe(
      Stream.provideSomeLayer(Auth.layer({ accessToken: pat }))
    )
    // @ts-expect-error ProvidedInside<"runs.retrieve", "auth was provided inside this withAuth; provide it with Auth.withAuth or Auth.provide">
    Effect.runPromise(Stream.runCollect(stream).pipe(Auth.withAuth({ accessToken: devKey })))
  })
  it("Effect.provideService(CurrentAuth, ...)", () => {
    const program = (context: Auth.AuthContext) =>
      retrieveRun.pipe(
        Effect.provideService(Auth.CurrentAuth, context),
        Auth.withAuth({ accessToken: devKey })
      )
    const context = Auth.make({ accessToken: pat }).pipe(Either.getOrThrow)
    // @ts-expect-error ProvidedInside<"runs.retrieve", "auth was provided inside this withAuth; provide it with Auth.withAuth or Auth.provide">
    Effect.runPromise(program(context))
  })
})

describe("the sound combinators discharge through the same rule as withAuth", () => {
  const patLayer = Auth.layer({ accessToken: pat })
  const keyLayer = Auth.layer({ accessToken: devKey })
  it("Auth.provide", () => {
    Effect.runPromise(retrieveRun.pipe(Auth.provide(keyLayer)))
    Effect.runPromise(
      Effect.all([retrieveRun, listEnvVars]).pipe(Auth.provide(keyLayer), Auth.withAuth({ accessToken: pat }))
    )
    // @ts-expect-error Type 'NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(retrieveRun.pipe(Auth.provide(patLayer), Auth.withAuth({ accessToken: devKey })))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.provide(patLayer), Effect.provide(keyLayer)))
    // @ts-expect-error KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.provide(Auth.layerConfig())))
    Effect.runPromise(retrieveRun.pipe(Auth.requireSecretKey, Auth.provide(Auth.layerConfig())))
  })
  it("Auth.provideStream", () => {
    Effect.runPromise(Stream.runCollect(Stream.fromEffect(retrieveRun).pipe(Auth.provideStream(keyLayer))))
    const stream = Stream.fromEffect(retrieveRun).pipe(Auth.provideStream(patLayer))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(Stream.runCollect(stream).pipe(Auth.withAuth({ accessToken: devKey })))
  })
  it("Auth.provideLayer (Layer.provide, an Effect.Service's Default)", () => {
    Effect.runPromise(RunKind.pipe(Effect.provide(RunKindLive.pipe(Auth.provideLayer(keyLayer)))))
    const live = RunKindLive.pipe(Auth.provideLayer(patLayer))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(RunKind.pipe(Effect.provide(live), Auth.withAuth({ accessToken: devKey })))
  })
  it("Auth.provideContext", () => {
    const withKey = (context: Auth.AuthContext<"SecretKey">) => retrieveRun.pipe(Auth.provideContext(context))
    const withAny = (context: Auth.AuthContext) => retrieveRun.pipe(Auth.provideContext(context))
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof withKey>>>().toEqualTypeOf<never>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof withAny>>>().toEqualTypeOf<
      Capability.KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
    >()
  })
  it("a layer at the program's edge may still be given to Effect.provide", () => {
    Effect.runPromise(
      Effect.all([retrieveRun, listEnvVars]).pipe(
        Auth.withAuth({ previewBranch: "x" }),
        Effect.provide(keyLayer)
      )
    )
    Effect.runPromise(
      RunKindService.pipe(Effect.provide(RunKindService.Default.pipe(Layer.provide(keyLayer))))
    )
  })
})

describe("H4: a generic helper must say what withAuth does to R", () => {
  it("the idiomatic Exclude<R, CurrentAuth> signature does not compile", () => {
    const provideTenant = <A, E, R>(
      eff: Effect.Effect<A, E, R>
    ): Effect.Effect<A, E | Auth.AuthError, Exclude<R, Auth.CurrentAuth>> =>
      // @ts-expect-error is not assignable to type 'Effect<A, AuthError | E, Exclude<R, CurrentAuth>>'
      eff.pipe(Auth.withAuth({ accessToken: pat }))
    void provideTenant
  })
  it("nor does passing R through", () => {
    const provideTenant = <A, E, R>(eff: Effect.Effect<A, E, R>): Effect.Effect<A, E | Auth.AuthError, R> =>
      // @ts-expect-error is not assignable to type 'Effect<A, AuthError | E, R>'
      eff.pipe(Auth.withAuth({ accessToken: pat }))
    void provideTenant
  })
  it("Auth.Provided<R, K> does, and keeps the refusal", () => {
    const provideTenant = <A, E, R>(
      eff: Effect.Effect<A, E, R>
    ): Effect.Effect<A, E | Auth.AuthError, Auth.Provided<R, "PersonalAccessToken">> =>
      eff.pipe(Auth.withAuth({ accessToken: pat }))
    Effect.runPromise(provideTenant(projectRuns))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(provideTenant(retrieveRun).pipe(Auth.withAuth({ accessToken: devKey })))
  })
})

describe("H6: a layer without a credential does not compile", () => {
  it("Auth.layer({ baseURL })", () => {
    // @ts-expect-error Property 'accessToken' is missing in type '{ baseURL: "http://localhost:3030"; }' but required in type 'LayerNeedsACredential'.
    Auth.layer({ baseURL: "http://localhost:3030" })
    Auth.layer({ baseURL: "http://localhost:3030", accessToken: devKey })
  })
})

describe("the refused cells of call × kind", () => {
  it("SecretKey-only call", () => {
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: pat })))
    // @ts-expect-error KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: "" as string })))
  })
  it("PAT-only call", () => {
    // @ts-expect-error NotAccepted<"runs.list(project)", "SecretKey", "PersonalAccessToken">
    Effect.runPromise(projectRuns.pipe(Auth.withAuth({ accessToken: devKey })))
    // @ts-expect-error KindNotKnown<"runs.list(project)", "PersonalAccessToken", "narrow it with Auth.requirePersonalAccessToken">
    Effect.runPromise(projectRuns.pipe(Auth.withAuth({ accessToken: "" as string })))
  })
  it("a call with no auth at all names both halves", () => {
    // @ts-expect-error Type 'Requires<"runs.retrieve", "SecretKey">' is not assignable to type 'never'.
    Effect.runPromise(retrieveRun)
  })
})
