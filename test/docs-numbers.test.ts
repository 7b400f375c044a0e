/**
 * Every number the docs quote from `test/bench/results/` is the number in that file, in this commit.
 *
 * - Quoted regions (`<!-- results:NAME -->…<!-- /results:NAME -->`, see `test/bench/quoted.ts`) are
 *   exactly what `regions[NAME]` renders from the results files. `UPDATE_DOC_NUMBERS=1` rewrites them.
 * - `results/summary.md` is what `test/bench/summary.mjs` renders from the JSON files.
 * - In the benchmark docs, no table row with a number lies outside a quoted region.
 * - Sentences of docs this check does not rewrite (the migration guide) quote the same numbers.
 */
import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { readResults, regions, summaryMachineLine } from "./bench/quoted.js"
import { section } from "./support/markdown.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const update = process.env["UPDATE_DOC_NUMBERS"] === "1"

const markdownFiles = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory())
      return name === "research" || name === "decisions" ? [] : markdownFiles(path)
    return name.endsWith(".md") ? [path] : []
  })
const docs = [join(root, "README.md"), ...markdownFiles(join(root, "docs"))]

const region = /<!-- results:([a-z0-9-]+) -->([\s\S]*?)<!-- \/results:\1 -->/g
const opening = /<!-- results:([a-z0-9-]+) -->/g

/** The text a region holds, from its rendering: block regions keep their content on lines of their own. */
const framed = (current: string, rendered: string) =>
  current.startsWith("\n") ? `\n${rendered}\n` : rendered

describe("numbers quoted in the docs", () => {
  const results = readResults()

  it("every quoted region is what its renderer makes of the results files", () => {
    const used = new Set<string>()
    const wrong: Array<string> = []
    for (const file of docs) {
      const text = readFileSync(file, "utf8")
      const name = relative(root, file)
      const closed = [...text.matchAll(region)].map((m) => m[1])
      const opened = [...text.matchAll(opening)].map((m) => m[1])
      expect(closed, `${name}: every <!-- results:NAME --> has its <!-- /results:NAME -->`).toEqual(opened)
      const next = text.replace(region, (whole, key: string, current: string) => {
        const render = regions[key]
        if (render === undefined) {
          wrong.push(`${name}: no renderer for region "${key}" in test/bench/quoted.ts`)
          return whole
        }
        used.add(key)
        const expected = framed(current, render(results))
        if (current !== expected)
          wrong.push(
            `${name}: region "${key}"\n--- in the doc\n${current}\n--- from the results\n${expected}`
          )
        return `<!-- results:${key} -->${expected}<!-- /results:${key} -->`
      })
      if (update && next !== text) writeFileSync(file, next)
    }
    if (!update) expect(wrong).toEqual([])
    expect([...used].sort()).toEqual(Object.keys(regions).sort())
  })

  it("results/summary.md is what summary.mjs renders from the JSON files", () => {
    const rendered = execFileSync(process.execPath, [join(root, "test/bench/summary.mjs"), "--check"], {
      encoding: "utf8"
    }).trim()
    const [renderedFirst = "", ...renderedRest] = rendered.split("\n")
    const [committedFirst = "", ...committedRest] = results.summary.split("\n")
    // the versions at the end of the first line are read from node_modules when it is rendered
    expect(summaryMachineLine(committedFirst)).toBe(summaryMachineLine(renderedFirst))
    expect(committedRest).toEqual(renderedRest)
  })

  it("no table row with a number in the benchmark docs lies outside a quoted region", () => {
    const unquoted = (text: string) => text.replace(region, "")
    const benchDocs = {
      "docs/benchmarks.md": unquoted(readFileSync(join(root, "docs/benchmarks.md"), "utf8")),
      "docs/adapters.md ## Cost": unquoted(
        section(readFileSync(join(root, "docs/adapters.md"), "utf8"), "Cost") ?? ""
      )
    }
    for (const [name, text] of Object.entries(benchDocs)) {
      const rows = text.split("\n").filter((l) => /^\|/.test(l) && /\|\s*[-+]?[\d.,]+\s*\|/.test(l))
      expect(rows, `${name}: rows of numbers not rendered from test/bench/results`).toEqual([])
    }
  })

  it("the migration guide quotes the SDK's cross-talk as measured", () => {
    const guide = readFileSync(join(root, "docs/migrating-from-trigger-sdk.md"), "utf8")
    const quoted = /measured in `pnpm bench`: (\d+ of \d+) overlapping calls/.exec(guide)?.[1]
    expect(quoted).toBe(regions["sdk-no-als-crosstalk"]?.(results))
  })
})
