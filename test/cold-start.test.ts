/**
 * Cold start: the libraries import Effect and `@effect/platform` module by module (`effect/Schema`, not
 * `effect`). Node loads ES modules without tree shaking, so one barrel import loads the whole package:
 * importing `@authctx/client/promise` opened 749 files with barrel imports and 586 with module imports
 * (`effect` 362 → 253, `@effect/platform` 92 → 44 and msgpackr's 6 gone; fast-check's 223 stay, as
 * `effect/Schema` imports them); measured with `node -e` timing `import()` of the built dist,
 * docs/decisions/0025-client-fast-path.md.
 *
 * `jose` is imported by subpath (`jose/jwt/decode`, …), never from its barrel, which loads every JOSE
 * algorithm (49 files, 7 with the subpath), and the Promise API imports its signer only when it signs; the
 * Node 20 probe for freeing memory waits for the first body it frees: docs/decisions/0039-cold-start-imports.md.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const libraries = ["packages/api/src", "packages/core/src", "packages/client/src"]
/**
 * Every published package's sources (adapters/testkit is private, a test helper: it may use the barrel).
 */
const published = [
  ...libraries,
  "packages/emulator/src",
  "packages/server/src",
  "adapters/express/src",
  "adapters/koa/src",
  "adapters/hono/src"
]

const sources = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return path.endsWith(".ts") ? [path] : []
  })

/** An import or re-export from a package's root (`"effect"`, `"@effect/platform"`), not one of its modules. */
const barrel = /\bfrom\s+"(effect|@effect\/platform)"/g

/** A static or dynamic import of `jose`'s barrel (`from "jose"`, `import("jose")`), not of a subpath. */
const joseBarrel = /(\bfrom\s+|\bimport\s*\(\s*)"jose"/g

/** A static import of `jose`'s signer (a dynamic `import("jose/jwt/sign")` does not match). */
const staticSigner = /\bfrom\s+"jose\/jwt\/sign"/g

/** `file:line: match` for each match of `pattern` in the sources under `dirs`, doc-comment lines skipped. */
const findImports = (dirs: ReadonlyArray<string>, pattern: RegExp): Array<string> => {
  const found: Array<string> = []
  for (const dir of dirs) {
    for (const file of sources(join(root, dir))) {
      const text = readFileSync(file, "utf8")
      const lines = text.split("\n")
      for (const match of text.matchAll(pattern)) {
        const line = text.slice(0, match.index).split("\n").length
        // examples in doc comments show users' code, which may import the barrel
        if (/^\s*\*/.test(lines[line - 1] ?? "")) continue
        found.push(`${relative(root, file)}:${line}: ${match[0]}`)
      }
    }
  }
  return found
}

describe("cold start", () => {
  it("the libraries import effect and @effect/platform module by module, never from the barrel", () => {
    expect(findImports(libraries, barrel)).toEqual([])
  })

  it("the check sees a barrel import (it can fail)", () => {
    expect('import { Effect } from "effect"'.match(barrel)).toHaveLength(1)
    expect('import * as Effect from "effect/Effect"'.match(barrel)).toBeNull()
  })

  it("no published package imports jose's barrel: jose/jwt/decode, jose/jwt/sign, jose/errors, …", () => {
    expect(findImports(published, joseBarrel)).toEqual([])
  })

  it("core and the client import jose's signer only when they sign (a dynamic import)", () => {
    expect(findImports(libraries, staticSigner)).toEqual([])
    // the signer is still there, loaded on demand: a rename would otherwise pass the check above silently
    expect(readFileSync(join(root, "packages/client/src/PublicTokens.ts"), "utf8")).toContain(
      'import("jose/jwt/sign")'
    )
  })

  it("the jose checks see the barrel and a static signer (they can fail)", () => {
    expect('import { decodeJwt } from "jose"'.match(joseBarrel)).toHaveLength(1)
    expect('const { SignJWT } = await import("jose")'.match(joseBarrel)).toHaveLength(1)
    expect('import { decodeJwt } from "jose/jwt/decode"'.match(joseBarrel)).toBeNull()
    expect('import { SignJWT } from "jose/jwt/sign"'.match(staticSigner)).toHaveLength(1)
    expect('signer ??= import("jose/jwt/sign")'.match(staticSigner)).toBeNull()
  })
})

describe("nothing at import that can wait for first use", () => {
  const original = globalThis.MessageChannel
  afterEach(() => {
    globalThis.MessageChannel = original
  })

  /** Counts `MessageChannel`s constructed from now on (the Node 20 probe for freeing memory opens one). */
  const countChannels = () => {
    const counter = { opened: 0 }
    globalThis.MessageChannel = class extends original {
      constructor() {
        super()
        counter.opened++
      }
    }
    return counter
  }

  it("importing the body reader opens no MessageChannel (the freeing probe runs on first use)", async () => {
    const counter = countChannels()
    // a fresh evaluation: vitest isolates each test file's modules, and nothing here imported it before
    const body = await import("../packages/client/src/internal/body.js")
    expect(counter.opened).toBe(0)
    // on first use it is found (through transfer on Node 22+, through a closed port on Node 20)
    expect(body.canFree()).toBe(true)
  })

  it("the counter sees a probe that opens a channel (it can fail)", async () => {
    const counter = countChannels()
    const body = await import("../packages/client/src/internal/body.js")
    expect(body.closedPortDetach()).toBeDefined()
    expect(counter.opened).toBe(1)
  })
})
