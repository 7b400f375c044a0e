/**
 * Test helpers: real `fetch` over loopback against a real emulator, and one valid request per catalog
 * route (keyed by handler key) with the resources it needs created first.
 */
import { Catalog, Headers as HeaderNames } from "@authctx/api"
import type { Credential } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/** A response, read whole. */
export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: unknown
}

/** What to send. */
export interface Send {
  readonly method?: string
  readonly path: string
  /** The token; `undefined` sends no `Authorization` header. */
  readonly token?: string | undefined
  /** The whole `Authorization` header, when a test needs a malformed one. */
  readonly authorization?: string
  readonly branch?: string | undefined
  readonly body?: unknown
  /** A raw body (NDJSON, broken JSON) sent as is. */
  readonly raw?: string | Uint8Array<ArrayBuffer>
  readonly contentType?: string
  readonly idempotencyKey?: string
  readonly headers?: Record<string, string>
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Sends one request and reads the whole answer. */
export const call = async (url: string, send: Send): Promise<Reply> => {
  const headers: Record<string, string> = {
    "content-type": send.contentType ?? "application/json",
    ...send.headers
  }
  if (send.authorization !== undefined) headers[HeaderNames.authorization] = send.authorization
  else if (send.token !== undefined) headers[HeaderNames.authorization] = `Bearer ${send.token}`
  if (send.branch !== undefined) headers[HeaderNames.branch] = send.branch
  if (send.idempotencyKey !== undefined) headers[HeaderNames.requestIdempotencyKey] = send.idempotencyKey
  const body = send.raw ?? (send.body === undefined ? undefined : JSON.stringify(send.body))
  const res = await fetch(`${url}${send.path}`, {
    method: send.method ?? "GET",
    headers,
    ...(body === undefined ? {} : { body })
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, text, json: parse(text) }
}

/** Reads a string field of a JSON body (fails the test with the body when absent). */
export const field = (reply: Reply, name: string): string => {
  const value = (reply.json as Record<string, unknown> | undefined)?.[name]
  if (typeof value !== "string") throw new Error(`no "${name}" in ${reply.status} ${reply.text}`)
  return value
}

/** Starts an emulator for a suite. */
export const start = (options: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> =>
  startEmulator({ seed: 1, ...options })

/** The demo credentials the suites use, by role. */
export const roles = (emulator: Emulator) => {
  const [p1, p2] = emulator.credentials.projects
  const [admin, limited] = emulator.credentials.users
  if (p1 === undefined || p2 === undefined || admin === undefined || limited === undefined)
    throw new Error("the demo org has two projects and two users")
  const branch = p1.previewBranches[0] ?? ""
  return { p1, p2, admin, limited, branch }
}

/** Where a request acts (the path's project and env) and who creates its resources there. */
export interface Target {
  readonly projectRef: string
  readonly env: Credential.Environment
  readonly owner: { readonly token: string; readonly branch?: string | undefined }
}

/** A request for one route: path parameters, body. */
export interface Prepared {
  readonly params: Record<string, string>
  readonly body?: unknown
  readonly raw?: string
  readonly contentType?: string
  /** The query string, without `?` (`type=task` for `queues.retrieve`). */
  readonly query?: string
}

let unique = 0
/** A fresh name for a test resource. */
export const fresh = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${++unique}`

type Fixture = (url: string, target: Target) => Promise<Prepared>

const asOwner = (url: string, target: Target, send: Omit<Send, "token" | "branch">) =>
  call(url, { ...send, token: target.owner.token, branch: target.owner.branch })

const triggerRun = async (
  url: string,
  target: Target,
  options?: { readonly delay: string }
): Promise<string> =>
  field(
    await asOwner(url, target, {
      method: "POST",
      path: "/api/v1/tasks/hello/trigger",
      body: { payload: { n: 1 }, ...(options === undefined ? {} : { options }) }
    }),
    "id"
  )

const triggerBatch = async (url: string, target: Target): Promise<string> => {
  const batchId = field(
    await asOwner(url, target, { method: "POST", path: "/api/v3/batches", body: { runCount: 1 } }),
    "id"
  )
  await asOwner(url, target, {
    method: "POST",
    path: `/api/v3/batches/${batchId}/items`,
    raw: `${JSON.stringify({ index: 0, task: "hello", payload: { n: 1 } })}\n`,
    contentType: "application/x-ndjson"
  })
  return batchId
}

const createEnvVar = async (url: string, target: Target): Promise<string> => {
  const name = fresh("VAR").toUpperCase()
  const reply = await asOwner(url, target, {
    method: "POST",
    path: `/api/v1/projects/${target.projectRef}/envvars/${target.env}`,
    body: { name, value: "v1" }
  })
  if (reply.status !== 200) throw new Error(`envvar fixture: ${reply.status} ${reply.text}`)
  return name
}

const createSchedule = async (url: string, target: Target): Promise<string> =>
  field(
    await asOwner(url, target, {
      method: "POST",
      path: "/api/v1/schedules",
      body: { task: "nightly", cron: "0 3 * * *", deduplicationKey: fresh("dedup") }
    }),
    "id"
  )

const createBulkAction = async (url: string, target: Target): Promise<string> =>
  field(
    await asOwner(url, target, {
      method: "POST",
      path: "/api/v1/bulk-actions",
      body: { action: "cancel", filter: { tag: fresh("tag") } }
    }),
    "id"
  )

const createWaitToken = async (url: string, target: Target): Promise<string> =>
  field(await asOwner(url, target, { method: "POST", path: "/api/v1/waitpoints/tokens", body: {} }), "id")

const keyedRun = async (url: string, target: Target): Promise<string> => {
  const key = fresh("idem")
  const reply = await asOwner(url, target, {
    method: "POST",
    path: "/api/v1/tasks/hello/trigger",
    body: { payload: { n: 1 }, options: { idempotencyKey: key } }
  })
  if (reply.status !== 200) throw new Error(`keyed run fixture: ${reply.status} ${reply.text}`)
  return key
}

// ---- sessions ----
const sessionBody = { type: "chat.agent", taskIdentifier: "hello", triggerConfig: { basePayload: { n: 1 } } }

const createSession = async (url: string, target: Target): Promise<string> =>
  field(await asOwner(url, target, { method: "POST", path: "/api/v1/sessions", body: sessionBody }), "id")

const envParams = (target: Target) => ({ projectRef: target.projectRef, env: target.env })

/**
 * A valid request per route, keyed by route id (`Catalog.Entry.id`); resource routes create their
 * resource first, as the target's owner.
 */
export const fixtures: Readonly<Record<string, Fixture>> = {
  "tasks.trigger": async () => ({ params: { taskId: "hello" }, body: { payload: { n: 1 } } }),
  "packets.upload": async () => ({ params: { filename: `trigger/${fresh("packet")}/payload.json` } }),
  "tasks.createBatch": async () => ({ params: {}, body: { runCount: 1 } }),
  "tasks.streamBatchItems": async (url, target) => {
    const batchId = field(
      await asOwner(url, target, { method: "POST", path: "/api/v3/batches", body: { runCount: 1 } }),
      "id"
    )
    return {
      params: { batchId },
      raw: `${JSON.stringify({ index: 0, task: "hello", payload: { n: 1 } })}\n`,
      contentType: "application/x-ndjson"
    }
  },
  "runs.listEnvironment": async () => ({ params: {} }),
  "runs.listProject": async (_url, target) => ({ params: { projectRef: target.projectRef } }),
  "runs.retrieve": async (url, target) => ({ params: { runId: await triggerRun(url, target) } }),
  "runs.cancel": async (url, target) => ({ params: { runId: await triggerRun(url, target) } }),
  "runs.replay": async (url, target) => ({ params: { runId: await triggerRun(url, target) } }),
  "envvars.list": async (_url, target) => ({ params: envParams(target) }),
  "envvars.retrieve": async (url, target) => ({
    params: { ...envParams(target), name: await createEnvVar(url, target) }
  }),
  "envvars.upload": async (_url, target) => ({
    params: envParams(target),
    body: { variables: { [fresh("UP").toUpperCase()]: "1" }, override: true }
  }),
  "envvars.create": async (_url, target) => ({
    params: envParams(target),
    body: { name: fresh("NEW").toUpperCase(), value: "v" }
  }),
  "envvars.update": async (url, target) => ({
    params: { ...envParams(target), name: await createEnvVar(url, target) },
    body: { value: "v2" }
  }),
  "envvars.del": async (url, target) => ({
    params: { ...envParams(target), name: await createEnvVar(url, target) }
  }),
  "schedules.list": async () => ({ params: {} }),
  "schedules.create": async () => ({
    params: {},
    body: { task: "nightly", cron: "0 3 * * *", deduplicationKey: fresh("dedup") }
  }),
  "schedules.retrieve": async (url, target) => ({ params: { id: await createSchedule(url, target) } }),
  "schedules.update": async (url, target) => ({
    params: { id: await createSchedule(url, target) },
    body: { task: "nightly", cron: "30 4 * * *" }
  }),
  "schedules.activate": async (url, target) => ({ params: { id: await createSchedule(url, target) } }),
  "schedules.deactivate": async (url, target) => ({ params: { id: await createSchedule(url, target) } }),
  "schedules.del": async (url, target) => ({ params: { id: await createSchedule(url, target) } }),
  "schedules.timezones": async () => ({ params: {} }),
  // ---- deployments ----
  "deployments.list": async () => ({ params: {} }),
  "deployments.retrieveCurrent": async () => ({ params: {} }),
  // ---- runs: reschedule, tags, metadata; batch ----
  "runs.reschedule": async (url, target) => ({
    params: { runId: await triggerRun(url, target, { delay: "1h" }) },
    body: { delay: "2h" }
  }),
  "runs.addTags": async (url, target) => ({
    params: { runId: await triggerRun(url, target) },
    body: { tags: ["fixture"] }
  }),
  "runs.retrieveMetadata": async (url, target) => ({ params: { runId: await triggerRun(url, target) } }),
  "runs.updateMetadata": async (url, target) => ({
    params: { runId: await triggerRun(url, target) },
    body: { metadata: { step: 1 }, operations: [{ type: "increment", key: "step", value: 1 }] }
  }),
  "batch.retrieve": async (url, target) => ({ params: { batchId: await triggerBatch(url, target) } }),
  // ---- bulk actions ----
  "bulkActions.create": async () => ({
    params: {},
    body: { action: "cancel", filter: { tag: fresh("tag") } }
  }),
  "bulkActions.list": async () => ({ params: {} }),
  "bulkActions.retrieve": async (url, target) => ({
    params: { bulkActionId: await createBulkAction(url, target) }
  }),
  "bulkActions.abort": async (url, target) => ({
    params: { bulkActionId: await createBulkAction(url, target) }
  }),
  // ---- queues ----
  // a run of task `hello` makes the queue `task/hello`
  "queues.list": async () => ({ params: {} }),
  "queues.retrieve": async (url, target) => {
    await triggerRun(url, target)
    return { params: { queue: "hello" }, query: "type=task" }
  },
  "queues.pause": async (url, target) => {
    await triggerRun(url, target)
    return { params: { queue: "hello" }, body: { type: "task", action: "pause" } }
  },
  "queues.overrideConcurrencyLimit": async (url, target) => {
    await triggerRun(url, target)
    return { params: { queue: "hello" }, body: { type: "task", concurrencyLimit: 5 } }
  },
  "queues.resetConcurrencyLimit": async (url, target) => {
    await triggerRun(url, target)
    return { params: { queue: "hello" }, body: { type: "task" } }
  },
  // ---- waits ----
  "waitTokens.create": async () => ({ params: {}, body: { timeout: "1h", tags: ["fixture"] } }),
  "waitTokens.list": async () => ({ params: {} }),
  "waitTokens.retrieve": async (url, target) => ({
    params: { waitpointId: await createWaitToken(url, target) }
  }),
  "waitTokens.complete": async (url, target) => ({
    params: { waitpointId: await createWaitToken(url, target) },
    body: { data: { ok: true } }
  }),
  "idempotencyKeys.reset": async (url, target) => ({
    params: { key: await keyedRun(url, target) },
    body: { taskIdentifier: "hello" }
  }),
  // ---- sessions ----
  "sessions.start": async () => ({ params: {}, body: sessionBody }),
  "sessions.retrieve": async (url, target) => ({ params: { id: await createSession(url, target) } }),
  "sessions.update": async (url, target) => ({
    params: { id: await createSession(url, target) },
    body: { tags: ["fixture"] }
  }),
  "sessions.close": async (url, target) => ({
    params: { id: await createSession(url, target) },
    body: { reason: "fixture" }
  }),
  "sessions.list": async () => ({ params: {} }),
  // ---- auth ----
  "auth.jwtClaims": async () => ({ params: {} }),
  "auth.createPublicToken": async () => ({ params: {}, body: { scopes: ["read:runs"] } }),
  // ---- query ----
  "query.execute": async () => ({ params: {}, body: { query: "SELECT run_id, status FROM runs LIMIT 5" } }),
  "query.dashboardsList": async () => ({ params: {} }),
  // the server presigns any path without looking: no packet needs to exist
  "packets.download": async () => ({ params: { filename: `trigger/${fresh("packet")}/payload.json` } }),
  // ---- prompts ----
  "prompts.resolve": async () => ({ params: { slug: "greeting" }, body: { variables: { name: "Ada" } } }),
  "prompts.list": async () => ({ params: {} }),
  "prompts.versions": async () => ({ params: { slug: "greeting" } }),
  "prompts.promote": async () => ({ params: { slug: "greeting" }, body: { version: 2 } }),
  "prompts.createOverride": async () => ({
    params: { slug: "greeting" },
    body: { textContent: "Hi {{name}}" }
  }),
  // every environment's demo `support-reply` has an active override (3) and a removed one (2), and no
  // fixture removes its override: these succeed with any key, in whichever environment it acts
  "prompts.updateOverride": async () => ({
    params: { slug: "support-reply" },
    body: { model: "fixture-model" }
  }),
  "prompts.removeOverride": async () => ({ params: { slug: "greeting" } }),
  "prompts.reactivateOverride": async () => ({ params: { slug: "support-reply" }, body: { version: 2 } })
}

/** The status a route answers on success: 200, or the one its success schema names (202 for bulkActions.create). */
export const successStatus = (entry: Catalog.Entry): number =>
  HttpApiSchema.getStatusSuccess(entry.endpoint.successSchema as Schema.Schema.Any)

/** The route id of a catalog entry. */
export const keyOf = (entry: Catalog.Entry): string => entry.id

/** The path of an entry with its parameters filled in (percent-encoded, the route table in docs/research/trigger-wire.md). */
export const pathOf = (entry: Catalog.Entry, params: Record<string, string>): string =>
  entry.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) throw new Error(`fixture for ${keyOf(entry)} has no ${name}`)
    return encodeURIComponent(value)
  })

/** Prepares a valid request for an entry and returns what to send (without credentials). */
export const prepare = async (
  url: string,
  entry: Catalog.Entry,
  target: Target
): Promise<Omit<Send, "token">> => {
  const fixture = fixtures[keyOf(entry)]
  if (fixture === undefined) throw new Error(`no fixture for ${keyOf(entry)}`)
  const prepared = await fixture(url, target)
  return {
    method: entry.method,
    path:
      prepared.query === undefined
        ? pathOf(entry, prepared.params)
        : `${pathOf(entry, prepared.params)}?${prepared.query}`,
    ...(prepared.body === undefined ? {} : { body: prepared.body }),
    ...(prepared.raw === undefined ? {} : { raw: prepared.raw }),
    ...(prepared.contentType === undefined ? {} : { contentType: prepared.contentType })
  }
}

/** Every catalog entry. */
export const entries = Catalog.entries

/** Decodes a body with the entry's own success schema (throws when it does not match). */
export const decodeSuccess = (entry: Catalog.Entry, body: unknown): unknown =>
  // The catalog's schemas need no services; reflection only types them loosely.
  Schema.decodeUnknownSync(entry.endpoint.successSchema as Schema.Schema<unknown, unknown, never>)(body)
