/**
 * Type tests of @authctx/express, checked by `tsc`: `req.auth` without casts (the global augmentation, and
 * `middleware.handler(fn)` typed by the middleware's kind); SecretKey-only calls compile behind
 * `accept: ["SecretKey"]` and not behind a PAT-only middleware.
 */
import { Envvars, Runs } from "@authctx/client"
import type { Credential } from "@authctx/core"
import {
  type AuthHandle,
  authContext,
  type RequestAuthError,
  type RequestWithAuth,
  sendProblem
} from "@authctx/express"
import express, { type Request } from "express"
import { describe, expectTypeOf, it } from "vitest"

const app = express()
declare const keys: ReadonlyMap<string, string>

describe("req.auth (the Express.Request augmentation)", () => {
  it("is the handle of an unknown kind, absent on routes the middleware does not guard", () => {
    app.get("/", authContext(), async (req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<AuthHandle | undefined>()
      const auth = req.auth
      if (auth === undefined) return
      await auth.client.envvars.list("proj_1", "dev")
      await auth.run(Envvars.list("proj_1", "dev"))
      // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey"
      await auth.client.runs.retrieve("run_1")
      // @ts-expect-error Refused<"runs.retrieve", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: if (auth.kind === 'SecretKey')">
      await auth.run(Runs.retrieve("run_1"))
      if (auth.kind === "SecretKey") {
        expectTypeOf(auth.context.credential).toEqualTypeOf<Credential.SecretKey>()
        await auth.client.runs.retrieve("run_1")
        await auth.client.run(Runs.retrieve("run_1"))
      } else {
        await auth.client.runs.list("proj_1")
      }
      res.json({})
    })
  })
})

describe("middleware.handler(fn): req.auth typed by the middleware", () => {
  it("behind accept: ['SecretKey'], SecretKey-only calls compile", () => {
    const secret = authContext({ accept: ["SecretKey"] })
    app.get(
      "/runs/:id",
      secret,
      secret.handler(async (req, res) => {
        expectTypeOf(req.auth.kind).toEqualTypeOf<"SecretKey">()
        expectTypeOf(req.auth.context.credential).toEqualTypeOf<Credential.SecretKey>()
        expectTypeOf(req).toMatchTypeOf<Request>()
        const run = await req.auth.client.runs.retrieve("run_1")
        const same = await req.auth.run(Runs.retrieve("run_1"))
        expectTypeOf(same).toEqualTypeOf(run)
        res.json(run)
      })
    )
  })

  it("behind a PAT-only middleware, they do not", () => {
    const pat = authContext({ accept: ["PersonalAccessToken"] })
    app.get(
      "/projects/:ref/runs",
      pat,
      pat.handler(async (req, res) => {
        expectTypeOf(req.auth.kind).toEqualTypeOf<"PersonalAccessToken">()
        // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey"
        await req.auth.client.runs.retrieve("run_1")
        // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "accept only SecretKeys in the middleware: accept: ['SecretKey']">
        await req.auth.run(Runs.retrieve("run_1"))
        res.json(await req.auth.run(Runs.list("proj_1")))
      })
    )
  })

  it("the kind is what resolve can return, within accept", () => {
    const literal = authContext({ resolve: () => "tr_pat_abcdefghijklmnopqrstuvwx" })
    literal.handler((req) => expectTypeOf(req.auth.kind).toEqualTypeOf<"PersonalAccessToken">())
    const fromMap = authContext({
      resolve: (req) => {
        expectTypeOf(req).toEqualTypeOf<Request>()
        return keys.get(req.get("x-tenant") ?? "")
      }
    })
    fromMap.handler((req) => expectTypeOf(req.auth.kind).toEqualTypeOf<Credential.Kind>())
    const both = authContext({ resolve: async (req) => keys.get(req.ip ?? ""), accept: ["SecretKey"] })
    both.handler((req) => expectTypeOf(req.auth.kind).toEqualTypeOf<"SecretKey">())
  })

  it("RequestWithAuth<K> is a Request", () => {
    expectTypeOf<RequestWithAuth<"SecretKey">>().toMatchTypeOf<Request>()
    expectTypeOf<RequestWithAuth<"SecretKey">["auth"]["kind"]>().toEqualTypeOf<"SecretKey">()
  })
})

describe("options", () => {
  it("verify sees the accepted kind; onError gets an RequestAuthError", () => {
    authContext({
      accept: ["SecretKey"],
      verify: (auth) => auth.credential.environment === "prod",
      onError: (error, _req, res) => {
        expectTypeOf(error).toEqualTypeOf<RequestAuthError>()
        sendProblem(res, error)
      }
    })
    // @ts-expect-error TS2322: Type '"ApiKey"' is not assignable to type '"SecretKey" | "PersonalAccessToken"'.
    authContext({ accept: ["ApiKey"] })
  })
})
