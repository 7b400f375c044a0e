/**
 * Runs: list (by environment with a SecretKey, by project with a PAT), retrieve, cancel, replay, reschedule,
 * poll, tags and metadata by run id, and paging as a `Stream`.
 *
 * @example
 * ```ts
 * import { ManagementClient, Runs } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const failedRuns = Runs.list({ status: ["FAILED", "CRASHED"], limit: 10 }).pipe(
 *   Auth.withAuth({ accessToken: "tr_prod_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { ManagementApi, type Schemas } from "@authctx/api"
import type { Capability, Credential } from "@authctx/core"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Stream from "effect/Stream"
import * as Calls from "./Calls.js"
import { InvalidArgumentsError, PollExhaustedError } from "./Errors.js"
import * as Arguments from "./internal/arguments.js"
import * as Payload from "./internal/payload.js"
import { andThen, type Call, type CallError, call, type ManagementClient } from "./ManagementClient.js"
import { type CursorPage, type CursorParams, cursorPages, cursorStream, type PagePromise } from "./Page.js"

type OneOrMany<A> = A | ReadonlyArray<A>

/**
 * A queue to filter runs by (mapped as the SDK maps it, docs/reference/results-and-pages.md): its name as a string (`"task/my-task"` for a task's own queue), or the SDK's
 * `{ type, name }` (`{ type: "task", name: "my-task" }` is `task/my-task`, `{ type: "custom", name }` is the
 * name).
 */
export type QueueFilter = string | { readonly type: "task" | "custom"; readonly name: string }

/** Filters and paging of `runs.list` (both routes). */
export interface ListRunsParams {
  readonly status?: OneOrMany<Schemas.RunStatus> | undefined
  readonly taskIdentifier?: OneOrMany<string> | undefined
  readonly version?: OneOrMany<string> | undefined
  readonly tag?: OneOrMany<string> | undefined
  readonly bulkAction?: string | undefined
  readonly schedule?: string | undefined
  readonly isTest?: boolean | undefined
  readonly from?: Date | number | undefined
  readonly to?: Date | number | undefined
  readonly period?: string | undefined
  readonly batch?: string | undefined
  /** Queues, by name or as the SDK's `{ type, name }` (see {@link QueueFilter}). */
  readonly queue?: OneOrMany<QueueFilter> | undefined
  readonly machine?: OneOrMany<string> | undefined
  readonly region?: OneOrMany<string> | undefined
  /** Page size (`page[size]`). */
  readonly limit?: number | undefined
  /** Cursor: the page after this run id. */
  readonly after?: string | undefined
  /** Cursor: the page before this run id. */
  readonly before?: string | undefined
}

/** `runs.list` with a PAT: the project's runs, optionally by environment. */
export interface ListProjectRunsParams extends ListRunsParams {
  readonly env?: OneOrMany<Credential.Environment> | undefined
}

const joined = (value: OneOrMany<string> | undefined): string | undefined =>
  value === undefined ? undefined : typeof value === "string" ? value : value.join(",")

const queueName = (queue: QueueFilter): string =>
  typeof queue === "string" ? queue : queue.type === "task" ? `task/${queue.name}` : queue.name

const queues = (value: OneOrMany<QueueFilter> | undefined): string | undefined =>
  value === undefined
    ? undefined
    : typeof value === "string" || !Array.isArray(value)
      ? queueName(value as QueueFilter)
      : (value as ReadonlyArray<QueueFilter>).map(queueName).join(",")

const epochMs = (value: Date | number | undefined): string | undefined =>
  value === undefined ? undefined : String(typeof value === "number" ? value : value.getTime())

const toUrlParams = (params: ListProjectRunsParams = {}) => ({
  "filter[status]": joined(params.status),
  "filter[taskIdentifier]": joined(params.taskIdentifier),
  "filter[version]": joined(params.version),
  "filter[tag]": joined(params.tag),
  "filter[bulkAction]": params.bulkAction,
  "filter[schedule]": params.schedule,
  "filter[isTest]": params.isTest === undefined ? undefined : String(params.isTest),
  "filter[createdAt][from]": epochMs(params.from),
  "filter[createdAt][to]": epochMs(params.to),
  "filter[createdAt][period]": params.period,
  "filter[batch]": params.batch,
  "filter[queue]": queues(params.queue),
  "filter[machine]": joined(params.machine),
  "filter[region]": joined(params.region),
  "filter[env]": joined(params.env),
  "page[size]": params.limit,
  "page[after]": params.after,
  "page[before]": params.before
})

type EnvironmentListRequirement = Capability.RequirementOf<typeof ManagementApi.runsList.capability>
type ProjectListRequirement = Capability.RequirementOf<typeof ManagementApi.runsListProject.capability>

/**
 * Lists runs. With a SecretKey: `Runs.list(params)`, the key's environment. With a PAT:
 * `Runs.list(projectRef, params)`, one project (its `projectRef` is required, and is never ignored).
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 *
 * const mine = Runs.list({ limit: 10, status: ["COMPLETED"] }) // requires a SecretKey
 * const project = Runs.list("proj_1234", { limit: 10, env: "prod" }) // requires a PAT
 * ```
 */
export function list(
  params?: ListRunsParams
): Effect.Effect<Schemas.ListRunResponse, CallError, ManagementClient | EnvironmentListRequirement>
export function list(
  projectRef: string,
  params?: ListProjectRunsParams
): Effect.Effect<Schemas.ListRunResponse, CallError, ManagementClient | ProjectListRequirement>
export function list(
  first?: string | ListRunsParams,
  second?: ListProjectRunsParams
): Effect.Effect<
  Schemas.ListRunResponse,
  CallError,
  ManagementClient | EnvironmentListRequirement | ProjectListRequirement
> {
  return typeof first === "string"
    ? Arguments.refusing(ManagementApi.runsListProject.capability.name, () =>
        call(ManagementApi.runsListProject, {
          path: { projectRef: first },
          urlParams: toUrlParams(Arguments.listParams(ManagementApi.runsListProject.capability.name, second))
        })
      )
    : Arguments.refusing(ManagementApi.runsList.capability.name, () =>
        call(ManagementApi.runsList, {
          urlParams: toUrlParams({
            ...Arguments.listParams(ManagementApi.runsList.capability.name, first),
            env: undefined
          })
        })
      )
}

/**
 * Every run matching the filters, page after page, as a `Stream`: the first page as `list` would fetch it
 * (from the given `after` or `before` cursor, if any), then every `pagination.next` until there is none.
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 * import { Stream } from "effect"
 *
 * const ids = Runs.stream({ status: "FAILED" }).pipe(Stream.map((run) => run.id), Stream.runCollect)
 * ```
 */
export function stream(
  params?: ListRunsParams
): Stream.Stream<Schemas.ListRunResponseItem, CallError, ManagementClient | EnvironmentListRequirement>
export function stream(
  projectRef: string,
  params?: ListProjectRunsParams
): Stream.Stream<Schemas.ListRunResponseItem, CallError, ManagementClient | ProjectListRequirement>
export function stream(
  first?: string | ListRunsParams,
  second?: ListProjectRunsParams
): Stream.Stream<
  Schemas.ListRunResponseItem,
  CallError,
  ManagementClient | EnvironmentListRequirement | ProjectListRequirement
> {
  if (typeof first === "string") {
    return Arguments.refusingStream("runs.list (project)", () => {
      const params = Arguments.listParams("runs.list (project)", second)
      return cursorStream("runs.list (project)", (after) =>
        after === undefined ? list(first, params) : list(first, { ...params, after, before: undefined })
      )
    })
  }
  return Arguments.refusingStream("runs.list (environment)", () => {
    const params = Arguments.listParams("runs.list (environment)", first)
    return cursorStream("runs.list (environment)", (after) =>
      after === undefined ? list(params) : list({ ...params, after, before: undefined })
    )
  })
}

/**
 * Retrieves a run (SecretKey only). `payload` and `output` are as the SDK's `runs.retrieve` returns them
 * (docs/reference/payloads.md): inline, the server's JSON form (a `Date` as its ISO string, a `Map` as
 * `[key, value]` pairs, …); when the answer carries `payloadPresignedUrl` / `outputPresignedUrl` (an
 * offloaded packet), the packet is downloaded from it and restored by its type (SuperJSON: with its `Date`s,
 * `Map`s, …). A failed download fails the call (the SDK returns `undefined` instead).
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 *
 * const run = Runs.retrieve("run_1234")
 * ```
 */
export const retrieve = (runId: string): Call<typeof ManagementApi.runsRetrieve> =>
  // andThen, not Effect.flatMap: the Promise API runs it without a fiber
  andThen(call(ManagementApi.runsRetrieve, { path: { runId } }), (run) => {
    const name = ManagementApi.runsRetrieve.capability.name
    const payloadUrl = run.payloadPresignedUrl
    const outputUrl = run.outputPresignedUrl
    if (payloadUrl === undefined && outputUrl === undefined) return Effect.succeed(run)
    return Effect.map(
      Effect.all(
        [
          payloadUrl === undefined
            ? Effect.succeed(run.payload)
            : Payload.download(`${name} (payload)`, payloadUrl),
          outputUrl === undefined
            ? Effect.succeed(run.output)
            : Payload.download(`${name} (output)`, outputUrl)
        ],
        { concurrency: 2 }
      ),
      ([payload, output]) => ({ ...run, payload, output })
    )
  })

/**
 * Cancels a run (SecretKey only). A finished run stays as it is.
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 *
 * const canceled = Runs.cancel("run_1234")
 * ```
 */
export const cancel = (runId: string): Call<typeof ManagementApi.runsCancel> =>
  call(ManagementApi.runsCancel, { path: { runId } })

/**
 * Replays a run as a new run (SecretKey only), optionally with overrides. An override `payload` without a
 * `payloadType` is sent as the SDK sends it: SuperJSON text with `payloadType: "application/super+json"`
 * (docs/reference/payloads.md).
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 *
 * const replayed = Runs.replay("run_1234")
 * ```
 */
export const replay = (
  runId: string,
  overrides?: Schemas.ReplayRunRequestBody
): Call<typeof ManagementApi.runsReplay> =>
  Arguments.refusing(ManagementApi.runsReplay.capability.name, () =>
    // Without overrides no body is sent, as the SDK sends none.
    call(ManagementApi.runsReplay, {
      path: { runId },
      payload: overrides === undefined ? undefined : Payload.forReplay(overrides)
    })
  )

// ---- runs: reschedule, poll, tags, metadata ----

/**
 * Moves a delayed run to a new time (SecretKey only): `delay` is a duration (`"30m"`, `"2h"`) or a date.
 * Answers the run as `retrieve` does (without downloading offloaded packets). A run that is no longer
 * delayed fails with `UnprocessableEntityError`; an invalid delay with `BadRequestError`.
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 *
 * const later = Runs.reschedule("run_1234", { delay: "1h" })
 * ```
 */
export const reschedule = (
  runId: string,
  body: Schemas.RescheduleRunRequestBody
): Call<typeof ManagementApi.runsReschedule> =>
  call(ManagementApi.runsReschedule, { path: { runId }, payload: body })

/** Options of {@link poll}, as the SDK's `runs.poll` takes them. */
export interface PollOptions {
  /** Milliseconds between two retrieves (default 1000, as the SDK). */
  readonly pollIntervalMs?: number | undefined
}

/** The most retrieves `poll` makes, as the SDK's `runs.poll` (`MAX_POLL_ATTEMPTS`). */
export const maxPollAttempts = 500

/**
 * Retrieves a run every `pollIntervalMs` (default 1000) until it has completed (`isCompleted`), and
 * answers it; after 500 retrieves of a run still not completed, fails with `PollExhaustedError`. As the
 * SDK's `runs.poll`, a helper over `retrieve`: it needs what `retrieve` needs (a SecretKey).
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 *
 * const finished = Runs.poll("run_1234", { pollIntervalMs: 500 })
 * ```
 */
export const poll = (
  runId: string,
  options?: PollOptions
): Effect.Effect<
  Effect.Effect.Success<Call<typeof ManagementApi.runsRetrieve>>,
  CallError | PollExhaustedError,
  Effect.Effect.Context<Call<typeof ManagementApi.runsRetrieve>>
> => {
  const interval = options?.pollIntervalMs ?? 1000
  if (!Number.isFinite(interval) || interval < 0)
    return Effect.fail(
      new InvalidArgumentsError({
        endpoint: "runs.poll",
        issue: `pollIntervalMs must be a number of milliseconds, 0 or more (got ${interval})`
      })
    )
  // every `interval` while the run has not completed, at most `maxPollAttempts` retrieves in all; the
  // schedule passes the last run through as its output
  const schedule = Schedule.spaced(Duration.millis(interval)).pipe(
    Schedule.intersect(Schedule.recurs(maxPollAttempts - 1)),
    Schedule.whileInput((run: Schemas.RetrieveRunResponse) => !run.isCompleted),
    Schedule.passthrough
  )
  return retrieve(runId).pipe(
    Effect.repeat(schedule),
    Effect.filterOrFail(
      (run) => run.isCompleted,
      (run) => new PollExhaustedError({ runId, attempts: maxPollAttempts, status: run.status })
    )
  )
}

/**
 * Adds tags to a run by its id, from anywhere (SecretKey only; the SDK's `tags.add` works only inside a
 * task, for the run it is in). A run holds at most 10 tags: more fails with `UnprocessableEntityError`.
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 *
 * const tagged = Runs.addTags("run_1234", ["user_1234", "org_5678"])
 * ```
 */
export const addTags = (runId: string, tags: Schemas.RunTags): Call<typeof ManagementApi.runsAddTags> =>
  call(ManagementApi.runsAddTags, { path: { runId }, payload: { tags } })

/**
 * Reads a run's metadata by its id (SecretKey only): `{ metadata }`, an empty object when it has none.
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 *
 * const metadata = Runs.retrieveMetadata("run_1234") // Effect of { metadata }
 * ```
 */
export const retrieveMetadata = (runId: string): Call<typeof ManagementApi.runsRetrieveMetadata> =>
  call(ManagementApi.runsRetrieveMetadata, { path: { runId } })

/**
 * Updates a run's metadata by its id (SecretKey only): `metadata` replaces it whole, `operations` (`set`,
 * `delete`, `append`, `remove`, `increment`, `update`) change it in order. Answers the metadata after.
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 *
 * const updated = Runs.updateMetadata("run_1234", { operations: [{ type: "increment", key: "retries", value: 1 }] })
 * ```
 */
export const updateMetadata = (
  runId: string,
  body: Schemas.UpdateMetadataRequestBody
): Call<typeof ManagementApi.runsUpdateMetadata> =>
  call(ManagementApi.runsUpdateMetadata, { path: { runId }, payload: body })

// ---------------------------------------------------------------------------------------------------------
// The call object: the Promise API's `runs` is derived from it
// ---------------------------------------------------------------------------------------------------------

/** `runs.list` parameters of the Promise API; `projectRef` in them selects the project route (the SDK ignores it). */
export interface RunsListParams extends ListProjectRunsParams {
  readonly projectRef?: string | undefined
}

/** A page of runs that is also a promise of it: `await` it, or `for await` over every run. */
export type RunsPage = PagePromise<CursorPage<Schemas.ListRunResponseItem>, Schemas.ListRunResponseItem>

/** `runs.list(params?, options?)` or `runs.list(projectRef, params?, options?)`: the route, as the SDK takes it. */
const listEither = (
  first?: string | RunsListParams,
  second?: RunsListParams
): Effect.Effect<
  Schemas.ListRunResponse,
  CallError,
  ManagementClient | EnvironmentListRequirement | ProjectListRequirement
> => {
  const params = typeof first === "string" ? second : first
  const positional = typeof first === "string" ? first : undefined
  const named = params?.projectRef
  if (positional !== undefined && named !== undefined && positional !== named) {
    return Effect.fail(
      new InvalidArgumentsError({
        endpoint: ManagementApi.runsListProject.capability.name,
        issue: `projectRef is given twice with different values ("${positional}" and "${named}"); pass it once`
      })
    )
  }
  const projectRef = positional ?? named
  const { projectRef: _projectRef, env, ...rest } = params ?? {}
  if (projectRef !== undefined) return list(projectRef, { ...rest, env })
  if (env !== undefined) {
    return Effect.fail(
      new InvalidArgumentsError({
        endpoint: ManagementApi.runsList.capability.name,
        issue:
          "the env filter selects environments of a project: pass projectRef too (with a personal access token)"
      })
    )
  }
  return list(rest)
}

const withCursor = <P extends RunsListParams>(params: P | undefined, cursor: CursorParams | undefined) =>
  cursor === undefined ? params : { ...params, after: cursor.after, before: cursor.before }

/** `runs.list` as pages: the first with the caller's parameters, the others at their cursors, all with `run`. */
const listPages = (run: Calls.Run, first?: string | RunsListParams, second?: RunsListParams): RunsPage =>
  cursorPages("runs.list", (cursor) =>
    run(
      typeof first === "string"
        ? listEither(first, withCursor(second, cursor))
        : listEither(withCursor(first, cursor), second)
    )
  )

/** The ambient `runs.list`: by environment, or by project when a `projectRef` is given (either place). */
type ListAnyRoute = (
  first?: string | RunsListParams,
  second?: RunsListParams | Calls.RequestOptions,
  third?: Calls.RequestOptions
) => RunsPage

/** `runs.list` of a SecretKey client: the key's environment. */
type ListEnvironment = (params?: ListRunsParams, requestOptions?: Calls.RequestOptions) => RunsPage

/** `runs.list` of a PAT client: one project. */
type ListProject = (
  projectRef: string,
  params?: ListProjectRunsParams,
  requestOptions?: Calls.RequestOptions
) => RunsPage

/**
 * The runs calls, as one object: what the Promise API's `runs` (ambient and per client) is derived from.
 * `list` answers a page like the SDK's: `await` it for the first page, or `for await` over every run.
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 *
 * Object.keys(Runs.calls) // ["list", "retrieve", "cancel", "replay", "reschedule", "poll", …]
 * ```
 */
export const calls = {
  /**
   * Lists runs, a page at a time: `list(params)` the SecretKey's environment, `list(projectRef, params)`
   * (or `params.projectRef`) a project, for a PAT.
   */
  list: Calls.custom<
    | Calls.Variant<
        typeof ManagementApi.runsList.capability.name,
        "SecretKey",
        ListEnvironment,
        "a PersonalAccessToken lists a project's runs: pass the projectRef first"
      >
    | Calls.Variant<
        typeof ManagementApi.runsListProject.capability.name,
        "PersonalAccessToken",
        ListProject,
        "a SecretKey lists its own environment's runs: pass no projectRef"
      >
  >()(
    "runs.list",
    [ManagementApi.runsList, ManagementApi.runsListProject],
    (runner): ListAnyRoute =>
      (first, second, third) =>
        typeof first === "string"
          ? listPages(
              runner(third),
              first,
              Arguments.listParams("runs.list", second as RunsListParams | undefined)
            )
          : listPages(
              runner(second as Calls.RequestOptions | undefined),
              Arguments.listParams("runs.list", first)
            )
  ),
  /** Retrieves a run (SecretKey only), with its payload and output as the SDK returns them. */
  retrieve: Calls.make(ManagementApi.runsRetrieve, retrieve, 1),
  /** Cancels a run (SecretKey only). */
  cancel: Calls.make(ManagementApi.runsCancel, cancel, 1),
  /** Replays a run as a new run (SecretKey only), optionally with overrides. */
  replay: Calls.make(ManagementApi.runsReplay, replay, 2),
  // ---- runs: reschedule, poll, tags, metadata ----
  /** Moves a delayed run to a new time (SecretKey only). */
  reschedule: Calls.make(ManagementApi.runsReschedule, reschedule, 2),
  /** Retrieves a run until it has completed (SecretKey only), every `pollIntervalMs` (default 1000). */
  poll: Calls.custom<
    Calls.Variant<
      typeof ManagementApi.runsRetrieve.capability.name,
      "SecretKey",
      Calls.WithRequestOptions<[runId: string, options?: PollOptions], Promise<Schemas.RetrieveRunResponse>>
    >
  >()(
    "runs.poll",
    [ManagementApi.runsRetrieve],
    (runner) => (runId: string, options?: PollOptions, requestOptions?: Calls.RequestOptions) =>
      runner(requestOptions)(poll(runId, options))
  ),
  /** Adds tags to a run by its id (SecretKey only; at most 10 per run). */
  addTags: Calls.make(ManagementApi.runsAddTags, addTags, 2),
  /** Reads a run's metadata by its id (SecretKey only). */
  retrieveMetadata: Calls.make(ManagementApi.runsRetrieveMetadata, retrieveMetadata, 1),
  /** Updates a run's metadata by its id (SecretKey only). */
  updateMetadata: Calls.make(ManagementApi.runsUpdateMetadata, updateMetadata, 2)
}
