/**
 * The type tests assert the diagnostic text (test/guards/typeTests.ts): every `@ts-expect-error` of every
 * `*.test-d.ts` names what the compiler reports on its line. The harness itself is shown to fail on a
 * fixture with a bare directive, a wrong text and a line that compiles.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { failures, readTypeTests, typeTestFiles, workspaceOptions } from "./typeTests.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")

describe("the type tests", () => {
  it("expect the diagnostic text the compiler reports on each @ts-expect-error line", () => {
    const files = typeTestFiles(root)
    expect(files.length).toBeGreaterThanOrEqual(7)
    const report = readTypeTests(files, workspaceOptions(root))
    expect(report.expectations.length).toBeGreaterThan(50)
    expect(failures(root, report)).toEqual([])
  })
})

describe("the type-test harness", () => {
  it("fails on a bare directive, a text the line does not report and a line that compiles", () => {
    mkdirSync(join(root, "test/build"), { recursive: true })
    const dir = mkdtempSync(join(root, "test/build/type-tests-fixture-"))
    try {
      const file = join(dir, "fixture.test-d.ts")
      writeFileSync(
        file,
        [
          "// @ts-expect-error Type 'string' is not assignable to type 'number'",
          'export const a: number = "a"',
          "// @ts-expect-error",
          'export const b: number = "b"',
          "// @ts-expect-error is not assignable to type 'boolean'",
          'export const c: number = "c"',
          "// @ts-expect-error /Type 'string' is not assignable to type 'numbr'/",
          "export const d: number = 1",
          "// @ts-expect-error /Type '\\w+' is not assignable to type 'number'/",
          "// (a comment between the directive and its line is allowed, as tsc allows it)",
          'export const e: number = "e"',
          'export const f: number = "f"'
        ].join("\n")
      )
      const report = readTypeTests([file], workspaceOptions(root))
      expect(report.expectations.map((e) => [e.line, e.target])).toEqual([
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
        [9, 11]
      ])
      const name = file.slice(root.length + 1)
      expect(failures(root, report)).toEqual([
        `${name}:3: bare @ts-expect-error; write the text it expects (reported: "Type 'string' is not assignable to type 'number'.")`,
        `${name}:5: expected "is not assignable to type 'boolean'", reported "Type 'string' is not assignable to type 'number'."`,
        `${name}:7: line 8 compiles; expected "/Type 'string' is not assignable to type 'numbr'/"`,
        `${name}:12: Type 'string' is not assignable to type 'number'. (no @ts-expect-error covers it)`
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
