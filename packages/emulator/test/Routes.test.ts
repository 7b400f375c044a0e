/**
 * The handler table, keyed by route object: exactly one handler per catalog route, a missing one refused
 * at start (for code that skips the type check: `Routes.test-d.ts` shows the compile errors), and a
 * handler exception answered 500 and reported by route id, without the request.
 */
import { Catalog, ManagementApi } from "@authctx/api"
import { MissingHandlers } from "@authctx/emulator"
import { Either, Option, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { cachedIdentify, identify } from "../src/internal/auth.js"
import { compile, dispatch } from "../src/internal/dispatcher.js"
import * as Model from "../src/internal/model.js"
import { handle, type RouteHandler, table } from "../src/internal/routes/handle.js"
import { handlers } from "../src/internal/routes/index.js"

describe("the handler table", () => {
  it("has one handler per catalog route, keyed by the route object itself", () => {
    expect([...handlers.keys()]).toEqual([...ManagementApi.routes])
    for (const [route, handler] of handlers) expect(handler.route).toBe(route)
  })

  it("refuses a route handled twice", () => {
    const twice: ReadonlyArray<RouteHandler> = [...handlers.values(), ...handlers.values()]
    expect(() => table(twice)).toThrow(/Two emulator handlers for the route tasks\.trigger/)
  })

  it("refuses to start when a catalog route has no handler", () => {
    const incomplete = new Map(handlers)
    incomplete.delete(ManagementApi.runsRetrieve)
    expect(() => compile(Catalog.entries, incomplete)).toThrow(MissingHandlers)
    expect(() => compile(Catalog.entries, incomplete)).toThrow(/runs\.retrieve/)
    expect(() => compile(Catalog.entries, handlers)).not.toThrow()
  })

  it("answers a handler exception with 500 Internal error and reports it by route id, without the request", async () => {
    const throwing = new Map(handlers)
    throwing.set(
      ManagementApi.runsList,
      handle(ManagementApi.runsList, () => {
        throw new Error("boom")
      })
    )
    const routes = compile(Catalog.entries, throwing)
    const world = Model.make(1, { queuedMs: 0, executingMs: 0 })
    const match = Catalog.match("GET", "/api/v1/runs")
    const route = match && routes.get(match.entry)
    if (route === undefined) throw new Error("no runs.listEnvironment route")
    const token = world.projectKeys[0]?.environments.dev.secretKey ?? ""
    const defects: Array<[string, unknown]> = []
    const answer = await dispatch(
      world.state,
      {
        route,
        params: {},
        query: "",
        body: undefined,
        identity: identify(world.state, `Bearer ${token}`),
        branch: undefined,
        now: Date.now(),
        contentLength: undefined,
        origin: "http://127.0.0.1:1"
      },
      { projectRef: undefined, environment: undefined },
      (name, error) => defects.push([name, error])
    )
    expect({ status: answer.status, body: JSON.parse(answer.body) }).toEqual({
      status: 500,
      body: { error: "Internal error" }
    })
    expect(defects.map(([name]) => name)).toEqual(["runs.listEnvironment"])
  })
})

describe("the compiled routes", () => {
  const routes = compile(Catalog.entries, handlers)

  it("check every route's path parameters without Schema, answering as the schema's own decoder does", () => {
    for (const [entry, route] of routes) {
      const params = Object.fromEntries(
        entry.path
          .split("/")
          .filter((segment) => segment.startsWith(":"))
          .map((segment) => [segment.slice(1), segment === ":env" ? "staging" : `x/${segment.slice(2)} y`])
      )
      if (route.decodePath === undefined) {
        expect(Object.keys(params)).toEqual([])
        continue
      }
      expect(route.fastPath).toBe(true)
      const full = Schema.decodeUnknownEither(
        entry.endpoint.pathSchema.pipe(Option.getOrThrow) as Schema.Schema<unknown>
      )
      expect(route.decodePath(params)).toEqual(full(params))
      if ("env" in params) {
        const wrong = { ...params, env: "production" }
        const fast = route.decodePath(wrong)
        expect(Either.isLeft(fast)).toBe(true)
        expect(fast).toEqual(full(wrong))
      }
    }
  })

  it("knows which routes honour the request idempotency key: tasks.trigger only", () => {
    expect([...routes.values()].filter((route) => route.honoursRequestKey).map((route) => route.id)).toEqual([
      "tasks.trigger"
    ])
  })
})

describe("cachedIdentify", () => {
  const world = Model.make(1, { queuedMs: 0, executingMs: 0 })
  const token = world.projectKeys[0]?.environments.dev.secretKey ?? ""

  it("answers as identify, the same object for the same header of a known token", () => {
    const cached = cachedIdentify(world.state)
    const first = cached(`Bearer ${token}`)
    expect(first).toEqual(identify(world.state, `Bearer ${token}`))
    expect(cached(`Bearer ${token}`)).toBe(first)
    expect(cached(`Bearer  ${token} `)).toEqual(identify(world.state, `Bearer  ${token} `))
    expect(cached(`Bearer  ${token} `)).toMatchObject({ kind: "known", exact: false })
    expect(cached("Bearer tr_dev_unknownunknownunknown")).toEqual(
      identify(world.state, "Bearer tr_dev_unknownunknownunknown")
    )
    expect(cached(undefined)).toEqual({ kind: "none" })
  })

  it("answers right past its bound of 4,096 headers (it empties itself and starts again)", () => {
    const cached = cachedIdentify(world.state)
    for (let i = 0; i < 10_000; i++) {
      const header = `Bearer ${token}${" ".repeat(i)}` // the token is trimmed: all known, none exact
      expect(cached(header)).toMatchObject({ kind: "known", exact: i === 0 })
    }
    expect(cached(`Bearer ${token}`)).toMatchObject({ kind: "known", exact: true })
  })
})
