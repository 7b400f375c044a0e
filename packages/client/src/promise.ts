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
import type { ManagementApi, Schemas } from "@authctx/api"
import { Auth, AuthScope, type Capability, CapabilityError, type Credential } from "@authctx/core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Envvars from "./Envvars.js"
import { InvalidRequestError } from "./Errors.js"
import * as IdempotencyKeys from "./IdempotencyKeys.js"
import * as ManagementClient from "./ManagementClient.js"
import { CursorPage, type CursorParams, OffsetLimitPage, type PagePromise, pagePromise } from "./Page.js"
import * as Runs from "./Runs.js"
import * as Schedules from "./Schedules.js"
import * as Tasks from "./Tasks.js"

export {
  CapabilityError,
  InvalidAuthConfig,
  InvalidCredential,
  MissingCredential,
  NoAsyncContext,
  OutsideAuthScope
} from "@authctx/core"
export * as AuthHandle from "./AuthHandle.js"
export * from "./Errors.js"
export { CursorPage, NoSuchPage, OffsetLimitPage, type PagePromise } from "./Page.js"

type AnyEffect<A> = Effect.Effect<A, unknown, unknown>

/** One runtime for the process's ambient calls and default clients: no per-call layer building. */
let sharedRuntime: ManagedRuntime.ManagedRuntime<ManagementClient.ManagementClient, never> | undefined
const defaultRuntime = () => {
  sharedRuntime ??= ManagedRuntime.make(ManagementClient.layerNode())
  return sharedRuntime
}

type Runtime = ManagedRuntime.ManagedRuntime<ManagementClient.ManagementClient, never>

/**
 * Options of one Promise API call, the last argument of every call (as the SDK's `requestOptions`).
 *
 * @example
 * ```ts
 * import { runs } from "@authctx/client/promise"
 *
 * const run = await runs.retrieve("run_1234", { signal: AbortSignal.timeout(5_000) })
 * ```
 */
export interface RequestOptions {
  /**
   * Aborts the call: the request in flight is stopped (its connection closed), no retry follows, and the
   * promise rejects with `signal.reason` (a `DOMException` named `AbortError`, or `TimeoutError` for
   * `AbortSignal.timeout`, unless you gave another reason). An already aborted signal sends nothing.
   */
  readonly signal?: AbortSignal | undefined
}

/**
 * Runs an effect that needs the client and an auth context, and settles like a plain async function: the
 * value, or a rejection with the error itself (the same tagged classes as the Effect API), or with the
 * signal's reason when the caller aborted.
 */
const settle = async <A>(
  runtime: Runtime,
  effect: AnyEffect<A>,
  auth: Auth.AuthContext,
  options?: RequestOptions
): Promise<A> => {
  const signal = options?.signal
  if (signal?.aborted) throw signal.reason
  // The requirement types were checked where the call was typed (a bound client's methods) or are checked
  // at run time (ambient calls): `Capability.authorize` refuses a kind the endpoint does not accept.
  // A call's first attempt runs without a fiber; what it hands back (retries, continuations) runs on one
  // (docs/decisions/0025-client-fast-path.md).
  const direct = ManagementClient.runDirect(runtime, effect, auth, signal)
  const next = direct === undefined ? effect : await direct
  const exit = Exit.isExit(next)
    ? (next as Exit.Exit<A, unknown>)
    : // the signal interrupts the fiber: the transport closes the connection, retries and waits stop
      await runtime.runPromiseExit(
        Effect.provideService(next, Auth.CurrentAuth, auth) as Effect.Effect<
          A,
          unknown,
          ManagementClient.ManagementClient
        >,
        signal === undefined ? undefined : { signal }
      )
  if (Exit.isSuccess(exit)) return exit.value
  if (signal?.aborted && Cause.isInterruptedOnly(exit.cause)) throw signal.reason
  throw Cause.squash(exit.cause)
}

/** Runs an ambient call under the auth a call made now would use: the scope's, else the default. */
const ambient = async <A>(effect: AnyEffect<A>, options?: RequestOptions): Promise<A> => {
  const auth = AuthScope.resolve()
  if (Either.isLeft(auth)) throw auth.left
  return settle(defaultRuntime(), effect, auth.right, options)
}

/** Runs effects under one auth context (a list call's pages all use the auth of its first call). */
type Runner = <A>(effect: AnyEffect<A>) => Promise<A>

/**
 * A runner bound to the auth a call made now would use (and to the call's request options, for every page
 * it fetches); a resolution failure rejects every run.
 */
const ambientRunner = (options?: RequestOptions): Runner => {
  const auth = AuthScope.resolve()
  return (effect) =>
    Either.isLeft(auth) ? Promise.reject(auth.left) : settle(defaultRuntime(), effect, auth.right, options)
}

// ---------------------------------------------------------------------------------------------------------
// Results shaped like the SDK's: handles with a plain-string publicAccessToken, iterable pages
// ---------------------------------------------------------------------------------------------------------

/**
 * A triggered run, as the SDK returns it: its id, `isCached`, and `publicAccessToken`, a JWT that reads
 * this run, as a plain string to hand to a frontend (`undefined` when the server sent none). It is a
 * credential: do not log it (docs/decisions/0009-public-access-token-in-results.md).
 */
export interface TriggerHandle extends Schemas.TriggerTaskResponse {
  readonly publicAccessToken: string | undefined
}

/** A triggered batch, with `publicAccessToken` (a JWT that reads the batch) as a plain string. */
export interface BatchHandle extends Omit<Tasks.BatchResult, "publicAccessToken"> {
  readonly publicAccessToken: string | undefined
}

const reveal = (token: Redacted.Redacted<string> | undefined): string | undefined =>
  token === undefined ? undefined : Redacted.value(token)

const triggerHandle = (result: Tasks.TriggerResult): TriggerHandle => ({
  ...result,
  publicAccessToken: reveal(result.publicAccessToken)
})

const batchHandle = (result: Tasks.BatchResult): BatchHandle => ({
  ...result,
  publicAccessToken: reveal(result.publicAccessToken)
})

/** A page of runs that is also a promise of it: `await` it, or `for await` over every run. */
export type RunsPage = PagePromise<CursorPage<Schemas.ListRunResponseItem>, Schemas.ListRunResponseItem>

/** A page of schedules that is also a promise of it: `await` it, or `for await` over every schedule. */
export type SchedulesPage = PagePromise<OffsetLimitPage<Schemas.ScheduleObject>, Schemas.ScheduleObject>

const withCursor = <P extends RunsListParams>(params: P | undefined, cursor: CursorParams | undefined) =>
  cursor === undefined ? params : { ...params, after: cursor.after, before: cursor.before }

/** `runs.list` as pages: the first with the caller's parameters, the others at their cursors. */
const runsPages = (run: Runner, first?: string | RunsListParams, second?: RunsListParams): RunsPage => {
  const fetch = (cursor: CursorParams | undefined): RunsPage =>
    pagePromise(
      run(
        typeof first === "string"
          ? listRuns(first, withCursor(second, cursor))
          : listRuns(withCursor(first, cursor), second)
      ).then((page) => new CursorPage("runs.list", page.data, page.pagination, fetch))
    )
  return fetch(undefined)
}

/** `schedules.list` as pages: the first with the caller's parameters, the others by page number. */
const schedulesPages = (run: Runner, params?: Schedules.ListSchedulesParams): SchedulesPage => {
  const fetch = (page: number | undefined): SchedulesPage =>
    pagePromise(
      run(Schedules.list(page === undefined ? params : { ...params, page })).then(
        (result) =>
          new OffsetLimitPage("schedules.list", result.data, result.pagination, (next) => fetch(next.page))
      )
    )
  return fetch(undefined)
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
export const auth = {
  configure,
  withAuth,
  /** The auth a call made here would use (credential kind, base URL, branch), or `undefined`. */
  current: (): Auth.AuthContext | undefined => Either.getOrUndefined(AuthScope.resolve())
}

// ---------------------------------------------------------------------------------------------------------
// Ambient calls (SDK surface)
// ---------------------------------------------------------------------------------------------------------

/** `runs.list` parameters; `projectRef` in them selects the project route (the SDK ignores it). */
export interface RunsListParams extends Runs.ListProjectRunsParams {
  readonly projectRef?: string | undefined
}

/** The request options of `runs.list(params?, options?)` or `runs.list(projectRef, params?, options?)`. */
const listOptions = (
  first: string | RunsListParams | undefined,
  second: RunsListParams | RequestOptions | undefined,
  third: RequestOptions | undefined
): RequestOptions | undefined => (typeof first === "string" ? third : (second as RequestOptions | undefined))

const listRuns = (
  first?: string | RunsListParams,
  second?: RunsListParams
): AnyEffect<Schemas.ListRunResponse> => {
  const params = typeof first === "string" ? second : first
  const positional = typeof first === "string" ? first : undefined
  const named = params?.projectRef
  if (positional !== undefined && named !== undefined && positional !== named) {
    return Effect.fail(
      new InvalidRequestError({
        endpoint: "runs.list (project)",
        issue: `projectRef is given twice with different values ("${positional}" and "${named}"); pass it once`
      })
    )
  }
  const projectRef = positional ?? named
  const { projectRef: _projectRef, env, ...rest } = params ?? {}
  if (projectRef !== undefined) return Runs.list(projectRef, { ...rest, env })
  if (env !== undefined) {
    return Effect.fail(
      new InvalidRequestError({
        endpoint: "runs.list (environment)",
        issue:
          "the env filter selects environments of a project: pass projectRef too (with a personal access token)"
      })
    )
  }
  return Runs.list(rest)
}

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
export const runs = {
  list: (
    first?: string | RunsListParams,
    second?: RunsListParams | RequestOptions,
    third?: RequestOptions
  ): RunsPage =>
    runsPages(
      ambientRunner(listOptions(first, second, third)),
      first,
      typeof first === "string" ? (second as RunsListParams | undefined) : undefined
    ),
  retrieve: (runId: string, requestOptions?: RequestOptions): Promise<Schemas.RetrieveRunResponse> =>
    ambient(Runs.retrieve(runId), requestOptions),
  cancel: (runId: string, requestOptions?: RequestOptions): Promise<Schemas.CanceledRunResponse> =>
    ambient(Runs.cancel(runId), requestOptions),
  replay: (
    runId: string,
    overrides?: Schemas.ReplayRunRequestBody,
    requestOptions?: RequestOptions
  ): Promise<Schemas.ReplayRunResponse> => ambient(Runs.replay(runId, overrides), requestOptions)
}

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
export const tasks = {
  trigger: (
    taskId: string,
    payload: unknown,
    options?: Tasks.TriggerOptions,
    requestOptions?: RequestOptions
  ): Promise<TriggerHandle> =>
    ambient(Effect.map(Tasks.trigger(taskId, payload, options), triggerHandle), requestOptions),
  batchTrigger: (
    taskId: string,
    items: ReadonlyArray<Tasks.BatchItem>,
    options?: Tasks.BatchOptions,
    requestOptions?: RequestOptions
  ): Promise<BatchHandle> =>
    ambient(Effect.map(Tasks.batchTrigger(taskId, items, options), batchHandle), requestOptions)
}

/**
 * Idempotency keys with the SDK's `idempotencyKeys.create` signature (a promise of the hashed key); outside a
 * task every scope hashes the same.
 *
 * @example
 * ```ts
 * import { idempotencyKeys, tasks } from "@authctx/client/promise"
 *
 * const idempotencyKey = await idempotencyKeys.create("order-1234")
 * await tasks.trigger("ship-order", { orderId: "1234" }, { idempotencyKey })
 * ```
 */
export const idempotencyKeys = {
  create: async (
    key: IdempotencyKeys.IdempotencyKeyInput,
    options?: { readonly scope?: IdempotencyKeys.IdempotencyKeyScope }
  ): Promise<string> => IdempotencyKeys.create(key, options)
}

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
export const envvars = {
  list: (
    projectRef: string,
    env: Envvars.EnvironmentSlug,
    requestOptions?: RequestOptions
  ): Promise<Schemas.ListEnvironmentVariablesResponse> =>
    ambient(Envvars.list(projectRef, env), requestOptions),
  retrieve: (
    projectRef: string,
    env: Envvars.EnvironmentSlug,
    name: string,
    requestOptions?: RequestOptions
  ): Promise<Schemas.EnvironmentVariableWithSecret> =>
    ambient(Envvars.retrieve(projectRef, env, name), requestOptions),
  upload: (
    projectRef: string,
    env: Envvars.EnvironmentSlug,
    body: Schemas.ImportEnvironmentVariablesRequestBody,
    requestOptions?: RequestOptions
  ): Promise<Schemas.EnvironmentVariableResponseBody> =>
    ambient(Envvars.upload(projectRef, env, body), requestOptions),
  create: (
    projectRef: string,
    env: Envvars.EnvironmentSlug,
    body: Schemas.CreateEnvironmentVariableRequestBody,
    requestOptions?: RequestOptions
  ): Promise<Schemas.EnvironmentVariableResponseBody> =>
    ambient(Envvars.create(projectRef, env, body), requestOptions),
  update: (
    projectRef: string,
    env: Envvars.EnvironmentSlug,
    name: string,
    body: Schemas.UpdateEnvironmentVariableRequestBody,
    requestOptions?: RequestOptions
  ): Promise<Schemas.EnvironmentVariableResponseBody> =>
    ambient(Envvars.update(projectRef, env, name, body), requestOptions),
  del: (
    projectRef: string,
    env: Envvars.EnvironmentSlug,
    name: string,
    requestOptions?: RequestOptions
  ): Promise<Schemas.EnvironmentVariableResponseBody> =>
    ambient(Envvars.del(projectRef, env, name), requestOptions)
}

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
export const schedules = {
  list: (params?: Schedules.ListSchedulesParams, requestOptions?: RequestOptions): SchedulesPage =>
    schedulesPages(ambientRunner(requestOptions), params),
  create: (
    options: Schemas.CreateScheduleOptions,
    requestOptions?: RequestOptions
  ): Promise<Schemas.ScheduleObject> => ambient(Schedules.create(options), requestOptions),
  retrieve: (scheduleId: string, requestOptions?: RequestOptions): Promise<Schemas.ScheduleObject> =>
    ambient(Schedules.retrieve(scheduleId), requestOptions),
  update: (
    scheduleId: string,
    options: Schemas.UpdateScheduleOptions,
    requestOptions?: RequestOptions
  ): Promise<Schemas.ScheduleObject> => ambient(Schedules.update(scheduleId, options), requestOptions),
  activate: (scheduleId: string, requestOptions?: RequestOptions): Promise<Schemas.ScheduleObject> =>
    ambient(Schedules.activate(scheduleId), requestOptions),
  deactivate: (scheduleId: string, requestOptions?: RequestOptions): Promise<Schemas.ScheduleObject> =>
    ambient(Schedules.deactivate(scheduleId), requestOptions),
  del: (scheduleId: string, requestOptions?: RequestOptions): Promise<Schemas.DeletedScheduleObject> =>
    ambient(Schedules.del(scheduleId), requestOptions)
}

// ---------------------------------------------------------------------------------------------------------
// createClient: an explicit client, typed by its credential
// ---------------------------------------------------------------------------------------------------------

/** `T` when a credential of kind `K` may call `Route`, else nothing: availability comes from the catalog. */
type IfAccepted<Route extends ManagementClient.AnyRoute, K extends Credential.Kind, T> = [K] extends [
  Route["capability"]["accepts"][number]
]
  ? T
  : Record<never, never>

type Api = typeof ManagementApi

/** The `tasks` calls a credential of kind `K` may make. */
export type TasksClient<K extends Credential.Kind> = IfAccepted<
  Api["tasksTrigger"],
  K,
  {
    trigger(
      taskId: string,
      payload: unknown,
      options?: Tasks.TriggerOptions,
      requestOptions?: RequestOptions
    ): Promise<TriggerHandle>
  }
> &
  IfAccepted<
    Api["tasksCreateBatch"],
    K,
    {
      batchTrigger(
        taskId: string,
        items: ReadonlyArray<Tasks.BatchItem>,
        options?: Tasks.BatchOptions,
        requestOptions?: RequestOptions
      ): Promise<BatchHandle>
    }
  >

/** The `runs` calls a credential of kind `K` may make (`list` by environment or by project). */
export type RunsClient<K extends Credential.Kind> = IfAccepted<
  Api["runsList"],
  K,
  { list(params?: Runs.ListRunsParams, requestOptions?: RequestOptions): RunsPage }
> &
  IfAccepted<
    Api["runsListProject"],
    K,
    {
      list(projectRef: string, params?: Runs.ListProjectRunsParams, requestOptions?: RequestOptions): RunsPage
    }
  > &
  IfAccepted<Api["runsRetrieve"], K, { retrieve: (typeof runs)["retrieve"] }> &
  IfAccepted<Api["runsCancel"], K, { cancel: (typeof runs)["cancel"] }> &
  IfAccepted<Api["runsReplay"], K, { replay: (typeof runs)["replay"] }>

/** The `envvars` calls a credential of kind `K` may make. */
export type EnvvarsClient<K extends Credential.Kind> = IfAccepted<
  Api["envvarsList"],
  K,
  { list: (typeof envvars)["list"] }
> &
  IfAccepted<Api["envvarsRetrieve"], K, { retrieve: (typeof envvars)["retrieve"] }> &
  IfAccepted<Api["envvarsUpload"], K, { upload: (typeof envvars)["upload"] }> &
  IfAccepted<Api["envvarsCreate"], K, { create: (typeof envvars)["create"] }> &
  IfAccepted<Api["envvarsUpdate"], K, { update: (typeof envvars)["update"] }> &
  IfAccepted<Api["envvarsDel"], K, { del: (typeof envvars)["del"] }>

/** The `schedules` calls a credential of kind `K` may make. */
export type SchedulesClient<K extends Credential.Kind> = IfAccepted<
  Api["schedulesList"],
  K,
  { list: (typeof schedules)["list"] }
> &
  IfAccepted<Api["schedulesCreate"], K, { create: (typeof schedules)["create"] }> &
  IfAccepted<Api["schedulesRetrieve"], K, { retrieve: (typeof schedules)["retrieve"] }> &
  IfAccepted<Api["schedulesUpdate"], K, { update: (typeof schedules)["update"] }> &
  IfAccepted<Api["schedulesActivate"], K, { activate: (typeof schedules)["activate"] }> &
  IfAccepted<Api["schedulesDeactivate"], K, { deactivate: (typeof schedules)["deactivate"] }> &
  IfAccepted<Api["schedulesDel"], K, { del: (typeof schedules)["del"] }>

/** The kind of client `createClient(config)` gives: the credential's kind, or unknown (both) when not literal. */
export type ClientKind<C> = [Auth.ScopeKind<C>] extends [never] ? Credential.Kind : Auth.ScopeKind<C>

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
 * A client bound to one credential, with exactly the calls its kind may make. A `"tr_pat_…"` literal gives
 * a client without SecretKey-only calls; a plain `string` gives the calls both kinds accept plus
 * {@link Narrowing}.
 */
export type Client<K extends Credential.Kind> = {
  /** The credential's kind. */
  readonly kind: K
  /** The resolved auth (credential, base URL, preview branch); the secret stays `Redacted`. */
  readonly auth: Auth.AuthContext<K>
  readonly tasks: TasksClient<K>
  readonly runs: RunsClient<K>
  readonly envvars: EnvvarsClient<K>
  readonly schedules: SchedulesClient<K>
  /** A new client with `config` merged over this one's auth, field by field. */
  withAuth<const C extends Auth.AuthConfig>(config: C): Client<OverKind<C, K>>
  /**
   * Runs an Effect program under this client's auth. It compiles only when every endpoint it calls accepts
   * this client's kind.
   */
  run<A, E, R extends ManagementClient.ManagementClient | Auth.CurrentAuth | Capability.Satisfies<K>>(
    effect: Effect.Effect<A, E, R>,
    requestOptions?: RequestOptions
  ): Promise<A>
} & ([K] extends ["SecretKey"] ? unknown : [K] extends ["PersonalAccessToken"] ? unknown : Narrowing)

const bind = <K extends Credential.Kind>(context: Auth.AuthContext, runtime: Runtime): Client<K> => {
  const on = <A>(effect: AnyEffect<A>, options?: RequestOptions) => settle(runtime, effect, context, options)
  const narrow = <N extends Credential.Kind>(kind: N, name: string): Client<N> => {
    if (context.credential._tag !== kind) {
      throw new CapabilityError({ endpoint: name, accepts: [kind], actual: context.credential._tag })
    }
    return bind<N>(context, runtime)
  }
  const client = {
    kind: context.credential._tag,
    auth: context,
    tasks: {
      trigger: (
        taskId: string,
        payload: unknown,
        options?: Tasks.TriggerOptions,
        requestOptions?: RequestOptions
      ) => on(Effect.map(Tasks.trigger(taskId, payload, options), triggerHandle), requestOptions),
      batchTrigger: (
        taskId: string,
        items: ReadonlyArray<Tasks.BatchItem>,
        options?: Tasks.BatchOptions,
        requestOptions?: RequestOptions
      ) => on(Effect.map(Tasks.batchTrigger(taskId, items, options), batchHandle), requestOptions)
    },
    runs: {
      list: (
        first?: string | RunsListParams,
        second?: RunsListParams | RequestOptions,
        third?: RequestOptions
      ) => {
        const requestOptions = listOptions(first, second, third)
        return runsPages(
          (effect) => on(effect, requestOptions),
          first,
          typeof first === "string" ? (second as RunsListParams | undefined) : undefined
        )
      },
      retrieve: (runId: string, requestOptions?: RequestOptions) => on(Runs.retrieve(runId), requestOptions),
      cancel: (runId: string, requestOptions?: RequestOptions) => on(Runs.cancel(runId), requestOptions),
      replay: (runId: string, overrides?: Schemas.ReplayRunRequestBody, requestOptions?: RequestOptions) =>
        on(Runs.replay(runId, overrides), requestOptions)
    },
    envvars: {
      list: (projectRef: string, env: Envvars.EnvironmentSlug, requestOptions?: RequestOptions) =>
        on(Envvars.list(projectRef, env), requestOptions),
      retrieve: (
        projectRef: string,
        env: Envvars.EnvironmentSlug,
        name: string,
        requestOptions?: RequestOptions
      ) => on(Envvars.retrieve(projectRef, env, name), requestOptions),
      upload: (
        projectRef: string,
        env: Envvars.EnvironmentSlug,
        body: Schemas.ImportEnvironmentVariablesRequestBody,
        requestOptions?: RequestOptions
      ) => on(Envvars.upload(projectRef, env, body), requestOptions),
      create: (
        projectRef: string,
        env: Envvars.EnvironmentSlug,
        body: Schemas.CreateEnvironmentVariableRequestBody,
        requestOptions?: RequestOptions
      ) => on(Envvars.create(projectRef, env, body), requestOptions),
      update: (
        projectRef: string,
        env: Envvars.EnvironmentSlug,
        name: string,
        body: Schemas.UpdateEnvironmentVariableRequestBody,
        requestOptions?: RequestOptions
      ) => on(Envvars.update(projectRef, env, name, body), requestOptions),
      del: (
        projectRef: string,
        env: Envvars.EnvironmentSlug,
        name: string,
        requestOptions?: RequestOptions
      ) => on(Envvars.del(projectRef, env, name), requestOptions)
    },
    schedules: {
      list: (params?: Schedules.ListSchedulesParams, requestOptions?: RequestOptions) =>
        schedulesPages((effect) => on(effect, requestOptions), params),
      create: (options: Schemas.CreateScheduleOptions, requestOptions?: RequestOptions) =>
        on(Schedules.create(options), requestOptions),
      retrieve: (scheduleId: string, requestOptions?: RequestOptions) =>
        on(Schedules.retrieve(scheduleId), requestOptions),
      update: (scheduleId: string, options: Schemas.UpdateScheduleOptions, requestOptions?: RequestOptions) =>
        on(Schedules.update(scheduleId, options), requestOptions),
      activate: (scheduleId: string, requestOptions?: RequestOptions) =>
        on(Schedules.activate(scheduleId), requestOptions),
      deactivate: (scheduleId: string, requestOptions?: RequestOptions) =>
        on(Schedules.deactivate(scheduleId), requestOptions),
      del: (scheduleId: string, requestOptions?: RequestOptions) =>
        on(Schedules.del(scheduleId), requestOptions)
    },
    withAuth: (config: Auth.AuthConfig) =>
      bind(
        Either.getOrThrowWith(Auth.make(config, context), (error) => error),
        runtime
      ),
    run: <A>(effect: AnyEffect<A>, requestOptions?: RequestOptions) => on(effect, requestOptions),
    requireSecretKey: () => narrow("SecretKey", "requireSecretKey"),
    requirePersonalAccessToken: () => narrow("PersonalAccessToken", "requirePersonalAccessToken")
  }
  // One object serves every kind at run time (a call the kind does not accept is refused before sending);
  // the type shows only the calls the kind accepts.
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
 * await pat.runs.list("proj_1234", { limit: 10 }) // pat.runs.retrieve does not exist: SecretKey only
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
