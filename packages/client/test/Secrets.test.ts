/**
 * No credential in any error (message, JSON, inspect, Cause.pretty), span name or attribute, or log line
 * of a call — over random tokens, through both transports, through retries and refusals.
 */
import { inspect } from "node:util"
import { Envvars, ManagementClient, Runs } from "@authctx/client"
import { Auth } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { FetchHttpClient } from "@effect/platform"
import { Cause, Effect, Exit, Layer, Logger, Option, Tracer } from "effect"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { recordingTracer } from "./support/tracing.js"

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ seed: 3 })
})
afterAll(() => emulator.stop())

const tokenBody = fc.stringMatching(/^[A-Za-z0-9]{24,48}$/)
const prefixes = ["tr_dev_", "tr_prod_", "tr_stg_", "tr_pat_", "tr_dev_sk_"] as const

describe("a call never shows its credential", () => {
  it("in errors, spans or logs, whatever the token and the transport", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...prefixes),
        tokenBody,
        fc.constantFrom("node", "httpClient"),
        fc.boolean(),
        async (prefix, body, transport, withFault) => {
          const token = `${prefix}${body}`
          const seen: Array<string> = []
          const logs: Array<string> = []
          const logger = Logger.make(({ message, cause }) => {
            logs.push(inspect(message, { depth: 10 }), Cause.pretty(cause))
          })
          if (withFault) emulator.faults.inject({ route: "envvars.list", times: 1, status: 500 })
          const client =
            transport === "node"
              ? ManagementClient.layerNode({ retry: { initialDelayMs: 1, jitter: false } })
              : ManagementClient.layer({ retry: { initialDelayMs: 1, jitter: false } }).pipe(
                  Layer.provide(FetchHttpClient.layer)
                )
          // each key on its own environment's path (another one is refused before sending)
          const env = prefix === "tr_prod_" ? "prod" : prefix === "tr_stg_" ? "staging" : "dev"
          const program = Envvars.list("proj_whatever", env).pipe(
            Effect.tapErrorCause((cause) => Effect.logError("call failed", cause)),
            Auth.withAuth({ accessToken: token, baseURL: emulator.url }),
            Effect.provide(client),
            Effect.withTracer(recordingTracer(seen)),
            Effect.provide(Logger.replace(Logger.defaultLogger, logger))
          )
          const exit = await Effect.runPromiseExit(program)
          expect(Exit.isFailure(exit)).toBe(true) // an unknown token: 401
          if (Exit.isFailure(exit)) {
            const error = Option.getOrThrow(Cause.failureOption(exit.cause))
            expect(error._tag).toBe("AuthenticationError")
            const outputs = [
              String(error),
              error instanceof Error ? error.message : "",
              JSON.stringify(error),
              inspect(error, { depth: 10 }),
              Cause.pretty(exit.cause),
              ...seen,
              ...logs
            ]
            for (const output of outputs) expect(output).not.toContain(body)
          }
          expect(seen.some((s) => s.includes("envvars.list"))).toBe(true)
          expect(logs.length).toBeGreaterThan(0)
        }
      ),
      { numRuns: 40 }
    )
  })

  it("and the pre-flight refusal (CapabilityError) shows only the kinds", async () => {
    await fc.assert(
      fc.asyncProperty(tokenBody, async (body) => {
        const token = `tr_pat_${body}`
        const exit = await Effect.runPromiseExit(
          (Runs.retrieve("run_1") as Effect.Effect<unknown, unknown, never>).pipe(
            Auth.withAuth({ accessToken: token, baseURL: emulator.url }),
            Effect.provide(ManagementClient.layerNode())
          )
        )
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) {
          const pretty = Cause.pretty(exit.cause)
          expect(pretty).toContain("CapabilityError")
          expect(pretty).not.toContain(body)
          expect(inspect(Cause.squash(exit.cause), { depth: 10 })).not.toContain(body)
        }
      }),
      { numRuns: 50 }
    )
  })

  it("no span of the HttpClient transport holds the Authorization header, even inspected deeply", async () => {
    // every span as an object, with what it ends with (its exit holds whatever the traced code returned)
    const kept: Array<unknown> = []
    const tracer = Tracer.make({
      span: (name, parent, context, links, startTime, kind, options) => {
        const attributes = new Map<string, unknown>(Object.entries(options?.attributes ?? {}))
        const record: { name: string; attributes: Map<string, unknown>; exit?: unknown } = {
          name,
          attributes
        }
        kept.push(record)
        return {
          _tag: "Span",
          name,
          spanId: `s${kept.length}`,
          traceId: "t",
          parent,
          context,
          status: { _tag: "Started", startTime },
          attributes,
          links,
          sampled: true,
          kind,
          end: (_endTime, exit) => {
            record.exit = exit
          },
          attribute: (key, value) => {
            attributes.set(key, value)
          },
          event: () => {},
          addLinks: () => {}
        }
      },
      context: (f) => f()
    })
    const valid = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
    const projectRef = emulator.credentials.projects[0]?.ref ?? ""
    const unknown = "tr_dev_Q1w2E3r4T5y6U7i8O9p0A1s2D3f4"
    for (const [token, baseURL] of [
      [valid, emulator.url], // success
      [unknown, emulator.url], // 401
      [unknown, "http://127.0.0.1:9"] // no connection
    ] as const) {
      const exit = await Effect.runPromiseExit(
        Envvars.list(projectRef, "dev").pipe(
          Auth.withAuth({ accessToken: token, baseURL }),
          Effect.provide(ManagementClient.layer({ retry: false }).pipe(Layer.provide(FetchHttpClient.layer))),
          Effect.withTracer(tracer)
        )
      )
      const secret = token.slice("tr_dev_".length)
      expect(kept.length).toBeGreaterThan(0)
      const rendered = inspect(kept, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true })
      expect(rendered).not.toContain(secret)
      expect(inspect(exit, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(secret)
      kept.length = 0
    }
  })

  it("the request log of the emulator holds fingerprints, never tokens", () => {
    const log = JSON.stringify(emulator.requests())
    expect(log).not.toMatch(/tr_(dev|prod|stg|pat)_(sk_)?[A-Za-z0-9]{24,}/)
  })
})
