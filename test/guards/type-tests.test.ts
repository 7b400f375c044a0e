/**
 * The type-test harness (test/guards/typeTests.ts; the suite's type tests go through it in
 * test/guards/compiled.test.ts) shown to fail on a fixture with a bare directive, a wrong text and a line
 * that compiles.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { bareOptions } from "../support/compile.js"
import { failures, readTypeTests } from "./typeTests.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")

describe("the type-test harness", () => {
  it("fails on a bare directive, a text the line does not report and a line that compiles", () => {
    mkdirSync(join(root, "test/build"), { recursive: true })
    const dir = mkdtempSync(join(root, "test/build/type-tests-fixture-"))
    try {
      const file = join(dir, "fixture.test-d.ts")
      writeFileSync(
        file,
        [
          "// @ts-expect-error TS2322: Type 'string' is not assignable to type 'number'.",
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
      const report = readTypeTests([file], bareOptions)
      expect(report.expectations.map((e) => [e.line, e.target])).toEqual([
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
        [9, 11]
      ])
      const name = file.slice(root.length + 1)
      expect(failures(root, report)).toEqual([
        `${name}:3: bare @ts-expect-error; write the text it expects (reported: "TS2322: Type 'string' is not assignable to type 'number'.")`,
        `${name}:5: expected "is not assignable to type 'boolean'", reported "TS2322: Type 'string' is not assignable to type 'number'."`,
        `${name}:7: line 8 compiles; expected "/Type 'string' is not assignable to type 'numbr'/"`,
        `${name}:12: TS2322: Type 'string' is not assignable to type 'number'. (no @ts-expect-error covers it)`
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
