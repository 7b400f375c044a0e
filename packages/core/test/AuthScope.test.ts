/**
 * The Promise-land scope (docs/concepts.md "Scoping"): `run`, `current`, `resolve`, `provide`, `configure`,
 * `runWith`, precedence (scope > configure() > environment variables), and the loud failure where there is
 * no AsyncLocalStorage.
 */
import { setTimeout as sleep } from "node:timers/promises"
import {
  Auth,
  AuthScope,
  CapabilityError,
  Credential,
  InvalidAuthConfig,
  InvalidCredential,
  MissingCredential,
  OutsideAuthScope
} from "@authctx/core"
import { describe, expect, it, vi } from "@effect/vitest"
import { Effect, Either, Redacted } from "effect"
import { devKey, isolateDefaultAuth, pat, previewKey, prodKey, retrieveRun } from "./fixtures.js"

isolateDefaultAuth()

const tokenOf = (auth: Auth.AuthContext | undefined): string | undefined =>
  auth === undefined ? undefined : Redacted.value(auth.credential.token)
const resolved = (): Auth.AuthContext =>
  Either.getOrThrowWith(AuthScope.resolve(), (e) => new Error(`expected a context, got ${e._tag}`))
const resolveError = (): Auth.AuthError | OutsideAuthScope => {
  const result = AuthScope.resolve()
  if (Either.isRight(result)) throw new Error("expected resolve() to fail")
  return result.left
}
/** What `fn` throws (synchronously), or a failure if it does not throw. */
const thrownBy = (fn: () => unknown): unknown => {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error("expected a throw")
}

describe("run / current", () => {
  it("isSupported is true on Node", () => {
    expect(AuthScope.isSupported).toBe(true)
  })

  it("current() is undefined outside any scope", () => {
    expect(AuthScope.current()).toBeUndefined()
  })

  it("run scopes the context to fn's whole async call tree, and returns fn's value", async () => {
    const result = await AuthScope.run({ accessToken: devKey }, async () => {
      const first = tokenOf(AuthScope.current())
      await sleep(2)
      const afterTimer = tokenOf(AuthScope.current())
      const viaCallback = await new Promise<string | undefined>((resolve) =>
        setImmediate(() => resolve(tokenOf(AuthScope.current())))
      )
      const viaMicrotask = await Promise.resolve().then(() => tokenOf(AuthScope.current()))
      return [first, afterTimer, viaCallback, viaMicrotask]
    })
    expect(result).toEqual([devKey, devKey, devKey, devKey])
    expect(AuthScope.current()).toBeUndefined()
  })

  it("run works with a synchronous fn too", () => {
    expect(AuthScope.run({ accessToken: pat }, () => AuthScope.current()?.credential._tag)).toBe(
      "PersonalAccessToken"
    )
    expect(AuthScope.current()).toBeUndefined()
  })

  it("a rejection from fn propagates, and the scope ends", async () => {
    await expect(
      AuthScope.run({ accessToken: devKey }, async () => {
        await sleep(1)
        throw new Error("boom")
      })
    ).rejects.toThrow("boom")
    expect(AuthScope.current()).toBeUndefined()
  })

  it("nested runs merge field by field; the innermost wins; the outer is itself again after", async () => {
    const seen = await AuthScope.run({ accessToken: devKey, baseURL: "http://localhost:3030" }, async () => {
      const inner = await AuthScope.run({ previewBranch: "feature-x" }, async () => {
        await sleep(1)
        return AuthScope.current()
      })
      const innermost = await AuthScope.run({ accessToken: pat }, () =>
        AuthScope.run({ baseURL: "https://example.com/" }, async () => {
          await sleep(1)
          return AuthScope.current()
        })
      )
      return { inner, innermost, after: AuthScope.current() }
    })
    expect(tokenOf(seen.inner)).toBe(devKey)
    expect(seen.inner?.baseURL).toBe("http://localhost:3030")
    expect(seen.inner?.previewBranch).toBe("feature-x")
    expect(tokenOf(seen.innermost)).toBe(pat)
    expect(seen.innermost?.baseURL).toBe("https://example.com")
    expect(seen.innermost?.previewBranch).toBeUndefined()
    expect(tokenOf(seen.after)).toBe(devKey)
    expect(seen.after?.previewBranch).toBeUndefined()
  })

  it("concurrent runs never see each other's context", async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `tr_dev_${String(i).padStart(24, "k")}`)
    const seen = await Promise.all(
      keys.map((key, i) =>
        AuthScope.run({ accessToken: key }, async () => {
          await sleep(i % 5)
          return tokenOf(AuthScope.current())
        })
      )
    )
    expect(seen).toEqual(keys)
  })

  it("an invalid configuration throws its typed error before fn runs", () => {
    const fn = vi.fn(() => "ran")
    const e1 = thrownBy(() => AuthScope.run({ accessToken: `${devKey}\n` }, fn))
    expect(e1).toBeInstanceOf(InvalidCredential)
    expect(e1 instanceof InvalidCredential && e1.reason).toBe("LineBreak")
    const e2 = thrownBy(() => AuthScope.run({ accessToken: previewKey }, fn))
    expect(e2 instanceof InvalidAuthConfig && e2.field).toBe("previewBranch")
    const e3 = thrownBy(() => AuthScope.run({ accessToken: devKey, baseURL: "ftp://x" }, fn))
    expect(e3 instanceof InvalidAuthConfig && e3.field).toBe("baseURL")
    const e4 = thrownBy(() => AuthScope.run({ accessToken: devKey, secretKey: prodKey }, fn))
    expect(e4 instanceof InvalidAuthConfig && e4.field).toBe("credential")
    const e5 = thrownBy(() => AuthScope.run({ baseURL: "https://example.com" }, fn))
    expect(e5).toBeInstanceOf(MissingCredential)
    expect(fn).not.toHaveBeenCalled()
    expect(AuthScope.run({ accessToken: devKey }, fn)).toBe("ran")
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it("runWith uses the given context as it is", async () => {
    const auth = Either.getOrThrow(Auth.make({ accessToken: prodKey, baseURL: "http://localhost:1" }))
    const seen = await AuthScope.runWith(auth, async () => {
      await sleep(1)
      return AuthScope.current()
    })
    expect(seen).toBe(auth)
    // a run nested in it merges over it
    const nested = AuthScope.runWith(auth, () =>
      AuthScope.run({ accessToken: pat }, () => AuthScope.current())
    )
    expect(tokenOf(nested)).toBe(pat)
    expect(nested?.baseURL).toBe("http://localhost:1")
  })
})

describe("resolve / configure / environment", () => {
  it("with nothing anywhere, resolve() is MissingCredential naming where it looked", () => {
    const error = resolveError()
    expect(error).toBeInstanceOf(MissingCredential)
    expect(error instanceof MissingCredential && error.searched).toContain("TRIGGER_SECRET_KEY")
  })

  it("inside a scope, resolve() is the scope's context", () => {
    AuthScope.configure({ accessToken: devKey })
    const inScope = AuthScope.run({ accessToken: pat }, () => resolved())
    expect(tokenOf(inScope)).toBe(pat)
  })

  it("configure() sets a default used only where no scope is active", async () => {
    AuthScope.configure({ accessToken: devKey, baseURL: "http://localhost:3030" })
    expect(AuthScope.current()).toBeUndefined() // the default is not a scope
    expect(tokenOf(resolved())).toBe(devKey)
    const inScope = await AuthScope.run({ accessToken: prodKey }, async () => AuthScope.current())
    expect(tokenOf(inScope)).toBe(prodKey)
    expect(tokenOf(resolved())).toBe(devKey)
  })

  it("scopes merge over the default field by field", () => {
    AuthScope.configure({ accessToken: devKey, baseURL: "http://localhost:3030", previewBranch: "main" })
    const branchOnly = AuthScope.run({ previewBranch: "feature-x" }, () => AuthScope.current())
    expect(tokenOf(branchOnly)).toBe(devKey)
    expect(branchOnly?.baseURL).toBe("http://localhost:3030")
    expect(branchOnly?.previewBranch).toBe("feature-x")
    const keyOnly = AuthScope.run({ accessToken: previewKey }, () => AuthScope.current())
    expect(tokenOf(keyOnly)).toBe(previewKey)
    expect(keyOnly?.baseURL).toBe("http://localhost:3030")
    expect(keyOnly?.previewBranch).toBe("main")
  })

  it("configure() replaces the previous default", () => {
    AuthScope.configure({ accessToken: devKey })
    AuthScope.configure({ baseURL: "http://localhost:3030" })
    expect(resolveError()).toBeInstanceOf(MissingCredential)
  })

  it("configure({ secretKey }) may hold a PAT", () => {
    AuthScope.configure({ secretKey: pat })
    expect(resolved().credential._tag).toBe("PersonalAccessToken")
  })

  it("an invalid default is reported by resolve()", () => {
    // a dev key checks the branch it sends, the dev branch (a preview branch it never sends is not checked)
    AuthScope.configure({ accessToken: devKey, devBranch: "bad branch" })
    const error = resolveError()
    expect(error instanceof InvalidAuthConfig && error.field).toBe("devBranch")
  })

  it("environment variables fill in where nothing else is set", () => {
    process.env["TRIGGER_SECRET_KEY"] = previewKey
    process.env["TRIGGER_API_URL"] = "http://localhost:3030/"
    process.env["TRIGGER_PREVIEW_BRANCH"] = "feature-x"
    const auth = resolved()
    expect(tokenOf(auth)).toBe(previewKey)
    expect(auth.baseURL).toBe("http://localhost:3030")
    expect(auth.previewBranch).toBe("feature-x")
  })

  it("TRIGGER_SECRET_KEY is preferred over TRIGGER_ACCESS_TOKEN; empty values are ignored", () => {
    process.env["TRIGGER_ACCESS_TOKEN"] = pat
    expect(tokenOf(resolved())).toBe(pat)
    process.env["TRIGGER_SECRET_KEY"] = devKey
    expect(tokenOf(resolved())).toBe(devKey)
    process.env["TRIGGER_SECRET_KEY"] = ""
    process.env["TRIGGER_API_URL"] = ""
    expect(tokenOf(resolved())).toBe(pat)
    expect(resolved().baseURL).toBe(Auth.defaultBaseURL)
    process.env["TRIGGER_ACCESS_TOKEN"] = ""
    expect(resolveError()).toBeInstanceOf(MissingCredential)
  })

  it("environment variables are the lowest precedence, field by field", () => {
    process.env["TRIGGER_SECRET_KEY"] = devKey
    process.env["TRIGGER_API_URL"] = "http://env.example"
    AuthScope.configure({ accessToken: prodKey })
    expect(tokenOf(resolved())).toBe(prodKey) // configure() beats the environment
    expect(resolved().baseURL).toBe("http://env.example") // the field configure() left out comes from it
    AuthScope.configure({ baseURL: "http://configured.example" })
    expect(tokenOf(resolved())).toBe(devKey)
    expect(resolved().baseURL).toBe("http://configured.example")
    const inScope = AuthScope.run({ accessToken: pat }, () => AuthScope.current())
    expect(tokenOf(inScope)).toBe(pat) // a scope beats both
    expect(inScope?.baseURL).toBe("http://configured.example")
  })

  it("the environment is read when a call resolves, not when configure() ran", () => {
    AuthScope.configure({})
    process.env["TRIGGER_SECRET_KEY"] = devKey
    expect(tokenOf(resolved())).toBe(devKey)
    process.env["TRIGGER_SECRET_KEY"] = prodKey
    expect(tokenOf(resolved())).toBe(prodKey)
  })

  // Known bug (see the report): `run` merges over the *built* default, so when the default has no
  // credential (or is otherwise invalid), every default field is dropped, including a configured
  // baseURL. A user who configures `baseURL` once and passes credentials per scope gets api.trigger.dev.
  it("a scope inherits configure()'s baseURL even when the default names no credential", () => {
    AuthScope.configure({ baseURL: "http://localhost:3030" })
    const inScope = AuthScope.run({ accessToken: devKey }, () => AuthScope.current())
    expect(inScope?.baseURL).toBe("http://localhost:3030")
  })

  it("a scope inherits TRIGGER_API_URL even when the environment names no credential", () => {
    process.env["TRIGGER_API_URL"] = "http://localhost:3030"
    const inScope = AuthScope.run({ accessToken: devKey }, () => AuthScope.current())
    expect(inScope?.baseURL).toBe("http://localhost:3030")
  })

  it("a branch given in a scope completes a preview key configured as the default", () => {
    AuthScope.configure({ accessToken: previewKey })
    const inScope = AuthScope.run({ previewBranch: "feature-x" }, () => AuthScope.current())
    expect(tokenOf(inScope)).toBe(previewKey)
  })

  // A former bug: the default's builder (now internal/defaultAuth.ts, makeDefault) passed only
  // `accessToken ?? secretKey` to Auth.make, so its contradiction check never saw a configure() that named
  // two different credentials. Both fields reach it now.
  it("configure() with different accessToken and secretKey is refused like everywhere else", () => {
    AuthScope.configure({ accessToken: devKey, secretKey: prodKey })
    const error = resolveError()
    expect(error instanceof InvalidAuthConfig && error.field).toBe("credential")
  })
})

describe("resolve: the one read of the scope per Promise API call", () => {
  const read = Auth.current.pipe(Effect.map((auth) => Redacted.value(auth.credential.token)))
  /**
   * What the client's boundary does with a resolved context: provides it to the call's effect (the kind is
   * known only at run time, so the requirement phantoms are cast away and the run-time check decides).
   */
  const under = <A, E, R>(auth: Auth.AuthContext, effect: Effect.Effect<A, E, R>) =>
    Effect.runPromise(Effect.provideService(effect, Auth.CurrentAuth, auth) as Effect.Effect<A, E>)

  it("answers the scope's context", async () => {
    const token = await AuthScope.run({ accessToken: pat }, () => under(resolved(), read))
    expect(token).toBe(pat)
  })

  it("a context resolved in a scope stays that scope's after it ends", async () => {
    const auth = AuthScope.run({ accessToken: prodKey }, () => resolved())
    expect(AuthScope.current()).toBeUndefined()
    expect(await under(auth, read)).toBe(prodKey)
    // and using it inside another scope does not change that
    expect(await AuthScope.run({ accessToken: devKey }, () => under(auth, read))).toBe(prodKey)
  })

  it("outside a scope it is the default, else the auth error", () => {
    expect(resolveError()).toBeInstanceOf(MissingCredential)
    AuthScope.configure({ accessToken: devKey })
    expect(tokenOf(resolved())).toBe(devKey)
  })

  it("an endpoint call under the scope's kind passes the run-time checks, the wrong kind fails them", async () => {
    // The scope's kind is not known statically, so the call is narrowed at run time.
    const call = retrieveRun.pipe(Auth.requireSecretKey)
    const kind = await AuthScope.run({ accessToken: prodKey }, () => under(resolved(), call))
    expect(kind).toBe("SecretKey")
    const refused = await AuthScope.run({ accessToken: pat }, () => under(resolved(), Effect.flip(call)))
    expect(refused).toBeInstanceOf(CapabilityError)
  })

  it("a credential parsed by the caller is used as it is", () => {
    const key = Credential.unsafeParse(devKey)
    expect(AuthScope.run({ accessToken: key }, () => resolved().credential)).toBe(key)
  })
})

describe("without AsyncLocalStorage", () => {
  /** Imports a fresh copy of the AuthScope module while `getBuiltinModule` is hidden (or not). */
  const freshAuthScope = async (hide: boolean) => {
    vi.resetModules()
    const saved = Object.getOwnPropertyDescriptor(process, "getBuiltinModule")
    const hadGlobal = Reflect.has(globalThis, "AsyncLocalStorage")
    const savedGlobal: unknown = Reflect.get(globalThis, "AsyncLocalStorage")
    if (hide) {
      Reflect.deleteProperty(process, "getBuiltinModule")
      Reflect.deleteProperty(globalThis, "AsyncLocalStorage")
    }
    try {
      if (hide) {
        expect(Reflect.get(process, "getBuiltinModule")).toBeUndefined()
        expect(Reflect.get(globalThis, "AsyncLocalStorage")).toBeUndefined()
      }
      return await import("../src/AuthScope.js")
    } finally {
      if (saved !== undefined) Object.defineProperty(process, "getBuiltinModule", saved)
      if (hadGlobal) Reflect.set(globalThis, "AsyncLocalStorage", savedGlobal)
    }
  }

  it("the control: a fresh import with getBuiltinModule present is supported", async () => {
    const fresh = await freshAuthScope(false)
    expect(fresh.isSupported).toBe(true)
  })

  it("isSupported is false, and run/runWith throw NoAsyncContext pointing to createClient", async () => {
    const fresh = await freshAuthScope(true)
    expect(typeof process.getBuiltinModule).toBe("function") // restored for everything else
    expect(fresh.isSupported).toBe(false)
    expect(fresh.current()).toBeUndefined()
    const fn = vi.fn(() => "ran")
    const error = thrownBy(() => fresh.run({ accessToken: devKey }, fn))
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ _tag: "NoAsyncContext" })
    expect(error instanceof Error && error.message).toContain("createClient")
    const auth = Either.getOrThrow(Auth.make({ accessToken: devKey }))
    expect(thrownBy(() => fresh.runWith(auth, fn))).toMatchObject({ _tag: "NoAsyncContext" })
    expect(fn).not.toHaveBeenCalled()
    // the default still works: no scope is needed for it, and no global is swapped
    fresh.configure({ accessToken: pat })
    const resolvedDefault = fresh.resolve()
    expect(Either.isRight(resolvedDefault) && tokenOf(resolvedDefault.right)).toBe(pat)
  })
})

describe("server mode", () => {
  it("an ambient read outside any scope is OutsideAuthScope, not the configured default; inside a scope it is the scope's", async () => {
    AuthScope.configure({ accessToken: prodKey, serverMode: true })
    expect(AuthScope.isServerMode()).toBe(true)
    const error = resolveError()
    expect(error).toBeInstanceOf(OutsideAuthScope)
    expect(error.message).toContain("req.auth.client")
    expect(error.message).toContain("bind(fn)")
    expect(error.message).not.toContain(prodKey.slice(8))
    expect(await AuthScope.run({ accessToken: devKey }, async () => tokenOf(resolved()))).toBe(devKey)
    // withAuth and explicit clients still merge over the default: only the silent fallback is gone
    expect(Either.isRight(AuthScope.resolveWith({ baseURL: "https://example.com" }))).toBe(true)
  })

  it("stays on when configure() names a new default without serverMode, goes off with serverMode: false", () => {
    AuthScope.configure({ serverMode: true })
    AuthScope.configure({ accessToken: prodKey })
    expect(AuthScope.isServerMode()).toBe(true)
    expect(resolveError()).toBeInstanceOf(OutsideAuthScope)
    AuthScope.configure({ accessToken: prodKey, serverMode: false })
    expect(tokenOf(resolved())).toBe(prodKey)
  })

  it("enableServerMode turns it on and keeps the configured default for createClient and withAuth", () => {
    AuthScope.configure({ accessToken: prodKey, baseURL: "https://example.com", serverMode: false })
    AuthScope.enableServerMode()
    expect(AuthScope.isServerMode()).toBe(true)
    expect(resolveError()).toBeInstanceOf(OutsideAuthScope)
    // the default is still there for what merges over it (the base URL, here)
    const merged = AuthScope.resolveWith({ accessToken: devKey })
    expect(Either.isRight(merged) && merged.right.baseURL).toBe("https://example.com")
    AuthScope.configure({ serverMode: false })
    expect(AuthScope.isServerMode()).toBe(false)
  })
})

describe("bind", () => {
  it("runs the function in the scope it was bound in, whoever calls it and when", async () => {
    const bound = await AuthScope.run({ accessToken: devKey }, async () => {
      await sleep(1)
      return AuthScope.bind(function (this: { readonly n: number }, extra: number) {
        return `${tokenOf(AuthScope.current())} ${this.n + extra}`
      })
    })
    const answer = AuthScope.run({ accessToken: prodKey }, () => bound.call({ n: 1 }, 2))
    expect(answer).toBe(`${devKey} 3`)
    expect(bound.call({ n: 0 }, 0)).toBe(`${devKey} 0`)
  })

  it("bound outside any scope, runs outside any scope: not in the caller's (server mode then refuses)", () => {
    AuthScope.configure({ serverMode: true })
    const bound = AuthScope.bind(() => AuthScope.resolve())
    const result = AuthScope.run({ accessToken: prodKey }, bound)
    expect(Either.isLeft(result) && result.left).toBeInstanceOf(OutsideAuthScope)
  })

  it("bindTo binds to a given context", () => {
    const auth = Either.getOrThrow(Auth.make({ accessToken: pat }))
    const bound = AuthScope.bindTo(auth, () => AuthScope.current()?.credential._tag)
    expect(AuthScope.run({ accessToken: devKey }, bound)).toBe("PersonalAccessToken")
  })
})
