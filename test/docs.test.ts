/**
 * Every code block of README.md and docs/ is either TypeScript that compiles against the packages, or
 * marked as shell (or as data: json, text). The TypeScript blocks are compiled, with the doc comments'
 * examples and the type tests, in one program by test/guards/compiled.test.ts.
 */
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { checkedLangs, otherLangs } from "./support/compile.js"
import { docsBlocks } from "./support/markdown.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const blocks = docsBlocks(root)

describe("code blocks in README.md and docs/", () => {
  it("are labelled: TypeScript (checked), shell or data", () => {
    const unlabelled = blocks.filter((b) => !checkedLangs.has(b.lang) && !otherLangs.has(b.lang))
    expect(unlabelled.map((b) => `${b.file}:${b.line} \`\`\`${b.lang}`)).toEqual([])
    expect(blocks.filter((b) => checkedLangs.has(b.lang)).length).toBeGreaterThan(0)
  })
})
