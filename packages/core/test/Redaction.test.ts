/**
 * No secret is ever printed (docs/reference/credentials.md, docs/errors.md): property tests over random secret bodies for every prefix.
 * Every way a credential, an auth context or an error of this package is commonly turned into text —
 * `String`, template literals, `JSON.stringify`, `util.inspect`, `.stack`, `Cause.pretty`, and the real
 * output of Effect's loggers (string, logfmt, JSON, structured, pretty) — must not contain the secret body.
 * The prefix (`tr_dev_`, `tr_pat_`, …) and the length may appear; the body may not, nor any 16-character
 * run of it.
 */
import { Console as NodeConsole } from "node:console"
import { Writable } from "node:stream"
import * as util from "node:util"
import {
  Auth,
  AuthScope,
  CapabilityError,
  Credential,
  InvalidAuthConfig,
  InvalidCredential,
  InvalidCredentialReason,
  MissingCredential,
  NoAsyncContext
} from "@authctx/core"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Either, Exit, Logger, Schema } from "effect"
import fc from "fast-check"
import { retrieveRun } from "./fixtures.js"

const numRuns = 200

const prefixes = [
  "tr_dev_",
  "tr_stg_",
  "tr_prod_",
  "tr_preview_",
  "tr_dev_sk_",
  "tr_stg_sk_",
  "tr_prod_sk_",
  "tr_preview_sk_",
  "tr_pat_"
] as const

/** A valid credential string split into its shown prefix and its secret body. */
const secretArb = fc.record({
  prefix: fc.constantFrom(...prefixes),
  body: fc.stringMatching(/^[A-Za-z0-9]{24,60}$/)
})
type Secret = { readonly prefix: string; readonly body: string }

/** The longest body a prefix refuses as too short (one under its floor). */
const tooShortLength = (prefix: string): number =>
  (prefix.endsWith("_sk_")
    ? Credential.minBodyLength.additionalSecretKey
    : prefix === "tr_pat_"
      ? Credential.minBodyLength.personalAccessToken
      : Credential.minBodyLength.rootSecretKey) - 1

/** The shortest run of the body that counts as a leak. */
const window = 16

/** The names of the renderings that contain the body or any `window`-character run of it. */
const leaksIn = (secret: string, renderings: Readonly<Record<string, string | undefined>>): Array<string> => {
  const runs: Array<string> = []
  for (let i = 0; i + window <= secret.length; i++) runs.push(secret.slice(i, i + window))
  return Object.entries(renderings)
    .filter(([, text]) => text !== undefined && runs.some((run) => text.includes(run)))
    .map(([name]) => name)
}

/**
 * Every common way a value becomes text. (`util.format`'s `%s %o %O %j` are `String`, `inspect` with and
 * without `showHidden`, and `JSON.stringify`, so they are covered too.)
 */
const renderValue = (value: unknown): Record<string, string> => ({
  String: String(value),
  template: `${value}`,
  JSON: JSON.stringify(value) ?? "",
  inspect: util.inspect(value, { depth: 10 }),
  inspectHidden: util.inspect(value, { depth: 10, showHidden: true }),
  "Cause.pretty(fail)": Cause.pretty(Cause.fail(value)),
  "Cause.pretty(die)": Cause.pretty(Cause.die(value))
})

/** Every common way an error becomes text: `renderValue` plus its message and stack. */
const renderError = (error: Error): Record<string, string> => ({
  ...renderValue(error),
  message: error.message,
  stack: error.stack ?? "",
  toString: error.toString()
})

/** An Effect Console whose `unsafe` console is a real Node console writing to a string. */
const capturedConsole = () => {
  let text = ""
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk)
      callback()
    }
  })
  const unsafe = new NodeConsole({ stdout: stream, stderr: stream, colorMode: false })
  return { unsafe, text: () => text }
}

/** Effect's own formatters, each writing its real output into a string. */
const formatters: ReadonlyArray<readonly [string, Logger.Logger<unknown, unknown>]> = [
  ["stringLogger", Logger.stringLogger],
  ["logfmtLogger", Logger.logfmtLogger],
  ["jsonLogger", Logger.jsonLogger],
  ["structuredLogger", Logger.structuredLogger],
  ["prettyLogger", Logger.prettyLogger({ colors: false, mode: "tty" })],
  ["prettyLoggerDefault", Logger.prettyLoggerDefault]
]

/** Runs `program` once per formatter, replacing the default logger, and returns each one's output. */
const captureLogs = (program: Effect.Effect<unknown, unknown>): Record<string, string> => {
  const outputs: Record<string, string> = {}
  for (const [name, formatter] of formatters) {
    const console = capturedConsole()
    const lines: Array<string> = []
    const logger = Logger.make((options) => {
      const out = formatter.log(options)
      // string formatters return their line; structured returns an object a sink would serialise;
      // the pretty loggers write to the console themselves
      if (typeof out === "string") lines.push(out)
      else if (out !== undefined) lines.push(JSON.stringify(out), util.inspect(out, { depth: 10 }))
    })
    Effect.runSync(
      Effect.flatMap(Effect.console, (effectConsole) =>
        program.pipe(
          Effect.orDie,
          Effect.withConsole({ ...effectConsole, unsafe: console.unsafe }),
          Effect.provide(Logger.replace(Logger.defaultLogger, logger))
        )
      )
    )
    outputs[name] = lines.join("\n") + console.text()
  }
  return outputs
}

const credentialOf = ({ prefix, body }: Secret): Credential.Credential =>
  Either.getOrThrow(Credential.parseEither(`${prefix}${body}`))
const contextOf = (secret: Secret): Auth.AuthContext =>
  Either.getOrThrow(Auth.make({ accessToken: `${secret.prefix}${secret.body}`, previewBranch: "feature-x" }))

const assertNoLeak = (secret: string, renderings: Readonly<Record<string, string | undefined>>): void => {
  expect(leaksIn(secret, renderings)).toEqual([])
}

describe("the leak check itself", () => {
  it("finds the body, and a 16-character run of it, but not the prefix", () => {
    const body = "AbCdEfGhIjKlMnOpQrStUvWxYz"
    expect(
      leaksIn(body, { whole: `tr_dev_${body}`, part: `…${body.slice(5, 21)}…`, prefix: "tr_dev_" })
    ).toEqual(["whole", "part"])
    expect(leaksIn(body, { short: body.slice(0, 15) })).toEqual([])
  })

  it("captures real logger output", () => {
    const outputs = captureLogs(Effect.log("hello-from-the-test"))
    for (const [name] of formatters) expect(outputs[name], name).toContain("hello-from-the-test")
  })

  it("catches a secret that is not redacted, in every rendering and every formatter", () => {
    const body = "AbCdEfGhIjKlMnOpQrStUvWxYz"
    const unredacted = { token: `tr_dev_${body}` }
    expect(leaksIn(body, captureLogs(Effect.log(unredacted)))).toEqual(formatters.map(([name]) => name))
    expect(leaksIn(body, captureLogs(Effect.logError("failed", Cause.fail(unredacted))))).toEqual(
      formatters.map(([name]) => name)
    )
    const leakyError = renderError(new Error(`bad key tr_dev_${body}`))
    expect(leaksIn(body, leakyError).sort()).toEqual(
      Object.keys(leakyError)
        .filter((name) => name !== "JSON") // JSON of an Error is "{}"
        .sort()
    )
  })
})

describe("credentials", () => {
  it("String, template, toString, JSON, inspect, Cause.pretty never show the body", () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        const credential = credentialOf(secret)
        const renderings: Record<string, string> = {
          ...renderValue(credential),
          toString: credential.toString(),
          token: String(credential.token),
          tokenJSON: JSON.stringify(credential.token),
          tokenInspect: util.inspect(credential.token),
          array: util.inspect([credential, { nested: { credential } }], { depth: 10 }),
          fingerprint: Credential.fingerprint(credential)
        }
        assertNoLeak(secret.body, renderings)
        // and the renderings are real: they do describe the credential
        expect(renderings["String"]).toContain(credential._tag)
        expect(renderings["JSON"]).toContain("<redacted>")
      }),
      { numRuns }
    )
  })

  it("the auth context: String, JSON, inspect, Cause.pretty never show the body", () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        const context = contextOf(secret)
        assertNoLeak(secret.body, renderValue(context))
        expect(JSON.stringify(context)).toContain("feature-x")
      }),
      { numRuns }
    )
  })

  it("Effect.log / logError of a credential, an auth context and causes, in every formatter", () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        const credential = credentialOf(secret)
        const context = contextOf(secret)
        const program = Effect.gen(function* () {
          yield* Effect.log(credential)
          yield* Effect.log("using", credential, context)
          yield* Effect.logError(context)
          yield* Effect.logError("failed", Cause.fail(credential))
          yield* Effect.logWarning("died", Cause.die(context))
          yield* Effect.log("annotated").pipe(Effect.annotateLogs({ credential, auth: context }))
          yield* Effect.fail(credential).pipe(Effect.catchAllCause(Effect.logError))
          yield* Auth.current.pipe(
            Effect.flatMap((auth) => Effect.logInfo("current", auth)),
            Auth.withAuth({ accessToken: credential, previewBranch: "feature-x" })
          )
        })
        const outputs = captureLogs(program)
        assertNoLeak(secret.body, outputs)
        for (const [name, text] of Object.entries(outputs)) expect(text, name).toContain(credential._tag)
      }),
      { numRuns }
    )
  })
})

/** Bad inputs that carry the secret, each with the reason it must be refused for. */
const badInputs = ({
  prefix,
  body
}: Secret): ReadonlyArray<{ readonly reason: InvalidCredentialReason; readonly input: unknown }> => {
  const key = `${prefix}${body}`
  return [
    { reason: "TooLong", input: key.repeat(20) },
    { reason: "TooLong", input: `${key}\n${"x".repeat(600)}` },
    { reason: "LineBreak", input: `${key}\n` },
    { reason: "LineBreak", input: `${key}\r\n` },
    { reason: "LineBreak", input: `${key.slice(0, 20)}\n${key.slice(20)}` },
    { reason: "ControlCharacter", input: `${key}\u0000` },
    { reason: "ControlCharacter", input: `\t${key}` },
    { reason: "BearerScheme", input: `Bearer ${key}` },
    { reason: "BearerScheme", input: `bearer ${key}` },
    { reason: "SurroundingWhitespace", input: ` ${key}` },
    { reason: "SurroundingWhitespace", input: `${key} ` },
    { reason: "NonAscii", input: `${key}é` },
    { reason: "NonAscii", input: `${key}\u200b` },
    { reason: "InvalidCharacters", input: `${key}-x` },
    { reason: "InvalidCharacters", input: `Authorization: Bearer ${key}` },
    { reason: "UnknownPrefix", input: body },
    { reason: "UnknownPrefix", input: `sk_live_${body}` },
    { reason: "UnknownPrefix", input: `${prefix.toUpperCase()}${body}` },
    // one short of the floor for the prefix's shape: 24 after `_sk_`, 20 otherwise
    { reason: "TooShort", input: `${prefix}${body.slice(0, tooShortLength(prefix))}` },
    // JWT-shaped: three dot-separated parts whose claims do not decode, or do not say pub: true
    { reason: "MalformedPublicToken", input: `eyJ${body}.${body}.${body}` },
    {
      reason: "NotPublicToken",
      input: `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: body })).toString("base64url")}.${body}`
    },
    { reason: "NotAString", input: { token: key } },
    { reason: "NotAString", input: [key] },
    // these two cannot carry a secret; they are here so every reason's rendering is checked
    { reason: "Empty", input: "" },
    { reason: "Blank", input: " \t " }
  ]
}

describe("InvalidCredential, for every reason, built from inputs that contain the secret", () => {
  it("the error's message, String, JSON, inspect, stack and Cause.pretty never show the body", () => {
    const reasonsSeen = new Set<string>()
    fc.assert(
      fc.property(secretArb, (secret) => {
        // a TooShort input holds only the first characters of the body: that is its secret
        const shownSecret = (reason: string) =>
          reason === "TooShort" ? secret.body.slice(0, tooShortLength(secret.prefix)) : secret.body
        for (const { reason, input } of badInputs(secret)) {
          // the cast lets non-strings reach the parser, as they can from JavaScript or untyped config
          const result = Credential.parseEither(input as string)
          expect(Either.isLeft(result), `${reason}: ${typeof input}`).toBe(true)
          if (Either.isRight(result)) return
          const error = result.left
          expect(error).toBeInstanceOf(InvalidCredential)
          expect(error.reason).toBe(reason)
          reasonsSeen.add(reason)
          assertNoLeak(shownSecret(reason), renderError(error))
        }
      }),
      { numRuns }
    )
    expect([...reasonsSeen].sort()).toEqual([...InvalidCredentialReason.literals].sort())
  })

  it("the same through Auth.make, withAuth (Cause.pretty of the exit), AuthScope.run and the schema", () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        for (const { reason, input } of badInputs(secret)) {
          if (typeof input !== "string" || reason === "TooShort") continue
          const made = Auth.make({ accessToken: input })
          expect(Either.isLeft(made)).toBe(true)
          const exit = Effect.runSyncExit(Auth.current.pipe(Auth.withAuth({ secretKey: input })))
          expect(Exit.isFailure(exit)).toBe(true)
          let thrown: unknown
          try {
            AuthScope.run({ accessToken: input }, () => undefined)
          } catch (error) {
            thrown = error
          }
          expect(thrown).toBeInstanceOf(InvalidCredential)
          const decoded = Schema.decodeUnknownEither(Schema.Struct({ key: Credential.CredentialFromString }))(
            {
              key: input
            }
          )
          const renderings: Record<string, string> = {}
          if (Either.isLeft(made)) Object.assign(renderings, prefixed("make", renderError(made.left)))
          if (Exit.isFailure(exit)) renderings["withAuth exit"] = Cause.pretty(exit.cause)
          if (thrown instanceof Error) Object.assign(renderings, prefixed("run", renderError(thrown)))
          if (Either.isLeft(decoded)) Object.assign(renderings, prefixed("schema", renderError(decoded.left)))
          expect(Either.isLeft(decoded)).toBe(true)
          assertNoLeak(secret.body, renderings)
        }
      }),
      // each run renders ~80 errors with their stacks: half the runs keep this file quick
      { numRuns: numRuns / 2 }
    )
  })

  it("logged as a failure in every formatter", () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        const program = Effect.forEach(badInputs(secret), ({ input }) =>
          Credential.parse(input as string).pipe(
            Effect.catchAllCause((cause) =>
              Effect.zipRight(
                Effect.logError("refused", cause),
                Effect.flip(Effect.failCause(cause)).pipe(Effect.flatMap((e) => Effect.logError(e)))
              )
            )
          )
        )
        assertNoLeak(secret.body, captureLogs(program))
      }),
      { numRuns: 50 }
    )
  })
})

const prefixed = (name: string, renderings: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(renderings).map(([k, v]) => [`${name} ${k}`, v]))

/**
 * Runs an effect whose `R` the types would not let us run (see Auth.test.ts): the point is the run-time
 * error such a program gets, which must not show the secret either.
 */
const bypassTypes = <A, E>(effect: Effect.Effect<A, E, unknown>): Effect.Effect<A, E, never> =>
  effect as unknown as Effect.Effect<A, E, never>

const failureOf = <A, E>(effect: Effect.Effect<A, E>): E => {
  const exit = Effect.runSyncExit(Effect.flip(effect))
  if (Exit.isFailure(exit)) throw new Error(`expected a failure, got ${Cause.pretty(exit.cause)}`)
  return exit.value
}

/** The error of an ambient read in server mode, with `key` configured as the (unused) default. */
const outsideScopeWith = (key: string): Error => {
  AuthScope.configure({ accessToken: key, serverMode: true })
  try {
    const result = AuthScope.resolve()
    if (Either.isRight(result)) throw new Error("expected OutsideAuthScope")
    return result.left
  } finally {
    AuthScope.configure({ serverMode: false })
  }
}

describe("every other error of the package", () => {
  it("MissingCredential, InvalidAuthConfig, CapabilityError, NoAsyncContext, OutsideAuthScope never show the body", () => {
    fc.assert(
      fc.property(secretArb, secretArb, (secret, other) => {
        const key = `${secret.prefix}${secret.body}`
        const credential = credentialOf(secret)
        const otherKind = credential._tag === "SecretKey" ? "PersonalAccessToken" : "SecretKey"
        const errors: Record<string, Error> = {
          "MissingCredential (Auth.current)": failureOf(Auth.current),
          "MissingCredential (Auth.make)": failureOf(Auth.make({ baseURL: "https://example.com" })),
          "InvalidAuthConfig credential": failureOf(
            Auth.make({ accessToken: key, secretKey: `${other.prefix}${other.body}x` })
          ),
          // Under a preview key, which sends its branch, so the branch is checked; a key that never sends
          // one does not check it (docs/reference/headers-and-branches.md).
          "InvalidAuthConfig previewBranch (secret pasted as branch)": failureOf(
            Auth.make({ accessToken: `tr_preview_${secret.body}`, previewBranch: `${key}\n` })
          ),
          "InvalidAuthConfig devBranch (secret pasted as branch)": failureOf(
            Auth.make({ accessToken: `tr_dev_${secret.body}`, devBranch: `${key}\n` })
          ),
          "InvalidAuthConfig previewBranch (missing)": failureOf(
            Auth.make({ accessToken: `tr_preview_${secret.body}` })
          ),
          "InvalidAuthConfig baseURL (password)": failureOf(
            Auth.make({ accessToken: key, baseURL: `https://user:${secret.body}@example.com` })
          ),
          "InvalidAuthConfig baseURL (query)": failureOf(
            Auth.make({ accessToken: key, baseURL: `https://example.com/?token=${key}` })
          ),
          "InvalidAuthConfig baseURL (not a URL)": failureOf(Auth.make({ accessToken: key, baseURL: key })),
          "CapabilityError (refine)": failureOf(Credential.refine(credential, otherKind)),
          "CapabilityError (authorize)": failureOf(
            bypassTypes(retrieveRun.pipe(Auth.withAuth({ accessToken: `tr_pat_${secret.body}` })))
          ),
          "CapabilityError (requireSecretKey)": failureOf(
            Auth.current.pipe(Auth.requireSecretKey, Auth.withAuth({ accessToken: `tr_pat_${secret.body}` }))
          ),
          "CapabilityError (requirePersonalAccessToken)": failureOf(
            Auth.current.pipe(
              Auth.requirePersonalAccessToken,
              Auth.withAuth({ accessToken: `tr_dev_${secret.body}` })
            )
          ),
          NoAsyncContext: new NoAsyncContext(),
          "OutsideAuthScope (server mode, the secret configured as the default)": outsideScopeWith(key)
        }
        for (const [name, error] of Object.entries(errors)) {
          expect(error, name).toBeInstanceOf(Error)
          assertNoLeak(secret.body, prefixed(name, renderError(error)))
        }
        expect(errors["MissingCredential (Auth.current)"]).toBeInstanceOf(MissingCredential)
        expect(errors["InvalidAuthConfig credential"]).toBeInstanceOf(InvalidAuthConfig)
        expect(errors["CapabilityError (refine)"]).toBeInstanceOf(CapabilityError)
        assertNoLeak(
          secret.body,
          captureLogs(Effect.forEach(Object.values(errors), (e) => Effect.logError("failed", Cause.fail(e))))
        )
      }),
      { numRuns }
    )
  })
})
