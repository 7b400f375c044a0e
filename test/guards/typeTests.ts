/**
 * The harness of the type tests (`*.test-d.ts`): `tsc -b` checks that each `// @ts-expect-error` line
 * fails, but not how, so a typo passes as well as the refusal under test. Here each directive carries the
 * diagnostic it expects, and the file is compiled with the directives switched off to read what the
 * compiler reports on the line (docs/contributing.md, "Type tests"):
 *
 * - `// @ts-expect-error <text>`: some diagnostic of the next code line contains `<text>` (a diagnostic reads
 *   as `tsc` prints it, `TS2339: Property 'x' does not exist on type 'Y'.`, so the code may lead the text);
 * - `// @ts-expect-error /<pattern>/`: some diagnostic of that line matches the regular expression;
 * - a directive without text, or with text no diagnostic of its line has, or on a line that compiles, fails.
 *
 * "The next code line" is the one the compiler applies the directive to: the next line that is neither
 * blank nor a `//` comment, so the reason for a test goes in a comment line above the directive.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, resolve } from "node:path"
import ts from "typescript"

const directive = /^(\s*\/\/\s*)@ts-expect-error\b(.*)$/

/** One `@ts-expect-error` of a type test, and what the compiler reports on its line without it. */
export interface Expectation {
  readonly file: string
  /** 1-based line of the directive. */
  readonly line: number
  /** 1-based line the directive applies to. */
  readonly target: number
  /** The text after the directive, trimmed (`""` for a bare directive). */
  readonly expected: string
  /** The diagnostics that start on `target`, each flattened to one line. */
  readonly reported: ReadonlyArray<string>
}

/** What a run of the harness found: every directive, and the diagnostics no directive covers. */
export interface Report {
  readonly expectations: ReadonlyArray<Expectation>
  readonly uncovered: ReadonlyArray<string>
}

/** A diagnostic as one line, with its code first as `tsc` prints it: `TS2339: Property 'x' does not exist …`. */
const flatten = (d: ts.Diagnostic) =>
  `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\s+/g, " ")}`

/**
 * A compiler host that reads the type tests among `files` with each directive switched off (same length,
 * so every position stays) and everything else as it is.
 */
export const disarmingHost = (options: ts.CompilerOptions, files: ReadonlyArray<string>): ts.CompilerHost => {
  const targets = new Set(files.map((f) => resolve(f)))
  const host = ts.createCompilerHost(options, true)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    targets.has(resolve(fileName))
      ? ts.createSourceFile(
          fileName,
          readFileSync(fileName, "utf8")
            .split("\n")
            .map((line) => line.replace(directive, "$1@ts-expect-errxr$2"))
            .join("\n"),
          languageVersion
        )
      : getSourceFile(fileName, languageVersion, onError, shouldCreate)
  return host
}

/** Pairs every directive of the type tests `files` with the diagnostics `program` reports on its line. */
export const reportOf = (program: ts.Program, files: ReadonlyArray<string>): Report => {
  const expectations: Array<Expectation> = []
  const uncovered: Array<string> = []
  for (const file of files.map((f) => resolve(f))) {
    const source = program.getSourceFile(file)
    if (source === undefined) throw new Error(`${file} is not in the program`)
    const lines = readFileSync(file, "utf8").split("\n")
    const byLine = new Map<number, Array<string>>()
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1
      byLine.set(line, [...(byLine.get(line) ?? []), flatten(d)])
    }
    const covered = new Set<number>()
    for (const [i, text] of lines.entries()) {
      const match = directive.exec(text)
      if (!match) continue
      let target = i + 1
      while (target < lines.length && /^\s*(\/\/.*)?$/.test(lines[target] ?? "")) target++
      covered.add(target + 1)
      expectations.push({
        file,
        line: i + 1,
        target: target + 1,
        expected: (match[2] ?? "").trim(),
        reported: byLine.get(target + 1) ?? []
      })
    }
    for (const [line, messages] of byLine) {
      if (!covered.has(line)) for (const message of messages) uncovered.push(`${file}:${line}: ${message}`)
    }
  }
  return { expectations, uncovered }
}

/**
 * Compiles the type tests `files` (absolute paths) on their own with `options`, directives switched off,
 * and pairs every directive with the diagnostics of its line. (The suite checks them in one program with
 * the docs' blocks: test/support/compile.ts.)
 *
 * @example
 * ```ts
 * import { readTypeTests } from "./typeTests.js"
 * import { snippetOptions } from "../support/compile.js"
 *
 * const report = readTypeTests(["/repo/packages/core/test/Capability.test-d.ts"], snippetOptions)
 * ```
 */
export const readTypeTests = (files: ReadonlyArray<string>, options: ts.CompilerOptions): Report =>
  reportOf(ts.createProgram({ rootNames: [...files], options, host: disarmingHost(options, files) }), files)

/** Whether a diagnostic satisfies a directive's text: a substring, or a `/pattern/`. */
export const satisfies = (expected: string, message: string): boolean => {
  const pattern = /^\/(.+)\/([imsu]*)$/.exec(expected)
  return pattern ? new RegExp(pattern[1] ?? "", pattern[2]).test(message) : message.includes(expected)
}

/**
 * The failures of a report, as `file:line: reason` (paths relative to `root`): bare directives, directives
 * on a line that compiles, texts no diagnostic of the line has, diagnostics no directive covers.
 *
 * @example
 * ```ts
 * import { failures, readTypeTests, typeTestFiles } from "./typeTests.js"
 * import { snippetOptions } from "../support/compile.js"
 *
 * const root = process.cwd()
 * failures(root, readTypeTests(typeTestFiles(root), snippetOptions)) // []
 * ```
 */
export const failures = (root: string, report: Report): Array<string> => {
  const rel = (file: string) => (file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file)
  const out: Array<string> = []
  for (const e of report.expectations) {
    const where = `${rel(e.file)}:${e.line}`
    const actual =
      e.reported.length === 0 ? "nothing" : e.reported.map((m) => JSON.stringify(m)).join(" and ")
    if (e.expected === "")
      out.push(`${where}: bare @ts-expect-error; write the text it expects (reported: ${actual})`)
    else if (e.reported.length === 0)
      out.push(`${where}: line ${e.target} compiles; expected ${JSON.stringify(e.expected)}`)
    else if (!e.reported.some((m) => satisfies(e.expected, m)))
      out.push(`${where}: expected ${JSON.stringify(e.expected)}, reported ${actual}`)
  }
  for (const u of report.uncovered) out.push(`${rel(u)} (no @ts-expect-error covers it)`)
  return out
}

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory())
      return ["node_modules", "build", "dist"].includes(name) || name.startsWith(".") ? [] : walk(path)
    return name.endsWith(".test-d.ts") ? [path] : []
  })

/** Every type test of the workspace: `*.test-d.ts` under packages/, adapters/, test/ and demo/. */
export const typeTestFiles = (root: string): Array<string> =>
  ["packages", "adapters", "test", "demo"]
    .map((dir) => join(root, dir))
    .filter((dir) => existsSync(dir))
    .flatMap(walk)
    .sort()
