/**
 * Type tests of @authctx/hono, checked by `tsc`: `c.var.auth` without casts (the middleware's `Env`, and an
 * app typed `Hono<AuthEnv<K>>`); SecretKey-only calls compile behind `accept: ["SecretKey"]` and not behind
 * a PAT-only middleware.
 */
import { Envvars, Runs } from "@authctx/client"
import type { Credential } from "@authctx/core"
import {
  type AuthEnv,
  type AuthHandle,
  authContext,
  problemResponse,
  type RequestAuthError
} from "@authctx/hono"
import { type Context, Hono, type MiddlewareHandler } from "hono"
import { describe, expectTypeOf, it } from "vitest"

declare const keys: ReadonlyMap<string, string>

describe("c.var.auth after the middleware in a route", () => {
  it("behind accept: ['SecretKey'], SecretKey-only calls compile", () => {
    new Hono().get("/runs/:id", authContext({ accept: ["SecretKey"] }), async (c) => {
      expectTypeOf(c.var.auth.kind).toEqualTypeOf<"SecretKey">()
      expectTypeOf(c.get("auth").context.credential).toEqualTypeOf<Credential.SecretKey>()
      const run = await c.var.auth.client.runs.retrieve(c.req.param("id"))
      await c.var.auth.run(Runs.retrieve("run_1"))
      return c.json(run)
    })
  })

  it("behind a PAT-only middleware, they do not", () => {
    new Hono().get("/projects/:ref/runs", authContext({ accept: ["PersonalAccessToken"] }), async (c) => {
      expectTypeOf(c.var.auth.kind).toEqualTypeOf<"PersonalAccessToken">()
      // @ts-expect-error runs.retrieve is SecretKey-only
      await c.var.auth.client.runs.retrieve("run_1")
      // @ts-expect-error so is running it as an Effect
      await c.var.auth.run(Runs.retrieve("run_1"))
      return c.json(await c.var.auth.run(Runs.list(c.req.param("ref"))))
    })
  })

  it("an unknown kind narrows on auth.kind", () => {
    new Hono().get("/", authContext(), async (c) => {
      const auth = c.var.auth
      expectTypeOf(auth).toEqualTypeOf<AuthHandle>()
      await auth.run(Envvars.list("proj_1", "dev"))
      // @ts-expect-error not until narrowed
      await auth.client.runs.retrieve("run_1")
      if (auth.kind === "SecretKey") return c.json(await auth.client.runs.retrieve("run_1"))
      return c.json(await auth.client.runs.list("proj_1"))
    })
  })
})

describe("an app typed Hono<AuthEnv<K>>", () => {
  it("types c.var.auth in every handler", () => {
    const app = new Hono<AuthEnv<"SecretKey">>()
    app.use(authContext({ accept: ["SecretKey"] }))
    app.get("/", async (c) => c.json(await c.var.auth.run(Runs.retrieve("run_1"))))
    const pats = new Hono<AuthEnv<"PersonalAccessToken">>()
    pats.get("/", async (c) => {
      // @ts-expect-error runs.retrieve is SecretKey-only
      await c.var.auth.client.runs.retrieve("run_1")
      return c.text("ok")
    })
  })

  it("the middleware's type carries AuthEnv<K>; resolve gets Hono's Context", () => {
    expectTypeOf(authContext({ accept: ["SecretKey"] })).toEqualTypeOf<
      MiddlewareHandler<AuthEnv<"SecretKey">>
    >()
    const fromMap = authContext({
      resolve: (c) => {
        expectTypeOf(c).toEqualTypeOf<Context>()
        return keys.get(c.req.header("x-tenant") ?? "")
      }
    })
    expectTypeOf(fromMap).toEqualTypeOf<MiddlewareHandler<AuthEnv<Credential.Kind>>>()
  })
})

describe("options", () => {
  it("onError gets the failure and returns a Response", () => {
    authContext({
      onError: (failure, c) => {
        expectTypeOf(failure).toEqualTypeOf<RequestAuthError>()
        expectTypeOf(c).toEqualTypeOf<Context>()
        return problemResponse(failure)
      }
    })
  })
})
