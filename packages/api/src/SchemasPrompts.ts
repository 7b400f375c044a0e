/**
 * Wire schemas of the prompts routes (`prompts.resolve`, `prompts.list`, `prompts.versions`,
 * `prompts.promote` and the override calls), mirroring the prompt schemas of `@trigger.dev/core` 4.8.3's
 * `v3/schemas/api.js` and the server's route bodies (docs/reference/prompts.md). Dates stay ISO-8601
 * strings, as the SDK answers them.
 *
 * @example
 * ```ts
 * import { SchemasPrompts } from "@authctx/api"
 * import { Schema } from "effect"
 *
 * const body = Schema.decodeUnknownSync(SchemasPrompts.ResolvePromptRequestBody)({ label: "current" })
 * body.variables // {} (the server's default)
 * ```
 */
import * as Schema from "effect/Schema"

/** A prompt's variables, or a model config: a JSON object. */
export const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })
export type JsonObject = typeof JsonObject.Type

/** A version number as the version-taking bodies want it: a positive integer. */
export const PromptVersionNumber = Schema.Number.pipe(
  Schema.int({ message: () => "a prompt version is a whole number" }),
  Schema.positive({ message: () => "a prompt version is 1 or more" })
)

/**
 * The body of `prompts.resolve`: the template's `variables` (`{}` when absent, as the server defaults it),
 * and which version: a `version` number, else a `label` (`current` by default; an active override wins
 * over any label).
 */
export const ResolvePromptRequestBody = Schema.Struct({
  variables: Schema.optionalWith(JsonObject, { default: () => ({}) }),
  label: Schema.optional(Schema.String),
  version: Schema.optional(Schema.Number)
})
export type ResolvePromptRequestBody = typeof ResolvePromptRequestBody.Type

/** Mirrors `ResolvePromptResponseBody`'s `data`: the version resolved and its compiled `text`. */
export const ResolvedPromptData = Schema.Struct({
  /** The prompt's id (`prompt_…`). */
  promptId: Schema.String,
  slug: Schema.String,
  version: Schema.Number,
  labels: Schema.Array(Schema.String),
  /** The version's template, before the variables were put in. */
  template: Schema.optional(Schema.String),
  /** The template with the variables put in. */
  text: Schema.optional(Schema.String),
  /** The version's model, else the prompt's default; `null` when neither has one. */
  model: Schema.optional(Schema.NullOr(Schema.String)),
  config: Schema.optional(Schema.NullOr(JsonObject))
})
export type ResolvedPromptData = typeof ResolvedPromptData.Type

/** Mirrors `ResolvePromptResponseBody`. */
export const ResolvePromptResponseBody = Schema.Struct({ data: ResolvedPromptData })
export type ResolvePromptResponseBody = typeof ResolvePromptResponseBody.Type

/** Mirrors an item of `ListPromptsResponseBody`: a prompt of the environment. */
export const PromptItem = Schema.Struct({
  slug: Schema.String,
  friendlyId: Schema.String,
  description: Schema.NullOr(Schema.String),
  tags: Schema.Array(Schema.String),
  /** The model in effect: the override's, else the current version's, else the prompt's default. */
  defaultModel: Schema.NullOr(Schema.String),
  /** The number of the version labelled `current`, `null` when none is. */
  currentVersion: Schema.NullOr(Schema.Number),
  hasOverride: Schema.Boolean,
  /** ISO-8601. */
  updatedAt: Schema.String
})
export type PromptItem = typeof PromptItem.Type

/** Mirrors `ListPromptsResponseBody` (no pagination: every prompt of the environment). */
export const ListPromptsResponseBody = Schema.Struct({ data: Schema.Array(PromptItem) })
export type ListPromptsResponseBody = typeof ListPromptsResponseBody.Type

/** Mirrors an item of `ListPromptVersionsResponseBody`. */
export const PromptVersionItem = Schema.Struct({
  id: Schema.String,
  version: Schema.Number,
  /** `current`, `latest`, `override`, or none. */
  labels: Schema.Array(Schema.String),
  /** `code` for a deployed version; `api`, `dashboard` or the caller's own for an override. */
  source: Schema.String,
  model: Schema.NullOr(Schema.String),
  textContent: Schema.NullOr(Schema.String),
  commitMessage: Schema.NullOr(Schema.String),
  contentHash: Schema.String,
  /** ISO-8601. */
  createdAt: Schema.String
})
export type PromptVersionItem = typeof PromptVersionItem.Type

/** Mirrors `ListPromptVersionsResponseBody`: the newest 50 versions, newest first. */
export const ListPromptVersionsResponseBody = Schema.Struct({ data: Schema.Array(PromptVersionItem) })
export type ListPromptVersionsResponseBody = typeof ListPromptVersionsResponseBody.Type

/** Mirrors `PromotePromptVersionRequestBody`. */
export const PromotePromptVersionRequestBody = Schema.Struct({ version: PromptVersionNumber })
export type PromotePromptVersionRequestBody = typeof PromotePromptVersionRequestBody.Type

/**
 * Mirrors `CreatePromptOverrideRequestBody`. `source` is free text (`api` when absent) but never `code`:
 * the server keeps that for deployed versions and answers 400, so the client refuses it before sending.
 */
export const CreatePromptOverrideRequestBody = Schema.Struct({
  textContent: Schema.String,
  model: Schema.optional(Schema.String),
  commitMessage: Schema.optional(Schema.String),
  source: Schema.optional(
    Schema.String.pipe(
      Schema.filter((source) => source !== "code", {
        message: () => 'source "code" is reserved for deployed versions: use another source, or none'
      })
    )
  )
})
export type CreatePromptOverrideRequestBody = typeof CreatePromptOverrideRequestBody.Type

/** Mirrors `UpdatePromptOverrideRequestBody`: the fields given replace the active override's. */
export const UpdatePromptOverrideRequestBody = Schema.Struct({
  textContent: Schema.optional(Schema.String),
  model: Schema.optional(Schema.String),
  commitMessage: Schema.optional(Schema.String)
})
export type UpdatePromptOverrideRequestBody = typeof UpdatePromptOverrideRequestBody.Type

/** Mirrors `ReactivatePromptOverrideRequestBody`. */
export const ReactivatePromptOverrideRequestBody = Schema.Struct({ version: PromptVersionNumber })
export type ReactivatePromptOverrideRequestBody = typeof ReactivatePromptOverrideRequestBody.Type

/** Mirrors `PromptOkResponseBody`. */
export const PromptOkResponseBody = Schema.Struct({ ok: Schema.Boolean })
export type PromptOkResponseBody = typeof PromptOkResponseBody.Type

/** Mirrors `PromptOverrideCreatedResponseBody`: the new override's version number. */
export const PromptOverrideCreatedResponseBody = Schema.Struct({ ok: Schema.Boolean, version: Schema.Number })
export type PromptOverrideCreatedResponseBody = typeof PromptOverrideCreatedResponseBody.Type
