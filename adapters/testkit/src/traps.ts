/**
 * The async-context traps of a multi-tenant server, as code a real app would have, shared by the Express,
 * Koa and Hono suites: a callback that something other than the request's own call tree runs later. Each
 * pattern runs a tenant's call (`envvars.retrieve` of its own variable) in such a callback, made one of
 * four ways (`via`): ambient, wrapped in `bind` (Promise API), wrapped in `auth.bind` (the request's
 * handle), or through `auth.client`. The emulator's request log says which credential each call carried.
 *
 * Patterns (see docs/adapters.md, "Callbacks that run outside the request"):
 * - `body-events`: the request body read through its `data` events (what multer and busboy do);
 * - `pipeline`: `stream.pipeline(req, writable)`;
 * - `emitter`: an EventEmitter of waiters, fired by another request;
 * - `pool`: a callback-style pool of one slot, released by another request;
 * - `batcher`: a DataLoader-style batcher, whose batch runs where the first key was loaded;
 * - `socket`: a lazily opened socket, opened by another request, whose replies run its callbacks.
 */
import { EventEmitter } from "node:events"
import { request as httpRequest, type IncomingMessage } from "node:http"
import { connect, createServer, type Server, type Socket } from "node:net"
import { pipeline, Writable } from "node:stream"
import { setTimeout as sleep } from "node:timers/promises"
import { bind, type ConfigureOptions, configure, envvars } from "@authctx/client/promise"
import type { AuthHandle } from "@authctx/server"
import type { Tenant, World } from "./index.js"

/** A place where a callback runs outside the request's own call tree. */
export type Pattern = "body-events" | "pipeline" | "emitter" | "pool" | "batcher" | "socket"

/** Every pattern. */
export const patterns: ReadonlyArray<Pattern> = [
  "body-events",
  "pipeline",
  "emitter",
  "pool",
  "batcher",
  "socket"
]

/** The patterns whose callback runs outside any request's scope (the others run in another request's). */
export const outsideAnyScope: ReadonlySet<Pattern> = new Set(["body-events", "pipeline"])

/** How the tenant's call is made in the callback. */
export type Via = "ambient" | "bind" | "handle-bind" | "client"

/** Every way. */
export const vias: ReadonlyArray<Via> = ["ambient", "bind", "handle-bind", "client"]

/** The role of a request in a scenario: the tenant whose call is judged, or the other one. */
export type Role = "victim" | "other"

/** What one call in a callback gave: the variable's value, or the error's tag. */
export interface CallAnswer {
  readonly outcome: string
  readonly value?: string | undefined
}

type Thunk = () => Promise<{ readonly value: string }>

const answerOf = async (thunk: Thunk): Promise<CallAnswer> => {
  try {
    const { value } = await thunk()
    return { outcome: "ok", value }
  } catch (error) {
    const tag =
      typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : "untyped"
    return { outcome: tag }
  }
}

/** A callback-style pool of one slot: `acquire(cb)` runs `cb(release)` now or when the holder releases. */
class CallbackPool {
  busy = false
  readonly waiters: Array<(release: () => void) => void> = []
  acquire(cb: (release: () => void) => void): void {
    if (this.busy) {
      this.waiters.push(cb)
      return
    }
    this.busy = true
    cb(this.release)
  }
  readonly release = (): void => {
    const next = this.waiters.shift()
    if (next === undefined) this.busy = false
    else next(this.release)
  }
}

/** A DataLoader-style batcher: keys loaded within `windowMs` of the first run as one batch, on its timer. */
class Batcher {
  readonly pending: Array<{ readonly thunk: Thunk; readonly done: (answer: CallAnswer) => void }> = []
  constructor(readonly windowMs: number) {}
  load(thunk: Thunk): Promise<CallAnswer> {
    return new Promise((done) => {
      this.pending.push({ thunk, done })
      if (this.pending.length === 1) setTimeout(() => this.dispatch(), this.windowMs)
    })
  }
  private dispatch(): void {
    const batch = this.pending.splice(0)
    for (const { thunk, done } of batch) void answerOf(thunk).then(done)
  }
}

/** A line-echo TCP server: what the lazily opened socket talks to (a cache, a queue, a database). */
const startEcho = async (): Promise<{ readonly port: number; readonly server: Server }> => {
  const server = createServer((socket) => socket.pipe(socket))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("no port")
  return { port: address.port, server }
}

/** A connection opened by whoever needs it first, shared afterwards; replies run callbacks in FIFO order. */
class LazySocket {
  private socket: Socket | undefined
  private readonly waiting: Array<() => void> = []
  constructor(readonly port: number) {}
  query(onReply: () => void): void {
    if (this.socket === undefined) {
      const socket = connect({ host: "127.0.0.1", port: this.port })
      socket.setEncoding("utf8")
      socket.on("data", (text: string) => {
        for (let i = 0; i < text.split("\n").length - 1; i++) this.waiting.shift()?.()
      })
      this.socket = socket
    }
    this.waiting.push(onReply)
    this.socket.write("ping\n")
  }
  get opened(): boolean {
    return this.socket !== undefined
  }
  close(): void {
    this.socket?.destroy()
    this.socket = undefined
    this.waiting.length = 0
  }
}

/** What a trap route needs of the request. */
export interface TrapRequest {
  readonly pattern: Pattern
  readonly via: Via
  readonly role: Role
  readonly tenant: Tenant
  readonly auth: AuthHandle.AuthHandle
  /** Node's request, whose body stream the body patterns read. */
  readonly incoming: IncomingMessage
}

/** The shared state of the patterns, as an app has it at module level; one per server under test. */
export class Traps {
  readonly emitter = new EventEmitter()
  readonly pool = new CallbackPool()
  readonly batcher = new Batcher(300)
  private constructor(
    readonly socket: LazySocket,
    private readonly echo: Server
  ) {}

  static async start(): Promise<Traps> {
    const echo = await startEcho()
    return new Traps(new LazySocket(echo.port), echo.server)
  }

  /** Closes the shared socket, so that the next scenario opens it again. */
  reset(): void {
    this.socket.close()
    this.emitter.removeAllListeners()
  }

  /** Closes the socket and the echo server, and turns server mode off (see {@link trapCase}). */
  async stop(): Promise<void> {
    this.reset()
    configure({ serverMode: false })
    await new Promise<void>((resolve) => this.echo.close(() => resolve()))
  }

  /** The tenant's call, made the way `via` says. Built in the request's handler, run later elsewhere. */
  private thunk(request: TrapRequest): Thunk {
    const { tenant, auth, via } = request
    const ambient: Thunk = () => envvars.retrieve(tenant.projectRef, tenant.env, tenant.varName)
    switch (via) {
      case "ambient":
        return ambient
      case "bind":
        return bind(ambient)
      case "handle-bind":
        return auth.bind(ambient)
      case "client":
        return () => auth.client.envvars.retrieve(tenant.projectRef, tenant.env, tenant.varName)
    }
  }

  /** The handler of a trap route: the answers of the calls made in the pattern's callbacks. */
  async handle(request: TrapRequest): Promise<ReadonlyArray<CallAnswer>> {
    const thunk = this.thunk(request)
    const { incoming, role } = request
    switch (request.pattern) {
      case "body-events":
        return new Promise((resolve, reject) => {
          const calls: Array<Promise<CallAnswer>> = []
          incoming.on("data", () => calls.push(answerOf(thunk)))
          incoming.on("end", () => resolve(Promise.all(calls)))
          incoming.on("error", reject)
        })
      case "pipeline":
        return new Promise((resolve, reject) => {
          const calls: Array<Promise<CallAnswer>> = []
          const sink = new Writable({
            write(_chunk, _encoding, callback) {
              calls.push(answerOf(thunk))
              callback()
            }
          })
          pipeline(incoming, sink, (error) => (error ? reject(error) : resolve(Promise.all(calls))))
        })
      case "emitter":
        if (role === "other") {
          this.emitter.emit("go")
          return []
        }
        return [
          await new Promise<CallAnswer>((resolve) => this.emitter.once("go", () => resolve(answerOf(thunk))))
        ]
      case "pool":
        return new Promise((resolve) => {
          this.pool.acquire((release) => {
            if (role === "victim") {
              void answerOf(thunk).then((answer) => {
                release()
                resolve([answer])
              })
              return
            }
            // The holder releases once someone waits: the waiter's callback runs in the holder's scope.
            const hold = async () => {
              for (let i = 0; i < 1000 && this.pool.waiters.length === 0; i++) await sleep(5)
              release()
              resolve([])
            }
            void hold()
          })
        })
      case "batcher":
        return [await this.batcher.load(thunk)]
      case "socket":
        return [await new Promise<CallAnswer>((resolve) => this.socket.query(() => resolve(answerOf(thunk))))]
    }
  }
}

/** What a scenario found about the victim's calls. */
export interface TrapOutcome {
  /** The answers the victim's route gave. */
  readonly answers: ReadonlyArray<CallAnswer>
  /** The credential fingerprint of every call for the victim's variable, from the emulator's log. */
  readonly credentials: ReadonlyArray<string | undefined>
}

const waitUntil = async (condition: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 2000; i++) {
    if (condition()) return
    await sleep(2)
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Sends headers at once and the body in two chunks, 40 ms apart, the first 40 ms after the headers. */
export const postSlowBody = (
  url: string,
  headers: Record<string, string>,
  chunks: readonly [string, string] = ["first chunk\n", "second chunk\n"],
  contentType = "text/plain"
): Promise<string> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { ...headers, "content-type": contentType } })
    req.setTimeout(15_000, () => req.destroy(new Error("slow body request timed out")))
    req.on("response", (res) => {
      let text = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => {
        text += chunk
      })
      res.on("end", () => resolve(text))
      res.on("error", reject)
    })
    req.on("error", reject)
    req.flushHeaders()
    void (async () => {
      await sleep(40)
      req.write(chunks[0])
      await sleep(40)
      req.end(chunks[1])
    })()
  })

const get = async (url: string, headers: Record<string, string>): Promise<string> => {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) })
  return response.text()
}

/**
 * Runs one pattern on a server whose route `GET|POST /trap/:pattern/:tenant?via=…&role=…` (tenant chosen by
 * `x-tenant`) answers `traps.handle(…)` as JSON: the victim's request and, for the patterns released by
 * another request, the other tenant's, in the order the pattern needs. The other request always uses
 * `auth.client` for its own calls.
 */
export const runTrap = async (
  world: World,
  url: string,
  traps: Traps,
  pattern: Pattern,
  via: Via,
  victim: Tenant,
  other: Tenant
): Promise<TrapOutcome> => {
  traps.reset()
  world.emulator.clearRequests()
  const path = (role: Role, tenant: Tenant, how: Via) =>
    `${url}/trap/${pattern}/${tenant.id}?via=${how}&role=${role}`
  const victimRequest = () =>
    outsideAnyScope.has(pattern)
      ? postSlowBody(path("victim", victim, via), { "x-tenant": victim.id })
      : get(path("victim", victim, via), { "x-tenant": victim.id })
  const otherRequest = () => get(path("other", other, "client"), { "x-tenant": other.id })
  let answer: string
  switch (pattern) {
    case "body-events":
    case "pipeline":
      answer = await victimRequest()
      break
    case "emitter": {
      const pending = victimRequest()
      await waitUntil(() => traps.emitter.listenerCount("go") === 1, "the victim to wait")
      await otherRequest()
      answer = await pending
      break
    }
    case "pool": {
      const holder = otherRequest()
      await waitUntil(() => traps.pool.busy, "the other request to hold the pool")
      answer = await victimRequest()
      await holder
      break
    }
    case "batcher": {
      const first = otherRequest()
      await waitUntil(() => traps.batcher.pending.length === 1, "the other request to load")
      answer = await victimRequest()
      await first
      break
    }
    case "socket":
      await otherRequest()
      if (!traps.socket.opened) throw new Error("the other request did not open the socket")
      answer = await victimRequest()
      break
  }
  const answers = JSON.parse(answer) as ReadonlyArray<CallAnswer>
  const credentials = world.emulator
    .requests()
    .filter((r) => r.route === "envvars.retrieve" && r.path.endsWith(`/${victim.varName}`))
    .map((r) => r.credential)
  return { answers, credentials }
}

/** Reads the `via` and `role` query parameters of a trap route; `undefined` when they are not valid. */
export const trapParams = (
  pattern: string | undefined,
  via: string | undefined,
  role: string | undefined
): { readonly pattern: Pattern; readonly via: Via; readonly role: Role } | undefined => {
  const p = patterns.find((x) => x === pattern)
  const v = vias.find((x) => x === via)
  const r = role === "victim" || role === "other" ? role : undefined
  return p === undefined || v === undefined || r === undefined ? undefined : { pattern: p, via: v, role: r }
}

/** The process-wide setting a scenario runs under: `configure()` with a default credential, server mode or not. */
export type Mode = "default" | "server"

/**
 * What the docs promise for one scenario, checked against the emulator's log; one line per broken promise.
 *
 * - Through `bind`, `auth.bind` or `auth.client`: every call carries the victim's own credential.
 * - Ambient, outside any scope (the body patterns): the `configure()` default (`fallback`) — or, in server
 *   mode, `OutsideAuthScope` and nothing sent; a chunk that was already buffered runs in the request's
 *   scope and carries the victim's own credential.
 * - Ambient, in another request's scope: that request's credential, in either mode (no library can tell
 *   whose callback it is; the docs say so and point to `bind` and `auth.client`).
 */
export const judgeTrap = (
  outcome: TrapOutcome,
  pattern: Pattern,
  via: Via,
  mode: Mode,
  tenants: { readonly victim: Tenant; readonly other: Tenant; readonly fallback: Tenant }
): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const { answers, credentials } = outcome
  if (answers.length === 0) problems.push("no call was made")
  const carried = (fingerprint: string) => {
    if (credentials.length !== answers.length) {
      problems.push(`${answers.length} calls answered, ${credentials.length} in the emulator's log`)
    }
    if (!credentials.every((c) => c === fingerprint)) {
      problems.push(`calls carried ${credentials.join(", ")}, expected ${fingerprint}`)
    }
  }
  if (via !== "ambient") {
    carried(tenants.victim.fingerprint)
    if (!answers.every((a) => a.outcome === "ok" && a.value === tenants.victim.id)) {
      problems.push(`answers ${JSON.stringify(answers)}, expected the victim's own value`)
    }
  } else if (!outsideAnyScope.has(pattern)) {
    carried(tenants.other.fingerprint)
  } else {
    // A chunk already buffered when the listener attaches is emitted on a nextTick scheduled from the
    // handler, so inside the request's scope; a later one is not (docs/reference/async-context.md). Under
    // load either can happen (2 of about 10 loaded runs saw the first): the victim's own credential is
    // right too; another tenant's never is.
    const inScope = answers.filter((a) => a.outcome === "ok" && a.value === tenants.victim.id).length
    const own = credentials.filter((c) => c === tenants.victim.fingerprint).length
    if (mode === "default") {
      if (credentials.length !== answers.length) {
        problems.push(`${answers.length} calls answered, ${credentials.length} in the emulator's log`)
      }
      const allowed = [tenants.fallback.fingerprint, tenants.victim.fingerprint]
      if (!credentials.every((c) => c !== undefined && allowed.includes(c))) {
        problems.push(`calls carried ${credentials.join(", ")}, expected ${allowed.join(" or ")}`)
      }
    } else {
      if (credentials.length !== own || own !== inScope) {
        problems.push(
          `${credentials.length} calls were sent (${own} with the victim's key), expected only in-scope ones`
        )
      }
      if (!answers.every((a) => a.outcome === "OutsideAuthScope" || a.value === tenants.victim.id)) {
        problems.push(`answers ${JSON.stringify(answers)}, expected OutsideAuthScope`)
      }
    }
  }
  return problems
}

/**
 * The tenants of the trap scenarios: three different credentials whose calls for the victim are all sent
 * and logged — the victim's dev key, the other project's dev key (the emulator answers 400 for the
 * victim's path, and logs it) and the victim environment's additional key. Not keys of another environment
 * of the victim's project: the client refuses those on the victim's envvars path before sending (the
 * server would act on the key's own environment), so they would never reach the log the judge reads.
 */
export const trapTenants = (
  world: World
): { readonly victim: Tenant; readonly other: Tenant; readonly fallback: Tenant } => {
  const [victim, other, fallback] = [0, 8, 1].map((i) => world.tenants[i])
  if (victim === undefined || other === undefined || fallback === undefined)
    throw new Error("too few tenants")
  return { victim, other, fallback }
}

/** The `configure()` options of a mode: the fallback tenant as the process default, server mode or not. */
export const trapConfigure = (world: World, mode: Mode): ConfigureOptions => ({
  ...trapTenants(world).fallback.config,
  baseURL: world.emulator.url,
  serverMode: mode === "server"
})

/** Every scenario: each mode, pattern and way. */
export const trapCases: ReadonlyArray<{ readonly mode: Mode; readonly pattern: Pattern; readonly via: Via }> =
  (["default", "server"] as const).flatMap((mode) =>
    patterns.flatMap((pattern) => vias.map((via) => ({ mode, pattern, via })))
  )

/**
 * Runs one case of {@link trapCases} on a server with the trap routes: `configure()` for its mode, the
 * scenario, and the judgement. Returns the broken promises (none when the docs hold).
 */
export const trapCase = async (
  world: World,
  url: string,
  traps: Traps,
  { mode, pattern, via }: { readonly mode: Mode; readonly pattern: Pattern; readonly via: Via }
): Promise<ReadonlyArray<string>> => {
  configure(trapConfigure(world, mode))
  const tenants = trapTenants(world)
  const outcome = await runTrap(world, url, traps, pattern, via, tenants.victim, tenants.other)
  return judgeTrap(outcome, pattern, via, mode, tenants)
}
