/**
 * The Promise API: the official SDK's surface (`configure`, `auth.withAuth`, `runs`, `tasks`, `envvars`,
 * `schedules`) with auth scoped by async context instead of a swapped global, and `createClient` for an
 * explicit client typed by its credential.
 *
 * Switching from `@trigger.dev/sdk` is a change of import:
 *
 * @example
 * ```ts
 * import { auth, configure, runs } from "@authctx/client/promise"
 *
 * configure({ secretKey: process.env["TRIGGER_SECRET_KEY"] })
 *
 * // concurrent scopes never see each other's credential
 * const [a, b] = await Promise.all([
 *   auth.withAuth({ accessToken: process.env["TENANT_A_KEY"] }, () => runs.list({ limit: 10 })),
 *   auth.withAuth({ accessToken: process.env["TENANT_B_KEY"] }, () => runs.list({ limit: 10 }))
 * ])
 * ```
 */
import { Auth, AuthScope, CapabilityError, type Credential } from "@authctx/core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Batches from "./Batches.js"
import * as BulkActions from "./BulkActions.js"
import * as Calls from "./Calls.js"
import * as Deployments from "./Deployments.js"
import * as Envvars from "./Envvars.js"
import * as IdempotencyKeys from "./IdempotencyKeys.js"
import * as ManagementClient from "./ManagementClient.js"
// ---- prompts ----
import * as Prompts from "./Prompts.js"
import * as PublicTokens from "./PublicTokens.js"
import * as Query from "./Query.js"
import * as Queues from "./Queues.js"
import * as Runs from "./Runs.js"
import * as Schedules from "./Schedules.js"
// ---- sessions ----
import * as Sessions from "./Sessions.js"
import * as Tasks from "./Tasks.js"
import * as WaitTokens from "./WaitTokens.js"

export {
  CapabilityError,
  InvalidAuthConfig,
  InvalidCredential,
  MissingCredential,
  NoAsyncContext,
  OutsideAuthScope
} from "@authctx/core"
export type { BulkActionNotFinished, BulkActionsPage } from "./BulkActions.js"
export type { Refused, RequestOptions } from "./Calls.js"
export type { DeploymentsPage } from "./Deployments.js"
export * from "./Errors.js"
export { CursorPage, NoSuchPage, OffsetLimitPage, type PagePromise } from "./Page.js"
// ---- prompts ----
export type { AISDKTelemetry, ResolvedPrompt, ResolveOptions, ResolvePromiseOptions } from "./Prompts.js"
export type { RunsListParams, RunsPage } from "./Runs.js"
export type { SchedulesPage } from "./Schedules.js"
// ---- sessions ----
export type { ListSessionsParams, SessionsPage, StartSessionInput } from "./Sessions.js"
export type { BatchHandle, TriggerHandle } from "./Tasks.js"
export type { ListWaitTokensParams, RetrievedWaitToken, WaitTokensPage } from "./WaitTokens.js"

type Runtime = ManagedRuntime.ManagedRuntime<ManagementClient.ManagementClient, never>

/** One runtime for the process's ambient calls and default clients: no per-call layer building. */
let sharedRuntime: Runtime | undefined
const defaultRuntime = (): Runtime => {
  sharedRuntime ??= ManagedRuntime.make(ManagementClient.layerNode())
  return sharedRuntime
}

/**
 * The Promise → Effect boundary, the only one: runs an effect that needs the client and an auth context
 * under `auth` (already resolved: the scope's or the default for an ambient call, the client's own for a
 * client), and settles like a plain async function: the value, or a rejection with the error itself (the
 * same tagged classes as the Effect API), with the auth error when there is no usable auth, or with the
 * signal's reason when the caller aborted.
 */
const settle = async <A>(
  runtime: Runtime,
  auth: Either.Either<Auth.AuthContext, unknown>,
  effect: Effect.Effect<A, unknown, unknown>,
  options: Calls.RequestOptions | undefined,
  needsCredential = true
): Promise<A> => {
  // a call that needs no credential (`schedules.timezones`) runs without one; every other call rejects
  if (Either.isLeft(auth) && needsCredential) throw auth.left
  const signal = options?.signal
  if (signal?.aborted) throw signal.reason
  // The requirement types were checked where the call was typed (a client's methods) or are checked at
  // run time (ambient calls): `Capability.authorize` refuses a kind the endpoint does not accept.
  // A call's first attempt runs without a fiber; what it hands back (retries, continuations) runs on one
  // (docs/decisions/0025-client-fast-path.md). Without a credential (an open call) it runs on a fiber.
  const direct = Either.isRight(auth)
    ? ManagementClient.runDirect(runtime, effect, auth.right, signal)
    : undefined
  const next = direct === undefined ? effect : await direct
  const exit = Exit.isExit(next)
    ? (next as Exit.Exit<A, unknown>)
    : // the signal interrupts the fiber: the transport closes the connection, retries and waits stop
      await runtime.runPromiseExit(
        (Either.isRight(auth)
          ? Effect.provideService(next, Auth.CurrentAuth, auth.right)
          : next) as Effect.Effect<A, unknown, ManagementClient.ManagementClient>,
        signal === undefined ? undefined : { signal }
      )
  if (Exit.isSuccess(exit)) return exit.value
  if (signal?.aborted && Cause.isInterruptedOnly(exit.cause)) throw signal.reason
  throw Cause.squash(exit.cause)
}

/**
 * The runner of ambient calls: the auth a call made now would use (the scope's, else the default), read
 * once per call, when it is made (a list's later pages use it too).
 */
const ambientRunner: Calls.Runner = (options, needsCredential) => {
  const auth = AuthScope.resolve()
  return (effect) => settle(defaultRuntime(), auth, effect, options, needsCredential)
}

/** The runner of a client: its own auth, on its runtime. */
const clientRunner = (runtime: Runtime, auth: Auth.AuthContext): Calls.Runner => {
  const resolved = Either.right(auth)
  return (options) => (effect) => settle(runtime, resolved, effect, options)
}

/**
 * The namespaces of the Promise API and their call objects: the ambient functions and every client's
 * methods are derived from these, by {@link Calls.methods} and {@link Calls.Methods}.
 */
const namespaces = {
  tasks: Tasks.calls,
  runs: Runs.calls,
  envvars: Envvars.calls,
  schedules: Schedules.calls,
  // ---- deployments ----
  deployments: Deployments.calls,
  // ---- batch ----
  batch: Batches.calls,
  // ---- queues ----
  queues: Queues.calls,
  waitTokens: WaitTokens.calls,
  idempotencyKeys: IdempotencyKeys.calls,
  // ---- sessions ----
  sessions: Sessions.calls,
  // ---- query ----
  query: Query.calls,
  // ---- prompts ----
  prompts: Prompts.calls
} as const

type Namespaces = typeof namespaces

/** Call objects the SDK nests inside a namespace: `runs.bulk` (bulk actions). */
const nested = {
  runs: { bulk: BulkActions.calls },
  // ---- query ----
  query: { dashboards: Query.dashboardsCalls }
} as const

type Nested = typeof nested

/** The Promise form of one call object for kind `K` (or ambient). */
type Members<O, K extends Credential.Kind | "ambient"> = [K] extends [Credential.Kind]
  ? Calls.Methods<O, K>
  : Calls.AmbientMethods<O>

/** The Promise form of every namespace's calls, as one namespace's members map to a kind. */
type Surface<K extends Credential.Kind | "ambient"> = {
  readonly [N in keyof Namespaces]: Members<Namespaces[N], K> &
    (N extends keyof Nested ? { readonly [S in keyof Nested[N]]: Members<Nested[N][S], K> } : unknown)
}

/**
 * The Promise form of every namespace's calls, run by `runner`: the one loop that builds the ambient
 * functions and every client's methods (a call a client's kind may not make is still there at run time,
 * refused before sending; its type is `Refused`).
 */
const surface = (runner: Calls.Runner): Surface<"ambient"> => {
  const out: Record<string, unknown> = {}
  for (const [name, calls] of Object.entries(namespaces)) out[name] = Calls.methods(calls, runner)
  for (const [name, inner] of Object.entries(nested)) {
    const members: Record<string, unknown> = { ...(out[name] as object) }
    for (const [sub, calls] of Object.entries(inner)) members[sub] = Calls.methods(calls, runner)
    out[name] = members
  }
  return out as Surface<"ambient">
}

// ---------------------------------------------------------------------------------------------------------
// configure and auth
// ---------------------------------------------------------------------------------------------------------

/**
 * Auth options, as the SDK's `configure` takes them (`secretKey` and `accessToken` are synonyms), and
 * `serverMode` (see {@link configure}).
 */
export type ConfigureOptions = AuthScope.ConfigureOptions

/**
 * Sets the process-wide default auth: the lowest precedence, used only where no `auth.withAuth` scope is
 * active. Environment variables fill the fields it leaves out. A PAT may be passed as `secretKey`, as in
 * the SDK: the prefix decides the kind.
 *
 * In a server, pass `serverMode: true`: an ambient call made outside any request's scope then rejects
 * with `OutsideAuthScope` (nothing is sent) instead of going out with the default credential. It stays on
 * until a `configure()` names `serverMode` again.
 *
 * @example
 * ```ts
 * import { configure } from "@authctx/client/promise"
 *
 * configure({ secretKey: process.env["TRIGGER_SECRET_KEY"], previewBranch: "feature-xyz" })
 * configure({ serverMode: true }) // a multi-tenant server: no fallback outside a request's scope
 * ```
 */
export const configure = (options: ConfigureOptions): void => AuthScope.configure(options)

/**
 * Runs `fn` with auth merged over the surrounding auth (field by field); every call inside — awaited,
 * in timers, in `Promise.all` — uses it, and concurrent scopes never see each other's. Rejects with
 * `NoAsyncContext` where the runtime has no AsyncLocalStorage (use {@link createClient} there).
 *
 * @example
 * ```ts
 * import { auth, runs } from "@authctx/client/promise"
 *
 * const projectBRuns = await auth.withAuth({ accessToken: process.env["TRIGGER_SECRET_KEY_PROJECT_B"] }, async () =>
 *   runs.list({ limit: 10 })
 * )
 * ```
 */
const withAuth = async <T>(config: ConfigureOptions, fn: () => T | Promise<T>): Promise<T> =>
  AuthScope.run(config, fn)

/**
 * Binds `fn` to the auth scope active now, in the manner of `AsyncResource.bind`: when something else
 * calls it later — an event emitter another request fires, a callback-style pool, a batcher, a socket
 * another request opened, the request body's stream events — its ambient calls use this scope's
 * credential, not the caller's. Bound outside any scope, `fn` runs outside any scope. In a request handler,
 * `req.auth.bind(fn)` binds to that request's auth wherever it is called.
 *
 * @example
 * ```ts
 * import { bind, envvars } from "@authctx/client/promise"
 * import { EventEmitter } from "node:events"
 *
 * const ready = new EventEmitter() // shared by every request
 * export const whenReady = (projectRef: string) =>
 *   new Promise((resolve, reject) => {
 *     ready.once("go", bind(() => envvars.list(projectRef, "prod").then(resolve, reject)))
 *   })
 * ```
 */
const bindToScope: <Args extends Array<unknown>, R, This = unknown>(
  fn: (this: This, ...args: Args) => R
) => (this: This, ...args: Args) => R = AuthScope.bind

// Exported under another name: `bind` inside this module is the client binder.
export { bindToScope as bind }

/** The SDK's `auth` namespace. */
/**
 * Minting public access tokens with a runner's auth (docs/public-tokens.md): the SDK's three functions,
 * answering the parsed token (its type carries its scopes; `Redacted.value(token.token)` is the JWT to
 * hand to a browser).
 */
export interface Minting {
  /** `auth.createPublicToken`: a token with `scopes` (an array or the SDK's object form). */
  createPublicToken<const S extends ReadonlyArray<string> | PublicTokens.ScopeObject = readonly []>(
    options?: PublicTokens.CreatePublicTokenOptions<S>
  ): Promise<Credential.PublicAccessToken<PublicTokens.ScopesOf<S>>>
  /** `auth.createTriggerPublicToken`: triggers the task(s), one-time use unless `multipleUse`. */
  createTriggerPublicToken<const T extends string | ReadonlyArray<string>>(
    task: T,
    options?: PublicTokens.CreateTriggerPublicTokenOptions
  ): Promise<Credential.PublicAccessToken<PublicTokens.TaskScopes<"trigger", T>>>
  /** `auth.createBatchTriggerPublicToken`: batch-triggers the task(s), one-time use unless `multipleUse`. */
  createBatchTriggerPublicToken<const T extends string | ReadonlyArray<string>>(
    task: T,
    options?: PublicTokens.CreateTriggerPublicTokenOptions
  ): Promise<Credential.PublicAccessToken<PublicTokens.TaskScopes<"batchTrigger", T>>>
}

const minting = (runner: Calls.Runner): Minting => {
  const run = <A>(effect: Effect.Effect<A, unknown, unknown>): Promise<A> => runner(undefined, true)(effect)
  return {
    createPublicToken: (options) => run(PublicTokens.createPublicToken(options)),
    createTriggerPublicToken: (task, options) => run(PublicTokens.createTriggerPublicToken(task, options)),
    createBatchTriggerPublicToken: (task, options) =>
      run(PublicTokens.createBatchTriggerPublicToken(task, options))
  }
}

export const auth = {
  configure,
  withAuth,
  ...minting(ambientRunner),
  /** The auth a call made here would use (credential kind, base URL, branch), or `undefined`. */
  current: (): Auth.AuthContext | undefined => Either.getOrUndefined(AuthScope.resolve())
}

// ---------------------------------------------------------------------------------------------------------
// Ambient calls (SDK surface), derived from the namespaces' call objects
// ---------------------------------------------------------------------------------------------------------

const ambient = surface(ambientRunner)

/**
 * Runs, with the SDK's call signatures. `runs.list(params)` lists the SecretKey's environment;
 * `runs.list(projectRef, params)` (or `params.projectRef`) a project, for a PAT. A list answers a page
 * like the SDK's: `await` it for the first page (`data`, `getNextPage()`, …), or `for await` over every run
 * of every page.
 *
 * @example
 * ```ts
 * import { runs } from "@authctx/client/promise"
 *
 * const page = await runs.list({ limit: 10, status: ["COMPLETED"] })
 * for await (const run of runs.list({ queue: { type: "task", name: "send-email" } })) console.log(run.id)
 * ```
 */
export const runs: Surface<"ambient">["runs"] = ambient.runs

/**
 * Tasks, with the SDK's call signatures.
 *
 * @example
 * ```ts
 * import { tasks } from "@authctx/client/promise"
 *
 * const handle = await tasks.trigger("send-email", { to: "ada@example.com" })
 * ```
 */
export const tasks: Surface<"ambient">["tasks"] = ambient.tasks

/**
 * Environment variables, with the SDK's call signatures (and an `update` that works).
 *
 * @example
 * ```ts
 * import { envvars } from "@authctx/client/promise"
 *
 * await envvars.upload("proj_1234", "dev", { variables: { MY_ENV_VAR: "MY_ENV_VAR_VALUE" }, override: true })
 * ```
 */
export const envvars: Surface<"ambient">["envvars"] = ambient.envvars

/**
 * Schedules, with the SDK's call signatures.
 *
 * @example
 * ```ts
 * import { schedules } from "@authctx/client/promise"
 *
 * const created = await schedules.create({ task: "daily", cron: "0 9 * * *", deduplicationKey: "daily" })
 * ```
 */
export const schedules: Surface<"ambient">["schedules"] = ambient.schedules

// ---- deployments ----

/**
 * Deployments of the environment, with the SDK's call signatures (SecretKey only).
 *
 * @example
 * ```ts
 * import { deployments } from "@authctx/client/promise"
 *
 * const current = await deployments.retrieveCurrent()
 * ```
 */
export const deployments: Surface<"ambient">["deployments"] = ambient.deployments
// ---- batch ----

/**
 * Batches, with the SDK's `batch.retrieve` signature (triggering a batch is `tasks.batchTrigger`).
 *
 * @example
 * ```ts
 * import { batch } from "@authctx/client/promise"
 *
 * const status = await batch.retrieve("batch_1234")
 * ```
 */
export const batch: Surface<"ambient">["batch"] = ambient.batch

/**
 * Queues, with the SDK's call signatures: a queue by id (`"queue_…"`) or by `{ type, name }`.
 *
 * @example
 * ```ts
 * import { queues } from "@authctx/client/promise"
 *
 * const queue = await queues.pause({ type: "task", name: "send-email" })
 * ```
 */
export const queues: Surface<"ambient">["queues"] = ambient.queues

/**
 * Idempotency keys with the SDK's `idempotencyKeys.create` signature (a promise of the hashed key; outside a
 * task every scope hashes the same) and `idempotencyKeys.reset(taskIdentifier, key, options?)`, which makes
 * the task's runs let go of the key (SecretKey only).
 *
 * @example
 * ```ts
 * import { idempotencyKeys, tasks } from "@authctx/client/promise"
 *
 * const idempotencyKey = await idempotencyKeys.create("order-1234")
 * await tasks.trigger("ship-order", { orderId: "1234" }, { idempotencyKey })
 * await idempotencyKeys.reset("ship-order", idempotencyKey) // the next trigger creates a new run
 * ```
 */
export const idempotencyKeys = {
  create: async (
    key: IdempotencyKeys.IdempotencyKeyInput,
    options?: { readonly scope?: IdempotencyKeys.IdempotencyKeyScope }
  ): Promise<string> => IdempotencyKeys.create(key, options),
  ...ambient.idempotencyKeys
}

/**
 * Wait tokens: the SDK's `wait.createToken`, `wait.listTokens`, `wait.retrieveToken` and
 * `wait.completeToken` as `waitTokens.create`, `.list`, `.retrieve` and `.complete` (the SDK's `wait` also
 * holds task-side calls, which a backend cannot make). `list` answers a page like `runs.list`.
 *
 * @example
 * ```ts
 * import { waitTokens } from "@authctx/client/promise"
 *
 * const token = await waitTokens.create({ timeout: "1h", idempotencyKey: "approval-1234" })
 * await waitTokens.complete(token.id, { approved: true })
 * ```
 */
export const waitTokens: Surface<"ambient">["waitTokens"] = ambient.waitTokens

// ---- sessions ----

/**
 * Sessions, with the SDK's call signatures: `sessions.start`, `.retrieve`, `.update`, `.close` and `.list`
 * (a page like `runs.list`). The SDK's `sessions.open` (realtime channels) is not here.
 *
 * @example
 * ```ts
 * import { sessions } from "@authctx/client/promise"
 *
 * const session = await sessions.start({
 *   type: "chat.agent",
 *   taskIdentifier: "support-agent",
 *   externalId: "chat-1234",
 *   triggerConfig: { basePayload: { chatId: "chat-1234" } }
 * })
 * await sessions.close(session.id, { reason: "resolved" })
 * ```
 */
export const sessions: Surface<"ambient">["sessions"] = ambient.sessions

// ---- query ----
/**
 * Query, with the SDK's signatures: `query.execute(query, options?)` (JSON rows, or a CSV string with
 * `format: "csv"`) and `query.dashboards.list()`.
 *
 * @example
 * ```ts
 * import { query } from "@authctx/client/promise"
 *
 * const { results } = await query.execute<{ status: string; runs: number }>(
 *   "SELECT status, count() AS runs FROM runs GROUP BY status"
 * )
 * ```
 */
export const query: Surface<"ambient">["query"] = ambient.query

// ---- prompts ----

/**
 * Prompts, with the SDK's call signatures (SecretKey only): resolve a prompt's text, list prompts and
 * versions, promote a deployed version, and create, edit, remove or reactivate an override.
 *
 * @example
 * ```ts
 * import { prompts } from "@authctx/client/promise"
 *
 * const prompt = await prompts.resolve("greeting", { name: "Ada" })
 * console.log(prompt.text, prompt.model)
 * ```
 */
export const prompts: Surface<"ambient">["prompts"] = ambient.prompts

// ---------------------------------------------------------------------------------------------------------
// createClient: an explicit client, typed by its credential
// ---------------------------------------------------------------------------------------------------------

/** The `tasks` members of a client of kind `K` (see {@link Client}). */
export type TasksClient<K extends Credential.Kind> = Surface<K>["tasks"]
/** The `runs` members of a client of kind `K` (`list` by environment or by project). */
export type RunsClient<K extends Credential.Kind> = Surface<K>["runs"]
/** The `envvars` members of a client of kind `K`. */
export type EnvvarsClient<K extends Credential.Kind> = Surface<K>["envvars"]
/** The `schedules` members of a client of kind `K`. */
export type SchedulesClient<K extends Credential.Kind> = Surface<K>["schedules"]
/** The `queues` members of a client of kind `K`. */
export type QueuesClient<K extends Credential.Kind> = Surface<K>["queues"]

/** The `waitTokens` members of a client of kind `K`. */
export type WaitTokensClient<K extends Credential.Kind> = Surface<K>["waitTokens"]

// ---- sessions ----
/** The `sessions` members of a client of kind `K`. */
export type SessionsClient<K extends Credential.Kind> = Surface<K>["sessions"]

// ---- prompts ----
/** The `prompts` members of a client of kind `K`. */
export type PromptsClient<K extends Credential.Kind> = Surface<K>["prompts"]

/** The kind of client `createClient(config)` gives: the credential's kind, or unknown (both) when not literal. */
export type ClientKind<C> = [Auth.ScopeKind<C>] extends [never] ? Credential.KeyKind : Auth.ScopeKind<C>

/** The kind of `client.withAuth(config)`: the new credential's kind, else the client's own. */
type OverKind<C, K extends Credential.Kind> = [Auth.KindOfConfig<C>] extends [Auth.Inherit]
  ? K
  : ClientKind<C>

/** Narrowing methods, on a client whose kind is not known statically. */
export interface Narrowing {
  /** This client as a SecretKey client; throws `CapabilityError` when its credential is a PAT. */
  requireSecretKey(): Client<"SecretKey">
  /** This client as a PAT client; throws `CapabilityError` when its credential is a SecretKey. */
  requirePersonalAccessToken(): Client<"PersonalAccessToken">
}

/**
 * A client bound to one credential. Its namespaces have every call: a call its kind may make has its SDK
 * signature, one it may not is a `Refused<endpoint, kind given, kind needed, what to do>`, so the compiler
 * says why (`Type 'Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", …>' has no call
 * signatures`). A `"tr_pat_…"` literal gives a PAT client; a plain `string` gives the calls both kinds
 * accept plus {@link Narrowing}.
 */
export type Client<K extends Credential.Kind> = Surface<K> & {
  /** The credential's kind. */
  readonly kind: K
  /** The resolved auth (credential, base URL, preview branch); the secret stays `Redacted`. */
  readonly auth: Auth.AuthContext<K>
  /** A new client with `config` merged over this one's auth, field by field. */
  withAuth<const C extends Auth.AuthConfig>(config: C): Client<OverKind<C, K>>
  /**
   * Runs an Effect program under this client's auth. It compiles only when every endpoint it calls accepts
   * this client's kind.
   */
  run<A, E, R>(effect: Calls.Runnable<A, E, R, K>, requestOptions?: Calls.RequestOptions): Promise<A>
} & ([K] extends ["SecretKey"] ? Minting : [K] extends ["PersonalAccessToken"] ? unknown : Narrowing)

const bind = <K extends Credential.Kind>(context: Auth.AuthContext, runtime: Runtime): Client<K> => {
  const runner = clientRunner(runtime, context)
  const narrow = <N extends Credential.Kind>(kind: N, name: string): Client<N> => {
    if (context.credential._tag !== kind) {
      throw new CapabilityError({ endpoint: name, accepts: [kind], actual: context.credential._tag })
    }
    return bind<N>(context, runtime)
  }
  const client = {
    ...surface(runner),
    kind: context.credential._tag,
    auth: context,
    withAuth: (config: Auth.AuthConfig) =>
      bind(
        Either.getOrThrowWith(Auth.make(config, context), (error) => error),
        runtime
      ),
    run: <A>(effect: Effect.Effect<A, unknown, unknown>, requestOptions?: Calls.RequestOptions) =>
      runner(requestOptions)(effect),
    ...minting(runner),
    requireSecretKey: () => narrow("SecretKey", "requireSecretKey"),
    requirePersonalAccessToken: () => narrow("PersonalAccessToken", "requirePersonalAccessToken")
  }
  // One object serves every kind at run time (a call the kind does not accept is refused before sending);
  // the type makes such a call a `Refused` member.
  return client as unknown as Client<K>
}

/**
 * A client bound to an auth context already built (for adapters and frameworks that resolve the context
 * themselves), sharing the process's runtime.
 *
 * @example
 * ```ts
 * import { clientFor } from "@authctx/client/promise"
 * import { Auth, Credential } from "@authctx/core"
 *
 * const client = clientFor<"SecretKey">({
 *   credential: Credential.unsafeParse("tr_dev_abcdefghijklmnopqrstuvwx"),
 *   baseURL: Auth.defaultBaseURL,
 *   previewBranch: undefined,
 *   devBranch: undefined
 * })
 * ```
 */
export const clientFor = <K extends Credential.Kind>(context: Auth.AuthContext<K>): Client<K> =>
  bind<K>(Auth.widen(context), defaultRuntime())

/**
 * An explicit client bound to one credential (merged over `configure()` and the environment variables,
 * never over an `auth.withAuth` scope), typed by it. Works without AsyncLocalStorage (edge runtimes,
 * browsers). Throws the typed auth error at once when the configuration cannot be used.
 *
 * @example
 * ```ts
 * import { createClient } from "@authctx/client/promise"
 *
 * const pat = createClient({ accessToken: "tr_pat_abcdefghijklmnopqrstuvwx0123456789" })
 * await pat.runs.list("proj_1234", { limit: 10 }) // pat.runs.retrieve is Refused<"runs.retrieve", …>: SecretKey only
 *
 * const fromEnv = createClient({ accessToken: process.env["TRIGGER_SECRET_KEY"] })
 * const key = fromEnv.requireSecretKey() // throws CapabilityError for a PAT
 * await key.runs.retrieve("run_1234")
 * ```
 */
export const createClient = <const C extends Auth.AuthConfig>(
  config: C,
  options?: ManagementClient.ClientOptions
): Client<ClientKind<C>> => {
  const context = Either.getOrThrowWith(AuthScope.resolveWith(config), (error) => error)
  const runtime =
    options === undefined ? defaultRuntime() : ManagedRuntime.make(ManagementClient.layerNode(options))
  return bind<ClientKind<C>>(context, runtime)
}
