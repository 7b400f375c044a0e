/**
 * The import graph of the library sources, read with the TypeScript parser (so an `import` inside a
 * comment or a string is not one), and the two rules it must keep: no runtime import cycle, and each
 * package imports only the packages its row of `boundaries` names.
 */
import { existsSync, readFileSync } from "node:fs"
import { dirname, join, posix, relative } from "node:path"
import ts from "typescript"
import { packageDirs, sourceFiles } from "./sources.js"

/** One import or re-export of a source file. */
export interface Import {
  /** The importing file, relative to the root. */
  readonly from: string
  readonly line: number
  readonly specifier: string
  /**
   * `type`: `import type` / `export type … from` / `import("x").T`, erased from the output.
   * `static`: any other `import`/`export … from`, loaded before the module runs (with
   * `verbatimModuleSyntax`, `import { type A } from "x"` still loads `x`). `dynamic`: `import("x")`.
   */
  readonly mode: "type" | "static" | "dynamic"
  /** The file it loads when it is a file of the repository (a relative path, or a workspace package). */
  readonly target: string | undefined
}

/** A workspace package: its directory, its name, and the source file of each of its exports. */
export interface Package {
  readonly dir: string
  readonly name: string
  readonly exports: Readonly<Record<string, string>>
}

/** The packages under `root` (`packages/*`, `adapters/*`) read from their package.json. */
export const packages = (root: string): Array<Package> =>
  packageDirs(root).map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as {
      name: string
      exports?: Record<string, { "@authctx/source"?: string } | string>
    }
    const exports: Record<string, string> = {}
    for (const [key, value] of Object.entries(manifest.exports ?? {})) {
      const source = typeof value === "string" ? undefined : value["@authctx/source"]
      if (source !== undefined) exports[key] = posix.join(dir, source)
    }
    return { dir, name: manifest.name, exports }
  })

const resolveRelative = (root: string, from: string, specifier: string): string | undefined => {
  const base = join(root, dirname(from), specifier)
  for (const candidate of [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate)) return relative(root, candidate)
  }
  return undefined
}

const resolvePackage = (all: ReadonlyArray<Package>, specifier: string): string | undefined => {
  for (const pkg of all) {
    if (specifier === pkg.name) return pkg.exports["."]
    if (specifier.startsWith(`${pkg.name}/`)) return pkg.exports[`./${specifier.slice(pkg.name.length + 1)}`]
  }
  return undefined
}

/**
 * The imports of one file.
 *
 * @example
 * ```ts
 * import { importsOf, packages } from "./imports.js"
 *
 * const root = process.cwd()
 * importsOf(root, packages(root), "packages/client/src/promise.ts").filter((i) => i.mode === "static")
 * ```
 */
export const importsOf = (root: string, all: ReadonlyArray<Package>, file: string): Array<Import> => {
  const text = readFileSync(join(root, file), "utf8")
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const found: Array<Import> = []
  const add = (node: ts.Node, specifier: string, mode: Import["mode"]) =>
    found.push({
      from: file,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
      specifier,
      mode,
      target: specifier.startsWith(".")
        ? resolveRelative(root, file, specifier)
        : resolvePackage(all, specifier)
    })
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, node.importClause?.isTypeOnly ? "type" : "static")
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly ? "type" : "static")
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node, node.argument.literal.text, "type")
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node, node.arguments[0].text, "dynamic")
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** Every import of every library source file under `root`. */
export const allImports = (root: string): Array<Import> => {
  const all = packages(root)
  return sourceFiles(root).flatMap((file) => importsOf(root, all, file))
}

/**
 * The runtime import cycles: each strongly connected set of files (two or more, or one importing itself)
 * of the graph of static imports, sorted. Type-only and dynamic imports do not load a module first, so
 * they cannot make one.
 *
 * @example
 * ```ts
 * import { allImports, cycles } from "./imports.js"
 *
 * cycles(allImports(process.cwd())) // e.g. [["packages/client/src/AuthHandle.ts", "packages/client/src/promise.ts"]]
 * ```
 */
export const cycles = (imports: ReadonlyArray<Import>): Array<Array<string>> => {
  const edges = new Map<string, Set<string>>()
  for (const i of imports) {
    if (i.mode !== "static" || i.target === undefined) continue
    const set = edges.get(i.from) ?? new Set<string>()
    set.add(i.target)
    edges.set(i.from, set)
  }
  // Tarjan's strongly connected components
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: Array<string> = []
  const onStack = new Set<string>()
  const found: Array<Array<string>> = []
  let next = 0
  const connect = (v: string): void => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0))
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: Array<string> = []
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        onStack.delete(w)
        component.push(w)
        if (w === v) break
      }
      if (component.length > 1 || edges.get(v)?.has(v)) found.push(component.sort())
    }
  }
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) connect(v)
  return found.sort((a, b) => (a[0] ?? "").localeCompare(b[0] ?? ""))
}

/** What a package may import: the workspace packages (by name) and modules it must not use. */
export interface Boundary {
  readonly mayImport: ReadonlyArray<string>
  readonly forbidden?: ReadonlyArray<string>
}

const nodeServer = ["node:http", "node:https", "node:net", "http", "https", "net"]

/**
 * The package boundaries: one row per workspace package, the `@authctx/*` packages it may import (type
 * imports included: a type import needs the dependency too). `core` is credentials, `Auth`, capabilities
 * and scope, with no HTTP server in it; the layers above it only import downwards.
 */
export const boundaries: Readonly<Record<string, Boundary>> = {
  "@authctx/core": { mayImport: [], forbidden: nodeServer },
  "@authctx/api": { mayImport: ["@authctx/core"] },
  "@authctx/client": { mayImport: ["@authctx/core", "@authctx/api"] },
  "@authctx/emulator": { mayImport: ["@authctx/core", "@authctx/api"] },
  "@authctx/server": { mayImport: ["@authctx/core", "@authctx/api", "@authctx/client"] },
  "@authctx/express": { mayImport: ["@authctx/server", "@authctx/core", "@authctx/client"] },
  "@authctx/koa": { mayImport: ["@authctx/server", "@authctx/core", "@authctx/client"] },
  "@authctx/hono": { mayImport: ["@authctx/server", "@authctx/core", "@authctx/client"] },
  // the adapters' and the demo's test fixtures: tenants on the emulator, driven through the client
  "@authctx/adapter-testkit": {
    mayImport: ["@authctx/server", "@authctx/core", "@authctx/api", "@authctx/client", "@authctx/emulator"]
  }
}

/**
 * The imports that break a boundary, as `file:line: reason`: a workspace package outside the importer's
 * row, a forbidden module, another package's `src/internal/` (by path or by a subpath export), or a
 * package with no row at all.
 *
 * @example
 * ```ts
 * import { allImports, boundaries, boundaryViolations, packages } from "./imports.js"
 *
 * const root = process.cwd()
 * boundaryViolations(packages(root), allImports(root), boundaries) // []
 * ```
 */
export const boundaryViolations = (
  all: ReadonlyArray<Package>,
  imports: ReadonlyArray<Import>,
  rules: Readonly<Record<string, Boundary>>
): Array<string> => {
  const owner = (file: string) => all.find((pkg) => file.startsWith(`${pkg.dir}/`))
  const problems: Array<string> = []
  for (const pkg of all) {
    if (rules[pkg.name] === undefined)
      problems.push(`${pkg.dir}: ${pkg.name} has no row in the boundaries table`)
  }
  for (const i of imports) {
    const from = owner(i.from)
    const rule = from && rules[from.name]
    if (from === undefined || rule === undefined) continue
    const where = `${i.from}:${i.line}: ${i.specifier}`
    const imported = all.find((pkg) => i.specifier === pkg.name || i.specifier.startsWith(`${pkg.name}/`))
    if (imported !== undefined && imported !== from && !rule.mayImport.includes(imported.name)) {
      problems.push(
        `${where}: ${from.name} may import only ${rule.mayImport.join(", ") || "no workspace package"}`
      )
    }
    if (i.specifier.startsWith("@authctx/") && imported === undefined) {
      problems.push(`${where}: no workspace package of that name`)
    }
    if (rule.forbidden?.includes(i.specifier)) problems.push(`${where}: ${from.name} must not use it`)
    const targetOwner = i.target === undefined ? undefined : owner(i.target)
    if (i.specifier.startsWith(".") && targetOwner !== undefined && targetOwner !== from) {
      problems.push(`${where}: reaches into ${targetOwner.name} by path; import the package`)
    } else if (
      i.target !== undefined &&
      targetOwner !== undefined &&
      targetOwner !== from &&
      i.target.startsWith(`${targetOwner.dir}/src/internal/`)
    ) {
      problems.push(`${where}: ${i.target} is internal to ${targetOwner.name}`)
    } else if (imported !== undefined && imported !== from && /\/internal(\/|$)/.test(i.specifier)) {
      problems.push(`${where}: internal to ${imported.name}`)
    }
  }
  return problems
}
