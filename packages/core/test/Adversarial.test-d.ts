/**
 * Adversarial programs (issue #14): what an Effect user writes — generics, unions, brands, template literals,
 * every provision form — each either compiles (a correct program) or carries, in its `@ts-expect-error`, the
 * text of the refusal it must give. Also compiled against the built `dist/*.d.ts` (`pnpm typecheck:dist`).
 * The two nestings the types cannot follow (docs/concepts.md "The soundness rule") are at the end, with the
 * sound form beside each.
 */
import { Auth, type Credential } from "@authctx/core"
import { type Brand, Context, Effect, Either, Layer, ManagedRuntime, type Redacted, Stream } from "effect"
import { describe, it } from "vitest"
import { devKey, listEnvVars, pat, prodKey, projectRuns, retrieveRun } from "./fixtures.js"

declare const cond: boolean
declare const anyString: string
type TenantKey = string & Brand.Brand<"TenantKey">
declare const tenantKey: TenantKey
declare const tagged: string & { readonly __tag: "key" }
declare const prodTemplate: `tr_prod_${string}`
declare const previewTemplate: `tr_preview_${string}`
declare const eitherTemplate: `tr_${"dev" | "pat"}_${string}`
declare const openTemplate: `tr_${string}_${string}`
declare const anyCredential: Credential.Credential
declare const keyCredential: Credential.SecretKey
declare const patCredential: Credential.PersonalAccessToken
declare const redactedKey: Redacted.Redacted<typeof devKey>
declare const maybeKey: typeof devKey | undefined

const keyLayer = Auth.layer({ accessToken: devKey })
const patLayer = Auth.layer({ accessToken: pat })
class Other extends Context.Tag("Other")<Other, number>() {}
const OtherLive = Layer.succeed(Other, 1)

describe("generics", () => {
  it("a helper generic in its config keeps the config's kind", () => {
    const scoped = <A, E, R, const C extends Auth.AuthConfig>(self: Effect.Effect<A, E, R>, config: C) =>
      Auth.withAuth(self, config)
    Effect.runPromise(scoped(retrieveRun, { accessToken: devKey }))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(scoped(retrieveRun, { accessToken: pat }))
  })
  it("a helper generic in the kind, through Auth.Provided", () => {
    const under =
      <K extends Credential.Kind>(context: Auth.AuthContext<K>) =>
      <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, Auth.Provided<R, K>> =>
        self.pipe(Auth.provideContext(context))
    const key = Auth.make({ accessToken: devKey })
    if (key._tag === "Right") {
      // an AuthContext of unknown kind: SecretKey-only calls refused until narrowed
      // @ts-expect-error KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
      Effect.runPromise(retrieveRun.pipe(under(key.right)))
      Effect.runPromise(listEnvVars.pipe(under(key.right)))
    }
  })
  it("a helper typed R (or unknown) does not erase a refusal", () => {
    const keep = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | Auth.AuthError, R> =>
      // @ts-expect-error is not assignable to type 'Effect<A, AuthError | E, R>'
      self.pipe(Auth.withAuth({ accessToken: pat }))
    void keep
  })
  it("a helper typed Effect<A, E, never> does not either", () => {
    const run = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | Auth.AuthError> =>
      // @ts-expect-error is not assignable to type 'Effect<A, AuthError | E, never>'
      self.pipe(Auth.withAuth({ accessToken: pat }))
    void run
  })
  it("a generic layer helper through Auth.provide", () => {
    const withLayer =
      <K extends Credential.Kind, E2>(layer: Auth.AuthLayer<K, E2>) =>
      <A, E, R>(self: Effect.Effect<A, E, R>) =>
        self.pipe(Auth.provide(layer))
    Effect.runPromise(retrieveRun.pipe(withLayer(keyLayer)))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(retrieveRun.pipe(withLayer(patLayer)))
  })
})

describe("combinators inside withAuth keep every requirement", () => {
  it("gen, flatMap, zip, forEach, race, catchAll, retry, timeout, fork", () => {
    const program = Effect.gen(function* () {
      const a = yield* listEnvVars
      const b = yield* Effect.flatMap(Effect.succeed(a), () => retrieveRun)
      const c = yield* Effect.zip(
        listEnvVars,
        Effect.forEach([1, 2], () => retrieveRun)
      )
      const d = yield* Effect.race(listEnvVars, retrieveRun).pipe(Effect.catchAll(() => retrieveRun))
      const f = yield* Effect.fork(retrieveRun.pipe(Effect.retry({ times: 2 }), Effect.timeout("1 second")))
      return [b, c, d, f] as const
    })
    Effect.runPromise(program.pipe(Auth.withAuth({ accessToken: prodKey })))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(program.pipe(Auth.withAuth({ accessToken: pat })))
  })
  it("Effect.all of a struct, a mixed call set under one kind", () => {
    const program = Effect.all({ a: retrieveRun, b: projectRuns }, { concurrency: "unbounded" })
    // @ts-expect-error NotAccepted<"runs.list(project)", "SecretKey", "PersonalAccessToken">
    Effect.runPromise(program.pipe(Auth.withAuth({ accessToken: devKey })))
    // each under its own scope compiles
    Effect.runPromise(
      Effect.all({
        a: retrieveRun.pipe(Auth.withAuth({ accessToken: devKey })),
        b: projectRuns.pipe(Auth.withAuth({ accessToken: pat }))
      })
    )
  })
  it("a refusal survives an outer layer of the accepted kind and Effect.orDie/either", () => {
    const refused = retrieveRun.pipe(Auth.withAuth({ accessToken: pat }), Effect.either, Effect.orDie)
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(refused.pipe(Effect.provide(keyLayer)))
  })
})

describe("unions", () => {
  it("a ternary of configs is both kinds", () => {
    const config = cond ? { accessToken: devKey } : { accessToken: pat }
    // @ts-expect-error KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth(config)))
    Effect.runPromise(listEnvVars.pipe(Auth.withAuth(config)))
  })
  it("a ternary of tokens is both kinds", () => {
    const token = cond ? devKey : pat
    // @ts-expect-error KindNotKnown<"runs.list(project)", "PersonalAccessToken", "narrow it with Auth.requirePersonalAccessToken">
    Effect.runPromise(projectRuns.pipe(Auth.withAuth({ accessToken: token })))
  })
  it("two SecretKeys of different environments are one kind", () => {
    const token = cond ? devKey : prodKey
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: token })))
    Effect.runPromise(retrieveRun.pipe(Effect.provide(Auth.layer({ secretKey: token }))))
  })
  it("a Credential of unknown kind; parsed credentials of a known kind", () => {
    // @ts-expect-error KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: anyCredential })))
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: keyCredential })))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: patCredential })))
  })
  it("a maybe-undefined token may inherit: its kind is unknown", () => {
    const refused1 = retrieveRun.pipe(
      Auth.withAuth({ accessToken: maybeKey }),
      Auth.withAuth({ accessToken: devKey })
    )
    // @ts-expect-error KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
    Effect.runPromise(refused1)
  })
  it("a config with a token in both fields has accessToken's kind (two different ones fail with InvalidAuthConfig)", () => {
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: devKey, secretKey: devKey })))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: pat, secretKey: devKey })))
  })
})

describe("brands, Redacted and template literals", () => {
  it("a structural brand is a string of unknown kind", () => {
    // @ts-expect-error KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: tagged })))
    const refused2 = retrieveRun.pipe(
      Effect.provide(Auth.layer({ accessToken: tenantKey })),
      Auth.withAuth({ accessToken: tenantKey })
    )
    // @ts-expect-error ProvidedInside<"runs.retrieve"
    Effect.runPromise(refused2)
  })
  it("a Redacted of a literal is still unknown (Redacted hides its kind)", () => {
    // @ts-expect-error KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: redactedKey })))
    Effect.runPromise(retrieveRun.pipe(Auth.requireSecretKey, Auth.withAuth({ accessToken: redactedKey })))
  })
  it("prefix-fixing templates", () => {
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: prodTemplate })))
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: previewTemplate, previewBranch: "x" })))
    // @ts-expect-error NotAccepted<"runs.list(project)", "SecretKey", "PersonalAccessToken">
    Effect.runPromise(projectRuns.pipe(Auth.withAuth({ accessToken: prodTemplate })))
  })
  it("a template over a union of prefixes is both kinds; an open one too", () => {
    // @ts-expect-error KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.withAuth({ accessToken: eitherTemplate })))
    // @ts-expect-error KindNotKnown<"runs.list(project)", "PersonalAccessToken", "narrow it with Auth.requirePersonalAccessToken">
    Effect.runPromise(projectRuns.pipe(Auth.withAuth({ accessToken: openTemplate })))
    Effect.runPromise(listEnvVars.pipe(Auth.withAuth({ accessToken: openTemplate })))
  })
  it("a widened string", () => {
    const refused3 = retrieveRun.pipe(
      Auth.withAuth({ accessToken: anyString }),
      Auth.withAuth({ accessToken: devKey })
    )
    // @ts-expect-error KindNotKnown<"runs.retrieve", "SecretKey", "narrow it with Auth.requireSecretKey">
    Effect.runPromise(refused3)
    Effect.runPromise(retrieveRun.pipe(Auth.requireSecretKey, Auth.withAuth({ accessToken: anyString })))
  })
})

describe("every provision form", () => {
  it("Effect.provide of a merged layer at the edge", () => {
    const live = Layer.mergeAll(keyLayer, OtherLive)
    Effect.runPromise(Effect.zip(retrieveRun, Other).pipe(Effect.provide(live)))
    const patLive = Layer.merge(patLayer, OtherLive)
    // @ts-expect-error RequiresKind<"runs.retrieve", "SecretKey">
    Effect.runPromise(Effect.zip(retrieveRun, Other).pipe(Effect.provide(patLive)))
  })
  it("Effect.provide of an array of layers", () => {
    Effect.runPromise(Effect.zip(retrieveRun, Other).pipe(Effect.provide([keyLayer, OtherLive])))
    // @ts-expect-error RequiresKind<"runs.retrieve", "SecretKey">
    Effect.runPromise(Effect.zip(retrieveRun, Other).pipe(Effect.provide([patLayer, OtherLive])))
  })
  it("Layer.provideMerge and a ManagedRuntime", () => {
    const runtime = ManagedRuntime.make(Layer.provideMerge(OtherLive, keyLayer))
    runtime.runPromise(retrieveRun)
    const patRuntime = ManagedRuntime.make(patLayer)
    // @ts-expect-error RequiresKind<"runs.retrieve", "SecretKey">
    patRuntime.runPromise(retrieveRun)
  })
  it("Auth.layerConfig at the edge, narrowed or not", () => {
    // @ts-expect-error RequiresKind<"runs.retrieve", "SecretKey">
    Effect.runPromise(retrieveRun.pipe(Effect.provide(Auth.layerConfig())))
    Effect.runPromise(retrieveRun.pipe(Auth.requireSecretKey, Effect.provide(Auth.layerConfig())))
    Effect.runPromise(projectRuns.pipe(Auth.requirePersonalAccessToken, Auth.provide(Auth.layerConfig())))
  })
  it("an inheriting withAuth (no credential) under a layer of the right kind", () => {
    Effect.runPromise(
      retrieveRun.pipe(Auth.withAuth({ baseURL: "http://127.0.0.1:3030" }), Auth.provide(keyLayer))
    )
    const refused4 = retrieveRun.pipe(
      Auth.withAuth({ previewBranch: "x" }),
      Auth.withAuth({ accessToken: pat })
    )
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(refused4)
  })
  it("Effect.Service dependencies at the edge", () => {
    class Runner extends Effect.Service<Runner>()("Runner", {
      effect: Effect.succeed({ run: retrieveRun }),
      dependencies: [keyLayer]
    }) {}
    Effect.runPromise(
      Runner.pipe(
        Effect.flatMap((r) => r.run),
        Effect.provide(keyLayer),
        Effect.provide(Runner.Default)
      )
    )
    class Builder extends Effect.Service<Builder>()("Builder", {
      effect: Effect.map(retrieveRun, (kind) => ({ kind })),
      dependencies: [patLayer]
    }) {}
    // @ts-expect-error RequiresKind<"runs.retrieve", "SecretKey">
    Effect.runPromise(Builder.pipe(Effect.provide(Builder.Default)))
  })
  it("a Stream under Auth.provideStream and Stream.provideLayer", () => {
    const stream = Stream.fromEffect(retrieveRun)
    Effect.runPromise(Stream.runCollect(stream.pipe(Stream.provideLayer(keyLayer))))
    Effect.runPromise(Stream.runCollect(stream).pipe(Auth.withAuth({ accessToken: devKey })))
    const refused5 = Stream.runCollect(stream.pipe(Auth.provideStream(patLayer))).pipe(
      Effect.provide(keyLayer)
    )
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(refused5)
  })
  it("Effect.provideServiceEffect(CurrentAuth, …) below withAuth", () => {
    const program = retrieveRun.pipe(
      Effect.provideServiceEffect(Auth.CurrentAuth, Auth.make({ accessToken: pat })),
      Auth.withAuth({ accessToken: devKey })
    )
    // @ts-expect-error ProvidedInside<"runs.retrieve", "auth was provided inside this withAuth; provide it with Auth.withAuth or Auth.provide">
    Effect.runPromise(program)
  })
  it("Effect.provide(Context.make(CurrentAuth, …)) below withAuth", () => {
    const context = Either.getOrThrow(Auth.make({ accessToken: pat }))
    const program = retrieveRun.pipe(
      Effect.provide(Context.make(Auth.CurrentAuth, context)),
      Auth.withAuth({ accessToken: devKey })
    )
    // @ts-expect-error ProvidedInside<"runs.retrieve"
    Effect.runPromise(program)
  })
  it("Layer.provide below withAuth, and Auth.provideLayer", () => {
    class RunKind extends Context.Tag("RunKind")<RunKind, string>() {}
    const RunKindLive = Layer.effect(RunKind, retrieveRun)
    const refused6 = RunKind.pipe(
      Effect.provide(Layer.provide(RunKindLive, patLayer)),
      Auth.withAuth({ accessToken: devKey })
    )
    // @ts-expect-error ProvidedInside<"runs.retrieve"
    Effect.runPromise(refused6)
    Effect.runPromise(RunKind.pipe(Effect.provide(Layer.provide(RunKindLive, keyLayer))))
    Effect.runPromise(
      RunKind.pipe(
        Effect.provide(RunKindLive.pipe(Auth.provideLayer(keyLayer))),
        Auth.withAuth({ accessToken: pat })
      )
    )
    const refused7 = RunKind.pipe(
      Effect.provide(RunKindLive.pipe(Auth.provideLayer(patLayer))),
      Effect.provide(keyLayer)
    )
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(refused7)
  })
  it("the data-first forms", () => {
    Effect.runPromise(Auth.provide(retrieveRun, keyLayer))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(Auth.withAuth(Auth.provide(retrieveRun, patLayer), { accessToken: devKey }))
  })
  it("an open endpoint's neighbours: a both-kinds call under every kind", () => {
    Effect.runPromise(listEnvVars.pipe(Auth.withAuth({ accessToken: pat })))
    Effect.runPromise(listEnvVars.pipe(Effect.provide(keyLayer)))
    Effect.runPromise(listEnvVars.pipe(Effect.provide(patLayer), Auth.withAuth({ accessToken: devKey })))
  })
})

describe("what the types cannot follow (runtime CapabilityError before sending), and the sound form", () => {
  it("two plain layers nested: the sound form is Auth.provide for the inner one", () => {
    // compiles (a plain outer layer cannot tell the inner one's leftovers from unprovided calls)
    Effect.runPromise(retrieveRun.pipe(Effect.provide(patLayer), Effect.provide(keyLayer)))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(retrieveRun.pipe(Auth.provide(patLayer), Effect.provide(keyLayer)))
  })
  it("a Layer.provide chain or an Effect.Service's dependencies under a plain outer layer: Auth.provideLayer inside", () => {
    class Builder extends Effect.Service<Builder>()("Builder", {
      effect: Effect.map(retrieveRun, (kind) => ({ kind })),
      dependencies: [patLayer]
    }) {}
    // compiles: the outer layer removes what the dependency left
    Effect.runPromise(Builder.pipe(Effect.provide(Builder.Default), Effect.provide(keyLayer)))
    class Sound extends Effect.Service<Sound>()("Sound", {
      effect: Effect.map(retrieveRun, (kind) => ({ kind }))
    }) {}
    const live = Sound.Default.pipe(Auth.provideLayer(patLayer))
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(Sound.pipe(Effect.provide(live), Effect.provide(keyLayer)))
  })
  it("one endpoint inside and outside a plain provider under one withAuth: Auth.provide inside", () => {
    // compiles (the two calls' requirements are the same types)
    Effect.runPromise(
      Effect.all([retrieveRun.pipe(Effect.provide(patLayer)), retrieveRun]).pipe(
        Auth.withAuth({ accessToken: devKey })
      )
    )
    const refused8 = Effect.all([retrieveRun.pipe(Auth.provide(patLayer)), retrieveRun]).pipe(
      Auth.withAuth({ accessToken: devKey })
    )
    // @ts-expect-error NotAccepted<"runs.retrieve", "PersonalAccessToken", "SecretKey">
    Effect.runPromise(refused8)
    // with another endpoint outside, the inner one is caught
    const refused9 = Effect.all([retrieveRun.pipe(Effect.provide(patLayer)), listEnvVars]).pipe(
      Auth.withAuth({ accessToken: devKey })
    )
    // @ts-expect-error ProvidedInside<"runs.retrieve"
    Effect.runPromise(refused9)
  })
})
