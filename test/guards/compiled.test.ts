/**
 * What the compiler checks beyond \`tsc -b\`, in ONE program (the packages' sources are loaded once; see
 * \`compile\` in test/support/compile.ts): the TypeScript blocks of README.md and docs/, the code blocks of
 * the doc comments in packages/*\/src and adapters/*\/src, and the type tests with the diagnostic text of
 * each \`@ts-expect-error\` (test/guards/typeTests.ts). The guards' own failing fixtures are in
 * examples.test.ts and type-tests.test.ts.
 */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"
import { type Compiled, checkedLangs, compile } from "../support/compile.js"
import { docsBlocks } from "../support/markdown.js"
import { commentBlocks } from "./examples.js"
import { sourceFiles } from "./sources.js"
import { failures, typeTestFiles } from "./typeTests.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const docs = docsBlocks(root).filter((b) => checkedLangs.has(b.lang))
const examples = sourceFiles(root)
  .flatMap((file) => commentBlocks(file, readFileSync(join(root, file), "utf8")).blocks)
  .filter((b) => checkedLangs.has(b.lang))
const typeTests = typeTestFiles(root)
const docFiles = new Set(docs.map((b) => b.file))

let compiled: Compiled
beforeAll(() => {
  compiled = compile(root, "compiled", [...docs, ...examples], typeTests)
}, 300_000)

describe("compiled in one program", () => {
  it("the TypeScript blocks of README.md and docs/", () => {
    expect(docs.length).toBeGreaterThan(20)
    expect(compiled.problems.filter((p) => docFiles.has(p.slice(0, p.indexOf(":"))))).toEqual([])
  })

  it("the TypeScript blocks of the doc comments (every @example)", () => {
    expect(examples.length).toBeGreaterThan(100)
    expect(compiled.problems.filter((p) => !docFiles.has(p.slice(0, p.indexOf(":"))))).toEqual([])
  })

  it("the type tests: each @ts-expect-error names the diagnostic of its line", () => {
    expect(typeTests.length).toBeGreaterThanOrEqual(7)
    expect(compiled.typeTests.expectations.length).toBeGreaterThan(50)
    expect(failures(root, compiled.typeTests)).toEqual([])
  })
})
