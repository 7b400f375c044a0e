/**
 * One refusal, one class: the error every adapter hands on (Express's `next(err)`, Koa's `onError`, the
 * `cause` of Hono's `HTTPException`) is `@authctx/server`'s `RequestAuthError` itself, not a copy.
 */
import * as express from "@authctx/express"
import * as hono from "@authctx/hono"
import * as koa from "@authctx/koa"
import { RequestAuthError } from "@authctx/server"
import { describe, expect, it } from "vitest"

describe("RequestAuthError", () => {
  it("is the same class in every adapter", () => {
    expect(express.RequestAuthError).toBe(RequestAuthError)
    expect(koa.RequestAuthError).toBe(RequestAuthError)
    expect(hono.RequestAuthError).toBe(RequestAuthError)
  })
})
