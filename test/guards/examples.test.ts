/**
 * The code blocks of the doc comments in packages/*\/src and adapters/*\/src: an `@example` holds a fenced
 * block, labelled; the example of an export names it. The TypeScript blocks are compiled against the
 * packages with the docs' blocks (test/guards/compiled.test.ts). The guard itself is shown to fail on a
 * wrong example.
 */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { bareOptions, checkedLangs, compileSnippets, otherLangs } from "../support/compile.js"
import { commentBlocks, unrelated } from "./examples.js"
import { sourceFiles } from "./sources.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const checked = checkedLangs
const allowed = otherLangs

const extracted = sourceFiles(root).map((file) => commentBlocks(file, readFileSync(join(root, file), "utf8")))
const blocks = extracted.flatMap((e) => e.blocks)

describe("code in doc comments", () => {
  it("every @example is a fenced block, labelled TypeScript (checked), shell or data", () => {
    expect(extracted.flatMap((e) => e.unfenced)).toEqual([])
    const unlabelled = blocks.filter((b) => !checked.has(b.lang) && !allowed.has(b.lang))
    expect(unlabelled.map((b) => `${b.file}:${b.line} \`\`\`${b.lang}`)).toEqual([])
  })

  it("the example of an exported declaration uses it (an example of `layerFetch` calls `layerFetch`)", () => {
    expect(unrelated(blocks)).toEqual([])
  })
})

describe("the guard of doc-comment code", () => {
  const fixture = [
    "/**",
    " * The client on the platform's `fetch`.",
    " *",
    " * @example",
    " * ```ts",
    ' * import { ManagementClient } from "@authctx/client"',
    " *",
    " * const ClientLive = ManagementClient.layerNode()",
    " * ```",
    " */",
    "export const layerFetch = 1",
    "",
    "/**",
    " * @example",
    " * ```ts",
    " * const retrieve = (id: string) => ({ id })",
    ' * const n: number = retrieve("run_1")',
    " * ```",
    " */",
    "export const retrieve = 2",
    "",
    "/**",
    " * @example",
    " * retrieve()",
    " */",
    "export const unfenced = 3"
  ].join("\n")
  const { blocks: found, unfenced } = commentBlocks("fixture.ts", fixture)

  it("finds each block at its fence's line, the declaration it documents, and an unfenced @example", () => {
    expect(found.map((b) => [b.line, b.lang, b.documents])).toEqual([
      [5, "ts", "layerFetch"],
      [15, "ts", "retrieve"]
    ])
    expect(unfenced).toEqual(["fixture.ts:23"])
  })

  it("fails on the example of one export that shows another (layerFetch showing layerNode)", () => {
    expect(unrelated(found)).toEqual(["fixture.ts:5: the example of layerFetch does not mention it"])
  })

  it("fails on an example that does not compile, at its line in the source", () => {
    // only the block without imports: a second program over the packages would cost seconds
    const problems = compileSnippets(root, "examples-fixture", found.slice(1), bareOptions)
    expect(problems).toEqual(["fixture.ts:17: Type '{ id: string; }' is not assignable to type 'number'."])
  })
})
