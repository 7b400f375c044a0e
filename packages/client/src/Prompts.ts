/**
 * Prompts, as `@trigger.dev/sdk` 4.8.3's `prompts` namespace calls them from a backend: resolve a prompt's
 * text with variables, list prompts and their versions, promote a deployed version, and manage overrides
 * (a version made through the API that takes priority over the deployed one). SecretKey only; a PAT is
 * refused before sending (docs/reference/prompts.md).
 *
 * @example
 * ```ts
 * import { ManagementClient, Prompts } from "@authctx/client"
 * import { Auth } from "@authctx/core"
 * import { Effect } from "effect"
 *
 * const text = Prompts.resolve("greeting", { name: "Ada" }).pipe(
 *   Effect.map((prompt) => prompt.text),
 *   Auth.withAuth({ accessToken: "tr_prod_abcdefghijklmnopqrstuvwx" }),
 *   Effect.provide(ManagementClient.layerNode())
 * )
 * ```
 */
import { ManagementApi, type SchemasPrompts } from "@authctx/api"
import type * as Effect from "effect/Effect"
import * as Calls from "./Calls.js"
import type { InvalidArgumentsError } from "./Errors.js"
import * as Arguments from "./internal/arguments.js"
import { type Call, type CallContext, type CallError, call, map } from "./ManagementClient.js"

/** Which version `resolve` answers: a version number, else a label (`current` by default). */
export interface ResolveOptions {
  /** A label (`current`, `latest`); an active override is answered before any label, as the server does. */
  readonly label?: string | undefined
  /** A version number: exactly that version, override or not. */
  readonly version?: number | undefined
}

/** The options the AI SDK's `generateText`/`streamText` take to record which prompt a call used. */
export interface AISDKTelemetry {
  readonly experimental_telemetry: {
    readonly isEnabled: true
    readonly metadata: Record<string, string>
  }
}

/**
 * A resolved prompt, as the SDK's `prompts.resolve` answers it (`text` is `""` when the server sent none,
 * `model` and `config` `undefined` for `null`), plus the `slug` and the `template` the server sent.
 */
export interface ResolvedPrompt {
  /** The prompt's id (`prompt_…`). */
  readonly promptId: string
  readonly slug: string
  readonly version: number
  readonly labels: ReadonlyArray<string>
  /** The version's template, before the variables were put in. */
  readonly template: string | undefined
  /** The template with the variables put in. */
  readonly text: string
  readonly model: string | undefined
  readonly config: Readonly<Record<string, unknown>> | undefined
  /** The AI SDK options that tag a generation with this prompt (slug, id, version, labels, model, input). */
  readonly toAISDKTelemetry: (additionalMetadata?: Readonly<Record<string, string>>) => AISDKTelemetry
}

const resolved = (
  data: SchemasPrompts.ResolvedPromptData,
  variables: Readonly<Record<string, unknown>>
): ResolvedPrompt => {
  const model = data.model ?? undefined
  const input = Object.keys(variables).length > 0 ? JSON.stringify(variables) : undefined
  return {
    promptId: data.promptId,
    slug: data.slug,
    version: data.version,
    labels: data.labels,
    template: data.template,
    text: data.text ?? "",
    model,
    config: data.config ?? undefined,
    toAISDKTelemetry: (additionalMetadata) => ({
      experimental_telemetry: {
        isEnabled: true,
        metadata: {
          "prompt.slug": data.slug,
          "prompt.id": data.promptId,
          "prompt.version": String(data.version),
          "prompt.labels": data.labels.join(", "),
          ...(model === undefined || model.length === 0 ? {} : { "prompt.model": model }),
          ...(input === undefined ? {} : { "prompt.input": input }),
          ...additionalMetadata
        }
      }
    })
  }
}

/**
 * Resolves a prompt: the version asked for (`options.version`, else an active override, else
 * `options.label`, `current` by default) with `variables` put into its `{{name}}` placeholders. A 404
 * `NotFoundError` when the prompt, the version or its content is missing.
 *
 * @example
 * ```ts
 * import { Prompts } from "@authctx/client"
 *
 * const prompt = Prompts.resolve("greeting", { name: "Ada" }, { label: "current" })
 * ```
 */
export const resolve = (
  slug: string,
  variables: Readonly<Record<string, unknown>> = {},
  options: ResolveOptions = {}
): Effect.Effect<
  ResolvedPrompt,
  CallError | InvalidArgumentsError,
  CallContext<typeof ManagementApi.promptsResolve>
> => {
  const endpoint = ManagementApi.promptsResolve.capability.name
  return Arguments.refusing(endpoint, () => {
    // From JavaScript: `null` (or a number) here is refused, not read as "no variables" or thrown.
    const given = Arguments.objectOrOmitted(endpoint, "the variables", variables) ?? {}
    const chosen = Arguments.objectOrOmitted(endpoint, "the options", options) ?? {}
    return map(
      call(ManagementApi.promptsResolve, {
        path: { slug },
        payload: { variables: given, label: chosen.label, version: chosen.version }
      }),
      (answer) => resolved(answer.data, given)
    )
  })
}

/**
 * Every prompt of the environment, most recently updated first (one answer: the server does not page it).
 *
 * @example
 * ```ts
 * import { Prompts } from "@authctx/client"
 *
 * const all = Prompts.list()
 * ```
 */
export const list = (): Call<typeof ManagementApi.promptsList> => call(ManagementApi.promptsList, {})

/**
 * A prompt's versions, newest first (the newest 50). `NotFoundError` for an unknown slug.
 *
 * @example
 * ```ts
 * import { Prompts } from "@authctx/client"
 *
 * const history = Prompts.versions("greeting")
 * ```
 */
export const versions = (slug: string): Call<typeof ManagementApi.promptsVersions> =>
  call(ManagementApi.promptsVersions, { path: { slug } })

/**
 * Makes a deployed version the `current` one. A version made by an override is refused (400
 * `BadRequestError`: promote deployed versions only); an unknown one is a 404.
 *
 * @example
 * ```ts
 * import { Prompts } from "@authctx/client"
 *
 * const rollback = Prompts.promote("greeting", 1)
 * ```
 */
export const promote = (slug: string, version: number): Call<typeof ManagementApi.promptsPromote> =>
  call(ManagementApi.promptsPromote, { path: { slug }, payload: { version } })

/**
 * Creates an override: a new version, labelled `override`, that `resolve` answers before the deployed
 * one until it is removed. Answers the new version's number.
 *
 * @example
 * ```ts
 * import { Prompts } from "@authctx/client"
 *
 * const created = Prompts.createOverride("greeting", { textContent: "Hi {{name}}!", model: "gpt-4o" })
 * ```
 */
export const createOverride = (
  slug: string,
  body: SchemasPrompts.CreatePromptOverrideRequestBody
): Call<typeof ManagementApi.promptsCreateOverride> =>
  call(ManagementApi.promptsCreateOverride, { path: { slug }, payload: body })

/**
 * Edits the active override in place (the fields given). A 400 `BadRequestError` when none is active.
 *
 * @example
 * ```ts
 * import { Prompts } from "@authctx/client"
 *
 * const edited = Prompts.updateOverride("greeting", { textContent: "Hey {{name}}!" })
 * ```
 */
export const updateOverride = (
  slug: string,
  body: SchemasPrompts.UpdatePromptOverrideRequestBody
): Call<typeof ManagementApi.promptsUpdateOverride> =>
  call(ManagementApi.promptsUpdateOverride, { path: { slug }, payload: body })

/**
 * Removes the active override (if any): `resolve` answers the deployed version again. The override's
 * version stays in `versions`, and `reactivateOverride` brings it back.
 *
 * @example
 * ```ts
 * import { Prompts } from "@authctx/client"
 *
 * const removed = Prompts.removeOverride("greeting")
 * ```
 */
export const removeOverride = (slug: string): Call<typeof ManagementApi.promptsRemoveOverride> =>
  call(ManagementApi.promptsRemoveOverride, { path: { slug } })

/**
 * Makes an earlier override version the active override again. A deployed version is refused (400).
 *
 * @example
 * ```ts
 * import { Prompts } from "@authctx/client"
 *
 * const back = Prompts.reactivateOverride("greeting", 3)
 * ```
 */
export const reactivateOverride = (
  slug: string,
  version: number
): Call<typeof ManagementApi.promptsReactivateOverride> =>
  call(ManagementApi.promptsReactivateOverride, { path: { slug }, payload: { version } })

// ---------------------------------------------------------------------------------------------------------
// The call object: the Promise API's `prompts` is derived from it
// ---------------------------------------------------------------------------------------------------------

/** `resolve`'s options in the Promise API: the SDK's place for `requestOptions` is inside them. */
export interface ResolvePromiseOptions extends ResolveOptions {
  readonly requestOptions?: Calls.RequestOptions | undefined
}

type ResolvePromise = (
  slug: string,
  variables?: Readonly<Record<string, unknown>>,
  options?: ResolvePromiseOptions,
  requestOptions?: Calls.RequestOptions
) => Promise<ResolvedPrompt>

/**
 * The prompts calls, as one object: what the Promise API's `prompts` (ambient and per client) is derived
 * from.
 *
 * @example
 * ```ts
 * import { Prompts } from "@authctx/client"
 *
 * Object.keys(Prompts.calls) // ["resolve", "list", "versions", "promote", "createOverride", …]
 * ```
 */
export const calls = {
  /** Resolves a prompt's text (`prompts.resolve`); `requestOptions` last, or inside `options` as in the SDK. */
  resolve: Calls.custom<
    Calls.Variant<typeof ManagementApi.promptsResolve.capability.name, "SecretKey", ResolvePromise>
  >()(
    ManagementApi.promptsResolve.capability.name,
    [ManagementApi.promptsResolve],
    (runner): ResolvePromise =>
      (slug, variables, options, requestOptions) =>
        runner(requestOptions ?? options?.requestOptions)(
          resolve(slug, variables, { label: options?.label, version: options?.version })
        )
  ),
  /** Lists the environment's prompts (`prompts.list`). */
  list: Calls.make(ManagementApi.promptsList, list, 0),
  /** Lists a prompt's versions (`prompts.versions`). */
  versions: Calls.make(ManagementApi.promptsVersions, versions, 1),
  /** Makes a deployed version current (`prompts.promote`). */
  promote: Calls.make(ManagementApi.promptsPromote, promote, 2),
  /** Creates an override (`prompts.createOverride`). */
  createOverride: Calls.make(ManagementApi.promptsCreateOverride, createOverride, 2),
  /** Edits the active override (`prompts.updateOverride`). */
  updateOverride: Calls.make(ManagementApi.promptsUpdateOverride, updateOverride, 2),
  /** Removes the active override (`prompts.removeOverride`). */
  removeOverride: Calls.make(ManagementApi.promptsRemoveOverride, removeOverride, 1),
  /** Reactivates an earlier override (`prompts.reactivateOverride`). */
  reactivateOverride: Calls.make(ManagementApi.promptsReactivateOverride, reactivateOverride, 2)
}
