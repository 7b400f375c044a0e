/**
 * Shared fixtures of the adapter suites (Express, Koa, Hono) and of `pnpm demo`: tenants mapped onto the emulator's demo
 * credentials, the work a tenant's handler does against the emulator, a bounded load driver, the request-log
 * check (every call carries its own tenant's credential), a corpus of hostile `Authorization` headers and a
 * raw-socket client for the headers `fetch` refuses to send.
 */
import { connect } from "node:net"
import { setTimeout as sleep } from "node:timers/promises"
import { Headers } from "@authctx/api"
import { PublicTokens } from "@authctx/client"
import { configure, createClient, envvars } from "@authctx/client/promise"
import { Auth, AuthScope, Credential } from "@authctx/core"
import { type Emulator, type RequestRecord, startEmulator } from "@authctx/emulator"
import { Either } from "effect"
import { jwtVerify } from "jose"
import type { Running } from "./serve.js"
import { postSlowBody, trapTenants } from "./traps.js"

/** An environment slug (`Credential.Environment`). */
export type Slug = Credential.Environment

/** The preview branch every preview tenant uses (both demo projects have it). */
export const previewBranch = "feature-a"

/** What kind of credential a tenant is mapped to, in words (for the demo's screen). */
export type KeyKind = "secret key" | "scoped key" | "PAT"

/**
 * One tenant of the multi-tenant backend under test (the adapter suites' and `pnpm demo`'s), mapped onto
 * one of the emulator's credentials. `id` is what requests name (`x-tenant`, `/t/:tenant/…`); `token` is
 * never printed.
 */
export interface Tenant {
  readonly id: string
  /** The env var created for this tenant in its environment: its name says whose it is. */
  readonly varName: string
  readonly token: string
  readonly kind: Credential.Kind
  /** `Credential.fingerprint` of the token, as the emulator's request log shows it. */
  readonly fingerprint: string
  readonly projectRef: string
  readonly env: Slug
  /** The config a `resolve` returns for this tenant. */
  readonly config: Auth.AuthConfig
  /** The emulator project's name. */
  readonly projectName: string
  readonly keyKind: KeyKind
}

/** The emulator and the tenants on it. */
export interface World {
  readonly emulator: Emulator
  readonly tenants: ReadonlyArray<Tenant>
  readonly byId: ReadonlyMap<string, Tenant>
  /** A valid SecretKey and a PAT of the emulator (for corpus controls). */
  readonly secretKey: string
  readonly pat: string
  readonly stop: () => Promise<void>
}

const fingerprintOf = (token: string): string =>
  Either.match(Credential.parseEither(token), {
    onLeft: (error) => {
      throw error
    },
    onRight: Credential.fingerprint
  })

/** The environment variables that would give the process a default credential; cleared by {@link startWorld}. */
export const ambientVariables: ReadonlyArray<string> = Object.values(Auth.environmentVariables)

/**
 * Maps `count` tenants (`t00`, `t01`, …) round-robin onto the emulator's credentials: every project's
 * SecretKey and scoped key of each environment, then each user's PAT (in its first project, `dev` for the
 * first user and `prod` for the others). Only builds the list; {@link seedTenants} creates their variables.
 */
export const tenantsOn = (emulator: Emulator, count: number): ReadonlyArray<Tenant> => {
  const { projects, users } = emulator.credentials
  const slots: Array<{ token: string; projectRef: string; env: Slug }> = []
  const names = new Map(projects.map((p) => [p.ref, p.name]))
  for (const project of projects) {
    for (const env of Credential.environments) {
      const keys = project.environments[env]
      slots.push({ token: keys.secretKey, projectRef: project.ref, env })
      slots.push({ token: keys.scopedKey, projectRef: project.ref, env })
    }
  }
  for (const [u, user] of users.entries()) {
    const projectRef = user.projectRefs[0]
    if (projectRef !== undefined) slots.push({ token: user.pat, projectRef, env: u === 0 ? "dev" : "prod" })
  }
  const tenants: Array<Tenant> = []
  for (let i = 0; i < count; i++) {
    const slot = slots[i % slots.length]
    if (slot === undefined) throw new Error("the emulator has no credentials")
    const id = `t${String(i).padStart(2, "0")}`
    const credential = Credential.unsafeParse(slot.token)
    const config: Auth.AuthConfig =
      slot.env === "preview" ? { accessToken: slot.token, previewBranch } : { accessToken: slot.token }
    tenants.push({
      id,
      varName: `TENANT_${id.toUpperCase()}`,
      token: slot.token,
      kind: credential._tag,
      fingerprint: fingerprintOf(slot.token),
      projectRef: slot.projectRef,
      env: slot.env,
      config,
      projectName: names.get(slot.projectRef) ?? slot.projectRef,
      keyKind: credential._tag === "SecretKey" ? (credential.scoped ? "scoped key" : "secret key") : "PAT"
    })
  }
  return tenants
}

/**
 * Creates each tenant's variable (its name is the tenant's `varName`, its value the tenant id) in the
 * tenant's environment, with the tenant's own credential (PATs reach their project's environments).
 */
export const seedTenants = async (emulator: Emulator, tenants: ReadonlyArray<Tenant>): Promise<void> => {
  for (const tenant of tenants) {
    const client = createClient({ ...tenant.config, baseURL: emulator.url, previewBranch })
    await client.envvars.create(tenant.projectRef, tenant.env, { name: tenant.varName, value: tenant.id })
  }
}

/**
 * Starts an emulator and maps `count` tenants onto its credentials ({@link tenantsOn}), creating one env
 * var per tenant, with the tenant's own credential, in the tenant's environment ({@link seedTenants}).
 * Clears the `TRIGGER_*` variables so that no process-wide default credential can hide a missing scope.
 */
export const startWorld = async (count = 50): Promise<World> => {
  for (const name of ambientVariables) delete process.env[name]
  const emulator = await startEmulator({ seed: 11 })
  const tenants = tenantsOn(emulator, count)
  await seedTenants(emulator, tenants)
  emulator.clearRequests()
  const { projects, users } = emulator.credentials
  const secretKey = projects[0]?.environments.dev.secretKey
  const pat = users[0]?.pat
  if (secretKey === undefined || pat === undefined) throw new Error("the emulator has no demo credentials")
  return {
    emulator,
    tenants,
    byId: new Map(tenants.map((t) => [t.id, t])),
    secretKey,
    pat,
    stop: () => emulator.stop()
  }
}

/** The envvars calls a tenant's handler makes, ambient or through `auth.client`. */
export interface EnvvarsCalls {
  readonly retrieve: (projectRef: string, env: Slug, name: string) => Promise<{ readonly value: string }>
  readonly list: (projectRef: string, env: Slug) => Promise<ReadonlyArray<{ readonly name: string }>>
}

/**
 * One way a handler reaches the API: its envvars calls and, where the server can tell, the fingerprint of
 * the credential a call made now would carry (read just before each call, for the answer's reports).
 */
export interface WorkPath extends EnvvarsCalls {
  readonly credential?: (() => string | undefined) | undefined
}

/** The fingerprint of the credential of the current auth scope, or `undefined` outside one. */
const scopeFingerprint = (): string | undefined => {
  const scope = AuthScope.current()
  return scope === undefined ? undefined : Credential.fingerprint(scope.credential)
}

/** The ambient Promise API's envvars calls: what a handler calls when it relies on the request's scope. */
export const ambient: WorkPath = {
  retrieve: envvars.retrieve,
  list: envvars.list,
  credential: scopeFingerprint
}

/** The part of a request's auth handle (`req.auth`, `ctx.state.auth`, `c.var.auth`) the tenant work uses. */
export interface HandleView {
  readonly context: { readonly credential: Credential.Credential }
  readonly client: { readonly envvars: EnvvarsCalls }
}

/**
 * The request's own client as a {@link WorkPath}: `handle.client.envvars`, reporting the handle's credential.
 * Throws when the handle is missing (the middleware did not run).
 */
export const handlePath = (handle: HandleView | undefined): WorkPath => {
  if (handle === undefined) throw new Error("the request has no auth handle")
  const fingerprint = Credential.fingerprint(handle.context.credential)
  return { ...handle.client.envvars, credential: () => fingerprint }
}

/** One read of the tenant's variable as the handler saw it. */
export interface CallReport {
  readonly via: "ambient" | "ambient after timers" | "client"
  /** The fingerprint of the credential the call carried, as far as the server knows (`undefined`: unknown). */
  readonly credential: string | undefined
  /** Whether `credential` is the tenant's own. */
  readonly own: boolean
  /** The variable's value: the tenant id when the call carried a credential that may read it. */
  readonly value: string
}

/** What a tenant's handler answers: each read of its variable, and whether the list showed it. */
export interface WorkResult {
  readonly tenant: string
  /** The reads in order: ambient, ambient after timers, through the client ({@link readsPerWork}). */
  readonly calls: ReadonlyArray<CallReport>
  readonly listed: boolean
}

/** How many reads of its variable one {@link tenantWork} makes: the calls the log check attributes to it. */
export const readsPerWork = 3

/** How many API calls one {@link tenantWork} makes: its reads and one list. */
export const callsPerWork = readsPerWork + 1

/**
 * The work of one request, the same in every server the adapter suites and the demo run: the tenant's
 * variable through the `ambient` path, again after a random 0–3 ms await, a `setImmediate` and a timer
 * callback, through the `client` path, and the `ambient` list. Every call is in the emulator's log with the
 * credential it carried; the variable's name in the path says which tenant made it. With authctx, `ambient`
 * is {@link ambient} and `client` is {@link handlePath}; a server without authctx passes its library's
 * ambient calls as both (in a handler: `tenantWork(tenant, ambient, handlePath(req.auth))`).
 */
export const tenantWork = async (
  tenant: Tenant,
  ambient: WorkPath,
  client: WorkPath,
  between: () => Promise<void> = async () => {}
): Promise<WorkResult> => {
  const read = async (via: CallReport["via"], path: WorkPath): Promise<CallReport> => {
    const credential = path.credential?.()
    const { value } = await path.retrieve(tenant.projectRef, tenant.env, tenant.varName)
    return { via, credential, own: credential === tenant.fingerprint, value }
  }
  const first = await read("ambient", ambient)
  await between()
  await sleep(Math.floor(Math.random() * 4))
  await new Promise<void>((resolve) => setImmediate(resolve))
  const afterTimers = await new Promise<CallReport>((resolve, reject) =>
    setTimeout(() => {
      read("ambient after timers", ambient).then(resolve, reject)
    }, 1)
  )
  await between()
  const viaClient = await read("client", client)
  const list = await ambient.list(tenant.projectRef, tenant.env)
  return {
    tenant: tenant.id,
    calls: [first, afterTimers, viaClient],
    listed: list.some((v) => v.name === tenant.varName)
  }
}

/**
 * Whether a handler's answer (parsed JSON, so `unknown`) is the tenant's own: its id, every read returned
 * the tenant's variable, and the list showed it.
 */
export const isOwn = (tenant: Tenant, answer: unknown): boolean => {
  if (typeof answer !== "object" || answer === null) return false
  if (!("tenant" in answer) || answer.tenant !== tenant.id) return false
  if (!("listed" in answer) || answer.listed !== true) return false
  if (!("calls" in answer) || !Array.isArray(answer.calls)) return false
  const calls: ReadonlyArray<unknown> = answer.calls
  return (
    calls.length === readsPerWork &&
    calls.every((c) => typeof c === "object" && c !== null && "value" in c && c.value === tenant.id)
  )
}

/**
 * Runs `total` requests with at most `concurrency` in flight (so at most that many connections), and
 * returns how long it took. Bounded in count; each request has its own timeout in `send`.
 */
export const runLoad = async (
  total: number,
  concurrency: number,
  send: (index: number) => Promise<void>
): Promise<number> => {
  const started = performance.now()
  let next = 0
  const worker = async () => {
    while (next < total) {
      const index = next++
      await send(index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker))
  return performance.now() - started
}

/** The `p`-th percentile (0–100) of sorted values, nearest rank; 0 when there are none. */
export const percentile = (sorted: ReadonlyArray<number>, p: number): number => {
  if (sorted.length === 0) return 0
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1] ?? 0
}

/**
 * {@link runLoad}, timing each request: returns how long the run took and every request's latency (ms,
 * sorted ascending).
 */
export const runTimedLoad = async (
  total: number,
  concurrency: number,
  send: (index: number) => Promise<void>
): Promise<{ readonly ms: number; readonly latencies: ReadonlyArray<number> }> => {
  const latencies: Array<number> = []
  const ms = await runLoad(total, concurrency, async (index) => {
    const started = performance.now()
    try {
      await send(index)
    } finally {
      latencies.push(performance.now() - started)
    }
  })
  latencies.sort((a, b) => a - b)
  return { ms, latencies }
}

/** What the request log says about the tenants' calls. */
export interface LogCheck {
  /** Calls attributed to a tenant by the variable name in their path. */
  readonly attributed: number
  /** Attributed calls whose credential is not the tenant's. */
  readonly crossTenant: ReadonlyArray<RequestRecord>
  /** `envvars.list` calls whose credential is not one of the tenants' of that environment. */
  readonly foreignLists: ReadonlyArray<RequestRecord>
  /** Calls answered with anything but 200. */
  readonly failed: ReadonlyArray<RequestRecord>
  readonly perTenant: ReadonlyMap<string, number>
  /** Cross-tenant calls and foreign lists the emulator answered 200: data served under someone else's credential. */
  readonly leakedButAnswered: number
  /** `envvars.list` calls (each judged into `foreignLists` when its credential is not a tenant's there). */
  readonly lists: number
  /** Records that are neither an attributed read nor a list (a handler made a call the check cannot judge). */
  readonly unattributed: number
}

/**
 * Checks every tenant call in the emulator's log: an `envvars.retrieve` of `TENANT_Tnn` must carry tenant
 * tnn's credential (fingerprint); an `envvars.list` must carry the credential of a tenant of that project
 * and environment.
 */
export const checkLog = (records: ReadonlyArray<RequestRecord>, tenants: ReadonlyArray<Tenant>): LogCheck => {
  const byVar = new Map(tenants.map((t) => [t.varName, t]))
  const listers = new Map<string, Set<string>>()
  for (const t of tenants) {
    const key = `/api/v1/projects/${t.projectRef}/envvars/${t.env}`
    const set = listers.get(key) ?? new Set<string>()
    set.add(t.fingerprint)
    listers.set(key, set)
  }
  const crossTenant: Array<RequestRecord> = []
  const foreignLists: Array<RequestRecord> = []
  const failed: Array<RequestRecord> = []
  const perTenant = new Map<string, number>()
  let attributed = 0
  let lists = 0
  for (const record of records) {
    if (record.status !== 200) failed.push(record)
    if (record.route === "envvars.retrieve") {
      const name = record.path.slice(record.path.lastIndexOf("/") + 1)
      const tenant = byVar.get(name)
      if (tenant === undefined) continue
      attributed++
      perTenant.set(tenant.id, (perTenant.get(tenant.id) ?? 0) + 1)
      if (record.credential !== tenant.fingerprint) crossTenant.push(record)
    } else if (record.route === "envvars.list") {
      lists++
      const allowed = listers.get(record.path)
      if (allowed === undefined || record.credential === undefined || !allowed.has(record.credential)) {
        foreignLists.push(record)
      }
    }
  }
  return {
    attributed,
    crossTenant,
    foreignLists,
    failed,
    perTenant,
    leakedButAnswered: [...crossTenant, ...foreignLists].filter((r) => r.status === 200).length,
    lists,
    unattributed: records.length - attributed - lists
  }
}

/** The answer to a raw HTTP/1.1 request. */
export interface RawResponse {
  readonly status: number
  readonly headers: ReadonlyMap<string, string>
  readonly body: string
  readonly raw: string
}

/** The payload of a chunked body. */
const dechunk = (payload: string): string => {
  let out = ""
  let at = 0
  for (;;) {
    const eol = payload.indexOf("\r\n", at)
    if (eol === -1) return out
    const size = Number.parseInt(payload.slice(at, eol), 16)
    if (!Number.isFinite(size) || size === 0) return out
    out += payload.slice(eol + 2, eol + 2 + size)
    at = eol + 2 + size + 2
  }
}

/**
 * Sends bytes as they are (CR, LF, NUL, obs-fold and bytes outside ASCII included, which `fetch` refuses)
 * and reads the answer until the server closes the connection (the request says `Connection: close`).
 */
export const rawRequest = (port: number, request: Buffer): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port })
    const chunks: Array<Buffer> = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error("raw request timed out"))
    }, 10_000)
    socket.on("data", (chunk: Buffer) => chunks.push(chunk))
    socket.on("error", (error) => {
      // A server may reset after answering; what arrived is the answer.
      if (chunks.length === 0) {
        clearTimeout(timer)
        reject(error)
      }
    })
    socket.on("close", () => {
      clearTimeout(timer)
      const raw = Buffer.concat(chunks).toString("latin1")
      const end = raw.indexOf("\r\n\r\n")
      const head = end === -1 ? raw : raw.slice(0, end)
      const [statusLine = "", ...lines] = head.split("\r\n")
      const headers = new Map<string, string>()
      for (const line of lines) {
        const colon = line.indexOf(":")
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
      }
      const payload = end === -1 ? "" : raw.slice(end + 4)
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0),
        headers,
        body: headers.get("transfer-encoding") === "chunked" ? dechunk(payload) : payload,
        raw
      })
    })
    socket.write(request)
  })

/** A GET with the given `Authorization` line bytes (or none), closing the connection after the answer. */
export const rawGet = (port: number, path: string, authorization: Buffer | undefined): Promise<RawResponse> =>
  rawRequest(
    port,
    Buffer.concat([
      Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`, "latin1"),
      authorization === undefined
        ? Buffer.alloc(0)
        : Buffer.concat([
            Buffer.from("Authorization: ", "latin1"),
            authorization,
            Buffer.from("\r\n", "latin1")
          ]),
      Buffer.from("\r\n", "latin1")
    ])
  )

/** How a hostile header is answered. */
export type Expected =
  /** 401, `WWW-Authenticate: Bearer realm="…"` (no error). */
  | "missing"
  /** 400, `error="invalid_request"`. */
  | "invalid_request"
  /** 401, `error="invalid_token"`. */
  | "invalid_token"
  /** Node's HTTP parser refuses the request (400, connection closed) before any middleware runs. */
  | "parser"
  /** Accepted: 200. */
  | "ok"

/** One hostile (or control) header of the corpus. */
export interface HostileCase {
  readonly name: string
  /** `undefined`: no header. A string is sent with `fetch`; a `Buffer` as raw bytes. */
  readonly header: string | Buffer | undefined
  /** The route: `/any` (bearer, every kind), `/secret` (SecretKey only), `/verify` (verify refuses scoped keys). */
  readonly path: "/any" | "/secret" | "/verify"
  readonly expected: Expected
  /** Text that must appear nowhere in the answer: the secret part of the token. */
  readonly secret: string | undefined
}

const body = "Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4"

/**
 * At least 50 hostile or malformed `Authorization` headers (plus a few controls that must be accepted),
 * with what each must get. The tokens carry distinctive bodies so an echo anywhere in the answer is found.
 */
export const hostileCorpus = (world: Pick<World, "secretKey" | "pat">): ReadonlyArray<HostileCase> => {
  const key = world.secretKey
  const keySecret = key.slice(Credential.safePrefix(key).length)
  const patSecret = world.pat.slice(Credential.safePrefix(world.pat).length)
  const c = (
    name: string,
    header: string | Buffer | undefined,
    expected: Expected,
    secret: string | undefined = body,
    path: HostileCase["path"] = "/any"
  ): HostileCase => ({ name, header, path, expected, secret })
  const latin1 = (text: string) => Buffer.from(text, "latin1")
  return [
    // missing
    c("no header", undefined, "missing", undefined),
    c("empty", "", "missing", undefined),
    c("only spaces (trimmed to empty)", "   ", "missing", undefined),
    // wrong or missing scheme, missing token
    c("Bearer", "Bearer", "invalid_request", undefined),
    c("Bearer and a space (trimmed)", "Bearer ", "invalid_request", undefined),
    c("Bearer and spaces, raw", latin1("Bearer    "), "invalid_request", undefined),
    c("B", "B", "invalid_request", undefined),
    c(
      "Basic",
      "Basic dXNlcjpaczdYdzNSazlMbTJOcDVCdjhDeDFEeTQ=",
      "invalid_request",
      "dXNlcjpaczdYdzNSazlMbTJOcDVCdjhDeDFEeTQ="
    ),
    c("Basic with a valid key", `Basic ${key}`, "invalid_request", keySecret),
    c("Token scheme", `Token tr_dev_${body}`, "invalid_request"),
    c("Digest", `Digest username="tr_dev_${body}", realm="x"`, "invalid_request"),
    c("no scheme, a valid key", key, "invalid_request", keySecret),
    c("Bearer= joined", `Bearer=tr_dev_${body}`, "invalid_request"),
    c("Bearer: joined", `Bearer:tr_dev_${body}`, "invalid_request"),
    c("BearerX joined", `Bearertr_dev_${body}`, "invalid_request"),
    c("Bearer twice", `Bearer Bearer tr_dev_${body}`, "invalid_request"),
    // white space
    c("double space", `Bearer  ${key}`, "invalid_request", keySecret),
    c("tab instead of space", `Bearer\t${key}`, "invalid_request", keySecret),
    c("tab after space", `Bearer \t${key}`, "invalid_request", keySecret),
    c("token and extra word", `Bearer ${key} extra`, "invalid_request", keySecret),
    c("two tokens", `Bearer ${key} tr_prod_${body}`, "invalid_request", keySecret),
    c("space inside token", `Bearer tr_dev_ ${body}`, "invalid_request"),
    c("vertical tab, raw", latin1(`Bearer\u000btr_dev_${body}`), "parser"),
    c("form feed, raw", latin1(`Bearer tr_dev_${body}\u000c`), "parser"),
    // token that is not a credential
    c("short key", "Bearer tr_dev_Zq7Xw3", "invalid_request", "Zq7Xw3"),
    c("bad characters", `Bearer tr_dev_${body}!@#`, "invalid_request"),
    c(
      "dash in body",
      `Bearer tr_dev_${body.slice(0, 12)}-${body.slice(12)}`,
      "invalid_request",
      body.slice(12)
    ),
    c("tr_dev_ with percent-encoded NUL", `Bearer tr_dev_${body}%00`, "invalid_request"),
    c("unknown prefix", `Bearer tr_xyz_${body}`, "invalid_request"),
    c("upper-case prefix", `Bearer TR_DEV_${body}`, "invalid_request", body),
    c("prefix only", "Bearer tr_pat_", "invalid_request", undefined),
    c("scoped key with bad characters", `Bearer tr_dev_sk_${body}$$`, "invalid_request"),
    c("short PAT", "Bearer tr_pat_Zq7Xw3Rk9", "invalid_request", "Zq7Xw3Rk9"),
    c("JWT-shaped", `Bearer eyJhbGciOiJIUzI1NiJ9.${body}.c2ln`, "invalid_request"),
    c("base64 padding", `Bearer tr_dev_${body}==`, "invalid_request"),
    c("JSON", `Bearer {"token":"tr_dev_${body}"}`, "invalid_request"),
    c("SQL injection", `Bearer ' OR 1=1 -- tr_dev_${body}`, "invalid_request"),
    // Node keeps the first of repeated Authorization headers (and discards the rest)
    c(
      "repeated header, a bad one first, raw",
      latin1(`Basic ${body}\r\nAuthorization: Bearer ${key}`),
      "invalid_request"
    ),
    // Sent twice, however the two copies look: Node's req.headers keeps only the first, so a server reading
    // it would act on one copy while a proxy in front may have checked the other.
    c(
      "repeated header, the same valid key twice, raw",
      latin1(`Bearer ${key}\r\nAuthorization: Bearer ${key}`),
      "invalid_request",
      keySecret
    ),
    c(
      "repeated header, a valid key then a PAT, raw",
      latin1(`Bearer ${key}\r\nAuthorization: Bearer ${world.pat}`),
      "invalid_request",
      keySecret
    ),
    c(
      "repeated header, a valid key then an empty one, raw",
      latin1(`Bearer ${key}\r\nAuthorization: `),
      "invalid_request",
      keySecret
    ),
    c(
      "repeated header, an empty one then a valid key, raw",
      latin1(`\r\nAuthorization: Bearer ${key}`),
      "invalid_request",
      keySecret
    ),
    c(
      "repeated header, lower-case name the second time, raw",
      latin1(`Bearer ${key}\r\nauthorization: Bearer ${key}`),
      "invalid_request",
      keySecret
    ),
    c(
      "repeated header, another header between, raw",
      latin1(`Bearer ${key}\r\nX-Between: 1\r\nAUTHORIZATION: Bearer tr_dev_${body}`),
      "invalid_request",
      keySecret
    ),
    c(
      "folded with a comma, the same key twice",
      `Bearer ${key}, Bearer ${key}`,
      "invalid_request",
      keySecret
    ),
    c("folded with a bare comma", `Bearer ${key},Bearer ${key}`, "invalid_request", keySecret),
    c("a comma before the key", `Bearer ,${key}`, "invalid_request", keySecret),
    c("quoted token", `Bearer "tr_dev_${body}"`, "invalid_request"),
    c("trailing comma", `Bearer tr_dev_${body},`, "invalid_request"),
    c("trailing semicolon", `Bearer tr_dev_${body};`, "invalid_request"),
    c("null", "Bearer null", "invalid_request", undefined),
    c("undefined", "Bearer undefined", "invalid_request", undefined),
    c("over 512 characters", `Bearer tr_dev_${body}${"A".repeat(600)}`, "invalid_request"),
    c("over 8 kB", `Bearer tr_dev_${body}${"B".repeat(9000)}`, "invalid_request"),
    c("16 kB", `Bearer tr_dev_${body}${"C".repeat(16 * 1024)}`, "invalid_request"),
    // outside printable ASCII
    c("Latin-1 letter", `Bearer tr_dev_${body}\u00e9`, "invalid_request"),
    c("non-breaking space", `Bearer\u00a0tr_dev_${body}`, "invalid_request"),
    c("UTF-8 emoji, raw", Buffer.from(`Bearer tr_dev_${body}\u{1f511}`, "utf8"), "invalid_request"),
    c(
      "UTF-8 Cyrillic lookalike, raw",
      Buffer.from(`Bearer tr_dev_${body.slice(0, 10)}\u0430${body.slice(10)}`, "utf8"),
      "invalid_request",
      body.slice(10)
    ),
    c("DEL, raw", latin1(`Bearer tr_dev_${body}\u007f`), "parser"),
    c("NUL, raw", latin1(`Bearer tr_dev_${body}\u0000`), "parser"),
    c("CR inside, raw", latin1(`Bearer tr_dev_${body}\rX`), "parser"),
    c("LF inside, raw", latin1(`Bearer tr_dev_${body}\nX`), "parser"),
    c(
      "CRLF header injection, raw",
      latin1(`Bearer tr_dev_Zq7\r\nX-Injected: tr_dev_${body}`),
      "invalid_request"
    ),
    c("obs-fold, raw", latin1(`Bearer\r\n tr_dev_${body}`), "parser"),
    // refused
    c(
      "a PAT where only SecretKeys are accepted",
      `Bearer ${world.pat}`,
      "invalid_token",
      patSecret,
      "/secret"
    ),
    c("lower-case bearer, PAT, SecretKey only", `bearer ${world.pat}`, "invalid_token", patSecret, "/secret"),
    c("verify refuses", `Bearer ${world.pat}`, "invalid_token", patSecret, "/verify"),
    c("preview key without a branch", `Bearer tr_preview_${body}`, "invalid_token"),
    // accepted controls (the scheme is case-insensitive, RFC 7235 §2.1)
    c("valid key", `Bearer ${key}`, "ok", keySecret),
    c("lower-case bearer", `bearer ${key}`, "ok", keySecret),
    c("upper-case BEARER", `BEARER ${key}`, "ok", keySecret),
    c("valid PAT", `Bearer ${world.pat}`, "ok", patSecret),
    c("a SecretKey where only SecretKeys are accepted", `Bearer ${key}`, "ok", keySecret, "/secret")
  ]
}

/** The `WWW-Authenticate` challenge a case must get, or `undefined` when it must get none. */
export const challengeFor = (expected: Expected, realm = "authctx"): string | undefined => {
  switch (expected) {
    case "missing":
      return `Bearer realm="${realm}"`
    case "invalid_request":
      return `Bearer realm="${realm}", error="invalid_request"`
    case "invalid_token":
      return `Bearer realm="${realm}", error="invalid_token"`
    case "parser":
    case "ok":
      return undefined
  }
}

/** The status a case must get. */
export const statusFor = (expected: Expected): number =>
  expected === "ok" ? 200 : expected === "missing" || expected === "invalid_token" ? 401 : 400

/** An answer as the corpus test sees it, from `fetch` or a raw socket. */
export interface Answer {
  readonly status: number
  readonly headers: ReadonlyMap<string, string>
  readonly body: string
}

/** Sends one corpus case: `fetch` for strings (and no header), raw bytes for buffers. */
export const sendCase = async (baseURL: string, port: number, hostile: HostileCase): Promise<Answer> => {
  if (Buffer.isBuffer(hostile.header)) return rawGet(port, hostile.path, hostile.header)
  const headers: Record<string, string> =
    hostile.header === undefined ? {} : { authorization: hostile.header }
  const response = await fetch(`${baseURL}${hostile.path}`, { headers, signal: AbortSignal.timeout(10_000) })
  const received = new Map<string, string>()
  response.headers.forEach((value, name) => {
    received.set(name, value)
  })
  return { status: response.status, headers: received, body: await response.text() }
}

/** Everything of an answer a token could be echoed in. */
export const answerText = (answer: Answer): string =>
  `${[...answer.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${answer.body}`

/** The routes of a tenant app: body parser before / after the middleware, timers, a stream, a throw. */
export const tenantRoutes = ["early", "late", "timers", "stream", "throws"] as const

/** The body the `/throws/:tenant` route's error handling answers with (status 500). */
export const handlerFailedBody = '{"error":"handler failed"}'

/**
 * Sends 2,000 requests at 64 in flight over the tenants and {@link tenantRoutes} (`x-tenant` for a
 * `resolve` app, `Authorization: Bearer <tenant key>` for pass-through) and checks each answer is the
 * tenant's own. Returns the emulator calls the handlers made and the wrong answers.
 */
export const driveTenantLoad = async (
  world: World,
  url: string,
  mode: "resolve" | "bearer",
  total = 2000,
  concurrency = 64
): Promise<{ readonly calls: number; readonly problems: ReadonlyArray<string>; readonly ms: number }> => {
  let calls = 0
  const problems: Array<string> = []
  const ms = await runLoad(total, concurrency, async (index) => {
    const tenant = world.tenants[index % world.tenants.length]
    const route = tenantRoutes[Math.floor(index / world.tenants.length) % tenantRoutes.length]
    if (tenant === undefined || route === undefined) throw new Error("no tenant")
    const headers: Record<string, string> =
      mode === "resolve" ? { "x-tenant": tenant.id } : { authorization: `Bearer ${tenant.token}` }
    const post = route === "early" || route === "late"
    try {
      const response = await fetch(`${url}/${route}/${tenant.id}`, {
        method: post ? "POST" : "GET",
        headers: post ? { ...headers, "content-type": "application/json" } : headers,
        ...(post ? { body: JSON.stringify({ tenant: tenant.id }) } : {}),
        signal: AbortSignal.timeout(30_000)
      })
      const text = await response.text()
      if (route === "throws") {
        calls += 1
        if (response.status !== 500 || text !== handlerFailedBody) {
          problems.push(`${route} ${tenant.id}: ${response.status} ${text.slice(0, 200)}`)
        }
        return
      }
      calls += readsPerWork
      const last = text.trim().split("\n").at(-1) ?? ""
      const result: unknown = JSON.parse(last)
      if (response.status !== 200 || !isOwn(tenant, result)) {
        problems.push(`${route} ${tenant.id}: ${response.status} ${last.slice(0, 200)}`)
      }
    } catch (error) {
      problems.push(`${route} ${tenant.id}: ${String(error)}`)
    }
  })
  return { calls, problems, ms }
}

/**
 * The adapter suites' load case: {@link driveTenantLoad} against a tenant app, then {@link checkLog} over the
 * emulator's log. Returns the broken promises, one line each (none when every answer is the tenant's own,
 * every call carried its tenant's credential and answered 200, every tenant was reached, and no auth scope
 * is active after the load).
 */
export const tenantLoadCase = async (
  world: World,
  url: string,
  mode: "resolve" | "bearer"
): Promise<ReadonlyArray<string>> => {
  world.emulator.clearRequests()
  const { calls, problems } = await driveTenantLoad(world, url, mode)
  const check = checkLog(world.emulator.requests(), world.tenants)
  const out = [...problems]
  for (const r of check.crossTenant) out.push(`cross-tenant: ${r.method} ${r.path} (${r.credential})`)
  for (const r of check.foreignLists) out.push(`foreign list: ${r.method} ${r.path} (${r.credential})`)
  for (const r of check.failed) out.push(`failed: ${r.method} ${r.path} ${r.status}`)
  if (check.attributed !== calls) out.push(`${check.attributed} calls name a tenant, expected ${calls}`)
  if (check.perTenant.size !== world.tenants.length) {
    out.push(`${check.perTenant.size} tenants in the log, expected ${world.tenants.length}`)
  }
  // Nothing leaks out of the requests: no scope is active here.
  if (AuthScope.current() !== undefined) out.push("an auth scope is active after the load")
  return out
}

/** Starts a server, runs `use` against it, and closes it whatever `use` did. */
export const withServer = async <A>(
  started: Promise<Running>,
  use: (server: Running) => Promise<A>
): Promise<A> => {
  const server = await started
  try {
    return await use(server)
  } finally {
    await server.close()
  }
}

/**
 * Sends every case of the corpus to a server with the routes `/any`, `/secret` and `/verify` (see
 * {@link HostileCase}), and a good request after each. Returns what went wrong, one line per problem.
 */
export const runCorpus = async (world: World, url: string, port: number): Promise<ReadonlyArray<string>> => {
  const failures: Array<string> = []
  for (const hostile of hostileCorpus(world)) {
    const answer = await sendCase(url, port, hostile)
    const text = answerText(answer)
    const problem = (what: string) => failures.push(`${hostile.name}: ${what} (got ${answer.status})`)
    if (answer.status !== statusFor(hostile.expected))
      problem(`expected status ${statusFor(hostile.expected)}`)
    const challenge = answer.headers.get("www-authenticate")
    if (challenge !== challengeFor(hostile.expected)) {
      problem(`expected WWW-Authenticate ${challengeFor(hostile.expected)}, got ${challenge}`)
    }
    if (hostile.secret !== undefined && text.includes(hostile.secret)) problem("the token is echoed")
    if (hostile.expected !== "ok" && hostile.expected !== "parser") {
      if (answer.headers.get("content-type")?.startsWith("application/problem+json") !== true) {
        problem("expected application/problem+json")
      }
      try {
        const body = JSON.parse(answer.body) as {
          status?: unknown
          type?: unknown
          title?: unknown
          detail?: unknown
        }
        if (
          body.status !== answer.status ||
          typeof body.type !== "string" ||
          !body.type.startsWith("urn:authctx:problem:") ||
          typeof body.title !== "string" ||
          typeof body.detail !== "string"
        ) {
          problem("expected a problem body")
        }
      } catch {
        problem("expected a JSON body")
      }
    }
    const after = await fetch(`${url}/any`, { headers: { authorization: `Bearer ${world.secretKey}` } })
    if (after.status !== 200) problem("the server stopped serving")
    await after.text()
  }
  return failures
}

/**
 * A body parser after the middleware, with a body that arrives 40 and 80 ms after the headers: the tenant
 * routes' `/late/:tenant` (`express.json()`, `@koa/bodyparser`, Hono's `c.req.json()`). Parsers that
 * await the body, or bind their callback (raw-body, under `express.json()`), keep the request's scope.
 * Returns what went wrong: the answer must be the tenant's own, every call in the log its credential.
 */
export const slowParsedBody = async (
  world: World,
  url: string,
  tenants: ReadonlyArray<Tenant>
): Promise<ReadonlyArray<string>> => {
  const problems: Array<string> = []
  for (const tenant of tenants) {
    for (const problem of await slowParsedBodyOf(world, url, tenant))
      problems.push(`${tenant.id}: ${problem}`)
  }
  return problems
}

const slowParsedBodyOf = async (
  world: World,
  url: string,
  tenant: Tenant
): Promise<ReadonlyArray<string>> => {
  world.emulator.clearRequests()
  const json = JSON.stringify({ tenant: tenant.id })
  const text = await postSlowBody(
    `${url}/late/${tenant.id}`,
    { "x-tenant": tenant.id },
    [json.slice(0, 5), json.slice(5)],
    "application/json"
  )
  const problems: Array<string> = []
  const last = text.trim().split("\n").at(-1) ?? ""
  try {
    const result: unknown = JSON.parse(last)
    if (!isOwn(tenant, result)) problems.push(`answer ${last.slice(0, 200)}`)
  } catch {
    problems.push(`answer ${last.slice(0, 200)}`)
  }
  const calls = world.emulator.requests().filter((r) => r.route?.startsWith("envvars.") === true)
  if (calls.length !== callsPerWork)
    problems.push(`${calls.length} calls in the log, expected ${callsPerWork}`)
  for (const call of calls) {
    if (call.credential !== tenant.fingerprint) problems.push(`${call.route} carried ${call.credential}`)
  }
  return problems
}

export * from "./serve.js"
export * from "./traps.js"

// ---------------------------------------------------------------------------------------------------------
/**
 * The explicit-handle mode (`authContext({ ambient: false })`) judged by the emulator's request log: the
 * handler's `auth.client` call carries the tenant's credential, and an ambient call in the same handler —
 * which runs in no auth scope — rejects with `OutsideAuthScope` and sends nothing, although the process has
 * a default credential (another tenant's) that a silent fallback would have used.
 */

/** What an explicit-mode handler answers. */
export interface ExplicitAnswer {
  readonly tenant: string
  /** The tenant's variable read through the request's `auth.client`. */
  readonly own: string
  /** How the ambient call of the same variable ended: the error's tag, or `"sent"`. */
  readonly ambient: string
  /** Whether an auth scope was active in the handler (none must be). */
  readonly scoped: boolean
}

const tagOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
    ? error._tag
    : "untagged error"

/** The handler body of the `/explicit/:tenant` route: one call through `client`, one ambient call. */
export const explicitWork = async (tenant: Tenant, client: EnvvarsCalls): Promise<ExplicitAnswer> => {
  const scoped = AuthScope.current() !== undefined
  const own = await client.retrieve(tenant.projectRef, tenant.env, tenant.varName)
  let ambient = "sent"
  try {
    await envvars.retrieve(tenant.projectRef, tenant.env, tenant.varName)
  } catch (error) {
    ambient = tagOf(error)
  }
  return { tenant: tenant.id, own: own.value, ambient, scoped }
}

/**
 * Drives `total` requests (`x-tenant` header) to a server whose `/explicit/:tenant` route runs
 * {@link explicitWork} behind `authContext({ ambient: false, resolve })`, with another tenant's credential
 * configured as the process default, and judges the answers and the request log. Returns the broken
 * promises (none when the mode holds). Turns server mode off and clears the default afterwards.
 */
export const explicitCase = async (
  world: World,
  url: string,
  total = 200,
  concurrency = 16
): Promise<ReadonlyArray<string>> => {
  const problems: Array<string> = []
  if (!AuthScope.isServerMode()) problems.push("authContext({ ambient: false }) did not turn server mode on")
  const { fallback } = trapTenants(world)
  // The default a silent fallback would send (naming no serverMode keeps the middleware's server mode on).
  configure({ ...fallback.config, baseURL: world.emulator.url })
  world.emulator.clearRequests()
  try {
    await runLoad(total, concurrency, async (index) => {
      const tenant = world.tenants[index % world.tenants.length]
      if (tenant === undefined) throw new Error("no tenant")
      try {
        const response = await fetch(`${url}/explicit/${tenant.id}`, {
          headers: { "x-tenant": tenant.id },
          signal: AbortSignal.timeout(30_000)
        })
        const text = await response.text()
        const answer = JSON.parse(text) as ExplicitAnswer
        if (
          response.status !== 200 ||
          answer.own !== tenant.id ||
          answer.ambient !== "OutsideAuthScope" ||
          answer.scoped
        )
          problems.push(`${tenant.id}: ${response.status} ${text.slice(0, 200)}`)
      } catch (error) {
        problems.push(`${tenant.id}: ${String(error)}`)
      }
    })
    const records = world.emulator.requests()
    const log = checkLog(records, world.tenants)
    // One request per handler (its auth.client call): the ambient calls sent nothing.
    if (records.length !== total) problems.push(`the emulator saw ${records.length} calls, expected ${total}`)
    if (log.attributed !== total) problems.push(`${log.attributed} calls name a tenant, expected ${total}`)
    for (const r of log.crossTenant) problems.push(`cross-tenant: ${r.method} ${r.path} (${r.credential})`)
    for (const r of log.failed) problems.push(`failed: ${r.method} ${r.path} ${r.status}`)
    return problems
  } finally {
    configure({ serverMode: false })
  }
}

// ---------------------------------------------------------------------------------------------------------
// The public-token load case (docs/public-tokens.md, "Per tenant in a server"): an app whose `/mint/:kind`
// route mints a token with the request handle for the tenant `x-tenant` names; 2,000 requests over 50
// secret-key tenants; every token verified with jose (HS256, issuer, audience) against its tenant's
// environment key, its `sub` the tenant's environment and its scopes those asked for, and refused by every
// other environment's key.

/** What a `/mint/:kind` request mints: `createPublicToken`, `createTriggerPublicToken` or `createBatchTriggerPublicToken`. */
export type MintKind = "read" | "trigger" | "batch"

export const mintKinds: ReadonlyArray<MintKind> = ["read", "trigger", "batch"]

/** The run a `read` token of `tenant` reads; the task a `trigger` or `batch` token of `tenant` triggers. */
export const mintTarget = (tenant: string) => ({ run: `run_${tenant}`, task: `task-${tenant}` }) as const

/** The scopes a token of `kind` for `tenant` must carry (what the route asks for). */
export const mintScopes = (kind: MintKind, tenant: string): ReadonlyArray<string> => {
  const { run, task } = mintTarget(tenant)
  return kind === "read"
    ? [`read:runs:${run}`]
    : kind === "trigger"
      ? [`trigger:tasks:${task}`]
      : [`batchTrigger:tasks:${task}`]
}

/** The world's first 50 tenants whose credential is a secret key (root or additional); PATs cannot mint. */
export const mintingTenants = (world: World, count = 50): ReadonlyArray<Tenant> => {
  const tenants = world.tenants.filter((t) => t.kind === "SecretKey").slice(0, count)
  if (tenants.length < count)
    throw new Error(`the world has ${tenants.length} secret-key tenants, not ${count}`)
  return tenants
}

const environmentOf = (tenant: Tenant): string => `${tenant.projectRef}/${tenant.env}`

/** Verifies `jwt` with `key` as the server does; the payload, or undefined when it does not verify. */
const verify = async (jwt: string, key: Uint8Array) => {
  try {
    const { payload } = await jwtVerify(jwt, key, {
      issuer: PublicTokens.issuer,
      audience: PublicTokens.audience,
      algorithms: ["HS256"]
    })
    return payload
  } catch {
    return undefined
  }
}

/**
 * Sends `total` requests (64 in flight) to `${url}/mint/<kind>` with `x-tenant`, over `tenants` and
 * {@link mintKinds}; the answer is `{ token }`. Returns the broken promises, one line each (none when every
 * token verifies for its own tenant's environment only, with its tenant's `sub` and scopes, and every
 * tenant was served).
 */
export const publicTokenLoadCase = async (
  world: World,
  tenants: ReadonlyArray<Tenant>,
  url: string,
  total = 2000
): Promise<ReadonlyArray<string>> => {
  const encoder = new TextEncoder()
  const keys = new Map<string, Uint8Array>()
  for (const project of world.emulator.credentials.projects) {
    for (const [env, environment] of Object.entries(project.environments)) {
      keys.set(`${project.ref}/${env}`, encoder.encode(environment.secretKey))
    }
  }
  // each tenant's environment id, as the claims route answers it (a preview tenant's is its branch's)
  const subjects = new Map<string, unknown>()
  for (const tenant of tenants) {
    const response = await fetch(`${world.emulator.url}/api/v1/auth/jwt/claims`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tenant.token}`,
        ...(tenant.env === "preview" ? { [Headers.branch]: previewBranch } : {})
      }
    })
    subjects.set(tenant.id, ((await response.json()) as { sub?: unknown }).sub)
  }
  const problems: Array<string> = []
  const served = new Set<string>()
  let verified = 0
  await runLoad(total, 64, async (index) => {
    const tenant = tenants[index % tenants.length]
    const kind = mintKinds[Math.floor(index / tenants.length) % mintKinds.length]
    if (tenant === undefined || kind === undefined) throw new Error("no tenant")
    const where = `${tenant.id} ${kind}`
    try {
      const response = await fetch(`${url}/mint/${kind}`, {
        headers: { "x-tenant": tenant.id },
        signal: AbortSignal.timeout(30_000)
      })
      const text = await response.text()
      if (response.status !== 200) {
        problems.push(`${where}: ${response.status} ${text.slice(0, 200)}`)
        return
      }
      const jwt = (JSON.parse(text) as { token?: unknown }).token
      if (typeof jwt !== "string") {
        problems.push(`${where}: no token in the answer`)
        return
      }
      const own = keys.get(environmentOf(tenant))
      const payload = own === undefined ? undefined : await verify(jwt, own)
      if (payload === undefined) {
        problems.push(`${where}: does not verify with its environment's key`)
        return
      }
      if (payload["sub"] !== subjects.get(tenant.id))
        problems.push(`${where}: the sub of another environment`)
      if (JSON.stringify(payload["scopes"]) !== JSON.stringify(mintScopes(kind, tenant.id))) {
        problems.push(`${where}: scopes ${JSON.stringify(payload["scopes"])}`)
      }
      for (const [environment, key] of keys) {
        if (environment !== environmentOf(tenant) && (await verify(jwt, key)) !== undefined) {
          problems.push(`${where}: verifies with the key of ${environment}`)
        }
      }
      verified += 1
      served.add(tenant.id)
    } catch (error) {
      problems.push(`${where}: ${String(error)}`)
    }
  })
  if (verified !== total) problems.push(`${verified} of ${total} tokens verified`)
  if (served.size !== tenants.length)
    problems.push(`${served.size} tenants served, expected ${tenants.length}`)
  return problems
}
