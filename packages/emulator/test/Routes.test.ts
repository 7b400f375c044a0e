/**
 * The handler table, keyed by route object: exactly one handler per catalog route, a missing one refused
 * at start (for code that skips the type check: `Routes.test-d.ts` shows the compile errors), and a
 * handler exception answered 500 and reported by route id, without the request.
 */
import { Catalog, ManagementApi } from "@authctx/api"
import { MissingHandlers } from "@authctx/emulator"
import { describe, expect, it } from "vitest"
import { identify } from "../src/internal/auth.js"
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

  it("answers a handler exception with 500 Internal error and reports it by route id, without the request", () => {
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
    const answer = dispatch(
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
