/**
 * The repository cites only what it holds: no source, test or doc names a steering file a clone does not
 * have (the shared spec's sections, the architecture notes). The facts live in docs/reference/ and
 * docs/research/, and comments link those.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const skipped = new Set(["node_modules", "dist", "build", "results"])

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return skipped.has(name) || name.startsWith(".") ? [] : walk(path)
    return /\.(ts|mts|mjs|js|md|json)$/.test(name) ? [path] : []
  })

// spelled in parts so that this file does not match itself
const spec = ["SP", "EC"].join("")
const outside = new RegExp(`${spec} §|${spec}\\.md|ARCH${"ITECTURE"}\\.md|shared/${"STYLE"}`)

/** `file:line` of every line of `files` that matches `pattern`. */
const citing = (files: ReadonlyArray<string>, pattern: RegExp): Array<string> =>
  files.flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line, i) => (pattern.test(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : []))
  )

describe("references", () => {
  it("no file of packages/, adapters/, docs/, demo/ or test/ cites a file outside the repository", () => {
    const files = ["packages", "adapters", "docs", "demo", "test"].flatMap((dir) => walk(join(root, dir)))
    expect(files.length).toBeGreaterThan(100)
    expect(citing(files, outside)).toEqual([])
  })

  it("the check finds such a citation", () => {
    expect(outside.test(`see ${spec} §3`)).toBe(true)
    expect(outside.test(`the shared ${spec}.md`)).toBe(true)
    expect(outside.test(`see ARCH${"ITECTURE"}.md`)).toBe(true)
    expect(outside.test("see docs/reference/credentials.md")).toBe(false)
  })
})
