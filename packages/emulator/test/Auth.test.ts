/**
 * The server's auth rules, table-driven: every catalog route × every credential case, over real HTTP. The
 * expected answer is derived from the rules (the route's accepted kinds and the scope its path names),
 * not written per route; success answers must decode with the route's own success schema. The rules and
 * the server functions they copy: docs/emulator.md ("Auth rules and the server behaviour each copies").
 */
import type { Catalog } from "@authctx/api"
import type { Emulator } from "@authctx/emulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  call,
  decodeSuccess,
  entries,
  keyOf,
  prepare,
  roles,
  start,
  successStatus,
  type Target
} from "./support.js"

let emulator: Emulator
beforeAll(async () => {
  emulator = await start()
})
afterAll(() => emulator.stop())

/** A credential case: what is sent, and the facts the rules need. */
interface Case {
  readonly name: string
  /** The whole `Authorization` header (undefined: none sent). */
  readonly authorization: (e: Emulator) => string | undefined
  readonly branch?: (e: Emulator) => string
  /** The credential's facts: a known key (with its project, env and branch), a PAT, or an invalid one. */
  readonly credential: (e: Emulator) =>
    | { readonly kind: "none" }
    | { readonly kind: "invalid"; readonly pat?: boolean }
    | { readonly kind: "SecretKey"; readonly projectRef: string; readonly env: string }
    | {
        readonly kind: "PersonalAccessToken"
        readonly projectRefs: ReadonlyArray<string>
        /** Sent as exactly `Bearer <token>` (the default). */
        readonly exact?: boolean
      }
  /** Where the request's path points and who owns the resources there. */
  readonly target: (e: Emulator) => Target
}

const p1dev = (e: Emulator): Target => {
  const { p1 } = roles(e)
  return { projectRef: p1.ref, env: "dev", owner: { token: p1.environments.dev.secretKey } }
}
const p1preview = (e: Emulator): Target => {
  const { p1, branch } = roles(e)
  return { projectRef: p1.ref, env: "preview", owner: { token: p1.environments.preview.secretKey, branch } }
}
const key = (projectRef: string, env: string) => ({ kind: "SecretKey" as const, projectRef, env })

const cases: ReadonlyArray<Case> = [
  {
    name: "right SecretKey",
    authorization: (e) => `Bearer ${roles(e).p1.environments.dev.secretKey}`,
    credential: (e) => key(roles(e).p1.ref, "dev"),
    target: p1dev
  },
  {
    name: "right legacy SecretKey (20 characters, issued until August 2026)",
    authorization: (e) => `Bearer ${roles(e).p1.environments.dev.legacySecretKey}`,
    credential: (e) => key(roles(e).p1.ref, "dev"),
    target: p1dev
  },
  {
    name: "right scoped SecretKey (tr_dev_sk_)",
    authorization: (e) => `Bearer ${roles(e).p1.environments.dev.scopedKey}`,
    credential: (e) => key(roles(e).p1.ref, "dev"),
    target: p1dev
  },
  {
    name: "PAT",
    authorization: (e) => `Bearer ${roles(e).admin.pat}`,
    credential: (e) => ({ kind: "PersonalAccessToken", projectRefs: roles(e).admin.projectRefs }),
    target: p1dev
  },
  {
    name: "PAT of a user who cannot reach the project",
    authorization: (e) => `Bearer ${roles(e).limited.pat}`,
    credential: (e) => ({ kind: "PersonalAccessToken", projectRefs: roles(e).limited.projectRefs }),
    target: (e) => {
      const { p2 } = roles(e)
      return { projectRef: p2.ref, env: "dev", owner: { token: p2.environments.dev.secretKey } }
    }
  },
  {
    name: "wrong-project key",
    authorization: (e) => `Bearer ${roles(e).p2.environments.dev.secretKey}`,
    credential: (e) => key(roles(e).p2.ref, "dev"),
    target: p1dev
  },
  {
    name: "wrong-environment key",
    authorization: (e) => `Bearer ${roles(e).p1.environments.prod.secretKey}`,
    credential: (e) => key(roles(e).p1.ref, "prod"),
    target: p1dev
  },
  { name: "no header", authorization: () => undefined, credential: () => ({ kind: "none" }), target: p1dev },
  { name: "empty header", authorization: () => "", credential: () => ({ kind: "none" }), target: p1dev },
  {
    // HTTP trims the value to "Bearer", which the server reads as a token it does not know
    name: "blank Bearer",
    authorization: () => "Bearer   ",
    credential: () => ({ kind: "invalid" }),
    target: p1dev
  },
  {
    // the server removes only "Bearer ": the rest, "Basic …", is an unknown token
    name: "Basic scheme",
    authorization: (e) =>
      `Basic ${Buffer.from(`x:${roles(e).p1.environments.dev.secretKey}`).toString("base64")}`,
    credential: () => ({ kind: "invalid" }),
    target: p1dev
  },
  {
    // the same: "bearer tr_dev_…" is not a key the server knows
    name: "lowercase bearer scheme with the right key",
    authorization: (e) => `bearer ${roles(e).p1.environments.dev.secretKey}`,
    credential: () => ({ kind: "invalid" }),
    target: p1dev
  },
  {
    name: "right SecretKey without a scheme",
    authorization: (e) => roles(e).p1.environments.dev.secretKey,
    credential: (e) => key(roles(e).p1.ref, "dev"),
    target: p1dev
  },
  {
    name: "right SecretKey with spaces around it",
    authorization: (e) => `Bearer  ${roles(e).p1.environments.dev.secretKey} `,
    credential: (e) => key(roles(e).p1.ref, "dev"),
    target: p1dev
  },
  {
    name: "PAT without a scheme",
    authorization: (e) => roles(e).admin.pat,
    credential: (e) => ({
      kind: "PersonalAccessToken",
      projectRefs: roles(e).admin.projectRefs,
      exact: false
    }),
    target: p1dev
  },
  {
    name: "unknown key",
    authorization: () => `Bearer tr_dev_${"Z".repeat(32)}`,
    credential: () => ({ kind: "invalid" }),
    target: p1dev
  },
  {
    name: "unknown PAT",
    authorization: () => `Bearer tr_pat_${"Q".repeat(40)}`,
    credential: () => ({ kind: "invalid", pat: true }),
    target: p1dev
  },
  {
    name: "token that does not parse",
    authorization: () => "Bearer not-a-credential",
    credential: () => ({ kind: "invalid" }),
    target: p1dev
  },
  {
    name: "wrong-environment key with a branch header",
    authorization: (e) => `Bearer ${roles(e).p1.environments.prod.secretKey}`,
    branch: () => "feature-a",
    credential: (e) => key(roles(e).p1.ref, "prod"),
    target: p1dev
  },
  {
    name: "preview key without branch",
    authorization: (e) => `Bearer ${roles(e).p1.environments.preview.secretKey}`,
    credential: (e) => key(roles(e).p1.ref, "preview"),
    target: p1preview
  },
  {
    name: "preview key with unknown branch",
    authorization: (e) => `Bearer ${roles(e).p1.environments.preview.secretKey}`,
    branch: () => "no-such-branch",
    credential: (e) => key(roles(e).p1.ref, "preview"),
    target: p1preview
  },
  {
    name: "preview key with its branch",
    authorization: (e) => `Bearer ${roles(e).p1.environments.preview.secretKey}`,
    branch: (e) => roles(e).branch,
    credential: (e) => key(roles(e).p1.ref, "preview"),
    target: p1preview
  }
]

/** The server's messages (docs/emulator.md names the function each comes from). */
const refusal = {
  missingKey: { status: 401, error: "Invalid or Missing API key" },
  missingPat: { status: 401, error: "Invalid or Missing PAT" },
  invalidKey: { status: 401, error: "Invalid API key" },
  invalidPat: { status: 401, error: "Invalid PAT" },
  otherProject: {
    status: 400,
    error:
      "Invalid project ref for this API key. Make sure you are using an API key associated with that project."
  },
  otherEnvironment: {
    status: 400,
    error:
      "Invalid environment slug for this API key. Make sure you are using an API key associated with that environment."
  },
  projectNotFound: { status: 404, error: "Project not found" },
  branchRequired: { status: 401, error: "x-trigger-branch header required for preview env" },
  noBranch: { status: 401, error: "No matching branch env" }
} as const

/** The not-found message of a route's resource, by the path parameter that names it. */
const resourceNotFound: Record<string, string> = {
  runId: "Run not found",
  batchId: "Batch not found",
  id: "Schedule not found",
  name: "Environment variable not found",
  bulkActionId: "Bulk action not found",
  waitpointId: "Waitpoint not found"
}

/** Routes whose server file words its not-found answer its own way (docs/research/whole-api.md). */
const routeNotFound: Record<string, string> = {
  "runs.updateMetadata": "Task Run not found",
  // ---- sessions ---- (retrieve: the route builder's answer; update and close: their handler's)
  "sessions.retrieve": "Not found",
  "sessions.update": "Session not found",
  "sessions.close": "Session not found"
}

/** Routes whose server handler refuses additional (`tr_<env>_sk_`) keys with 403 (no resource to check them against). */
const refusesScopedKeys: ReadonlySet<string> = new Set([
  "waitTokens.create",
  "waitTokens.list",
  "waitTokens.retrieve",
  // ---- query ----
  "packets.download"
])

type Expected = { readonly status: number; readonly error: string } | "success" | "keyNotFound"

/** docs/emulator.md, auth rules as rules over the route's capability and path, and the credential's facts. */
const expected = (entry: Catalog.Entry, c: Case, e: Emulator): Expected => {
  const accepts: ReadonlyArray<string> = entry.capability.accepts
  const patOnly = !accepts.includes("SecretKey")
  const params = [...entry.path.matchAll(/:(\w+)/g)].map((m) => m[1] ?? "")
  const target = c.target(e)
  const credential = c.credential(e)
  const branch = c.branch?.(e)
  // a route that needs no credential (schedules.timezones) answers whatever the header says
  if (accepts.length === 0) return "success"
  switch (credential.kind) {
    case "none":
      return patOnly ? refusal.missingPat : refusal.missingKey
    case "invalid":
      if (!patOnly) return refusal.invalidKey
      return credential.pat === true ? refusal.invalidPat : refusal.missingPat
    case "PersonalAccessToken":
      if (!accepts.includes("PersonalAccessToken")) return refusal.invalidKey
      // routes taking both kinds try a PAT only on an exact "Bearer <token>" header
      if (!patOnly && credential.exact === false) return refusal.invalidKey
      if (!credential.projectRefs.includes(target.projectRef)) return refusal.projectNotFound
      return "success"
    case "SecretKey": {
      if (!accepts.includes("SecretKey")) return refusal.missingPat
      if (credential.env === "preview") {
        if (branch === undefined) return refusal.branchRequired
        if (!roles(e).p1.previewBranches.includes(branch)) return refusal.noBranch
      }
      if (params.includes("projectRef") && credential.projectRef !== target.projectRef)
        return refusal.otherProject
      // neither the slug nor the branch matches; without a branch header, the key's own environment is used
      // (and the resources the target's owner made there are not found)
      if (params.includes("env") && credential.env !== target.env && branch !== undefined)
        return refusal.otherEnvironment
      if (refusesScopedKeys.has(entry.id) && c.name.includes("scoped"))
        return { status: 403, error: "Unauthorized" }
      const sameEnvironment = credential.projectRef === target.projectRef && credential.env === target.env
      // idempotencyKeys.reset names its key: a key no run of the key's environment holds is a 404 naming it
      if (entry.id === "idempotencyKeys.reset" && !sameEnvironment) return "keyNotFound"
      const resource = params.find((p) => resourceNotFound[p] !== undefined && p !== "projectRef")
      if (resource !== undefined && !sameEnvironment)
        return { status: 404, error: routeNotFound[entry.id] ?? resourceNotFound[resource] ?? "" }
      return "success"
    }
  }
}

/** The routes #12 adds beyond the page's table, family by family. */
const wholeApiRoutes =
  // ---- runs: reschedule, tags, metadata; batch ----
  5 +
  // ---- bulk actions ----
  4 +
  // ---- schedules.timezones (no credential); deployments ×2 ----
  3 +
  // ---- queues ----
  5 +
  // ---- waits: wait tokens ×4, idempotencyKeys.reset ----
  5 +
  // ---- sessions ----
  5 +
  // ---- auth: jwt claims, public tokens ----
  2 +
  // ---- query: query.execute, query.dashboardsList, the wire-only packets.download ----
  3 +
  // ---- prompts ----
  8

describe("server auth rules, every route × every credential case", () => {
  it("covers every catalog route", () => {
    // the 21 routes of the page's 20 calls, the wire-only packets.upload, and the whole-API routes (#12)
    expect(entries.length).toBe(22 + wholeApiRoutes)
  })

  for (const entry of entries) {
    describe(`${entry.method} ${entry.path} (${keyOf(entry)})`, () => {
      for (const c of cases) {
        it(c.name, async () => {
          const request = await prepare(emulator.url, entry, c.target(emulator))
          const authorization = c.authorization(emulator)
          const branch = c.branch?.(emulator)
          const reply = await call(emulator.url, {
            ...request,
            ...(authorization === undefined ? {} : { authorization }),
            branch
          })
          const want = expected(entry, c, emulator)
          expect(reply.headers.get("content-type")).toBe("application/json")
          if (want === "success") {
            expect(reply.status, reply.text).toBe(successStatus(entry))
            expect(() => decodeSuccess(entry, reply.json)).not.toThrow()
          } else if (want === "keyNotFound") {
            expect(reply.status, reply.text).toBe(404)
            expect(reply.text).toMatch(/No runs found with idempotency key: .+ and task: hello/)
          } else {
            expect({ status: reply.status, body: reply.json }).toEqual({
              status: want.status,
              body: { error: want.error }
            })
          }
        })
      }
    })
  }
})

describe("auth details", () => {
  it("refuses a PAT on a project that does not exist with 404 Project not found", async () => {
    const { admin } = roles(emulator)
    const reply = await call(emulator.url, {
      path: "/api/v1/projects/proj_doesnotexist0000000/runs",
      token: admin.pat
    })
    expect({ status: reply.status, body: reply.json }).toEqual({
      status: 404,
      body: { error: "Project not found" }
    })
  })

  it("keeps a preview branch's resources apart from the other branch and the parent", async () => {
    const { p1 } = roles(emulator)
    const previewKey = p1.environments.preview.secretKey
    const [a, b] = p1.previewBranches
    const trigger = await call(emulator.url, {
      method: "POST",
      path: "/api/v1/tasks/hello/trigger",
      token: previewKey,
      branch: a,
      body: {}
    })
    const runId = (trigger.json as { id: string }).id
    const same = await call(emulator.url, { path: `/api/v3/runs/${runId}`, token: previewKey, branch: a })
    const other = await call(emulator.url, { path: `/api/v3/runs/${runId}`, token: previewKey, branch: b })
    expect(same.status).toBe(200)
    expect({ status: other.status, body: other.json }).toEqual({
      status: 404,
      body: { error: "Run not found" }
    })
  })
})
