/**
 * Type tests of @authctx/koa, checked by `tsc`: `ctx.state.auth` without casts (the `DefaultState`
 * augmentation, and the state type `app.use(authContext(…))` adds); SecretKey-only calls compile behind
 * `accept: ["SecretKey"]` and not behind a PAT-only middleware.
 */
import { Envvars, Runs } from "@authctx/client"
import type { Credential } from "@authctx/core"
import {
  type AuthHandle,
  type AuthState,
  authContext,
  type RequestAuthError,
  sendProblem
} from "@authctx/koa"
import Koa, { type Context, type Middleware } from "koa"
import { describe, expectTypeOf, it } from "vitest"

declare const keys: ReadonlyMap<string, string>

describe("ctx.state.auth (the DefaultState augmentation)", () => {
  it("is the handle of an unknown kind in any middleware", () => {
    new Koa().use(async (ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<AuthHandle | undefined>()
      const auth = ctx.state.auth
      if (auth === undefined) return
      await auth.run(Envvars.list("proj_1", "dev"))
      // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey"
      await auth.client.runs.retrieve("run_1")
      if (auth.kind === "SecretKey") ctx.body = await auth.client.runs.retrieve("run_1")
    })
  })
})

describe("app.use(authContext(…)): the state is typed by the middleware", () => {
  it("behind accept: ['SecretKey'], SecretKey-only calls compile", () => {
    const app = new Koa().use(authContext({ accept: ["SecretKey"] }))
    app.use(async (ctx) => {
      expectTypeOf(ctx.state.auth.kind).toEqualTypeOf<"SecretKey">()
      expectTypeOf(ctx.state.auth.context.credential).toEqualTypeOf<Credential.SecretKey>()
      const run = await ctx.state.auth.client.runs.retrieve("run_1")
      ctx.body = await ctx.state.auth.run(Runs.retrieve("run_1"))
      ctx.body = run
    })
  })

  it("behind a PAT-only middleware, they do not", () => {
    const app = new Koa().use(authContext({ accept: ["PersonalAccessToken"] }))
    app.use(async (ctx) => {
      expectTypeOf(ctx.state.auth.kind).toEqualTypeOf<"PersonalAccessToken">()
      // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey"
      await ctx.state.auth.client.runs.retrieve("run_1")
      // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "accept only SecretKeys in the middleware: accept: ['SecretKey']">
      await ctx.state.auth.run(Runs.retrieve("run_1"))
      ctx.body = await ctx.state.auth.run(Runs.list("proj_1"))
    })
  })

  it("the middleware's type is a Koa middleware of its kind's state", () => {
    const auth = authContext({ accept: ["SecretKey"] })
    expectTypeOf<AuthState<typeof auth>>().toEqualTypeOf<{ auth: AuthHandle<"SecretKey"> }>()
    const literal = authContext({ resolve: () => "tr_dev_abcdefghijklmnopqrstuvwx" })
    expectTypeOf<AuthState<typeof literal>["auth"]>().toEqualTypeOf<AuthHandle<"SecretKey">>()
    const fromMap = authContext({
      resolve: (ctx) => {
        expectTypeOf(ctx).toEqualTypeOf<Context>()
        return keys.get(ctx.get("x-tenant"))
      }
    })
    expectTypeOf<AuthState<typeof fromMap>["auth"]>().toEqualTypeOf<AuthHandle>()
    expectTypeOf<AuthState["auth"]>().toEqualTypeOf<AuthHandle>()
  })

  it("other middlewares before and after do not change the kind (#14)", () => {
    const logger: Middleware = async (_ctx, next) => {
      await next()
    }
    const withOrigin: Middleware<{ origin: string }> = async (ctx, next) => {
      ctx.state.origin = "*"
      await next()
    }
    new Koa()
      .use(logger)
      .use(authContext({ accept: ["SecretKey"] }))
      .use(withOrigin)
      .use(async (ctx) => {
        expectTypeOf(ctx.state.auth.kind).toEqualTypeOf<"SecretKey">()
        ctx.body = await ctx.state.auth.run(Runs.retrieve("run_1"))
      })
    new Koa()
      .use(logger)
      .use(authContext({ accept: ["PersonalAccessToken"] }))
      .use(withOrigin)
      .use(async (ctx) => {
        // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "accept only SecretKeys in the middleware: accept: ['SecretKey']">
        ctx.body = await ctx.state.auth.run(Runs.retrieve("run_1"))
      })
  })

  it("a kind written by hand does not compile (H5)", () => {
    // @ts-expect-error Type 'string' does not satisfy the constraint '(ctx: never, next: never) => unknown'.
    const env: Middleware<AuthState<"SecretKey">> = () => undefined
    void env
    const auth = authContext({ accept: ["SecretKey"] })
    const typed: Middleware<AuthState<typeof auth>> = async (ctx) => {
      ctx.body = await ctx.state.auth.client.runs.retrieve("run_1")
    }
    void typed
  })
})

describe("options", () => {
  it("verify sees the accepted kind; onError gets an RequestAuthError and the context", () => {
    authContext({
      accept: ["PersonalAccessToken"],
      verify: async (auth) => auth.credential._tag === "PersonalAccessToken",
      onError: (error, ctx) => {
        expectTypeOf(error).toEqualTypeOf<RequestAuthError>()
        sendProblem(error, ctx)
      }
    })
  })
})
