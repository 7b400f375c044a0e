/**
 * Every code block of README.md and docs/ is either TypeScript that compiles against the packages, or
 * marked as shell (or as data: json, text). Blocks are written as modules in a fresh directory under
 * test/build (its own, so that runs on several Node versions at once, or a leftover, cannot interfere) and
 * type-checked together with the compiler API, with the workspace's compiler options.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it, onTestFinished } from "vitest"
import { type Block, codeBlocks } from "./support/markdown.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

const checked = new Set(["ts", "typescript"])
const allowed = new Set(["sh", "shell", "bash", "console", "json", "text", "txt", "http"])

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
    mkdirSync(join(root, "test/build"), { recursive: true })
    const out = mkdtempSync(join(root, "test/build/docs-blocks-"))
    onTestFinished(() => rmSync(out, { recursive: true, force: true }))
    const sources = new Map<string, Block>()
    for (const [n, block] of blocks.filter((b) => checked.has(b.lang)).entries()) {
      const name = join(out, `${block.file.replace(/[^A-Za-z0-9]+/g, "_")}_${block.line}_${n}.ts`)
      writeFileSync(name, `${block.code}\nexport {}\n`)
      sources.set(name, block)
    }
    const program = ts.createProgram([...sources.keys()], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      moduleDetection: ts.ModuleDetectionKind.Force,
      customConditions: ["@authctx/source"],
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"]
    })
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || sources.has(d.file.fileName))
      .map((d) => {
        const block = d.file ? sources.get(d.file.fileName) : undefined
        const where =
          d.file && d.start !== undefined && block
            ? `${block.file}:${block.line + 1 + d.file.getLineAndCharacterOfPosition(d.start).line}`
            : "(global)"
        return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
      })
    expect(problems).toEqual([])
    expect(sources.size).toBeGreaterThan(0)
  })
})
