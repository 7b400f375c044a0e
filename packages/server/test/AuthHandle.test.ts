/**
 * The handle's members live on its prototype (decision 0033): they still work when read off the handle
 * (`const { run, bind } = auth`), each handle keeps its own context, and nothing the handle shows
 * (inspect, JSON, its own keys) contains the token.
 */

import { inspect } from "node:util"
import { Auth, AuthScope } from "@authctx/core"
import { AuthHandle } from "@authctx/server"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { devKey, isolateDefaultAuth, prodKey } from "./fixtures.js"

isolateDefaultAuth()

const contextOf = (key: string): Auth.AuthContext<"SecretKey"> => {
  const built = Auth.make({ accessToken: key })
  if (Either.isLeft(built) || built.right.credential._tag !== "SecretKey") throw new Error("not a secret key")
  return built.right as Auth.AuthContext<"SecretKey">
}

describe("AuthHandle", () => {
  it("members read off the handle stay bound to it", async () => {
    const dev = AuthHandle.make(contextOf(devKey))
    const prod = AuthHandle.make(contextOf(prodKey))
    const { bind, run } = dev
    const { bind: bindProd } = prod
    expect(bind(() => AuthScope.current()?.credential)()).toBe(dev.context.credential)
    expect(bindProd(() => AuthScope.current()?.credential)()).toBe(prod.context.credential)
    await expect(run(Effect.succeed(7))).resolves.toBe(7)
    const { createPublicToken } = dev
    expect(typeof createPublicToken).toBe("function")
    expect(dev.client).toBe(dev.client)
    expect(dev.client).not.toBe(prod.client)
  })

  it("shows no token: inspect, JSON and its own keys", () => {
    const dev = AuthHandle.make(contextOf(devKey))
    void dev.client
    const shown = [
      inspect(dev, { depth: 10, showHidden: true }),
      JSON.stringify(dev),
      Object.keys(dev).join()
    ]
    for (const text of shown) expect(text).not.toContain(devKey)
    expect(Object.keys(dev).sort()).toEqual(["context", "kind"])
  })
})
