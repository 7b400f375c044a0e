/**
 * `query.execute` and `query.dashboards.list` end to end over loopback against the emulator: the Effect
 * client and the Promise API with a SecretKey (the routes' one accepted kind), a PAT refused before sending
 * (nothing in the request log), and the emulator's TRQL subset (docs/reference/query.md) answering over
 * the runs it holds. The official SDK against the same routes: test/query-sdk.test.ts.
 */
import { ManagementClient, Query, Tasks } from "@authctx/client"
import * as Promised from "@authctx/client/promise"
import { Auth, CapabilityError } from "@authctx/core"
import { Effect, Either } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { harness, lastSeq, under } from "./support/harness.js"

const h = harness(31)
const client = ManagementClient.layerNode({ retry: false })

beforeAll(async () => {
  // three runs in dev (two of one task), one in prod
  await under(h, Tasks.trigger("query-a", { n: 1 }, { tags: ["vip"] }), h.key)
  await under(h, Tasks.trigger("query-a", { n: 2 }), h.key)
  await under(h, Tasks.trigger("query-b", { n: 3 }), h.key)
  await under(h, Tasks.trigger("query-c", { n: 4 }), h.prodKey)
})

describe("query.execute (SecretKey only)", () => {
  it("answers JSON rows of the key's environment; the row type is the caller's", async () => {
    const answer = await Effect.runPromise(
      Query.execute<{ task_identifier: string; runs: number }>(
        "SELECT task_identifier, count() AS runs FROM runs GROUP BY task_identifier ORDER BY task_identifier"
      ).pipe(
        Auth.withAuth({ secretKey: h.key as `tr_dev_${string}`, baseURL: h.emulator.url }),
        Effect.provide(client)
      )
    )
    expect(answer.format).toBe("json")
    expect(answer.results).toEqual([
      { task_identifier: "query-a", runs: 2 },
      { task_identifier: "query-b", runs: 1 }
    ])
  })

  it("WHERE, LIMIT, SELECT * and tags; the scope widens to the project", async () => {
    const vip = Either.getOrThrow(
      await under(h, Query.execute("SELECT run_id, tags FROM runs WHERE tags = 'vip'"), h.key)
    )
    expect(vip.results).toHaveLength(1)
    expect(vip.results[0]?.["tags"]).toEqual(["vip"])
    const star = Either.getOrThrow(await under(h, Query.execute("select * from runs limit 1;"), h.key))
    expect(Object.keys(star.results[0] ?? {})).toContain("triggered_at")
    expect(star.results[0]?.["environment"]).toBe("dev")
    const project = Either.getOrThrow(
      await under(h, Query.execute("SELECT count() AS n FROM runs", { scope: "project" }), h.key)
    )
    expect(project.results).toEqual([{ n: 4 }])
    const prod = Either.getOrThrow(
      await under(h, Query.execute("SELECT task_identifier FROM runs"), h.prodKey)
    )
    expect(prod.results).toEqual([{ task_identifier: "query-c" }])
  })

  it("period and from/to limit the runs by trigger time; both at once is a 400", async () => {
    const recent = Either.getOrThrow(
      await under(h, Query.execute("SELECT count() AS n FROM runs", { period: "1h" }), h.key)
    )
    expect(recent.results).toEqual([{ n: 3 }])
    const future = Either.getOrThrow(
      await under(
        h,
        Query.execute("SELECT count() AS n FROM runs", {
          from: Date.now() + 3_600_000,
          to: new Date(Date.now() + 7_200_000)
        }),
        h.key
      )
    )
    expect(future.results).toEqual([{ n: 0 }])
    const both = await under(h, Query.execute("SELECT run_id FROM runs", { period: "1d", from: 0 }), h.key)
    expect(Either.isLeft(both) && both.left._tag).toBe("BadRequestError")
    // an invalid date is refused before sending (the SDK throws a RangeError there)
    const before = lastSeq(h)
    const invalid = await under(
      h,
      Query.execute("SELECT run_id FROM runs", { to: new Date(Number.NaN) }),
      h.key
    )
    expect(Either.isLeft(invalid) && invalid.left.message).toContain("to is not a valid date")
    expect(lastSeq(h)).toBe(before)
  })

  it("format csv answers one CSV string, a header line first", async () => {
    const csv = Either.getOrThrow(
      await under(
        h,
        Query.execute("SELECT task_identifier, tags FROM runs WHERE tags = 'vip'", { format: "csv" }),
        h.key
      )
    )
    expect(csv).toEqual({ format: "csv", results: 'task_identifier,tags\nquery-a,"[""vip""]"' })
  })

  it("a query outside the subset is the server's 400, with the message, as a typed error", async () => {
    for (const text of [
      "SELECT run_id FROM spans",
      "DELETE FROM runs",
      "SELECT nope FROM runs",
      "SELECT run_id, count() FROM runs"
    ]) {
      const bad = await under(h, Query.execute(text), h.key)
      expect(Either.isLeft(bad) && bad.left._tag).toBe("BadRequestError")
    }
    const unknownTable = await under(h, Query.execute("SELECT run_id FROM spans"), h.key)
    expect(Either.isLeft(unknownTable) && unknownTable.left.message).toContain('Unknown table "spans"')
  })

  it("a PAT is refused before sending: CapabilityError, nothing in the request log", async () => {
    const calls: ReadonlyArray<Effect.Effect<unknown, unknown, unknown>> = [
      Query.execute("SELECT run_id FROM runs"),
      Query.listDashboards()
    ]
    for (const effect of calls) {
      const before = lastSeq(h)
      const result = await under(h, effect, h.pat)
      expect(Either.isLeft(result) && result.left).toBeInstanceOf(CapabilityError)
      expect(lastSeq(h)).toBe(before)
    }
  })
})

describe("query.dashboards.list (SecretKey only)", () => {
  it("answers the built-in dashboards; every widget's query runs on the emulator", async () => {
    const listed = Either.getOrThrow(await under(h, Query.listDashboards(), h.key))
    expect(listed.dashboards.map((d) => d.key)).toEqual(["overview", "llm"])
    for (const widget of listed.dashboards.flatMap((d) => d.widgets)) {
      const ran = await under(h, Query.execute(widget.query), h.key)
      expect(Either.isRight(ran)).toBe(true)
    }
  })
})

describe("the Promise API", () => {
  it("createClient and ambient: query.execute (json and csv) and query.dashboards.list; a PAT is refused", async () => {
    const keyClient = Promised.createClient(
      { accessToken: h.key as `tr_dev_${string}`, baseURL: h.emulator.url },
      { retry: false }
    )
    const json = await keyClient.query.execute<{ n: number }>("SELECT count() AS n FROM runs")
    expect(json.results[0]?.n).toBe(3)
    const csv = await keyClient.query.execute("SELECT count() AS n FROM runs", { format: "csv" })
    expect(csv.results).toBe("n\n3")
    expect((await keyClient.query.dashboards.list()).dashboards).toHaveLength(2)
    const ambient = await Promised.auth.withAuth({ accessToken: h.key, baseURL: h.emulator.url }, () =>
      Promised.query.dashboards.list()
    )
    expect(ambient.dashboards[0]?.key).toBe("overview")
    const before = lastSeq(h)
    const refused = await Promised.auth
      .withAuth({ accessToken: h.pat, baseURL: h.emulator.url }, () =>
        Promised.query.execute("SELECT run_id FROM runs")
      )
      .then(
        () => undefined,
        (error: unknown) => error
      )
    expect(refused).toBeInstanceOf(CapabilityError)
    expect(lastSeq(h)).toBe(before)
  })
})
