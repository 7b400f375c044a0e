/**
 * The Effect side of the auth context (docs/reference/credentials.md, docs/reference/headers-and-branches.md, docs/concepts.md "Scoping"): validation in `Auth.make`,
 * field-by-field merging in `withAuth`, the layers, `current`, the run-time narrowing combinators and the
 * run-time half of `Capability.authorize`.
 */
import {
  Auth,
  Capability,
  CapabilityError,
  Credential,
  InvalidAuthConfig,
  InvalidCredential,
  MissingCredential
} from "@authctx/core"
import { describe, expect, it } from "@effect/vitest"
import {
  Chunk,
  ConfigProvider,
  Context,
  Effect,
  Either,
  Fiber,
  Layer,
  Option,
  Redacted,
  Stream
} from "effect"
import { check } from "../src/internal/capability.js"
import {
  devKey,
  ListEnvVars,
  listEnvVars,
  ProjectRuns,
  pat,
  previewKey,
  prodKey,
  projectRuns,
  RetrieveRun,
  retrieveRun
} from "./fixtures.js"

const tokenOf = (auth: Auth.AuthContext): string => Redacted.value(auth.credential.token)

/** The context `Auth.make` builds, or the error it gives. */
const build = (config: Auth.AuthConfig, surrounding?: Auth.AuthContext) => Auth.make(config, surrounding)
const built = (config: Auth.AuthConfig, surrounding?: Auth.AuthContext): Auth.AuthContext =>
  Either.getOrThrowWith(build(config, surrounding), (e) => new Error(`expected a context, got ${e._tag}`))
const refused = (config: Auth.AuthConfig, surrounding?: Auth.AuthContext): Auth.AuthError => {
  const result = build(config, surrounding)
  if (Either.isRight(result)) throw new Error("expected Auth.make to refuse the configuration")
  return result.left
}
const configError = (config: Auth.AuthConfig): InvalidAuthConfig => {
  const error = refused(config)
  if (!(error instanceof InvalidAuthConfig)) throw new Error(`expected InvalidAuthConfig, got ${error._tag}`)
  return error
}

/**
 * Runs an effect whose `R` the types would not let us run. The type tests (Capability.test-d.ts) prove
 * these programs do not compile; here we prove the run-time check still refuses them for code that got
 * around the types (a cast, a JavaScript caller, a kind only known at run time). Widening `R` to `never`
 * through `unknown` is the bypass; nothing else about the effect changes.
 */
const bypassTypes = <A, E>(effect: Effect.Effect<A, E, unknown>): Effect.Effect<A, E, never> =>
  effect as unknown as Effect.Effect<A, E, never>

describe("Auth.make: credentials", () => {
  it("builds a context with the default base URL and no branch", () => {
    const auth = built({ accessToken: devKey })
    expect(auth.credential._tag).toBe("SecretKey")
    expect(tokenOf(auth)).toBe(devKey)
    expect(auth.baseURL).toBe("https://api.trigger.dev")
    expect(auth.baseURL).toBe(Auth.defaultBaseURL)
    expect(auth.previewBranch).toBeUndefined()
  })

  it("takes a Redacted string and an already parsed credential", () => {
    expect(tokenOf(built({ accessToken: Redacted.make(prodKey) }))).toBe(prodKey)
    const key = Credential.unsafeParse(prodKey)
    expect(built({ accessToken: key }).credential).toBe(key)
  })

  it("a PAT passed as secretKey (as configure({ secretKey }) does) is a PersonalAccessToken", () => {
    const auth = built({ secretKey: pat })
    expect(auth.credential._tag).toBe("PersonalAccessToken")
    expect(tokenOf(auth)).toBe(pat)
    // and a SecretKey passed as accessToken is a SecretKey: the prefix decides, not the option
    expect(built({ accessToken: prodKey }).credential._tag).toBe("SecretKey")
  })

  it("accessToken and secretKey naming different credentials is a credential error", () => {
    const error = configError({ accessToken: devKey, secretKey: prodKey })
    expect(error.field).toBe("credential")
    expect(error.message).toContain("accessToken and secretKey")
  })

  it("accessToken and secretKey naming the same credential is fine, in any form", () => {
    expect(tokenOf(built({ accessToken: devKey, secretKey: devKey }))).toBe(devKey)
    expect(tokenOf(built({ accessToken: Redacted.make(pat), secretKey: pat }))).toBe(pat)
    expect(tokenOf(built({ accessToken: Credential.unsafeParse(pat), secretKey: Redacted.make(pat) }))).toBe(
      pat
    )
  })

  it("an unparseable credential is an InvalidCredential with its reason", () => {
    const error = refused({ accessToken: `${devKey}\n` })
    expect(error).toBeInstanceOf(InvalidCredential)
    expect(error instanceof InvalidCredential && error.reason).toBe("LineBreak")
    const redacted = refused({ secretKey: Redacted.make(`Bearer ${pat}`) })
    expect(redacted instanceof InvalidCredential && redacted.reason).toBe("BearerScheme")
  })

  it("no credential and no surrounding context is MissingCredential", () => {
    const error = refused({ baseURL: "https://example.com" })
    expect(error).toBeInstanceOf(MissingCredential)
    expect(refused({})).toBeInstanceOf(MissingCredential)
  })
})

describe("Auth.make: preview branch", () => {
  it("a preview key without a branch is a previewBranch error", () => {
    const error = configError({ accessToken: previewKey })
    expect(error.field).toBe("previewBranch")
    expect(error.message).toContain("tr_preview_")
  })

  it("a preview key with a branch is fine", () => {
    for (const branch of ["feature-x", "main", "release/1.2.3", "a", "x".repeat(256), "UPPER.lower-09"]) {
      const auth = built({ accessToken: previewKey, previewBranch: branch })
      expect(auth.previewBranch).toBe(branch)
    }
  })

  it("a branch on a non-preview key is kept (it is only sent to preview)", () => {
    expect(built({ accessToken: devKey, previewBranch: "feature-x" }).previewBranch).toBe("feature-x")
  })

  it.each([
    ["empty", ""],
    ["CR", "feature\rx"],
    ["LF", "feature\nx"],
    ["CRLF at the end", "feature-x\r\n"],
    ["space", "feature x"],
    ["leading space", " feature-x"],
    ["tab", "feature\tx"],
    ["unicode letter", "fëature"],
    ["emoji", "feature-🚀"],
    ["zero-width space", "feature\u200bx"],
    ["header injection", "x\r\nAuthorization: Bearer evil"],
    ["too long", "x".repeat(257)],
    ["colon", "feature:x"]
  ])("rejects a branch with %s", (_name, branch) => {
    const error = configError({ accessToken: previewKey, previewBranch: branch })
    expect(error.field).toBe("previewBranch")
    // Also under a PAT, which can send it, and the same for a dev branch under a dev key. (Before, a preview
    // branch was checked under every key; a key that never sends it no longer checks it, so an odd
    // VERCEL_GIT_COMMIT_REF on a production deployment does not stop a prod key: Branch.test.ts.)
    expect(configError({ accessToken: pat, previewBranch: branch }).field).toBe("previewBranch")
    expect(configError({ accessToken: devKey, devBranch: branch }).field).toBe("devBranch")
  })
})

describe("Auth.make: baseURL", () => {
  it.each([
    ["not a URL", "not a url"],
    ["a host without a scheme", "api.trigger.dev"],
    ["empty", ""],
    ["ftp:", "ftp://api.trigger.dev"],
    ["file:", "file:///etc/passwd"],
    ["javascript:", "javascript:alert(1)"],
    ["user:pass@", "https://user:pass@api.trigger.dev"],
    ["user@", "https://user@api.trigger.dev"],
    ["a query", "https://api.trigger.dev?x=1"],
    ["a fragment", "https://api.trigger.dev/#top"]
  ])("rejects %s", (_name, baseURL) => {
    expect(configError({ accessToken: devKey, baseURL }).field).toBe("baseURL")
  })

  it.each([
    ["https://example.com/", "https://example.com"],
    ["https://example.com", "https://example.com"],
    ["http://localhost:3030/", "http://localhost:3030"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["https://example.com/api/", "https://example.com/api"],
    ["https://example.com/api//", "https://example.com/api"],
    ["HTTPS://Example.COM/", "https://example.com"],
    // an empty query or fragment marker is dropped too: it would otherwise swallow the path appended to it
    ["https://example.com/?", "https://example.com"],
    ["https://example.com#", "https://example.com"]
  ])("normalises %s to %s", (input, expected) => {
    expect(built({ accessToken: devKey, baseURL: input }).baseURL).toBe(expected)
  })
})

describe("Auth.make: merging over a surrounding context", () => {
  const outer = built({ accessToken: devKey, baseURL: "http://localhost:3030", previewBranch: "main" })

  it("fields left out come from the surrounding context", () => {
    const inner = built({ previewBranch: "feature-x" }, outer)
    expect(inner.credential).toBe(outer.credential)
    expect(inner.baseURL).toBe("http://localhost:3030")
    expect(inner.previewBranch).toBe("feature-x")
  })

  it("fields given win", () => {
    const inner = built({ accessToken: pat, baseURL: "https://example.com/" }, outer)
    expect(tokenOf(inner)).toBe(pat)
    expect(inner.baseURL).toBe("https://example.com")
    expect(inner.previewBranch).toBe("main")
  })

  it("a preview key inside a scope with a branch inherits the branch", () => {
    expect(built({ accessToken: previewKey }, outer).previewBranch).toBe("main")
  })
})

describe("withAuth", () => {
  const see = Auth.current.pipe(
    Effect.map((auth) => ({ token: tokenOf(auth), baseURL: auth.baseURL, branch: auth.previewBranch }))
  )

  it.effect("provides the context to the effect (data-last and data-first)", () =>
    Effect.gen(function* () {
      expect((yield* see.pipe(Auth.withAuth({ accessToken: devKey }))).token).toBe(devKey)
      expect((yield* Auth.withAuth(see, { secretKey: pat })).token).toBe(pat)
    })
  )

  it.effect("withAuth({ previewBranch }) inside withAuth({ accessToken, baseURL }) keeps the rest", () =>
    Effect.gen(function* () {
      const seen = yield* see.pipe(
        Auth.withAuth({ previewBranch: "feature-x" }),
        Auth.withAuth({ accessToken: devKey, baseURL: "http://localhost:3030/" })
      )
      expect(seen).toEqual({ token: devKey, baseURL: "http://localhost:3030", branch: "feature-x" })
    })
  )

  it.effect("the innermost wins, and the outer scope is itself again afterwards", () =>
    Effect.gen(function* () {
      const seen = yield* Effect.gen(function* () {
        const before = yield* see
        const inner = yield* see.pipe(Auth.withAuth({ accessToken: pat, baseURL: "https://inner.example" }))
        const innermost = yield* see.pipe(
          Auth.withAuth({ accessToken: prodKey }),
          Auth.withAuth({ accessToken: pat })
        )
        const after = yield* see
        return { before, inner, innermost, after }
      }).pipe(Auth.withAuth({ accessToken: devKey, baseURL: "https://outer.example" }))
      expect(seen.before).toEqual({ token: devKey, baseURL: "https://outer.example", branch: undefined })
      expect(seen.inner).toEqual({ token: pat, baseURL: "https://inner.example", branch: undefined })
      expect(seen.innermost).toEqual({ token: prodKey, baseURL: "https://outer.example", branch: undefined })
      expect(seen.after).toEqual(seen.before)
    })
  )

  it.effect("nothing leaks out of the scope", () =>
    Effect.gen(function* () {
      yield* see.pipe(Auth.withAuth({ accessToken: devKey }))
      const error = yield* Effect.flip(Auth.current)
      expect(error).toBeInstanceOf(MissingCredential)
    })
  )

  it.effect("forks inherit the scope, including forks that outlive the withAuth call", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(Effect.yieldNow().pipe(Effect.zipRight(see))).pipe(
        Auth.withAuth({ accessToken: pat })
      )
      expect((yield* Fiber.join(fiber)).token).toBe(pat)
      const both = yield* Effect.all([see, see], { concurrency: "unbounded" }).pipe(
        Auth.withAuth({ accessToken: prodKey })
      )
      expect(both.map((s) => s.token)).toEqual([prodKey, prodKey])
    })
  )

  it.effect("an invalid configuration fails with its error before the effect runs", () =>
    Effect.gen(function* () {
      let ran = 0
      const inner = Effect.sync(() => ran++)
      const e1 = yield* Effect.flip(inner.pipe(Auth.withAuth({ accessToken: previewKey })))
      expect(e1).toBeInstanceOf(InvalidAuthConfig)
      const e2 = yield* Effect.flip(inner.pipe(Auth.withAuth({ accessToken: "tr_dev_nope" })))
      expect(e2).toBeInstanceOf(InvalidCredential)
      const e3 = yield* Effect.flip(
        inner.pipe(Auth.withAuth({ baseURL: "ftp://x" }), Auth.withAuth({ accessToken: devKey }))
      )
      expect(e3).toBeInstanceOf(InvalidAuthConfig)
      const e4 = yield* Effect.flip(inner.pipe(Auth.withAuth({ previewBranch: "feature-x" })))
      expect(e4).toBeInstanceOf(MissingCredential)
      expect(ran).toBe(0)
      yield* inner.pipe(Auth.withAuth({ accessToken: previewKey, previewBranch: "feature-x" }))
      expect(ran).toBe(1)
    })
  )
})

describe("Auth.current", () => {
  it.effect("without any auth is MissingCredential", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Auth.current)
      expect(error).toBeInstanceOf(MissingCredential)
      expect(error._tag).toBe("MissingCredential")
      expect(error.message).toContain("TRIGGER_SECRET_KEY")
    })
  )
})

describe("Auth.layer", () => {
  it.effect("provides the context built from its configuration", () =>
    Effect.gen(function* () {
      const auth = yield* Auth.current.pipe(
        Effect.provide(Auth.layer({ accessToken: prodKey, baseURL: "http://localhost:3030/" }))
      )
      expect(tokenOf(auth)).toBe(prodKey)
      expect(auth.baseURL).toBe("http://localhost:3030")
    })
  )

  it.effect("withAuth inside a layer merges over it", () =>
    Effect.gen(function* () {
      const auth = yield* Auth.current.pipe(
        Auth.withAuth({ accessToken: pat }),
        Effect.provide(Auth.layer({ accessToken: prodKey, baseURL: "http://localhost:3030" }))
      )
      expect(tokenOf(auth)).toBe(pat)
      expect(auth.baseURL).toBe("http://localhost:3030")
    })
  )

  it.effect("an invalid configuration fails the layer with its error", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Auth.current.pipe(Effect.provide(Auth.layer({ accessToken: previewKey })))
      )
      expect(error).toBeInstanceOf(InvalidAuthConfig)
    })
  )
})

describe("Auth.provide, provideStream, provideLayer, provideContext (the withAuth rule for layers)", () => {
  const keyLayer = Auth.layer({ accessToken: prodKey, baseURL: "http://localhost:3030" })
  it.effect("Auth.provide runs the effect under the layer's auth, and a call it accepts passes", () =>
    Effect.gen(function* () {
      const auth = yield* Auth.current.pipe(Auth.provide(keyLayer))
      expect(tokenOf(auth)).toBe(prodKey)
      expect(auth.baseURL).toBe("http://localhost:3030")
      expect(yield* retrieveRun.pipe(Auth.provide(keyLayer))).toBe("SecretKey")
    })
  )
  it.effect("the inner layer is what a call sees under outer auth (why the types refuse it)", () =>
    Effect.gen(function* () {
      // The types refuse this program (ProvidedInside, Soundness.test-d.ts); here is why, at run time.
      const program = Capability.authorize(RetrieveRun).pipe(
        Effect.provide(Auth.layer({ accessToken: pat })),
        Effect.provideService(Auth.CurrentAuth, Either.getOrThrow(Auth.make({ accessToken: devKey })))
      ) as Effect.Effect<unknown, CapabilityError | MissingCredential | Auth.AuthError>
      expect(yield* Effect.flip(program)).toBeInstanceOf(CapabilityError)
    })
  )
  it.effect(
    "the two nestings the types cannot follow are refused at run time, before the call (decision 0030)",
    () =>
      Effect.gen(function* () {
        const patLayer = Auth.layer({ accessToken: pat })
        const devLayer = Auth.layer({ accessToken: devKey })
        // both compile (Adversarial.test-d.ts): no cast here
        const nested = retrieveRun.pipe(Effect.provide(patLayer), Effect.provide(devLayer))
        const insideAndOutside = Effect.all([retrieveRun.pipe(Effect.provide(patLayer)), retrieveRun]).pipe(
          Auth.withAuth({ accessToken: devKey })
        )
        for (const program of [Effect.asVoid(nested), Effect.asVoid(insideAndOutside)]) {
          const error = yield* Effect.flip(program)
          expect(error).toBeInstanceOf(CapabilityError)
          expect(error).toMatchObject({ endpoint: "runs.retrieve", actual: "PersonalAccessToken" })
        }
      })
  )
  it.effect("Auth.provide fails with the layer's error", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Auth.current.pipe(Auth.provide(Auth.layer({ accessToken: previewKey })))
      )
      expect(error).toBeInstanceOf(InvalidAuthConfig)
    })
  )
  it.effect("Auth.provideStream gives every element the layer's auth", () =>
    Effect.gen(function* () {
      const kinds = yield* Stream.make(1, 2).pipe(
        Stream.mapEffect(() => Auth.current.pipe(Effect.map(tokenOf))),
        Auth.provideStream(keyLayer),
        Stream.runCollect
      )
      expect(Chunk.toReadonlyArray(kinds)).toEqual([prodKey, prodKey])
    })
  )
  it.effect("Auth.provideLayer builds a layer that needs auth with the auth layer", () =>
    Effect.gen(function* () {
      class Token extends Context.Tag("Token")<Token, string>() {}
      const live = Layer.effect(Token, Auth.current.pipe(Effect.map(tokenOf))).pipe(
        Auth.provideLayer(keyLayer)
      )
      expect(yield* Token.pipe(Effect.provide(live))).toBe(prodKey)
    })
  )
  it.effect("Auth.provideContext provides a context at hand", () =>
    Effect.gen(function* () {
      const context = Either.getOrThrow(Auth.make({ accessToken: pat }))
      expect(tokenOf(yield* Auth.current.pipe(Auth.provideContext(context)))).toBe(pat)
    })
  )
})

describe("Auth.layerConfig", () => {
  /** The layer from the environment, with Effect's Config reading `env` only (never process.env). */
  const fromEnv = (env: Record<string, string>) =>
    Auth.layerConfig().pipe(
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
    )
  const read = (env: Record<string, string>) => Auth.current.pipe(Effect.provide(fromEnv(env)))

  it.effect("reads the credential, base URL and branch", () =>
    Effect.gen(function* () {
      const auth = yield* read({
        TRIGGER_SECRET_KEY: previewKey,
        TRIGGER_API_URL: "http://localhost:3030/",
        TRIGGER_PREVIEW_BRANCH: "feature-x"
      })
      expect(tokenOf(auth)).toBe(previewKey)
      expect(auth.baseURL).toBe("http://localhost:3030")
      expect(auth.previewBranch).toBe("feature-x")
    })
  )

  it.effect("TRIGGER_SECRET_KEY is preferred over TRIGGER_ACCESS_TOKEN", () =>
    Effect.gen(function* () {
      const both = yield* read({ TRIGGER_SECRET_KEY: devKey, TRIGGER_ACCESS_TOKEN: pat })
      expect(tokenOf(both)).toBe(devKey)
      const tokenOnly = yield* read({ TRIGGER_ACCESS_TOKEN: pat })
      expect(tokenOf(tokenOnly)).toBe(pat)
      expect(tokenOnly.credential._tag).toBe("PersonalAccessToken")
    })
  )

  it.effect("empty values are ignored", () =>
    Effect.gen(function* () {
      const auth = yield* read({
        TRIGGER_SECRET_KEY: "",
        TRIGGER_ACCESS_TOKEN: pat,
        TRIGGER_API_URL: "",
        TRIGGER_PREVIEW_BRANCH: ""
      })
      expect(tokenOf(auth)).toBe(pat)
      expect(auth.baseURL).toBe(Auth.defaultBaseURL)
      expect(auth.previewBranch).toBeUndefined()
    })
  )

  it.effect("both missing (or empty) is MissingCredential naming both variables", () =>
    Effect.gen(function* () {
      for (const env of [
        {},
        { TRIGGER_SECRET_KEY: "", TRIGGER_ACCESS_TOKEN: "" },
        { TRIGGER_API_URL: "x" }
      ]) {
        const error = yield* Effect.flip(read(env))
        expect(error).toBeInstanceOf(MissingCredential)
        if (error instanceof MissingCredential) {
          expect(error.searched).toEqual(["TRIGGER_SECRET_KEY", "TRIGGER_ACCESS_TOKEN"])
          expect(error.message).toContain("TRIGGER_SECRET_KEY")
          expect(error.message).toContain("TRIGGER_ACCESS_TOKEN")
        }
      }
    })
  )

  it.effect("a bad value in the environment fails with its error", () =>
    Effect.gen(function* () {
      const bad = yield* Effect.flip(read({ TRIGGER_SECRET_KEY: `${devKey}\n` }))
      expect(bad instanceof InvalidCredential && bad.reason).toBe("LineBreak")
      const preview = yield* Effect.flip(read({ TRIGGER_SECRET_KEY: previewKey }))
      expect(preview instanceof InvalidAuthConfig && preview.field).toBe("previewBranch")
      const url = yield* Effect.flip(read({ TRIGGER_SECRET_KEY: devKey, TRIGGER_API_URL: "ftp://x" }))
      expect(url instanceof InvalidAuthConfig && url.field).toBe("baseURL")
    })
  )
})

describe("Auth.requireSecretKey / requirePersonalAccessToken", () => {
  /** A credential whose kind is only known at run time, as one read from the environment is. */
  const unknownKind = (s: string): string => s

  it.effect("the right kind runs the inner effect, with the same context", () =>
    Effect.gen(function* () {
      const kind = yield* retrieveRun.pipe(
        Auth.requireSecretKey,
        Auth.withAuth({ accessToken: unknownKind(devKey) })
      )
      expect(kind).toBe("SecretKey")
      const patKind = yield* projectRuns.pipe(
        Auth.requirePersonalAccessToken,
        Auth.withAuth({ accessToken: unknownKind(pat) })
      )
      expect(patKind).toBe("PersonalAccessToken")
      const ctx = yield* Auth.current.pipe(
        Auth.requireSecretKey,
        Auth.withAuth({ accessToken: unknownKind(prodKey), baseURL: "http://localhost:1" })
      )
      expect(ctx.baseURL).toBe("http://localhost:1")
    })
  )

  it.effect("the wrong kind fails with CapabilityError before the inner effect runs", () =>
    Effect.gen(function* () {
      let ran = 0
      const inner = Effect.sync(() => ++ran)
      const e1 = yield* Effect.flip(
        inner.pipe(Auth.requireSecretKey, Auth.withAuth({ accessToken: unknownKind(pat) }))
      )
      expect(e1).toBeInstanceOf(CapabilityError)
      expect(e1 instanceof CapabilityError && [e1.endpoint, e1.accepts, e1.actual]).toEqual([
        "Auth.requireSecretKey",
        ["SecretKey"],
        "PersonalAccessToken"
      ])
      const e2 = yield* Effect.flip(
        inner.pipe(Auth.requirePersonalAccessToken, Auth.withAuth({ accessToken: unknownKind(devKey) }))
      )
      expect(e2 instanceof CapabilityError && e2.actual).toBe("SecretKey")
      expect(ran).toBe(0)
      // the control: with the right kind the same inner effect does run
      yield* inner.pipe(Auth.requireSecretKey, Auth.withAuth({ accessToken: unknownKind(devKey) }))
      expect(ran).toBe(1)
    })
  )

  it.effect("with no auth at all it is MissingCredential, and the inner effect does not run", () =>
    Effect.gen(function* () {
      let ran = false
      const error = yield* Effect.flip(
        bypassTypes(Effect.sync(() => (ran = true)).pipe(Auth.requireSecretKey))
      )
      expect(error).toBeInstanceOf(MissingCredential)
      expect(ran).toBe(false)
    })
  )
})

describe("Capability.authorize at run time", () => {
  it.effect("an accepted kind gets the context, narrowed", () =>
    Effect.gen(function* () {
      const auth = yield* Capability.authorize(RetrieveRun).pipe(
        Auth.withAuth({ accessToken: prodKey, previewBranch: "x" })
      )
      expect(auth.credential.environment).toBe("prod")
      expect(auth.previewBranch).toBe("x")
      expect(yield* listEnvVars.pipe(Auth.withAuth({ accessToken: pat }))).toBe("PersonalAccessToken")
      expect(yield* listEnvVars.pipe(Auth.withAuth({ accessToken: devKey }))).toBe("SecretKey")
    })
  )

  it.effect("a kind the endpoint does not accept is a CapabilityError (types bypassed)", () =>
    Effect.gen(function* () {
      // retrieveRun under a PAT does not compile (NotAccepted<"runs.retrieve", "PersonalAccessToken">).
      const e1 = yield* Effect.flip(bypassTypes(retrieveRun.pipe(Auth.withAuth({ accessToken: pat }))))
      expect(e1).toBeInstanceOf(CapabilityError)
      expect(e1 instanceof CapabilityError && [e1.endpoint, e1.accepts, e1.actual]).toEqual([
        "runs.retrieve",
        ["SecretKey"],
        "PersonalAccessToken"
      ])
      expect(e1.message).toContain("runs.retrieve accepts SecretKey")
      const e2 = yield* Effect.flip(bypassTypes(projectRuns.pipe(Auth.withAuth({ accessToken: devKey }))))
      expect(e2 instanceof CapabilityError && [e2.endpoint, e2.actual]).toEqual([
        "runs.list(project)",
        "SecretKey"
      ])
    })
  )

  it.effect("no auth at all is MissingCredential (types bypassed)", () =>
    Effect.gen(function* () {
      // retrieveRun with its requirement unprovided does not compile.
      const error = yield* Effect.flip(bypassTypes(retrieveRun))
      expect(error).toBeInstanceOf(MissingCredential)
      expect(error.message).toContain("No credential found")
    })
  )

  it("accepts / acceptsCredential / the internal check agree with the declaration", () => {
    expect(Capability.accepts(RetrieveRun, "SecretKey")).toBe(true)
    expect(Capability.accepts(RetrieveRun, "PersonalAccessToken")).toBe(false)
    expect(Capability.accepts(ListEnvVars, "PersonalAccessToken")).toBe(true)
    expect(Capability.acceptsCredential(ProjectRuns, Credential.unsafeParse(pat))).toBe(true)
    expect(Capability.acceptsCredential(ProjectRuns, Credential.unsafeParse(devKey))).toBe(false)
  })

  it.effect("check refuses a context of the wrong kind and an absent one", () =>
    Effect.gen(function* () {
      const refused = yield* Effect.flip(
        check(ProjectRuns, Either.getRight(Auth.make({ accessToken: devKey })))
      )
      expect(refused).toBeInstanceOf(CapabilityError)
      const missing = yield* Effect.flip(check(ProjectRuns, Option.none()))
      expect(missing).toBeInstanceOf(MissingCredential)
      const ok = yield* check(ProjectRuns, Either.getRight(Auth.make({ accessToken: pat })))
      expect(ok.credential._tag).toBe("PersonalAccessToken")
    })
  )
})
