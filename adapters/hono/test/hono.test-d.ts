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
  type AuthMiddleware,
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
      // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey"
      await c.var.auth.client.runs.retrieve("run_1")
      // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "accept only SecretKeys in the middleware: accept: ['SecretKey']">
      await c.var.auth.run(Runs.retrieve("run_1"))
      return c.json(await c.var.auth.run(Runs.list(c.req.param("ref"))))
    })
  })

  it("an unknown kind narrows on auth.kind", () => {
    new Hono().get("/", authContext(), async (c) => {
      const auth = c.var.auth
      expectTypeOf(auth).toEqualTypeOf<AuthHandle>()
      await auth.run(Envvars.list("proj_1", "dev"))
      // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey"
      await auth.client.runs.retrieve("run_1")
      // @ts-expect-error Refused<"runs.retrieve", KeyKind, "SecretKey", "narrow first: if (auth.kind === 'SecretKey')">
      await auth.run(Runs.retrieve("run_1"))
      if (auth.kind === "SecretKey") {
        // narrowing on kind narrows run too
        await auth.run(Runs.retrieve("run_1"))
        return c.json(await auth.client.runs.retrieve("run_1"))
      }
      return c.json(await auth.client.runs.list("proj_1"))
    })
  })
})

describe("an app typed Hono<AuthEnv<…>>: a kind only from a middleware that enforces it (H5)", () => {
  it("AuthEnv<typeof auth> types c.var.auth in every handler", () => {
    const auth = authContext({ accept: ["SecretKey"] })
    const app = new Hono<AuthEnv<typeof auth>>()
    app.use(auth)
    app.get("/", async (c) => c.json(await c.var.auth.run(Runs.retrieve("run_1"))))
    const patAuth = authContext({ accept: ["PersonalAccessToken"] })
    const pats = new Hono<AuthEnv<typeof patAuth>>()
    pats.get("/", async (c) => {
      // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey"
      await c.var.auth.client.runs.retrieve("run_1")
      return c.text("ok")
    })
  })

  it("a kind written by hand does not compile", () => {
    // @ts-expect-error Type 'string' does not satisfy the constraint '(c: never, next: never) => unknown'.
    new Hono<AuthEnv<"SecretKey">>()
  })

  it("AuthEnv alone is a handle of unknown kind, whatever the middleware", () => {
    const app = new Hono<AuthEnv>()
    app.use(authContext())
    app.get("/", async (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<AuthHandle>()
      // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey"
      await c.var.auth.client.runs.retrieve("run_1")
      return c.json(await c.var.auth.run(Envvars.list("proj_1", "dev")))
    })
  })

  it("stacked middlewares: the handlers see both kinds' intersection, which the run-time rule keeps true", () => {
    new Hono()
      .use(authContext())
      .use(authContext({ accept: ["SecretKey"] }))
      .get("/", async (c) => c.json(await c.var.auth.run(Runs.retrieve("run_1"))))
  })

  it("other middlewares before and after do not change the kind (#14)", () => {
    const logger: MiddlewareHandler = async (_c, next) => {
      await next()
    }
    const cors: MiddlewareHandler<{ Variables: { origin: string } }> = async (c, next) => {
      c.set("origin", "*")
      await next()
    }
    const auth = authContext({ accept: ["PersonalAccessToken"] })
    const app = new Hono<AuthEnv<typeof auth>>()
    app.use(logger)
    app.use(auth)
    app.use(cors)
    app.get("/", async (c) => {
      expectTypeOf(c.var.auth.kind).toEqualTypeOf<"PersonalAccessToken">()
      // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "accept only SecretKeys in the middleware: accept: ['SecretKey']">
      await c.var.auth.run(Runs.retrieve("run_1"))
      return c.json(await c.var.auth.run(Runs.list(c.req.param("ref") ?? "proj_1")))
    })
    const chained = new Hono().use(logger).use(authContext()).use(cors)
    chained.get("/", async (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<AuthHandle>()
      expectTypeOf(c.var.origin).toEqualTypeOf<string>()
      // @ts-expect-error Refused<"runs.retrieve", KeyKind, "SecretKey", "narrow first: if (auth.kind === 'SecretKey')">
      await c.var.auth.run(Runs.retrieve("run_1"))
      return c.text("ok")
    })
  })

  it("the middleware's type carries its kind; resolve gets Hono's Context", () => {
    const auth = authContext({ accept: ["SecretKey"] })
    expectTypeOf<AuthEnv<typeof auth>>().toEqualTypeOf<{ Variables: { auth: AuthHandle<"SecretKey"> } }>()
    const fromMap = authContext({
      resolve: (c) => {
        expectTypeOf(c).toEqualTypeOf<Context>()
        return keys.get(c.req.header("x-tenant") ?? "")
      }
    })
    expectTypeOf<AuthEnv<typeof fromMap>>().toEqualTypeOf<AuthEnv>()
    expectTypeOf(fromMap).toMatchTypeOf<MiddlewareHandler<AuthEnv>>()
    expectTypeOf(fromMap).toEqualTypeOf<AuthMiddleware<Credential.KeyKind>>()
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

describe("auth.handler(fn): the route's one handler, authenticated", () => {
  type AppEnv = { Bindings: { region: string } }

  it("the handle (argument and c.var.auth) has the middleware's kind; SecretKey-only calls compile", () => {
    const auth = authContext({ accept: ["SecretKey"], ambient: false })
    new Hono().get(
      "/runs/:id",
      auth.handler<"/runs/:id">(async (c, handle) => {
        expectTypeOf(handle).toEqualTypeOf<AuthHandle<"SecretKey">>()
        expectTypeOf(c.var.auth).toEqualTypeOf<AuthHandle<"SecretKey">>()
        expectTypeOf(c.req.param("id")).toEqualTypeOf<string>()
        return c.json(await handle.client.runs.retrieve(c.req.param("id")))
      })
    )
  })

  it("a path parameter the route does not have is string | undefined, as in an inline handler", () => {
    const auth = authContext({ accept: ["SecretKey"] })
    new Hono().get(
      "/runs/:id",
      auth.handler<"/runs/:id">((c) => {
        const id: string = c.req.param("id")
        // @ts-expect-error Type 'string | undefined' is not assignable to type 'string'.
        const other: string = c.req.param("runId")
        return c.text(`${id} ${other}`)
      })
    )
  })

  it("without the path, parameters are string | undefined; the app's Env comes second", () => {
    const auth = authContext({ accept: ["SecretKey"] })
    new Hono<AppEnv>().get(
      "/runs/:id",
      auth.handler((c) => {
        expectTypeOf(c.req.param("id")).toEqualTypeOf<string | undefined>()
        return c.text(c.var.auth.kind)
      })
    )
    new Hono<AppEnv>().get(
      "/runs/:id",
      auth.handler<"/runs/:id", AppEnv>((c) => c.text(`${c.env.region} ${c.req.param("id")}`))
    )
  })

  it("behind a PAT-only middleware, SecretKey-only calls do not compile", () => {
    const auth = authContext({ accept: ["PersonalAccessToken"] })
    new Hono().get(
      "/",
      auth.handler(async (c, handle) => {
        expectTypeOf(handle.kind).toEqualTypeOf<"PersonalAccessToken">()
        // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey"
        await handle.client.runs.retrieve("run_1")
        return c.json(await handle.run(Runs.list("proj_1")))
      })
    )
  })
})
