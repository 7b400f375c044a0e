/**
 * Type-checks snippets (the docs' code blocks, the `@example`s of doc comments) against the packages:
 * each is written as a module into a fresh directory under test/build (its own, so that runs on several
 * Node versions at once, or a leftover, cannot interfere) and checked together in one program with the
 * compiler API, with the workspace's compiler options.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"
import { disarmingHost, type Report, reportOf } from "../guards/typeTests.js"

/** Languages of blocks that are type-checked. */
export const checkedLangs: ReadonlySet<string> = new Set(["ts", "typescript"])
/** Languages of blocks that are not code to check: shell sessions and data. */
export const otherLangs: ReadonlySet<string> = new Set([
  "sh",
  "shell",
  "bash",
  "console",
  "json",
  "text",
  "txt",
  "http"
])

/** One snippet: its code and where it comes from (`file`, 1-based `line` of its opening fence). */
export interface Snippet {
  readonly file: string
  readonly line: number
  readonly code: string
}

/** The options a reader's project would have: strict, NodeNext, the source condition of the workspace. */
export const snippetOptions: ts.CompilerOptions = {
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
}

/** What one program found: the snippets' problems (`file:line: message`) and the type tests' report. */
export interface Compiled {
  readonly problems: Array<string>
  readonly typeTests: Report
}

/**
 * Type-checks `snippets` and the type tests `typeTests` (absolute paths, read with their directives
 * switched off: test/guards/typeTests.ts) in ONE program: the packages' sources are loaded and checked
 * once for all of them (a program costs about 6 s of CPU before its first snippet). Snippets are written
 * as modules under `<root>/test/build/<prefix>-…` (removed afterwards).
 *
 * @example
 * ```ts
 * import { compile } from "./support/compile.js"
 *
 * const { problems } = compile(process.cwd(), "docs-blocks", [{ file: "a.md", line: 1, code: "const x: number = 1" }])
 * ```
 */
export const compile = (
  root: string,
  prefix: string,
  snippets: ReadonlyArray<Snippet>,
  typeTests: ReadonlyArray<string> = [],
  options: ts.CompilerOptions = snippetOptions
): Compiled => {
  mkdirSync(join(root, "test/build"), { recursive: true })
  const out = mkdtempSync(join(root, `test/build/${prefix}-`))
  try {
    const sources = new Map<string, Snippet>()
    for (const [n, snippet] of snippets.entries()) {
      const name = join(out, `${snippet.file.replace(/[^A-Za-z0-9]+/g, "_")}_${snippet.line}_${n}.ts`)
      writeFileSync(name, `${snippet.code}\nexport {}\n`)
      sources.set(name, snippet)
    }
    const program = ts.createProgram({
      rootNames: [...sources.keys(), ...typeTests],
      options,
      host: disarmingHost(options, typeTests)
    })
    // the snippets' diagnostics only: checking every file of the program would check the packages' bodies too
    const problems = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...[...sources.keys()].flatMap((name) => {
        const file = program.getSourceFile(name)
        return file ? [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)] : []
      })
    ].map((d) => {
      const snippet = d.file ? sources.get(d.file.fileName) : undefined
      const where =
        d.file && d.start !== undefined && snippet
          ? `${snippet.file}:${snippet.line + 1 + d.file.getLineAndCharacterOfPosition(d.start).line}`
          : "(global)"
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    })
    return { problems, typeTests: reportOf(program, typeTests) }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

/**
 * The compiler's complaints about `snippets` alone, as `file:line: message`; `[]` when all compile.
 *
 * @example
 * ```ts
 * import { compileSnippets } from "./support/compile.js"
 *
 * compileSnippets(process.cwd(), "fixture", [{ file: "a.md", line: 1, code: 'const x: number = "1"' }]) // ["a.md:2: …"]
 * ```
 */
export const compileSnippets = (
  root: string,
  prefix: string,
  snippets: ReadonlyArray<Snippet>,
  options: ts.CompilerOptions = snippetOptions
): Array<string> => compile(root, prefix, snippets, [], options).problems

/** Options for fixtures that import nothing: the snippets' without the DOM and Node types (a cheaper program). */
export const bareOptions: ts.CompilerOptions = { ...snippetOptions, lib: ["lib.es2022.d.ts"], types: [] }
