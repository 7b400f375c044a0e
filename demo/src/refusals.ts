/**
 * What only authctx shows: input it refuses before anything is sent, each next to what the official SDK
 * does with the same input, both judged by the emulator's request log.
 *
 * - A call whose credential kind the endpoint does not accept: `runs.retrieve` (secret keys only) in a PAT
 *   tenant's scope. authctx fails with a typed `CapabilityError` and sends nothing; the SDK sends it and the
 *   API refuses it (401).
 * - A key pasted with a trailing newline, or with `Bearer ` in front: authctx fails with an
 *   `InvalidCredential` whose `reason` says what is wrong (`LineBreak`, `BearerScheme`) and sends nothing.
 *   The SDK sends both: `fetch` drops the trailing newline from the header, so that call works; the
 *   `Bearer Bearer …` one gets a 401.
 *
 * Nothing here prints a token: errors show at most a credential's prefix and length, the log fingerprints.
 */
import {
  auth,
  CapabilityError,
  createClient,
  envvars,
  InvalidCredential,
  runs
} from "@authctx/client/promise"
import type { Emulator, RequestRecord } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { sdkVersion } from "./servers/sdk.js"
import type { Tenant, Tenants } from "./tenants.js"

/** What authctx did with one input. */
export interface AuthctxOutcome {
  /** The error's tag (`CapabilityError`, `InvalidCredential`), or `none` when the call did not fail. */
  readonly error: string
  /** `reason` of an `InvalidCredential`; `endpoint`/`accepts`/`actual` of a `CapabilityError`. */
  readonly detail: string
  readonly message: string
  /** Requests the emulator received from the call. */
  readonly sent: number
}

/** What the SDK did with the same input, from the emulator's log. */
export interface SdkOutcome {
  /** Requests the emulator received from the call. */
  readonly sent: number
  /** The statuses the emulator answered, in order. */
  readonly statuses: ReadonlyArray<number>
  /** The credentials the emulator saw (fingerprints; `undefined` where the header held no credential). */
  readonly credentials: ReadonlyArray<string | undefined>
  /** Whether the call resolved. */
  readonly succeeded: boolean
}

/** One refusal case. */
export interface Refusal {
  readonly title: string
  /** The error tag and `detail` authctx must give. */
  readonly expected: { readonly error: string; readonly detail: string }
  readonly authctx: AuthctxOutcome
  readonly sdk: SdkOutcome
  /** authctx refused with the expected error and sent nothing. */
  readonly ok: boolean
}

/** Runs `call` and returns the emulator's records it caused, with how it ended. */
const logged = async (
  emulator: Emulator,
  call: () => Promise<unknown>
): Promise<{
  readonly records: ReadonlyArray<RequestRecord>
  readonly error: unknown
  readonly ok: boolean
}> => {
  const last = emulator.requests().at(-1)?.seq ?? 0
  let error: unknown
  let ok = true
  try {
    await call()
  } catch (caught) {
    error = caught
    ok = false
  }
  return { records: emulator.requests().filter((r) => r.seq > last), error, ok }
}

const authctxOutcome = (error: unknown, ok: boolean, sent: number): AuthctxOutcome => {
  if (error instanceof CapabilityError) {
    return {
      error: error._tag,
      detail: `${error.endpoint} accepts ${error.accepts.join(" or ")}, not ${error.actual}`,
      message: error.message,
      sent
    }
  }
  if (error instanceof InvalidCredential) {
    return { error: error._tag, detail: error.reason, message: error.message, sent }
  }
  if (ok) return { error: "none", detail: "the call went through", message: "", sent }
  // An unexpected failure: its tag or name only (a message could quote a server's answer).
  const tag =
    typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
      ? error._tag
      : error instanceof Error
        ? error.name
        : "unknown"
  return { error: tag, detail: "unexpected", message: "", sent }
}

const find = (tenants: Tenants, predicate: (tenant: Tenant) => boolean, what: string): Tenant => {
  const tenant = tenants.all.find(predicate)
  if (tenant === undefined) throw new Error(`the demo needs a tenant with ${what}`)
  return tenant
}

/** Runs the refusal cases against the emulator; see the module comment. */
export const runRefusals = async (
  emulator: Emulator,
  tenants: Tenants,
  baseURL: string
): Promise<ReadonlyArray<Refusal>> => {
  const pat = find(tenants, (t) => t.keyKind === "PAT", "a PAT")
  const key = find(tenants, (t) => t.keyKind === "secret key" && t.env !== "preview", "a secret key")
  // A real run of a secret-key tenant, for the PAT to ask about.
  const { id: runId } = await createClient({ accessToken: key.token, baseURL })
    .requireSecretKey()
    .tasks.trigger("demo-task", {})

  const cases: ReadonlyArray<{
    readonly title: string
    readonly expected: Refusal["expected"]
    readonly accessToken: string
    readonly authctx: () => Promise<unknown>
    readonly sdk: () => Promise<unknown>
  }> = [
    {
      title: "runs.retrieve in a PAT tenant's scope (the endpoint accepts secret keys only)",
      expected: {
        error: "CapabilityError",
        detail: "runs.retrieve accepts SecretKey, not PersonalAccessToken"
      },
      accessToken: pat.token,
      authctx: () => runs.retrieve(runId),
      sdk: () => Sdk.runs.retrieve(runId)
    },
    {
      title: "envvars.retrieve with a secret key pasted with a trailing newline",
      expected: { error: "InvalidCredential", detail: "LineBreak" },
      accessToken: `${key.token}\n`,
      authctx: () => envvars.retrieve(key.projectRef, key.env, key.varName),
      sdk: () => Sdk.envvars.retrieve(key.projectRef, key.env, key.varName)
    },
    {
      title: 'envvars.retrieve with a secret key pasted with "Bearer " in front',
      expected: { error: "InvalidCredential", detail: "BearerScheme" },
      accessToken: `Bearer ${key.token}`,
      authctx: () => envvars.retrieve(key.projectRef, key.env, key.varName),
      sdk: () => Sdk.envvars.retrieve(key.projectRef, key.env, key.varName)
    }
  ]

  const refusals: Array<Refusal> = []
  for (const c of cases) {
    const mine = await logged(emulator, () =>
      auth.withAuth({ accessToken: c.accessToken, baseURL }, c.authctx)
    )
    const theirs = await logged(emulator, () =>
      Sdk.auth.withAuth({ accessToken: c.accessToken, baseURL }, c.sdk)
    )
    const outcome = authctxOutcome(mine.error, mine.ok, mine.records.length)
    refusals.push({
      title: c.title,
      expected: c.expected,
      authctx: outcome,
      sdk: {
        sent: theirs.records.length,
        statuses: theirs.records.map((r) => r.status),
        credentials: theirs.records.map((r) => r.credential),
        succeeded: theirs.ok
      },
      ok: outcome.sent === 0 && outcome.error === c.expected.error && outcome.detail === c.expected.detail
    })
  }
  return refusals
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/** The refusals as lines for the screen. */
export const refusalLines = (refusals: ReadonlyArray<Refusal>): ReadonlyArray<string> => {
  const who = (name: string) => `      ${name.padEnd(10)} `
  const lines: Array<string> = []
  for (const r of refusals) {
    lines.push(`    ${r.title}`)
    const a = r.authctx
    const error =
      a.error === "InvalidCredential" ? `${a.error} (reason ${a.detail})` : a.error === "none" ? "" : a.error
    lines.push(
      a.error === "none"
        ? `${who("authctx")}NOT refused: ${plural(a.sent, "request")} sent`
        : `${who("authctx")}${r.ok ? "refused" : "failed"}, ${plural(a.sent, "request")} sent — ${error}${a.message === "" ? "" : `: ${a.message}`}`
    )
    const seen = r.sdk.credentials.map((c) => c ?? "no credential").join(", ")
    lines.push(
      `${who(`SDK ${sdkVersion}`)}sent ${plural(r.sdk.sent, "request")}${seen === "" ? "" : ` (the emulator saw ${seen})`}${r.sdk.statuses.length === 0 ? "" : `: answered ${r.sdk.statuses.join(", ")}`}${r.sdk.succeeded ? ", the call succeeded" : ""}`
    )
  }
  return lines
}
