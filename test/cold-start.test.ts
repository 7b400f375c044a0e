/**
 * Cold start: the libraries import Effect and `@effect/platform` module by module (`effect/Schema`, not
 * `effect`). Node loads ES modules without tree shaking, so one barrel import loads the whole package:
 * importing `@authctx/client/promise` opened 749 files with barrel imports and 586 with module imports
 * (`effect` 362 → 253, `@effect/platform` 92 → 44 and msgpackr's 6 gone; fast-check's 223 stay, as
 * `effect/Schema` imports them); measured with `node -e` timing `import()` of the built dist,
 * docs/decisions/0025-client-fast-path.md.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const libraries = ["packages/api/src", "packages/core/src", "packages/client/src"]

const sources = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return path.endsWith(".ts") ? [path] : []
  })

/** An import or re-export from a package's root (`"effect"`, `"@effect/platform"`), not one of its modules. */
const barrel = /\bfrom\s+"(effect|@effect\/platform)"/g

describe("cold start", () => {
  it("the libraries import effect and @effect/platform module by module, never from the barrel", () => {
    const found: Array<string> = []
    for (const library of libraries) {
      for (const file of sources(join(root, library))) {
        const text = readFileSync(file, "utf8")
        for (const match of text.matchAll(barrel)) {
          const line = text.slice(0, match.index).split("\n").length
          // examples in doc comments show users' code, which may import the barrel
          const lineText = text.split("\n")[line - 1] ?? ""
          if (/^\s*\*/.test(lineText)) continue
          found.push(`${relative(root, file)}:${line}: ${match[0]}`)
        }
      }
    }
    expect(found).toEqual([])
  })

  it("the check sees a barrel import (it can fail)", () => {
    expect('import { Effect } from "effect"'.match(barrel)).toHaveLength(1)
    expect('import * as Effect from "effect/Effect"'.match(barrel)).toBeNull()
  })
})
