/**
 * The prompts routes (`prompts.resolve`, `prompts.list`, `prompts.versions`, `prompts.promote` and the
 * override calls) with the server's answers: its 404 texts, its 400s for a version of the wrong source,
 * and its label moves (docs/reference/prompts.md).
 */
import { ManagementApi, type SchemasPrompts } from "@authctx/api"
import { newId } from "../model.js"
import {
  compileTemplate,
  contentHash,
  labelled,
  moveLabel,
  type Prompt,
  type PromptVersion,
  promptsOf
} from "../prompts.js"
import { type Context, fail, handle, ok, type Result, type RouteHandler, withEnvironment } from "./handle.js"

const promptNotFound = fail(404, "Prompt not found")
const noVersion = fail(404, "No version found")
/** The builder's own answer when a loader's resource is missing (`prompts.versions`). */
const notFound = fail(404, "Not found")
const okBody = { ok: true }

/** Runs `f` with the prompt the path names, or answers `missing`. */
const withPrompt = <A>(
  context: Context,
  slug: string,
  f: (prompt: Prompt) => Result<A>,
  missing: Result<never> = promptNotFound
): Result<A> =>
  withEnvironment(context, (environment) => {
    const prompt = promptsOf(context.state, environment, context.now).get(slug)
    return prompt === undefined ? missing : f(prompt)
  })

/** Runs `f` with the version the body numbers, or the server's 404. */
const withVersion = <A>(
  prompt: Prompt,
  version: number,
  f: (found: PromptVersion) => Result<A>
): Result<A> => {
  const found = prompt.versions.find((v) => v.version === version)
  return found === undefined ? fail(404, `Version ${version} not found`) : f(found)
}

/** The version a resolve asks for: a number, else the active override, else the label (`current`). */
const resolveVersion = (
  prompt: Prompt,
  body: SchemasPrompts.ResolvePromptRequestBody
): PromptVersion | undefined =>
  body.version !== undefined
    ? prompt.versions.find((v) => v.version === body.version)
    : (labelled(prompt, "override") ?? labelled(prompt, body.label ?? "current"))

const iso = (at: number): string => new Date(at).toISOString()

/** The prompts handlers, one per route of the `prompts` group. */
export const prompts: readonly [
  RouteHandler<typeof ManagementApi.promptsResolve>,
  RouteHandler<typeof ManagementApi.promptsList>,
  RouteHandler<typeof ManagementApi.promptsVersions>,
  RouteHandler<typeof ManagementApi.promptsPromote>,
  RouteHandler<typeof ManagementApi.promptsCreateOverride>,
  RouteHandler<typeof ManagementApi.promptsUpdateOverride>,
  RouteHandler<typeof ManagementApi.promptsRemoveOverride>,
  RouteHandler<typeof ManagementApi.promptsReactivateOverride>
] = [
  handle(ManagementApi.promptsResolve, (context, { path, payload }) =>
    withPrompt(context, path.slug, (prompt): Result<SchemasPrompts.ResolvePromptResponseBody> => {
      const version = resolveVersion(prompt, payload)
      if (version === undefined) return noVersion
      // the server treats an empty template as none
      if (version.textContent === null || version.textContent.length === 0)
        return fail(404, "Prompt has no content")
      return ok({
        data: {
          promptId: prompt.friendlyId,
          slug: prompt.slug,
          version: version.version,
          labels: [...version.labels],
          template: version.textContent,
          text: compileTemplate(version.textContent, payload.variables),
          model: version.model ?? prompt.defaultModel,
          config: version.config ?? prompt.defaultConfig
        }
      })
    })
  ),

  handle(ManagementApi.promptsList, (context) =>
    withEnvironment(context, (environment): Result<SchemasPrompts.ListPromptsResponseBody> => {
      const all = [...promptsOf(context.state, environment, context.now).values()]
      all.sort((a, b) => b.updatedAt - a.updatedAt)
      return ok({
        data: all.map((prompt) => {
          const current = labelled(prompt, "current")
          const override = labelled(prompt, "override")
          return {
            slug: prompt.slug,
            friendlyId: prompt.friendlyId,
            description: prompt.description,
            tags: [...prompt.tags],
            defaultModel: override?.model ?? current?.model ?? prompt.defaultModel,
            currentVersion: current?.version ?? null,
            hasOverride: override !== undefined,
            updatedAt: iso(prompt.updatedAt)
          }
        })
      })
    })
  ),

  handle(ManagementApi.promptsVersions, (context, { path }) =>
    withPrompt(
      context,
      path.slug,
      (prompt): Result<SchemasPrompts.ListPromptVersionsResponseBody> =>
        ok({
          data: prompt.versions
            .slice(-50)
            .reverse()
            .map((version) => ({
              id: version.id,
              version: version.version,
              labels: [...version.labels],
              source: version.source,
              model: version.model,
              textContent: version.textContent,
              commitMessage: version.commitMessage,
              contentHash: version.contentHash,
              createdAt: iso(version.createdAt)
            }))
        }),
      notFound
    )
  ),

  handle(ManagementApi.promptsPromote, (context, { path, payload }) =>
    withPrompt(context, path.slug, (prompt) =>
      withVersion(prompt, payload.version, (target): Result<SchemasPrompts.PromptOkResponseBody> => {
        if (target.source !== "code")
          return fail(400, "Only code-sourced versions can be promoted. Use the override API instead.")
        moveLabel(prompt, "current", target)
        return ok(okBody)
      })
    )
  ),

  handle(ManagementApi.promptsCreateOverride, (context, { path, payload }) =>
    withPrompt(context, path.slug, (prompt): Result<SchemasPrompts.PromptOverrideCreatedResponseBody> => {
      const version = (prompt.versions.at(-1)?.version ?? 0) + 1
      const created: PromptVersion = {
        id: newId(context.state, "", 25),
        version,
        source: payload.source ?? "api",
        textContent: payload.textContent,
        // an empty model or message is stored as none
        model: payload.model || null,
        config: null,
        commitMessage: payload.commitMessage || null,
        contentHash: contentHash(payload.textContent),
        labels: [],
        createdAt: context.now
      }
      prompt.versions.push(created)
      moveLabel(prompt, "override", created)
      return ok({ ok: true, version })
    })
  ),

  handle(ManagementApi.promptsUpdateOverride, (context, { path, payload }) =>
    withPrompt(context, path.slug, (prompt): Result<SchemasPrompts.PromptOkResponseBody> => {
      const override = labelled(prompt, "override")
      if (override === undefined) return fail(400, "No active override to update")
      const text = payload.textContent ?? override.textContent ?? ""
      override.textContent = text
      override.model = payload.model ?? override.model
      override.commitMessage = payload.commitMessage ?? override.commitMessage
      override.contentHash = contentHash(text)
      return ok(okBody)
    })
  ),

  handle(ManagementApi.promptsRemoveOverride, (context, { path }) =>
    withPrompt(context, path.slug, (prompt): Result<SchemasPrompts.PromptOkResponseBody> => {
      moveLabel(prompt, "override", undefined)
      return ok(okBody)
    })
  ),

  handle(ManagementApi.promptsReactivateOverride, (context, { path, payload }) =>
    withPrompt(context, path.slug, (prompt) =>
      withVersion(prompt, payload.version, (target): Result<SchemasPrompts.PromptOkResponseBody> => {
        if (target.source === "code")
          return fail(400, "Code-sourced versions cannot be reactivated as overrides")
        moveLabel(prompt, "override", target)
        return ok(okBody)
      })
    )
  )
]
