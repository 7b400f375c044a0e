/**
 * The fenced code blocks of a markdown file, with their line and language: what the docs tests check and
 * the pack test runs.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"

/** One fenced code block: the file it is in (as given), the line of its opening fence, its language. */
export interface Block {
  readonly file: string
  readonly line: number
  readonly lang: string
  readonly code: string
}

/**
 * Every fenced block of `path`, named `name` (e.g. a path relative to the repository).
 *
 * @example
 * ```ts
 * const ts = codeBlocks("README.md", "README.md").filter((b) => b.lang === "ts")
 * ```
 */
export const codeBlocks = (path: string, name: string = path): Array<Block> => {
  const lines = readFileSync(path, "utf8").split("\n")
  const blocks: Array<Block> = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)/.exec(lines[i] ?? "")
    if (!open) continue
    const start = i
    const body: Array<string> = []
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ""); i++) body.push(lines[i] ?? "")
    blocks.push({ file: name, line: start + 1, lang: (open[2] ?? "").toLowerCase(), code: body.join("\n") })
  }
  return blocks
}

/**
 * The text of the `## heading` section of a markdown file (up to the next `## `), or `undefined`.
 *
 * @example
 * ```ts
 * section(readFileSync("README.md", "utf8"), "Install")
 * ```
 */
export const section = (markdown: string, heading: string): string | undefined => {
  const lines = markdown.split("\n")
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`)
  if (start === -1) return undefined
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## "))
  return lines.slice(start, end === -1 ? undefined : end).join("\n")
}

const markdownFiles = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === "research" ? [] : markdownFiles(path)
    return name.endsWith(".md") ? [path] : []
  })

/**
 * Every fenced block of README.md and docs/ (research notes aside) under `root`, named by its path
 * relative to `root`: what test/docs.test.ts labels and test/guards/compiled.test.ts compiles.
 *
 * @example
 * ```ts
 * const blocks = docsBlocks(process.cwd()).filter((b) => b.lang === "ts")
 * ```
 */
export const docsBlocks = (root: string): Array<Block> =>
  [join(root, "README.md"), ...markdownFiles(join(root, "docs"))].flatMap((file) =>
    codeBlocks(file, relative(root, file))
  )
