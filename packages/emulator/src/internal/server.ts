/**
 * The HTTP side: a plain `node:http` server in front of the catalog-derived dispatcher, with fault
 * injection, request idempotency, the body limit and the request log. The common path (a GET with no
 * fault and no idempotency key) runs synchronously inside the request event.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { Catalog, Headers } from "@authctx/api"
import { Either, type ParseResult } from "effect"
import { EmulatorStartError } from "../Errors.js"
import * as RequestLog from "../RequestLog.js"
import { branchOf, cachedIdentify, type Identity } from "./auth.js"
import { type Answer, dispatch, jsonHead, keptErrorAnswer, type Route } from "./dispatcher.js"
import type { Fault } from "./faults.js"
import * as Idempotency from "./idempotency.js"
import type { Environment, State } from "./model.js"
import * as ObjectStore from "./objectStore.js"
import { RecordStore } from "./recordStore.js"
import type { Memo } from "./routes/handle.js"

/** Request bodies above this many bytes are answered 413. */
export const maxBodyBytes = 5 * 1024 * 1024

/** What the server needs. */
export interface Config {
  readonly state: State
  readonly routes: ReadonlyMap<Catalog.Entry, Route>
  readonly takeFault: (routeId: string) => Fault | undefined
  readonly idempotency: ReturnType<typeof Idempotency.make>
  readonly log: ((line: string) => void) | undefined
}

/** A running server. */
export interface Running {
  readonly url: string
  readonly requests: () => ReadonlyArray<RequestLog.RequestRecord>
  readonly clearRequests: () => void
  readonly stop: () => Promise<void>
}

const headerValue = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  typeof value === "string" ? value : value?.[0]

/** Client text as the log keeps it: anything shaped like a credential is masked. */
const masked = <S extends string | undefined>(text: S): S =>
  (text !== undefined && RequestLog.mayHoldToken(text) ? RequestLog.redactTokens(text) : text) as S

/** The headers every request is read for. */
interface Wanted {
  readonly authorization: string | undefined
  readonly branch: string | undefined
  readonly idempotencyKey: string | undefined
  readonly contentLength: string | undefined
}

const sameName = (raw: string, name: string): boolean =>
  raw.length === name.length && (raw === name || raw.toLowerCase() === name)

const contentLengthHeader = "content-length"

/**
 * The headers the dispatcher reads, from `rawHeaders` in one pass, as `req.headers` would give them: the
 * first `authorization` and `content-length` (node:http drops their duplicates), the branch and the
 * idempotency key joined with ", " when sent twice. Reading `req.headers` builds an object of every
 * header (each name lower-cased and classified), which a bare server never pays for.
 */
const readWanted = (raw: ReadonlyArray<string>): Wanted => {
  let authorization: string | undefined
  let branch: string | undefined
  let idempotencyKey: string | undefined
  let contentLength: string | undefined
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string
    const value = raw[i + 1] as string
    if (sameName(name, Headers.authorization)) authorization ??= value
    else if (sameName(name, contentLengthHeader)) contentLength ??= value
    else if (sameName(name, Headers.branch)) branch = branch === undefined ? value : `${branch}, ${value}`
    else if (sameName(name, Headers.requestIdempotencyKey))
      idempotencyKey = idempotencyKey === undefined ? value : `${idempotencyKey}, ${value}`
  }
  return { authorization, branch, idempotencyKey, contentLength }
}

/** How many GET paths keep their catalog match (a test suite polls a few runs again and again). */
const matchMemoSize = 1024

/** A path's catalog match and what follows from the path alone. */
interface Matched {
  readonly params: Readonly<Record<string, string>>
  /** `undefined` when the catalog entry has no compiled route (answered 404). */
  readonly route: Route | undefined
  /** The route's path decoder's answer for `params`. */
  readonly path: Either.Either<unknown, ParseResult.ParseError> | undefined
  /** The last kept answer given on this path (GET paths only), see {@link Replay}. */
  replay: Replay | undefined
}

/**
 * A kept answer (a finished run's body) given on a GET path to a secret key with nothing else in the
 * request that the dispatcher reads (no branch, no query, no content-length, no fault, no idempotency
 * key). The dispatcher's answer to such a request depends on the key, the path and the state; the key's
 * part is fixed (a key acts on its own environment), and the state's part is the memo's: a handler that
 * answered with a memo answers with it again until the memo is emptied (`Memo`). So the same key on the
 * same path gets the same answer while the memo still holds it, and the dispatcher is skipped.
 *
 * The key is compared by its `Identity` object, which `cachedIdentify` hands out per header; an identity
 * remembered there cannot outlive its key (the emulator issues its keys when it starts and never
 * revokes one; a change that revokes keys must drop `cachedIdentify`'s entries, and this follows).
 */
interface Replay {
  readonly identity: Identity
  readonly memo: Memo
  readonly answer: Answer
  readonly projectRef: string | undefined
  readonly environment: string | undefined
}

const notFound = keptErrorAnswer(404, "Not found")
const methodNotAllowed = keptErrorAnswer(405, "Method not allowed")
const tooLarge = keptErrorAnswer(413, `Request body too large (the limit is ${maxBodyBytes} bytes)`)
const internalError = keptErrorAnswer(500, "Internal error")

const describeDefect = (error: unknown): string =>
  error instanceof Error
    ? `${error.name}: ${error.message}`
    : typeof error === "string"
      ? error
      : "unknown error"

/** What every request of one server shares. */
interface Shared {
  readonly log: ((line: string) => void) | undefined
  readonly emit: (line: string) => void
  readonly onDefect: (route: string, error: unknown) => void
  readonly records: RecordStore
}

/**
 * One request, its answer and its log record. A class, so the per-request steps are methods on its
 * prototype and the record's fields are its own: the common path (a GET with no fault and no idempotency
 * key) allocates this one object and no closures, and the record store copies the fields out of it.
 */
class Exchange implements RequestLog.RequestRecord {
  done = false
  watching = false
  route: string | undefined = undefined
  status = 0
  projectRef: string | undefined
  environment: string | undefined
  replayed = false
  fault: string | undefined = undefined
  durationMs = 0
  /** Set by the dispatcher when the answer is a memo's kept answer (not part of the record). */
  kept: Memo | undefined = undefined
  constructor(
    readonly shared: Shared,
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
    readonly started: number,
    readonly seq: number,
    readonly at: number,
    readonly method: string,
    readonly path: string,
    readonly credentialKind: RequestLog.CredentialKind,
    readonly credential: string | undefined,
    ownEnvironment: Environment | undefined,
    readonly branch: string | undefined,
    readonly idempotencyKey: string | undefined
  ) {
    this.projectRef = ownEnvironment?.project.ref
    this.environment = ownEnvironment?.slug
  }

  /** Records the outcome, once: `false` when it was already recorded (the answer must not be written). */
  finish(status: number): boolean {
    if (this.done) return false
    this.done = true
    this.status = status
    this.durationMs = performance.now() - this.started
    this.shared.records.push(this)
    if (this.shared.log !== undefined) this.shared.emit(RequestLog.format(this))
    return true
  }

  respond(answer: Answer | Promise<Answer>, close = false): void {
    if (answer instanceof Promise) {
      // an answer after an asynchronous step (a token verified or signed): write it once it settles
      answer.then(
        (settled) => this.respond(settled, close),
        (error: unknown) => {
          this.shared.onDefect(this.route ?? this.path, error)
          this.respond(internalError, close)
        }
      )
      return
    }
    if (answer.headers instanceof Promise) {
      // a signed header (x-trigger-jwt): write the answer once it is signed
      answer.headers.then(
        (headers) => this.respond({ ...answer, headers }, close),
        (error: unknown) => {
          this.shared.onDefect(this.route ?? this.path, error)
          this.respond(internalError, close)
        }
      )
      return
    }
    if (!this.finish(answer.status)) return
    // The headers as one flat [name, value, …] array: node:http takes it as is, where an object is walked
    // key by key (writeHead was ~1 µs of the emulator's request against ~0.3 µs in a bare server). An
    // answer given again (a finished run, a refusal) carries its array, worked out once.
    let head = answer.head
    if (head === undefined || close || answer.headers !== undefined) {
      const out = [...(head ?? jsonHead(answer.body))]
      if (answer.headers !== undefined)
        for (const name of Object.keys(answer.headers)) out.push(name, answer.headers[name] ?? "")
      if (close) out.push("connection", "close")
      head = out
    }
    this.res.writeHead(answer.status, head as Array<string>)
    this.res.end(answer.body)
  }

  drop(): void {
    if (this.finish(0)) this.req.socket.destroy()
  }

  /** Records a connection closed before the answer (only needed while something is awaited). */
  watchClose(): void {
    if (this.watching) return
    this.watching = true
    this.res.once("close", () => this.finish(0))
  }
}

/** Starts listening; rejects with `EmulatorStartError` when the address cannot be bound. */
export const listen = (config: Config, host: string, port: number): Promise<Running> => {
  const { state, routes, takeFault, idempotency, log } = config
  let nextSeq = 1
  const timers = new Set<NodeJS.Timeout>()
  /** This server's own origin, set once listening (before any request arrives): presigned URLs point here. */
  let origin = ""
  const identifyHeader = cachedIdentify(state)
  // GET paths' matches, with what follows from the path alone (the route, the decoded path parameters):
  // all pure functions of the path. Frozen: handlers share the parameters.
  const getMatches = new Map<string, Matched>()
  let lastPath: string | undefined
  let lastMatched: Matched | undefined
  const matchOf = (method: string, pathname: string): Matched | undefined => {
    if (method !== "GET") return matchedOf(method, pathname)
    // a client polling a run asks for the same path again and again (see `cachedIdentify`)
    if (pathname === lastPath) return lastMatched
    let found = getMatches.get(pathname)
    if (found === undefined) {
      found = matchedOf(method, pathname)
      if (found === undefined) return undefined
      Object.freeze(found.params)
      if (found.path !== undefined && Either.isRight(found.path)) Object.freeze(found.path.right)
      if (getMatches.size >= matchMemoSize) getMatches.clear()
      getMatches.set(pathname, found)
    }
    lastPath = pathname
    lastMatched = found
    return found
  }
  const matchedOf = (method: string, pathname: string): Matched | undefined => {
    const match = Catalog.match(method, pathname)
    if (match === undefined) return undefined
    const route = routes.get(match.entry)
    return {
      params: match.params,
      route,
      path: route?.decodePath === undefined ? undefined : route.decodePath(match.params),
      replay: undefined
    }
  }

  const emit = (line: string) => {
    if (log === undefined) return
    try {
      log(RequestLog.redactTokens(line))
    } catch {
      // a throwing log callback must not break the server
    }
  }
  const shared: Shared = {
    log,
    emit,
    onDefect: (route, error) =>
      emit(`internal error in ${route}: ${describeDefect(error)} (answered 500 Internal error)`),
    records: new RecordStore()
  }
  const onDefect = shared.onDefect

  /** The object store behind presigned URLs: no `Authorization`, no faults, its own size cap. */
  const serveObject = (ex: Exchange, method: string, pathname: string, query: string): void => {
    ex.route = "object store"
    const headers = ex.req.headers
    const answerObject = (answer: ObjectStore.ObjectAnswer): void => {
      if (!ex.finish(answer.status)) return
      ex.res.writeHead(answer.status, {
        "content-type": answer.contentType,
        "content-length": Buffer.byteLength(answer.body)
      })
      ex.res.end(answer.body)
    }
    if (method !== "GET" && method !== "PUT") {
      ex.respond(methodNotAllowed)
      return
    }
    const handleWith = (body: Buffer | undefined) =>
      answerObject(
        ObjectStore.handle(state.objects, {
          method,
          pathname,
          query,
          contentType: headerValue(headers["content-type"]),
          body,
          now: Date.now()
        })
      )
    if (method === "GET") {
      handleWith(undefined)
      return
    }
    if (Number(headers["content-length"]) > ObjectStore.maxObjectBytes) {
      answerObject(ObjectStore.tooLarge)
      return
    }
    ex.watchClose()
    readBody(ex.req, ObjectStore.maxObjectBytes, (body) => {
      if (body === "tooLarge") answerObject(ObjectStore.tooLarge)
      else if (body !== "aborted") handleWith(body)
    })
  }

  /** Answers one catalog request: the dispatcher, guarded so that a throw is a 500. */
  const run = (
    ex: Exchange,
    route: Route,
    match: Matched,
    query: string,
    body: Buffer | undefined,
    identity: Identity,
    branch: string | undefined,
    contentLength: number | undefined,
    now: number
  ): Answer | Promise<Answer> => {
    try {
      return dispatch(
        state,
        {
          route,
          params: match.params,
          path: match.path,
          query,
          body,
          identity,
          branch,
          now,
          contentLength,
          origin
        },
        ex,
        onDefect
      )
    } catch (error) {
      onDefect(route.id, error)
      return internalError
    }
  }

  /**
   * The path with something to wait for or to change: a body to read, a fault (latency, drop, an injected
   * answer) or an idempotency key to claim.
   */
  const serveWith = (
    ex: Exchange,
    route: Route,
    pathname: string,
    match: Matched,
    query: string,
    identity: Identity,
    branch: string | undefined,
    idempotencyKey: string | undefined,
    contentLength: number | undefined,
    fault: Fault | undefined
  ): void => {
    const req = ex.req
    const method = ex.method
    /** Hands on the answer once it is there (a verified or signed token may take a moment). */
    const settled = (answer: Answer | Promise<Answer>, then: (answer: Answer | undefined) => void): void => {
      if (!(answer instanceof Promise)) {
        then(answer)
        return
      }
      ex.watchClose()
      answer.then(then, (error: unknown) => {
        onDefect(route.id, error)
        then(internalError)
      })
    }
    /** Produces the answer: at once when the route has no body, after reading it otherwise. */
    const produce = (then: (answer: Answer | undefined) => void): void => {
      if (route.payload === undefined) {
        settled(run(ex, route, match, query, undefined, identity, branch, contentLength, Date.now()), then)
        return
      }
      ex.watchClose()
      readBody(req, maxBodyBytes, (body) => {
        if (body === "tooLarge") {
          then(undefined)
          ex.respond(tooLarge, true)
        } else if (body === "aborted") then(undefined)
        else settled(run(ex, route, match, query, body, identity, branch, contentLength, Date.now()), then)
      })
    }
    const deliver = (answer: Answer | undefined): void => {
      if (answer === undefined) return
      if (fault?.drop === "after") ex.drop()
      else ex.respond(answer)
    }
    const serve = (): void => {
      if (fault?.drop === "before") {
        ex.drop()
        return
      }
      if (fault?.answer !== undefined) {
        const injected = fault.answer
        ex.respond({ status: injected.status, body: injected.body, headers: injected.headers(Date.now()) })
        return
      }
      const key = route.honoursRequestKey ? idempotencyKey : undefined
      if (key === undefined) {
        produce(deliver)
        return
      }
      const token = identity.kind === "none" ? "" : identity.token
      const claimed = idempotency.claim(Idempotency.keyOf(route.id, method, pathname, token, key))
      const proceed = (claim: Idempotency.Claim): void => {
        if ("replay" in claim) {
          ex.replayed = true
          deliver(claim.replay)
          return
        }
        produce((answer) => {
          claim.settle(answer)
          deliver(answer)
        })
      }
      if (claimed instanceof Promise) {
        ex.watchClose()
        claimed.then(proceed, () => ex.respond(internalError))
      } else proceed(claimed)
    }

    if (fault !== undefined) {
      ex.fault = fault.description
      if (fault.latencyMs > 0) {
        ex.watchClose()
        const timer = setTimeout(() => {
          timers.delete(timer)
          if (ex.done) return
          try {
            serve()
          } catch (error) {
            onDefect(route.id, error)
            ex.respond(internalError)
          }
        }, fault.latencyMs)
        timers.add(timer)
        // a client that leaves before the delay ends (an abort, a deadline) takes its timer with it: the
        // emulator keeps no timer for a request that is gone
        ex.res.once("close", () => {
          clearTimeout(timer)
          timers.delete(timer)
        })
        return
      }
    }
    serve()
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const started = performance.now()
    const method = req.method ?? "GET"
    const url = req.url ?? "/"
    const q = url.indexOf("?")
    const pathname = q === -1 ? url : url.slice(0, q)
    const wanted = readWanted(req.rawHeaders)
    const identity = identifyHeader(wanted.authorization)
    const branch = wanted.branch
    const idempotencyKey = wanted.idempotencyKey
    const principal = identity.kind === "known" ? identity.principal : undefined
    const ex = new Exchange(
      shared,
      req,
      res,
      started,
      nextSeq++,
      Date.now(),
      method,
      masked(pathname),
      principal !== undefined
        ? principal.kind
        : identity.kind === "publicToken"
          ? "PublicAccessToken"
          : identity.kind === "none"
            ? "none"
            : "invalid",
      identity.kind === "known"
        ? identity.principal.fingerprint
        : identity.kind === "invalid"
          ? identity.fingerprint
          : undefined,
      principal?.kind === "SecretKey" ? principal.environment : undefined,
      masked(branch),
      masked(idempotencyKey)
    )

    try {
      if (pathname.startsWith(ObjectStore.pathPrefix)) {
        serveObject(ex, method, pathname, q === -1 ? "" : url.slice(q + 1))
        return
      }
      const match = matchOf(method, pathname)
      if (match === undefined) {
        ex.respond(Catalog.pathExists(pathname) ? methodNotAllowed : notFound)
        return
      }
      const route = match.route
      if (route === undefined) {
        ex.respond(notFound)
        return
      }
      ex.route = route.id
      const declaredLength = Number(wanted.contentLength)
      if (declaredLength > maxBodyBytes) {
        ex.respond(tooLarge, true)
        return
      }
      const contentLength = Number.isFinite(declaredLength) ? declaredLength : undefined
      const query = q === -1 ? "" : url.slice(q + 1)
      const fault = takeFault(route.id)
      if (
        fault === undefined &&
        route.payload === undefined &&
        !(route.honoursRequestKey && idempotencyKey !== undefined)
      ) {
        // The common path: nothing to read or wait for, answered inside this event.
        const replayable =
          method === "GET" &&
          identity.kind === "known" &&
          identity.principal.kind === "SecretKey" &&
          branch === undefined &&
          query.length === 0 &&
          contentLength === undefined
        if (replayable) {
          const replay = match.replay
          if (
            replay !== undefined &&
            replay.identity === identity &&
            replay.memo.answer === replay.answer &&
            replay.memo.body === replay.answer.body
          ) {
            ex.projectRef = replay.projectRef
            ex.environment = replay.environment
            ex.respond(replay.answer)
            return
          }
        }
        const answer = run(
          ex,
          route,
          match,
          query,
          undefined,
          identity,
          branchOf(branch),
          contentLength,
          ex.at
        )
        if (replayable && ex.kept !== undefined && ex.kept.answer === answer)
          match.replay = {
            identity,
            memo: ex.kept,
            answer,
            projectRef: ex.projectRef,
            environment: ex.environment
          }
        ex.respond(answer)
        return
      }
      serveWith(
        ex,
        route,
        pathname,
        match,
        query,
        identity,
        branchOf(branch),
        idempotencyKey,
        contentLength,
        fault
      )
    } catch (error) {
      onDefect(ex.route ?? "routing", error)
      ex.respond(internalError)
    }
  }

  const server = http.createServer({ keepAlive: true }, onRequest)
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n")
    else socket.destroy()
  })

  return new Promise<Running>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(new EmulatorStartError({ host, port, reason: error.code ?? error.message }))
    server.once("error", onError)
    server.listen(port, host, () => {
      server.off("error", onError)
      const address = server.address() as AddressInfo
      const shownHost = host.includes(":") ? `[${host}]` : host
      let stopped: Promise<void> | undefined
      origin = `http://${shownHost}:${address.port}`
      resolve({
        url: origin,
        requests: () => shared.records.list(),
        clearRequests: () => shared.records.clear(),
        stop: () => {
          stopped ??= new Promise<void>((done) => {
            for (const timer of timers) clearTimeout(timer)
            timers.clear()
            server.close(() => done())
            server.closeAllConnections()
          })
          return stopped
        }
      })
    })
  })
}

/** Reads a request body up to `limit` bytes. */
const readBody = (
  req: http.IncomingMessage,
  limit: number,
  then: (body: Buffer | "tooLarge" | "aborted") => void
): void => {
  const chunks: Array<Buffer> = []
  let size = 0
  let settled = false
  const settle = (body: Buffer | "tooLarge" | "aborted") => {
    if (settled) return
    settled = true
    then(body)
  }
  req.on("data", (chunk: Buffer) => {
    if (settled) return
    size += chunk.length
    if (size > limit) {
      chunks.length = 0
      settle("tooLarge")
    } else chunks.push(chunk)
  })
  req.on("end", () => settle(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)))
  req.on("error", () => settle("aborted"))
  req.on("close", () => settle("aborted"))
}
