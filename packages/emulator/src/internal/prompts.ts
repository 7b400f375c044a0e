/**
 * Prompts as the emulator keeps them, per environment (docs/reference/prompts.md). The emulator deploys
 * nothing, so each environment starts with three demo prompts, made on first use: `greeting` (deployed
 * versions 1 and 2, `current` on 2, a default model and config), `summarize` (version 1, no model) and
 * `support-reply` (deployed version 1, then two overrides: version 2 removed, version 3 active). Overrides,
 * promotions and reactivations then move the `current` and `override` labels as the server does.
 */
import { createHash } from "node:crypto"
import { type Environment, newId, type State } from "./model.js"

/** A version of a prompt. */
export interface PromptVersion {
  /** The version's own id (not shown by number). */
  readonly id: string
  readonly version: number
  /** `code` for a deployed version; the override's source otherwise (`api` by default). */
  readonly source: string
  textContent: string | null
  model: string | null
  readonly config: Readonly<Record<string, unknown>> | null
  commitMessage: string | null
  contentHash: string
  labels: Array<string>
  readonly createdAt: number
}

/** A prompt and its versions, in version order. */
export interface Prompt {
  readonly friendlyId: string
  readonly slug: string
  readonly description: string | null
  readonly tags: ReadonlyArray<string>
  readonly defaultModel: string | null
  readonly defaultConfig: Readonly<Record<string, unknown>> | null
  readonly updatedAt: number
  readonly versions: Array<PromptVersion>
}

const stores = new WeakMap<Environment, Map<string, Prompt>>()

/** The server's content hash: the first 16 hex characters of the SHA-256 of the text. */
export const contentHash = (text: string): string =>
  createHash("sha256").update(text).digest("hex").slice(0, 16)

const deployed = (
  state: State,
  version: number,
  textContent: string,
  model: string | null,
  config: Readonly<Record<string, unknown>> | null,
  labels: Array<string>,
  createdAt: number
): PromptVersion => ({
  id: newId(state, "", 25),
  version,
  source: "code",
  textContent,
  model,
  config,
  commitMessage: null,
  // a deploy hashes the text, model and config together
  contentHash: contentHash(JSON.stringify({ content: textContent, model, config })),
  labels,
  createdAt
})

const override = (
  state: State,
  version: number,
  textContent: string,
  model: string | null,
  commitMessage: string,
  labels: Array<string>,
  createdAt: number
): PromptVersion => ({
  id: newId(state, "", 25),
  version,
  source: "dashboard",
  textContent,
  model,
  config: null,
  commitMessage,
  contentHash: contentHash(textContent),
  labels,
  createdAt
})

const demoPrompts = (state: State, now: number): ReadonlyArray<Prompt> => [
  {
    friendlyId: newId(state, "prompt_"),
    slug: "greeting",
    description: "Greets a customer by name",
    tags: ["demo"],
    defaultModel: "gpt-4o-mini",
    defaultConfig: { temperature: 0.7 },
    updatedAt: now,
    versions: [
      deployed(state, 1, "Hello {{name}}!", "gpt-4o-mini", null, [], now - 120_000),
      deployed(
        state,
        2,
        "Hello {{name}}{{#company}} from {{company}}{{/company}}!",
        "gpt-4o",
        null,
        ["latest", "current"],
        now - 60_000
      )
    ]
  },
  {
    friendlyId: newId(state, "prompt_"),
    slug: "summarize",
    description: null,
    tags: [],
    defaultModel: null,
    defaultConfig: null,
    updatedAt: now - 60_000,
    versions: [
      deployed(state, 1, "Summarize in {{ words }} words:\n{{text}}", null, null, ["latest", "current"], now)
    ]
  },
  {
    friendlyId: newId(state, "prompt_"),
    slug: "support-reply",
    description: "Drafts a reply to a support ticket",
    tags: ["support"],
    defaultModel: "claude-sonnet-4",
    defaultConfig: null,
    updatedAt: now - 30_000,
    versions: [
      deployed(
        state,
        1,
        "Reply to {{customer}} about: {{ticket}}",
        null,
        null,
        ["latest", "current"],
        now - 90_000
      ),
      override(state, 2, "Reply kindly to {{customer}} about: {{ticket}}", null, "kinder", [], now - 60_000),
      override(
        state,
        3,
        "Reply briefly to {{customer}} about: {{ticket}}",
        "gpt-4o-mini",
        "shorter",
        ["override"],
        now - 30_000
      )
    ]
  }
]

/** The prompts of an environment by slug, the demo ones made on first use. */
export const promptsOf = (state: State, environment: Environment, now: number): Map<string, Prompt> => {
  let prompts = stores.get(environment)
  if (prompts === undefined) {
    prompts = new Map(demoPrompts(state, now).map((prompt) => [prompt.slug, prompt]))
    stores.set(environment, prompts)
  }
  return prompts
}

/** The newest version carrying `label`. */
export const labelled = (prompt: Prompt, label: string): PromptVersion | undefined => {
  for (let i = prompt.versions.length - 1; i >= 0; i--) {
    const version = prompt.versions[i]
    if (version?.labels.includes(label)) return version
  }
  return undefined
}

/** Moves `label` to `target` alone (appended to its labels when it did not have it). */
export const moveLabel = (prompt: Prompt, label: string, target: PromptVersion | undefined): void => {
  for (const version of prompt.versions)
    if (version !== target) version.labels = version.labels.filter((l) => l !== label)
  if (target !== undefined && !target.labels.includes(label)) target.labels.push(label)
}

const show = (value: unknown): string => (value === undefined || value === null ? "" : String(value))

/**
 * Puts variables into a template as the server does: first each `{{#key}}…{{/key}}` section, kept (with
 * its own `{{name}}`s filled) when `key` is truthy and dropped otherwise; then every `{{ name }}`, with
 * `undefined` and `null` as the empty string. No escaping, no nesting, no loops.
 */
export const compileTemplate = (template: string, variables: Readonly<Record<string, unknown>>): string => {
  const sections = /\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g
  const inSection = /\{\{(\w+)\}\}/g
  const placeholder = /\{\{\s*(\w+)\s*\}\}/g
  const withSections = template.replace(sections, (_all, key: string, body: string) =>
    variables[key] ? body.replace(inSection, (_name, name: string) => show(variables[name])) : ""
  )
  return withSections.replace(placeholder, (_name, name: string) => show(variables[name]))
}
