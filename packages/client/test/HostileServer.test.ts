/**
 * The client against a hostile server (raw sockets on loopback, see ./support/hostile.ts), through each
 * transport: oversized, endless, truncated, malformed, deep and reflecting answers, answers that never
 * come, rate-limit resets that make no sense, and path parameters that would change the route. Every case
 * ends in a typed error with no secret in any rendering, and never in an uncaught exception.
 */
import { inspect } from "node:util"
import {
  Batches,
  BulkActions,
  Deployments,
  Envvars,
  IdempotencyKeys,
  ManagementClient,
  Prompts,
  Queues,
  Runs,
  Schedules,
  Sessions,
  Tasks,
  Transport,
  WaitTokens
} from "@authctx/client"
import { createClient, idempotencyKeys } from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { FetchHttpClient } from "@effect/platform"
import { Cause, Effect, Either, Layer, Stream } from "effect"
import fc from "fast-check"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { type Hostile, respond, startHostile, stream } from "./support/hostile.js"
import { waitFor } from "./support/waitFor.js"

let hostile: Hostile
const uncaught: Array<unknown> = []
const onUncaught = (error: unknown) => uncaught.push(error)
beforeAll(async () => {
  hostile = await startHostile()
  process.on("uncaughtException", onUncaught)
  process.on("unhandledRejection", onUncaught)
})
afterAll(async () => {
  process.off("uncaughtException", onUncaught)
  process.off("unhandledRejection", onUncaught)
  await hostile.stop()
})
afterEach(() => {
  expect(uncaught).toEqual([])
})

const secretBody = "Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4"
const token = `tr_dev_${secretBody}`

type TransportName = "node" | "fetch" | "httpClient"
const transports: ReadonlyArray<TransportName> = ["node", "fetch", "httpClient"]

const clientLayer = (transport: TransportName, options: ManagementClient.ClientOptions) =>
  transport === "node"
    ? ManagementClient.layerNode(options)
    : transport === "fetch"
      ? Layer.succeed(ManagementClient.ManagementClient, ManagementClient.make(Transport.fetch(), options))
      : ManagementClient.layer(options).pipe(Layer.provide(FetchHttpClient.layer))

const noRetry: ManagementClient.ClientOptions = { retry: false }

/** `envvars.retrieve` (both credential kinds) against the hostile server; the error or the value. */
/** A key's own environment: a key on another environment's path is refused before sending. */
const environmentOf = (tok: string) =>
  tok.startsWith("tr_prod_") ? "prod" : tok.startsWith("tr_stg_") ? "staging" : "dev"

const retrieve = (transport: TransportName, options: ManagementClient.ClientOptions = noRetry, tok = token) =>
  Effect.runPromise(
    Effect.either(
      Envvars.retrieve("proj_1", environmentOf(tok), "NAME").pipe(
        Auth.withAuth({ accessToken: tok, baseURL: hostile.url }),
        Effect.provide(clientLayer(transport, options))
      )
    )
  )

/** Every way an error can be shown. */
const renderings = (error: unknown): Array<string> => [
  String(error),
  error instanceof Error ? error.message : "",
  JSON.stringify(error),
  inspect(error, { depth: 20 }),
  Cause.pretty(Cause.fail(error))
]

const expectNoSecret = (error: unknown, secret = secretBody) => {
  for (const text of renderings(error)) expect(text).not.toContain(secret)
}

const failureOf = async (promise: Promise<Either.Either<unknown, { readonly _tag: string }>>) => {
  const result = await promise
  if (Either.isRight(result)) throw new Error("expected a failure")
  expectNoSecret(result.left)
  return result.left
}

const ok = (name = "NAME", value = "v") => JSON.stringify({ name, value, isSecret: false })

describe.each(transports)("through the %s transport", (transport) => {
  it("a declared content-length over the limit: ResponseTooLargeError before a byte of the body is read", async () => {
    hostile.answer((socket) =>
      stream(
        socket,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2000000",
        2_000_000
      )
    )
    const closedBefore = hostile.closed.length
    const error = await failureOf(retrieve(transport, { retry: false, maxResponseBytes: 1_000_000 }))
    expect(error._tag).toBe("ResponseTooLargeError")
    expect(error).toMatchObject({ status: 200, limitBytes: 1_000_000, endpoint: "envvars.retrieve" })
    await waitFor(() => hostile.closed.length > closedBefore)
  })

  for (const chunked of [false, true]) {
    it(`an endless ${chunked ? "chunked " : ""}body: reading stops at the limit and the connection is closed`, async () => {
      const head = chunked
        ? "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked"
        : "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close"
      hostile.answer((socket) => stream(socket, head, Number.POSITIVE_INFINITY, { chunked }))
      const closedBefore = hostile.closed.length
      const error = await failureOf(retrieve(transport, { retry: false, maxResponseBytes: 256 * 1024 }))
      expect(error._tag).toBe("ResponseTooLargeError")
      // the connection that carried the answer: fetch on Node 24 (undici 7) also opens a spare connection
      // here that closes unused at the same moment, so the last one closed is not necessarily it
      const answering = () => hostile.closed.slice(closedBefore).find((c) => c.bytesWritten > 0)
      await waitFor(() => answering() !== undefined)
      const closed = answering()
      // the server was still writing when the client closed it, and could not push much past the limit
      // (socket buffers on both sides hold a few MiB at most)
      expect(closed?.whileWriting).toBe(true)
      expect(closed?.bytesWritten ?? 0).toBeLessThan(64 * 1024 * 1024)
    })
  }

  it("a body within a raised limit is read whole", async () => {
    const value = "x".repeat(3 * 1024 * 1024)
    hostile.answer((socket) => respond(socket, 200, ok("NAME", value)))
    const result = await retrieve(transport, { retry: false, maxResponseBytes: 4 * 1024 * 1024 })
    expect(Either.isRight(result) && result.right.value.length).toBe(value.length)
  })

  const broken: ReadonlyArray<[string, (socket: import("node:net").Socket) => void, string]> = [
    [
      "a body shorter than its content-length, then a close",
      (socket) => {
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"name":'
        )
        setTimeout(() => socket.end(), 20)
      },
      "ApiConnectionError"
    ],
    [
      "invalid chunked encoding",
      (socket) =>
        socket.write(
          "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n"
        ),
      "ApiConnectionError"
    ],
    [
      "a reset in the middle of the body",
      (socket) => {
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"name":"'
        )
        setTimeout(() => socket.resetAndDestroy(), 20)
      },
      "ApiConnectionError"
    ],
    [
      "a content-length shorter than the body",
      (socket) =>
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 7\r\n\r\n${ok()}`),
      "ApiSchemaError|ApiConnectionError"
    ],
    ["invalid JSON", (socket) => respond(socket, 200, '{"name": nope'), "ApiSchemaError"],
    [
      "an HTML page with status 200",
      (socket) => respond(socket, 200, "<html>hello</html>", { "content-type": "text/html" }),
      "ApiSchemaError"
    ],
    [
      "an HTML page with status 502",
      (socket) => respond(socket, 502, "<html>bad gateway</html>", { "content-type": "text/html" }),
      "InternalServerError"
    ],
    [
      "a body nested 5,000 arrays deep",
      (socket) => respond(socket, 200, `${"[".repeat(5_000)}${"]".repeat(5_000)}`),
      "ApiSchemaError"
    ],
    [
      "an object nested 100,000 levels deep inside a valid answer",
      (socket) =>
        respond(
          socket,
          200,
          `{"name":"N","value":"v","isSecret":false,"extra":${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}`
        ),
      "Right"
    ],
    [
      "a status line that is not HTTP",
      (socket) => socket.end("SSH-2.0-OpenSSH_9.6\r\n\r\n"),
      "ApiConnectionError"
    ],
    ["a close without any answer", (socket) => socket.destroy(), "ApiConnectionError"]
  ]
  for (const [name, answer, expected] of broken) {
    it(`${name}: ${expected === "Right" ? "decoded" : expected}, no crash`, async () => {
      hostile.answer(answer)
      const result = await retrieve(transport)
      if (expected === "Right") {
        expect(Either.isRight(result)).toBe(true)
      } else {
        // a content-length shorter than the body: decoded as cut (schema error) or refused by the parser
        expect(expected.split("|")).toContain(Either.isLeft(result) && result.left._tag)
        if (Either.isLeft(result)) expectNoSecret(result.left)
      }
    })
  }

  it("a 2xx nested deeply inside a field the schema reads gives ApiSchemaError, not a RangeError", async () => {
    // runs.retrieve's schema reads `payload`/`output`; a deep value there must not overflow the decoder
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`
    hostile.answer((socket) => respond(socket, 200, `{"id":"run_1","payload":${deep},"output":${deep}}`))
    const result = await Effect.runPromise(
      Effect.either(
        Runs.retrieve("run_1").pipe(
          Auth.requireSecretKey,
          Auth.withAuth({ accessToken: token, baseURL: hostile.url }),
          Effect.provide(clientLayer(transport, noRetry))
        )
      )
    )
    expect(Either.isLeft(result) && result.left._tag).toBe("ApiSchemaError")
  })

  it("a server that never answers: the call ends at its deadline and closes the connection", async () => {
    hostile.answer(() => {})
    const closedBefore = hostile.closed.length
    const started = Date.now()
    const error = await failureOf(
      retrieve(transport, { deadlineMs: 300, timeoutMs: 60_000, retry: { initialDelayMs: 1 } })
    )
    const elapsed = Date.now() - started
    expect(error._tag).toBe("ApiConnectionError")
    expect(String(error)).toContain("deadline")
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(3_000)
    await waitFor(() => hostile.closed.length > closedBefore)
  })

  it("a token echoed in every field of an error body is redacted, whatever the token", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("tr_dev_", "tr_prod_", "tr_pat_", "tr_stg_sk_"),
        fc.stringMatching(/^[A-Za-z0-9]{24,40}$/),
        fc.constantFrom(400, 401, 403, 404, 422, 500),
        async (prefix, body, status) => {
          const tok = `${prefix}${body}`
          hostile.answer((socket, request) => {
            const sent = /\r\nauthorization: ([^\r]*)/i.exec(request.head)?.[1] ?? ""
            respond(
              socket,
              status,
              JSON.stringify({
                error: {
                  message: `bad header "${sent}" (token ${tok}, secret part ${body})`,
                  code: sent,
                  param: tok,
                  type: `${body}`
                }
              }),
              { "content-type": "application/json", "x-echo": sent }
            )
          })
          const result = await retrieve(transport, { retry: false }, tok)
          expect(Either.isLeft(result)).toBe(true)
          if (Either.isLeft(result)) {
            expectNoSecret(result.left, body)
            expect(String(result.left)).toContain("<redacted>")
          }
        }
      ),
      { numRuns: 15 }
    )
  })

  it("a token echoed in base64, in hex, in upper case, or split around a character is redacted too", async () => {
    const basic = Buffer.from(`user:${token}`).toString("base64")
    const hex = (text: string) => Buffer.from(text).toString("hex")
    const echoes = [
      `basic ${basic}`,
      `hex ${hex(token)}`,
      `HEX ${hex(`Bearer ${token}`).toUpperCase()}`,
      `hex-cut ${hex(secretBody.slice(5, 19))}`,
      `b64 ${Buffer.from(token).toString("base64url")}`,
      `upper ${token.toUpperCase()}`,
      `split ${secretBody.slice(0, 12)}\u200b${secretBody.slice(12)}`,
      `cut ${secretBody.slice(3)}`
    ]
    for (const echo of echoes) {
      hostile.answer((socket) => respond(socket, 401, JSON.stringify({ error: echo, code: echo })))
      const error = await failureOf(retrieve(transport))
      expect(error._tag).toBe("AuthenticationError")
      for (const text of renderings(error)) {
        expect(text).not.toContain(basic.slice(4, -4))
        expect(text).not.toContain(Buffer.from(token).toString("base64url").slice(0, -4))
        expect(text.toLowerCase()).not.toContain(secretBody.slice(0, 12).toLowerCase())
        expect(text.toLowerCase()).not.toContain(secretBody.slice(12).toLowerCase())
        for (let at = 0; at + 12 <= secretBody.length; at++)
          expect(text.toLowerCase()).not.toContain(hex(secretBody.slice(at, at + 12)))
      }
      expect(String(error)).toContain("<redacted>")
    }
  })

  it("a 2xx whose mismatch is under a key holding the token: the schema error does not show it", async () => {
    hostile.answer((socket) =>
      respond(socket, 200, JSON.stringify({ id: "run_1", [token]: 1, payloadPresignedUrl: { [token]: 5 } }))
    )
    const result = await Effect.runPromise(
      Effect.either(
        Runs.retrieve("run_1").pipe(
          Auth.requireSecretKey,
          Auth.withAuth({ accessToken: token, baseURL: hostile.url }),
          Effect.provide(clientLayer(transport, noRetry))
        )
      )
    )
    expect(Either.isLeft(result) && result.left._tag).toBe("ApiSchemaError")
    if (Either.isLeft(result)) expectNoSecret(result.left)
  })

  for (const status of [301, 302, 303, 307, 308]) {
    it(`a ${status} to another origin is not followed: UnexpectedStatusError, nothing sent there`, async () => {
      const elsewhere = await startHostile()
      try {
        elsewhere.answer((socket) => respond(socket, 200, ok("NAME", "elsewhere")))
        hostile.answer((socket) =>
          respond(socket, status, "", {
            location: `${elsewhere.url}/api/v1/projects/proj_1/envvars/dev/NAME`
          })
        )
        const error = await failureOf(retrieve(transport))
        expect(error).toMatchObject({ _tag: "UnexpectedStatusError", status })
        expect(elsewhere.received).toEqual([])
      } finally {
        await elsewhere.stop()
      }
    })
  }

  it("a flat error message of 10 MB is cut to 1,000 characters", async () => {
    hostile.answer((socket) => respond(socket, 400, JSON.stringify({ error: "e".repeat(10_000_000) })))
    const error = await failureOf(retrieve(transport))
    expect(error._tag).toBe("BadRequestError")
    expect((error as unknown as { readonly error: string }).error.length).toBeLessThanOrEqual(1_001)
  })
})

describe("rate-limit resets that make no sense still back off", () => {
  const now = () => Date.now()
  const cases: ReadonlyArray<[string, () => Record<string, string>]> = [
    ["a reset in the past", () => ({ "x-ratelimit-reset": String(now() - 60_000) })],
    ["a reset in epoch seconds, now", () => ({ "x-ratelimit-reset": String(Math.floor(now() / 1_000)) })],
    ["a reset of 1", () => ({ "x-ratelimit-reset": "1" })],
    ["Retry-After: 0", () => ({ "retry-after": "0" })],
    ["Retry-After: -5", () => ({ "retry-after": "-5" })],
    ["Retry-After: a date in the past", () => ({ "retry-after": new Date(now() - 3_600_000).toUTCString() })],
    ["no header at all", () => ({})]
  ]
  for (const [name, headers] of cases) {
    it(`${name}: 5 attempts, each at least the backoff after the last`, async () => {
      hostile.answer((socket) =>
        respond(socket, 429, JSON.stringify({ error: "slow down" }), {
          "content-type": "application/json",
          ...headers()
        })
      )
      const before = hostile.received.length
      const error = await failureOf(
        retrieve("node", { retry: { initialDelayMs: 40, factor: 1.6, jitter: false } })
      )
      expect(error._tag).toBe("RateLimitError")
      const arrivals = hostile.received.slice(before).map((r) => r.at)
      expect(arrivals).toHaveLength(5)
      const gaps = arrivals.slice(1).map((at, i) => at - (arrivals[i] ?? 0))
      // 40, 64, 102, 164 ms (a timer may fire a millisecond early)
      for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(40 * 1.6 ** i - 2)
    })
  }

  it("a reset years away fails at once with RateLimitError, and its message renders", async () => {
    hostile.answer((socket) =>
      respond(socket, 429, JSON.stringify({ error: "slow down" }), {
        "content-type": "application/json",
        "retry-after": "99999999999999"
      })
    )
    const before = hostile.received.length
    const error = await failureOf(retrieve("node", { retry: { initialDelayMs: 40 } }))
    expect(error._tag).toBe("RateLimitError")
    expect(hostile.received.length - before).toBe(1)
  })
})

describe("path parameters that would change the route", () => {
  const bad: ReadonlyArray<[string, string]> = [
    ["", "empty"],
    [".", '"."'],
    ["..", '".."'],
    ["\uD800", "lone"],
    ["a\uDC00b", "lone"]
  ]
  for (const [value, words] of bad) {
    it(`${JSON.stringify(value)}: InvalidArgumentsError naming the parameter, nothing sent`, async () => {
      hostile.answer((socket) => respond(socket, 200, ok()))
      const before = hostile.received.length
      const runs = await Effect.runPromise(
        Effect.either(
          Runs.cancel(value).pipe(
            Auth.requireSecretKey,
            Auth.withAuth({ accessToken: token, baseURL: hostile.url }),
            Effect.provide(ManagementClient.layerNode(noRetry))
          )
        )
      )
      const envvar = await Effect.runPromise(
        Effect.either(
          Envvars.retrieve("proj_1", "dev", value).pipe(
            Auth.withAuth({ accessToken: token, baseURL: hostile.url }),
            Effect.provide(ManagementClient.layerNode(noRetry))
          )
        )
      )
      const refused = (result: Either.Either<unknown, unknown>, parameter: string) => {
        expect(Either.isLeft(result) && result.left).toMatchObject({
          _tag: "InvalidArgumentsError",
          parameter
        })
        if (Either.isLeft(result)) expect(String(result.left)).toContain(words)
      }
      refused(runs, "runId")
      refused(envvar, "name")
      expect(hostile.received.length).toBe(before)
    })
  }

  it("a missing parameter (a JavaScript caller passing nothing) is refused too", async () => {
    const before = hostile.received.length
    const result = await Effect.runPromise(
      Effect.either(
        Envvars.list(undefined as unknown as string, "dev").pipe(
          Auth.withAuth({ accessToken: token, baseURL: hostile.url }),
          Effect.provide(ManagementClient.layerNode(noRetry))
        )
      )
    )
    expect(Either.isLeft(result) && result.left).toMatchObject({
      _tag: "InvalidArgumentsError",
      parameter: "projectRef"
    })
    expect(hostile.received.length).toBe(before)
  })

  it("values that only look odd are sent, percent-encoded, to the route they name", async () => {
    hostile.answer((socket) => respond(socket, 200, ok()))
    for (const value of ["...", "a/../b", "%2e%2e", "?x", "#", " ", "\uD83D\uDE00"]) {
      const result = await retrieve("node", noRetry).then(() =>
        Effect.runPromise(
          Effect.either(
            Envvars.retrieve("proj_1", "dev", value).pipe(
              Auth.withAuth({ accessToken: token, baseURL: hostile.url }),
              Effect.provide(ManagementClient.layerNode(noRetry))
            )
          )
        )
      )
      expect(Either.isRight(result)).toBe(true)
      expect(hostile.received.at(-1)?.path).toBe(
        `/api/v1/projects/proj_1/envvars/dev/${encodeURIComponent(value)}`
      )
    }
  })
})

describe("caller input that cannot be serialized is refused before sending", () => {
  const cyclic: Record<string, unknown> = { a: 1 }
  cyclic["self"] = cyclic
  it("a trigger option that refers to itself: InvalidArgumentsError, nothing sent", async () => {
    hostile.answer((socket) => respond(socket, 200, JSON.stringify({ id: "run_1" })))
    const before = hostile.received.length
    const result = await Effect.runPromise(
      Effect.either(
        Tasks.trigger("t", { a: 1 }, { metadata: cyclic }).pipe(
          Auth.requireSecretKey,
          Auth.withAuth({ accessToken: token, baseURL: hostile.url }),
          Effect.provide(ManagementClient.layerNode(noRetry))
        )
      )
    )
    expect(Either.isLeft(result) && result.left._tag).toBe("InvalidArgumentsError")
    // the Promise API rejects with the same typed error, not a TypeError
    await expect(
      createClient({ accessToken: token, baseURL: hostile.url }, noRetry).tasks.trigger(
        "t",
        { a: 1 },
        { metadata: cyclic }
      )
    ).rejects.toMatchObject({ _tag: "InvalidArgumentsError" })
    expect(hostile.received.length).toBe(before)
  })

  it("a batch item option that refers to itself: InvalidArgumentsError before the batch is created", async () => {
    hostile.answer((socket) =>
      respond(socket, 200, JSON.stringify({ id: "batch_1", runCount: 1, isCached: false }))
    )
    const before = hostile.received.length
    const result = await Effect.runPromise(
      Effect.either(
        Tasks.batchTrigger("t", [{ payload: 1, options: { metadata: cyclic } }]).pipe(
          Auth.requireSecretKey,
          Auth.withAuth({ accessToken: token, baseURL: hostile.url }),
          Effect.provide(ManagementClient.layerNode(noRetry))
        )
      )
    )
    expect(Either.isLeft(result) && result.left._tag).toBe("InvalidArgumentsError")
    expect(hostile.received.length).toBe(before)
  })

  it("an argument nested too deeply to encode, or whose toString throws: InvalidArgumentsError, nothing sent", async () => {
    hostile.answer((socket) => respond(socket, 200, "{}"))
    const before = hostile.received.length
    const deep: unknown = JSON.parse(`${"[".repeat(20_000)}${"]".repeat(20_000)}`)
    const client = createClient({ accessToken: token, baseURL: hostile.url }, noRetry)
    const throwing = {
      toString: () => {
        throw new Error(`boom ${token}`)
      }
    }
    const attempts: ReadonlyArray<() => Promise<unknown>> = [
      () => client.runs.addTags("run_1", deep as Array<string>),
      () => client.waitTokens.create(deep as { timeout: string }),
      () => client.envvars.list("proj_1", deep as "dev"),
      () => client.envvars.list("proj_1", throwing as unknown as "dev"),
      () => client.runs.updateMetadata("run_1", { metadata: { a: deep } })
    ]
    for (const attempt of attempts) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e
      )
      expect(error).toMatchObject({ _tag: "InvalidArgumentsError" })
      expectNoSecret(error)
    }
    expect(hostile.received.length).toBe(before)
  })

  it("arguments the types rule out (null): a rejection with InvalidArgumentsError, not a synchronous TypeError", async () => {
    const client = createClient({ accessToken: token, baseURL: hostile.url }, noRetry)
    const before = hostile.received.length
    const calls: ReadonlyArray<() => Promise<unknown>> = [
      () => client.queues.retrieve(null as unknown as string),
      () => client.waitTokens.retrieve(null as unknown as string),
      () => client.sessions.start(null as unknown as Parameters<typeof client.sessions.start>[0])
    ]
    for (const call of calls) {
      let result: Promise<unknown> | undefined
      expect(() => {
        result = call()
      }).not.toThrow()
      await expect(result).rejects.toMatchObject({ _tag: "InvalidArgumentsError" })
    }
    expect(hostile.received.length).toBe(before)
  })

  describe("calls built on several routes, with arguments the types rule out: InvalidArgumentsError, nothing sent", () => {
    const deep: unknown = JSON.parse(`${"[".repeat(20_000)}${"]".repeat(20_000)}`)
    /** The bad values, each where the call's first argument (or the one named) is due. */
    const bad: ReadonlyArray<readonly [string, unknown]> = [
      ["null", null],
      ["a number", 42],
      ["an object where a string is due", { toString: () => "x" }],
      ["a deep array", deep]
    ]
    type Loose = (...args: ReadonlyArray<unknown>) => unknown
    const client = (accessToken = token) =>
      createClient({ accessToken, baseURL: hostile.url }, noRetry) as unknown as Record<
        string,
        Record<string, Loose> & { readonly bulk: Record<string, Loose> }
      >
    const pat = `tr_pat_${"a".repeat(40)}`
    // [call, the call with the bad value, which bad values apply]: a list's parameters are an object, so
    // an object (of any keys) is a valid one there
    const listBad = ["null", "a number", "a deep array"]
    const cases: ReadonlyArray<readonly [string, (value: unknown) => unknown, ReadonlyArray<string>]> = [
      ["runs.list", (v) => client()["runs"]?.["list"]?.(v), listBad],
      ["runs.list (project)", (v) => client(pat)["runs"]?.["list"]?.("proj_1", v), listBad],
      ["runs.bulk.list", (v) => client()["runs"]?.bulk["list"]?.(v), listBad],
      ["schedules.list", (v) => client()["schedules"]?.["list"]?.(v), listBad],
      ["deployments.list", (v) => client()["deployments"]?.["list"]?.(v), listBad],
      ["queues.list", (v) => client()["queues"]?.["list"]?.(v), listBad],
      ["waitTokens.list", (v) => client()["waitTokens"]?.["list"]?.(v), listBad],
      ["sessions.list", (v) => client()["sessions"]?.["list"]?.(v), listBad],
      [
        "batch.trigger",
        (v) => client()["batch"]?.["trigger"]?.(v),
        ["null", "a number", "an object where a string is due"]
      ],
      [
        "batch.trigger (item)",
        (v) => client()["batch"]?.["trigger"]?.([v]),
        ["null", "a number", "a deep array"]
      ],
      [
        "batch.triggerByTask",
        (v) => client()["batch"]?.["triggerByTask"]?.(v),
        ["null", "a number", "an object where a string is due"]
      ],
      [
        "batch.triggerByTask (item)",
        (v) => client()["batch"]?.["triggerByTask"]?.([v]),
        ["null", "a number", "a deep array"]
      ],
      [
        "tasks.batchTrigger (item)",
        (v) => client()["tasks"]?.["batchTrigger"]?.("t", [v]),
        ["null", "a number", "a deep array"]
      ],
      ["queues.resume", (v) => client()["queues"]?.["resume"]?.(v), ["null", "a number", "a deep array"]],
      [
        "idempotencyKeys.reset",
        (v) => client()["idempotencyKeys"]?.["reset"]?.("t", v),
        ["null", "a number", "an object where a string is due", "a deep array"]
      ],
      [
        "idempotencyKeys.create",
        (v) => (idempotencyKeys.create as Loose)(v),
        ["null", "a number", "an object where a string is due", "a deep array"]
      ],
      ["prompts.resolve (variables)", (v) => client()["prompts"]?.["resolve"]?.("p", v), ["null", "a number"]]
    ]
    for (const [name, call, refused] of cases)
      for (const [label, value] of bad.filter(([label]) => refused.includes(label)))
        it(`${name} given ${label}`, async () => {
          hostile.answer((socket) => respond(socket, 200, "{}"))
          const before = hostile.received.length
          let result: unknown
          expect(() => {
            result = call(value)
          }).not.toThrow()
          const error = await Promise.resolve(result).then(
            () => undefined,
            (e: unknown) => e
          )
          expect(error).toMatchObject({ _tag: "InvalidArgumentsError" })
          expectNoSecret(error)
          expect(hostile.received.length).toBe(before)
        })

    // the Effect API: the same calls fail with the typed error (no throw while the effect is built)
    const effects: ReadonlyArray<
      readonly [
        string,
        (value: unknown) => Effect.Effect<unknown, unknown, never> | Stream.Stream<unknown, unknown, never>
      ]
    > = [
      ["Runs.list", (v) => (Runs.list as Loose)(v) as never],
      ["Runs.list (project)", (v) => (Runs.list as Loose)("proj_1", v) as never],
      ["Runs.stream", (v) => (Runs.stream as Loose)(v) as never],
      ["BulkActions.list", (v) => (BulkActions.list as Loose)(v) as never],
      ["BulkActions.stream", (v) => (BulkActions.stream as Loose)(v) as never],
      ["Schedules.list", (v) => (Schedules.list as Loose)(v) as never],
      ["Schedules.stream", (v) => (Schedules.stream as Loose)(v) as never],
      ["Deployments.list", (v) => (Deployments.list as Loose)(v) as never],
      ["Deployments.stream", (v) => (Deployments.stream as Loose)(v) as never],
      ["Queues.list", (v) => (Queues.list as Loose)(v) as never],
      ["Queues.stream", (v) => (Queues.stream as Loose)(v) as never],
      ["WaitTokens.list", (v) => (WaitTokens.list as Loose)(v) as never],
      ["WaitTokens.stream", (v) => (WaitTokens.stream as Loose)(v) as never],
      ["Sessions.list", (v) => (Sessions.list as Loose)(v) as never],
      ["Sessions.stream", (v) => (Sessions.stream as Loose)(v) as never],
      ["Batches.trigger", (v) => (Batches.trigger as Loose)(v) as never],
      ["Batches.triggerByTask", (v) => (Batches.triggerByTask as Loose)([v]) as never],
      ["Tasks.batchTrigger", (v) => (Tasks.batchTrigger as Loose)("t", v) as never],
      ["Tasks.batchTrigger (item)", (v) => (Tasks.batchTrigger as Loose)("t", [v]) as never],
      ["Batches.trigger (item)", (v) => (Batches.trigger as Loose)([v]) as never],
      ["Queues.resume", (v) => (Queues.resume as Loose)(v) as never],
      ["IdempotencyKeys.reset", (v) => (IdempotencyKeys.reset as Loose)("t", v) as never],
      ["Prompts.resolve (variables)", (v) => (Prompts.resolve as Loose)("p", v) as never],
      ["Prompts.resolve (options)", (v) => (Prompts.resolve as Loose)("p", {}, v) as never]
    ]
    for (const [name, build] of effects)
      for (const [label, value] of bad.filter(([label]) => label !== "an object where a string is due"))
        it(`${name} (Effect) given ${label}`, async () => {
          hostile.answer((socket) => respond(socket, 200, "{}"))
          const before = hostile.received.length
          let built:
            | Effect.Effect<unknown, unknown, never>
            | Stream.Stream<unknown, unknown, never>
            | undefined
          expect(() => {
            built = build(value)
          }).not.toThrow()
          const program = Effect.isEffect(built)
            ? (built as Effect.Effect<unknown, unknown, never>)
            : Stream.runDrain(built as Stream.Stream<unknown, unknown, never>)
          const result = await Effect.runPromise(
            Effect.either(
              program.pipe(
                Auth.withAuth({
                  accessToken: name.includes("(project)") ? pat : token,
                  baseURL: hostile.url
                }),
                Effect.provide(ManagementClient.layerNode(noRetry))
              )
            )
          )
          expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "InvalidArgumentsError" })
          expect(hostile.received.length).toBe(before)
        })

    it("the local key helpers throw InvalidArgumentsError naming the helper, never a TypeError", () => {
      const cyclic: Array<unknown> = []
      cyclic.push(cyclic)
      const refusals: ReadonlyArray<readonly [() => unknown, string, string]> = [
        [() => (IdempotencyKeys.create as Loose)(null), "idempotencyKeys.create", "not null"],
        [() => (IdempotencyKeys.create as Loose)(42), "idempotencyKeys.create", "not a number"],
        [() => (IdempotencyKeys.create as Loose)(["a", 1]), "idempotencyKeys.create", "not a number"],
        [() => (IdempotencyKeys.create as Loose)(deep), "idempotencyKeys.create", "32 lists deep"],
        [() => (IdempotencyKeys.create as Loose)(cyclic), "idempotencyKeys.create", "32 lists deep"],
        [() => (IdempotencyKeys.create as Loose)("k", null), "idempotencyKeys.create", "not null"],
        [() => (IdempotencyKeys.create as Loose)("k", { scope: "all" }), "idempotencyKeys.create", '"all"'],
        [() => (IdempotencyKeys.itemKey as Loose)(42, 0), "idempotencyKeys.itemKey", "not a number"],
        [() => (IdempotencyKeys.itemKey as Loose)("k", -1), "idempotencyKeys.itemKey", "not -1"],
        [() => (IdempotencyKeys.itemKey as Loose)("k", "0"), "idempotencyKeys.itemKey", "not a string"]
      ]
      for (const [make, endpoint, says] of refusals) {
        let thrown: unknown
        try {
          make()
        } catch (error) {
          thrown = error
        }
        expect(thrown).toMatchObject({ _tag: "InvalidArgumentsError", endpoint })
        expect((thrown as Error).message).toContain(says)
      }
      // What the types allow still works, nested lists too (the SDK joins an inner list with commas).
      expect(IdempotencyKeys.create(["a", "b"], { scope: "global" })).toMatch(/^[0-9a-f]{64}$/)
      expect(IdempotencyKeys.itemKey(["a", "b"], 3)).toBe(IdempotencyKeys.create("a,b-3"))
      expect(IdempotencyKeys.itemKey("a", 3)).toBe(IdempotencyKeys.create("a-3"))
      expect(IdempotencyKeys.itemKey(undefined, 0)).toBeUndefined()
    })

    it("a list given null: iterating the page rejects with the same typed error", async () => {
      const before = hostile.received.length
      const page = client()["runs"]?.["list"]?.(null) as AsyncIterable<unknown>
      const error = await (async () => {
        for await (const _ of page) return undefined
      })().then(
        () => undefined,
        (e: unknown) => e
      )
      expect(error).toMatchObject({ _tag: "InvalidArgumentsError", endpoint: "runs.list" })
      expect(hostile.received.length).toBe(before)
    })
  })

  it("a signal that is not an AbortSignal: InvalidArgumentsError naming the option, nothing sent", async () => {
    hostile.answer((socket) => respond(socket, 200, JSON.stringify({ id: "run_1" })))
    const client = createClient({ accessToken: token, baseURL: hostile.url }, noRetry)
    const before = hostile.received.length
    const notSignals: ReadonlyArray<unknown> = [{}, "abort", 1, { aborted: false }]
    for (const signal of notSignals) {
      const options = { signal } as unknown as { signal: AbortSignal }
      for (const call of [
        () => client.runs.retrieve("run_1", options),
        () => client.runs.list({ limit: 1 }, options),
        () => client.queues.resume("q", options)
      ]) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e
        )
        expect(error).toMatchObject({ _tag: "InvalidArgumentsError" })
        expect(String((error as Error).message)).toContain("requestOptions.signal")
      }
    }
    // options whose reading throws (a getter quoting the token): typed, and the message is not kept
    const throwing = {
      get signal(): AbortSignal {
        throw new Error(`no ${token}`)
      }
    }
    for (const call of [
      () => client.runs.retrieve("run_1", throwing),
      () => client.runs.list({}, throwing)
    ]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e
      )
      expect(error).toMatchObject({ _tag: "InvalidArgumentsError" })
      expectNoSecret(error)
    }
    expect(hostile.received.length).toBe(before)
    // a real signal, and null options, still send (the answer's shape does not matter here)
    for (const options of [{ signal: new AbortController().signal }, null as unknown as undefined]) {
      const sent = hostile.received.length
      const error = await client.runs.retrieve("run_1", options).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(error).not.toMatchObject({ _tag: "InvalidArgumentsError" })
      expect(hostile.received.length).toBe(sent + 1)
    }
  })

  it("options given as null (a JavaScript caller) mean no options", async () => {
    hostile.answer((socket) => respond(socket, 200, JSON.stringify({ id: "run_1" })))
    const result = await Effect.runPromise(
      Effect.either(
        Tasks.trigger("t", { a: 1 }, null as unknown as undefined).pipe(
          Auth.requireSecretKey,
          Auth.withAuth({ accessToken: token, baseURL: hostile.url }),
          Effect.provide(ManagementClient.layerNode(noRetry))
        )
      )
    )
    expect(Either.isRight(result) && result.right.id).toBe("run_1")
  })
})
