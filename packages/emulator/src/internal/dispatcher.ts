/**
 * The dispatcher, derived from the catalog: for every `Catalog.entries` route it compiles, once, the
 * decoders of the endpoint's own path, query and payload schemas, the encoder of its success schema, its
 * accepted credential kinds (the capability annotation) and its handler. Nothing per route is written here.
 */
import { type Catalog, ManagementApi } from "@authctx/api"
import { HttpApiSchema } from "@effect/platform"
import { Either, Option, type ParseResult, Schema, SchemaAST } from "effect"
import { MissingHandlers } from "../Errors.js"
import { mayHoldToken, redactTokens } from "../RequestLog.js"
import {
  authorizeKind,
  type Identity,
  isRefusal,
  type Refusal,
  type RouteAuth,
  refusals,
  resolveScope,
  type Scope
} from "./auth.js"
import * as Idempotency from "./idempotency.js"
import type { Environment, State } from "./model.js"
import * as PublicTokenAuth from "./publicTokenAuth.js"
import { formatIssues } from "./routes/common.js"
import type {
  Caller,
  Context,
  Input,
  KeptAnswer,
  Memo,
  OpenContext,
  ResponseHeaders,
  Result,
  RouteHandler,
  Run
} from "./routes/handle.js"

type Decoder = (input: unknown) => Either.Either<unknown, ParseResult.ParseError>

/** How a payload arrives: JSON (the default), raw bytes (NDJSON), text, or a URL-encoded form. */
type PayloadKind = "Json" | "Uint8Array" | "Text" | "UrlParams"

/** One compiled route. */
export interface Route extends RouteAuth {
  readonly entry: Catalog.Entry
  /** The route id (`runs.retrieve`, `runs.listProject`, `tasks.createBatch`): the log's, faults' and errors' name. */
  readonly id: string
  readonly decodePath: Decoder | undefined
  /** The path decoder checks the parameters without running Schema (see `fastPathDecoder`). */
  readonly fastPath: boolean
  /** The route honours `x-trigger-request-idempotency-key` (`Idempotency.honoursRequestKey`). */
  readonly honoursRequestKey: boolean
  readonly decodeQuery: Decoder | undefined
  readonly payload: { readonly kind: PayloadKind; readonly decode: Decoder } | undefined
  readonly encodeSuccess: (value: unknown) => Either.Either<unknown, ParseResult.ParseError>
  readonly successStatus: number
  /** The route needs no credential: nothing is authenticated, the handler gets an `OpenContext`. */
  readonly open: boolean
  /** The server's body limit on this route (413 after auth), if it has one. */
  readonly maxContentLength: number | undefined
  /** The abilities that admit a public access token (`Catalog.Entry.publicTokenScopes`); none: refused. */
  readonly publicTokenScopes: ReadonlyArray<string> | undefined
  readonly handler: Run
}

const decoderOf = (schema: Option.Option<Schema.Schema<unknown, unknown, unknown>>): Decoder | undefined =>
  Option.match(schema, {
    onNone: () => undefined,
    // The catalog's schemas need no services (R = never); reflection only types them as `unknown`.
    onSome: (s) => Schema.decodeUnknownEither(s as Schema.Schema<unknown, unknown, never>)
  })

const stringLiterals = (ast: SchemaAST.AST): ReadonlySet<string> | undefined => {
  const members = SchemaAST.isUnion(ast) ? ast.types : [ast]
  const out = new Set<string>()
  for (const member of members) {
    if (!SchemaAST.isLiteral(member) || typeof member.literal !== "string") return undefined
    out.add(member.literal)
  }
  return out
}

/**
 * The path decoder of a path schema made only of `PathSegment`s (decoded as the string itself) and string
 * literals (the env slug): it checks the matched parameters and hands them on as they are, without
 * running Schema. Anything it cannot vouch for goes to the schema's own decoder, which gives the same
 * answer and the message. `undefined` for any other schema. Schema's decode was ~0.8 µs of a ~16 µs
 * request in the profile of `runs.retrieve` at 32 concurrent (test/bench/emulator.ts).
 */
const fastPathDecoder = (
  schema: Schema.Schema<unknown, unknown, unknown>,
  full: Decoder
): Decoder | undefined => {
  const ast = schema.ast
  if (!SchemaAST.isTypeLiteral(ast) || ast.indexSignatures.length > 0) return undefined
  const checks: Array<readonly [string, ReadonlySet<string> | undefined]> = []
  for (const property of ast.propertySignatures) {
    if (typeof property.name !== "string" || property.isOptional) return undefined
    if (property.type === ManagementApi.PathSegment.ast) {
      checks.push([property.name, undefined])
      continue
    }
    const literals = stringLiterals(property.type)
    if (literals === undefined) return undefined
    checks.push([property.name, literals])
  }
  return (input) => {
    const params = input as Readonly<Record<string, unknown>>
    let count = 0
    for (const _ in params) count++
    if (count !== checks.length) return full(input)
    for (const [name, allowed] of checks) {
      const value = params[name]
      if (typeof value !== "string" || (allowed !== undefined && !allowed.has(value))) return full(input)
    }
    return Either.right(input)
  }
}

/**
 * Compiles every catalog entry. Throws `MissingHandlers` (naming them) when an entry has no handler, so a
 * route added to the catalog cannot be silently unserved even by code that skips the type check.
 */
export const compile = (
  entries: ReadonlyArray<Catalog.Entry>,
  handlers: ReadonlyMap<ManagementApi.AnyRoute, RouteHandler>
): ReadonlyMap<Catalog.Entry, Route> => {
  const byId = new Map<string, RouteHandler>()
  for (const [route, handler] of handlers) byId.set(route.id, handler)
  const missing = entries.map((entry) => entry.id).filter((id) => !byId.has(id))
  if (missing.length > 0) throw new MissingHandlers({ keys: missing })
  const routes = new Map<Catalog.Entry, Route>()
  for (const entry of entries) {
    const handler = byId.get(entry.id)
    if (handler === undefined) continue // unreachable: checked above
    const open = entry.capability.accepts.length === 0
    if (handler.open !== open)
      throw new Error(
        `The emulator handler of ${entry.id} must be made with ${open ? "handleOpen" : "handle"}`
      )
    const endpoint = entry.endpoint
    const params = entry.path.split("/").filter((segment) => segment.startsWith(":"))
    const payload = Option.getOrUndefined(endpoint.payloadSchema)
    const success = endpoint.successSchema as Schema.Schema<unknown, unknown, never>
    const fullPath = decoderOf(endpoint.pathSchema)
    const fastPath = Option.isSome(endpoint.pathSchema)
      ? fullPath && fastPathDecoder(endpoint.pathSchema.value, fullPath)
      : undefined
    routes.set(entry, {
      entry,
      id: entry.id,
      acceptsSecretKey: entry.capability.accepts.includes("SecretKey"),
      acceptsPat: entry.capability.accepts.includes("PersonalAccessToken"),
      hasProjectRef: params.includes(":projectRef"),
      hasEnv: params.includes(":env"),
      decodePath: fastPath ?? fullPath,
      fastPath: fastPath !== undefined,
      honoursRequestKey: Idempotency.honoursRequestKey(entry.id),
      decodeQuery: decoderOf(endpoint.urlParamsSchema),
      payload:
        payload === undefined
          ? undefined
          : {
              kind: HttpApiSchema.getEncoding(payload.ast).kind,
              decode: Schema.decodeUnknownEither(payload as Schema.Schema<unknown, unknown, never>)
            },
      encodeSuccess: Schema.encodeUnknownEither(success),
      successStatus: HttpApiSchema.getStatusSuccess(success),
      maxContentLength: handler.maxContentLength,
      publicTokenScopes: entry.publicTokenScopes,
      open,
      handler: handler.run
    })
  }
  return routes
}

/** A finished answer: status, JSON body and extra headers (possibly still being signed). */
export interface Answer {
  readonly status: number
  readonly body: string
  readonly headers: ResponseHeaders | undefined
  /**
   * The response headers as `writeHead` takes them (`content-type`, `content-length`), worked out once for
   * an answer given again and again (a finished run, a refusal); the server builds them otherwise.
   */
  readonly head?: ReadonlyArray<string>
}

/** The response headers of a JSON body with no extra headers, as a flat `[name, value, …]` array. */
export const jsonHead = (body: string): ReadonlyArray<string> => [
  "content-type",
  "application/json",
  "content-length",
  String(Buffer.byteLength(body))
]

/** An answer with its `head` worked out, for answers kept and given again. */
const kept = (status: number, body: string): KeptAnswer => ({
  status,
  body,
  headers: undefined,
  head: jsonHead(body)
})

/** An `{"error": …}` answer (client text in a message, such as a path value, never shows a credential). */
export const errorAnswer = (status: number, error: string): Answer => ({
  status,
  body: JSON.stringify({ error: mayHoldToken(error) ? redactTokens(error) : error }),
  headers: undefined
})

/** {@link errorAnswer} with its `head` worked out, for the answers kept in constants. */
export const keptErrorAnswer = (status: number, error: string): Answer =>
  kept(status, errorAnswer(status, error).body)

const refusalAnswers = new Map<Refusal, Answer>()
const refused = (refusal: Refusal): Answer => {
  let answer = refusalAnswers.get(refusal)
  if (answer === undefined) {
    answer = keptErrorAnswer(refusal.status, refusal.error)
    refusalAnswers.set(refusal, answer)
  }
  return answer
}

/** What the dispatcher learns about a request, for its log record. */
export interface Scoped {
  projectRef: string | undefined
  environment: string | undefined
  /** The memo whose kept answer this request was given, if it was given one. */
  kept?: Memo | undefined
}

/** A request as the dispatcher sees it (the HTTP plumbing is the server's). */
export interface Request {
  readonly route: Route
  readonly params: Readonly<Record<string, string>>
  readonly query: string
  readonly body: Buffer | undefined
  readonly identity: Identity
  readonly branch: string | undefined
  readonly now: number
  /** The declared `content-length`, `undefined` when absent (a chunked body). */
  readonly contentLength: number | undefined
  /** The emulator's own origin, for presigned URLs. */
  readonly origin: string
  /** The path parameters already decoded by the route's path decoder, when the server kept them. */
  readonly path?: Either.Either<unknown, ParseResult.ParseError> | undefined
}

const internalError = keptErrorAnswer(500, "Internal error")
const bodyTooLarge = keptErrorAnswer(413, "Request body too large")

const parseQuery = (query: string): Record<string, string | Array<string>> => {
  const out: Record<string, string | Array<string>> = {}
  if (query.length === 0) return out
  for (const [key, value] of new URLSearchParams(query)) {
    const existing = out[key]
    out[key] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return out
}

const readPayload = (kind: PayloadKind, body: Buffer | undefined): { value: unknown } | string => {
  const bytes = body ?? Buffer.alloc(0)
  switch (kind) {
    case "Uint8Array":
      return { value: bytes }
    case "Text":
      return { value: bytes.toString("utf8") }
    case "UrlParams":
      return { value: parseQuery(bytes.toString("utf8")) }
    case "Json": {
      if (bytes.length === 0) return { value: {} }
      try {
        return { value: JSON.parse(bytes.toString("utf8")) }
      } catch {
        return "Invalid JSON body"
      }
    }
  }
}

/** The 400 for a body nested so deeply that walking it overflows the stack. */
const tooDeep = "Invalid request body: nested too deeply"

/**
 * Whether a throw is the stack overflowing. `JSON.parse` reads JSON nested 100,000 levels deep; the
 * schema's walk, the formatting of its issues or a handler's `JSON.stringify` of it then overflow the
 * stack: the request's fault (a 400), not the emulator's (a 500).
 */
const isStackOverflow = (error: unknown): boolean =>
  error instanceof RangeError && /call stack/i.test(error.message)

/** A body decoded with the route's schema, or the 400's message. */
const decodeBody = (
  decode: (value: unknown) => Either.Either<unknown, ParseResult.ParseError>,
  value: unknown
): { readonly value: unknown } | string => {
  try {
    const decoded = decode(value)
    return Either.isLeft(decoded)
      ? `Invalid request body: ${formatIssues(decoded.left)}`
      : { value: decoded.right }
  } catch (error) {
    if (isStackOverflow(error)) return tooDeep
    throw error
  }
}

/**
 * Answers one request: credential kind (docs/emulator.md, auth rules), path, scope, query and body, handler, success encoding.
 * A handler exception or a value that does not encode becomes a 500 `Internal error` and is reported to
 * `onDefect` (with the route id only: never the request).
 */
export const dispatch = (
  state: State,
  request: Request,
  scoped: Scoped,
  onDefect: (route: string, error: unknown) => void
): Answer | Promise<Answer> => {
  const route = request.route
  if (route.open) return dispatchOpen(state, request, onDefect)
  const identity = request.identity
  if (identity.kind === "publicToken") {
    // a route that takes no JWT reads it as an API key, which it is not
    if (route.publicTokenScopes === undefined) return refused(refusals.invalidKey)
    return PublicTokenAuth.verify(state, identity.token, request.now).then((verified) =>
      "status" in verified ? tokenRefused(verified) : dispatchAs(state, request, scoped, onDefect, verified)
    )
  }
  const principal = authorizeKind(route, identity)
  if (isRefusal(principal)) return refused(principal)
  return dispatchAs(state, request, scoped, onDefect, principal)
}

const tokenRefused = (refusal: PublicTokenAuth.TokenRefusal): Answer => ({
  status: refusal.status,
  body: JSON.stringify(refusal.body),
  headers: undefined
})

/**
 * What the `{name}` placeholders of a route's public-token abilities stand for in this request: the path
 * parameters; on a route naming a run of the token's environment, the run's task, tags and batch; the
 * batch's task identifiers (every one) on `tasks.createBatch`; every NDJSON item's task on
 * `tasks.streamBatchItems`. `undefined` when the run the path names is not in the token's environment:
 * the handler answers 404 then, as the server looks the run up before it checks the token.
 */
const bindingsOf = (
  state: State,
  route: Route,
  environment: Environment,
  path: unknown,
  payload: unknown
): PublicTokenAuth.Bindings | undefined => {
  const bindings: Record<string, PublicTokenAuth.Binding> = {}
  if (typeof path === "object" && path !== null)
    for (const [name, value] of Object.entries(path))
      if (typeof value === "string") bindings[name] = { values: [value], every: false }
  const runId = bindings["runId"]?.values[0]
  if (runId !== undefined) {
    const run = state.runs.get(runId)
    if (run === undefined || run.environment !== environment) return undefined
    bindings["task"] = { values: [run.taskIdentifier], every: false }
    bindings["tag"] = { values: run.tags, every: false }
    if (run.batchId !== undefined) bindings["batch"] = { values: [run.batchId], every: false }
  }
  if (route.id === "tasks.createBatch") {
    const identifiers = (payload as { readonly taskIdentifiers?: ReadonlyArray<string> }).taskIdentifiers
    bindings["taskIdentifiers"] = { values: identifiers ?? [], every: true }
  }
  if (route.id === "tasks.streamBatchItems" && typeof payload === "string") {
    const tasks: Array<string> = []
    for (const line of payload.split("\n")) {
      if (line.trim().length === 0) continue
      let task: unknown
      try {
        task = (JSON.parse(line) as { readonly task?: unknown } | null)?.task
      } catch {
        task = undefined
      }
      // an item without a task is refused, as the server refuses it
      tasks.push(typeof task === "string" ? task : "")
    }
    if (tasks.length > 0) bindings["task"] = { values: tasks, every: true }
  }
  return bindings
}

/** Answers a request whose credential is accepted: path, scope, body limit, query, body, abilities, handler. */
const dispatchAs = (
  state: State,
  request: Request,
  scoped: Scoped,
  onDefect: (route: string, error: unknown) => void,
  principal: Caller
): Answer | Promise<Answer> => {
  const route = request.route
  let path: unknown
  if (route.decodePath !== undefined) {
    const decoded = request.path ?? route.decodePath(request.params)
    if (Either.isLeft(decoded)) return errorAnswer(400, `Invalid path: ${formatIssues(decoded.left)}`)
    path = decoded.right
  }
  const pathRecord = (path ?? {}) as { readonly projectRef?: unknown; readonly env?: unknown }
  // a public token acts on the environment it names (a branch's own id for a branch)
  const scope: Scope | Refusal =
    principal.kind === "PublicAccessToken"
      ? { environment: principal.environment, project: principal.environment.project }
      : resolveScope(state, route, principal, pathRecord, request.branch)
  if (isRefusal(scope)) return refused(scope)
  scoped.projectRef = scope.project.ref
  scoped.environment = scope.environment?.slug

  // The server's route builder: after auth, a body over the route's limit (or of unknown length) is 413.
  const limit = route.maxContentLength
  if (limit !== undefined && (request.contentLength === undefined || request.contentLength > limit))
    return bodyTooLarge

  let query: unknown
  if (route.decodeQuery !== undefined) {
    const decoded = route.decodeQuery(parseQuery(request.query))
    if (Either.isLeft(decoded)) return errorAnswer(400, `Invalid query: ${formatIssues(decoded.left)}`)
    query = decoded.right
  }

  let payload: unknown
  if (route.payload !== undefined) {
    const read = readPayload(route.payload.kind, request.body)
    if (typeof read === "string") return errorAnswer(400, read)
    const decoded = decodeBody(route.payload.decode, read.value)
    if (typeof decoded === "string") return errorAnswer(400, decoded)
    payload = decoded.value
  }

  if (principal.kind === "PublicAccessToken") {
    const bindings = bindingsOf(state, route, principal.environment, path, payload)
    if (
      bindings !== undefined &&
      !PublicTokenAuth.allows(principal.scopes, route.publicTokenScopes ?? [], bindings)
    )
      return tokenRefused(
        route.id === "tasks.streamBatchItems"
          ? PublicTokenAuth.tokenRefusals.forbiddenItems
          : PublicTokenAuth.tokenRefusals.forbidden
      )
  }

  const context: Context = {
    state,
    principal,
    project: scope.project,
    environment: scope.environment,
    now: request.now,
    origin: request.origin
  }
  return answer(route, context, { path, query, payload }, onDefect, scoped)
}

/**
 * Answers a request to a route that needs no credential (`schedules.timezones`): no auth, no scope; the
 * query is decoded (a bad one is the server's 400 `Invalid request parameters`), then the handler runs.
 */
const dispatchOpen = (
  state: State,
  request: Request,
  onDefect: (route: string, error: unknown) => void
): Answer | Promise<Answer> => {
  const route = request.route
  let query: unknown
  if (route.decodeQuery !== undefined) {
    const decoded = route.decodeQuery(parseQuery(request.query))
    if (Either.isLeft(decoded)) return errorAnswer(400, "Invalid request parameters")
    query = decoded.right
  }
  const context: OpenContext = { state, now: request.now, origin: request.origin }
  // handlers of open routes are made with `handleOpen`, which takes an OpenContext (checked in `compile`)
  return answer(
    route,
    context as Context,
    { path: undefined, query, payload: undefined },
    onDefect,
    undefined
  )
}

/**
 * The handler's result as an answer: its refusal, or its value encoded with the success schema; a
 * result that settles later (`later`) gives a promise of the answer.
 */
const answer = (
  route: Route,
  context: Context,
  input: Input<unknown, unknown, unknown>,
  onDefect: (route: string, error: unknown) => void,
  scoped: Scoped | undefined
): Answer | Promise<Answer> => {
  try {
    return answerOf(route, route.handler(context, input), onDefect, scoped)
  } catch (error) {
    if (isStackOverflow(error)) return errorAnswer(400, tooDeep)
    onDefect(route.id, error)
    return internalError
  }
}

const answerOf = (
  route: Route,
  result: Result<unknown>,
  onDefect: (route: string, error: unknown) => void,
  scoped: Scoped | undefined
): Answer | Promise<Answer> => {
  try {
    if (result.ok === "later")
      return result.later.then(
        (settled) => answerOf(route, settled, onDefect, undefined),
        (error: unknown) => {
          onDefect(route.id, error)
          return internalError
        }
      )
    if (!result.ok) return errorAnswer(result.status, result.error)
    if ("later" in result) {
      const status = result.status ?? route.successStatus
      return result.later.then(
        (value): Answer => {
          const encoded = route.encodeSuccess(value)
          if (Either.isRight(encoded))
            return { status, body: JSON.stringify(encoded.right), headers: undefined }
          onDefect(route.id, encoded.left)
          return internalError
        },
        (error: unknown): Answer => {
          onDefect(route.id, error)
          return internalError
        }
      )
    }
    const memo = result.memo
    if (memo !== undefined) {
      if (scoped !== undefined) scoped.kept = memo
      // The kept answer is the memo's body's: a memo emptied (a run's tags edited) or refilled misses.
      const keptAnswer = memo.answer
      if (keptAnswer !== undefined && keptAnswer.body === memo.body) return keptAnswer
      if (memo.body !== undefined) {
        const fresh = kept(route.successStatus, memo.body)
        memo.answer = fresh
        return fresh
      }
    }
    const encoded = route.encodeSuccess(memo === undefined ? result.value : result.build())
    if (Either.isLeft(encoded)) {
      onDefect(route.id, encoded.left)
      return internalError
    }
    const body = JSON.stringify(encoded.right)
    if (memo !== undefined) {
      const fresh = kept(route.successStatus, body)
      memo.body = body
      memo.answer = fresh
      return fresh
    }
    return { status: route.successStatus, body, headers: result.headers }
  } catch (error) {
    onDefect(route.id, error)
    return internalError
  }
}
