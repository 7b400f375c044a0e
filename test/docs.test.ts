/**
 * Every code block of README.md and docs/ is either TypeScript that compiles against the packages, or
 * marked as shell (or as data: json, text). TypeScript blocks are type-checked as modules with the
 * workspace's compiler options (test/support/compile.ts; the doc comments' examples go the same way,
 * test/guards/examples.test.ts).
 */
import { readdirSync, statSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { checkedLangs, compileSnippets, otherLangs } from "./support/compile.js"
import { codeBlocks } from "./support/markdown.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

const checked = checkedLangs
const allowed = otherLangs

const markdownFiles = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === "research" ? [] : markdownFiles(path)
    return name.endsWith(".md") ? [path] : []
  })

const files = [join(root, "README.md"), ...markdownFiles(join(root, "docs"))]
const blocks = files.flatMap((file) => codeBlocks(file, relative(root, file)))

describe("code blocks in README.md and docs/", () => {
  it("are labelled: TypeScript (checked), shell or data", () => {
    const unlabelled = blocks.filter((b) => !checked.has(b.lang) && !allowed.has(b.lang))
    expect(unlabelled.map((b) => `${b.file}:${b.line} \`\`\`${b.lang}`)).toEqual([])
  })

  it("compile", () => {
    const checkedBlocks = blocks.filter((b) => checked.has(b.lang))
    expect(checkedBlocks.length).toBeGreaterThan(0)
    expect(compileSnippets(root, "docs-blocks", checkedBlocks)).toEqual([])
  })
})
