/**
 * One definition for each word of the API (docs/concepts.md, "One definition for each word"): the
 * environment slugs, the credential kinds and the key prefixes live in `@authctx/core`'s
 * `internal/credentialFormat.ts` (public as `Credential.*`), the `TRIGGER_*` variable names in
 * `internal/variables.ts` (public as `Auth.environmentVariables`), the wire header names in
 * `@authctx/api`'s `Headers.ts`. This test reads the library, adapter, demo and test-support sources and
 * fails on a second spelling of any of them in code (comments and doc examples are prose, not definitions).
 *
 * Test files themselves are not scanned: a test that states the facts independently (a list of prefixes
 * it expects to parse) is an oracle for the definitions, not a copy of them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { Headers } from "@authctx/api"
import { Auth } from "@authctx/core"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

const sourceFiles = (dir: string): Array<string> => {
  let names: Array<string>
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names.flatMap((name) => {
    const path = join(dir, name)
    if (name === "node_modules" || name === "dist" || name === "build") return []
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(?:ts|mts|tsx)$/.test(name) && !/\.test(?:-d)?\.ts$/.test(name) ? [path] : []
  })
}

const packageDirs = (parent: string): Array<string> =>
  readdirSync(join(root, parent)).map((name) => join(root, parent, name))

/** Library, adapter, demo and bench sources, and the test-support modules beside the tests. */
const scanned = [
  ...packageDirs("packages").flatMap((dir) => [
    ...sourceFiles(join(dir, "src")),
    ...sourceFiles(join(dir, "test"))
  ]),
  ...packageDirs("adapters").flatMap((dir) => [
    ...sourceFiles(join(dir, "src")),
    ...sourceFiles(join(dir, "test"))
  ]),
  ...sourceFiles(join(root, "demo/src")),
  ...sourceFiles(join(root, "test/bench")),
  ...sourceFiles(join(root, "test/support"))
].map((path) => relative(root, path))

/** The code of a source: comment lines and trailing `//` comments removed (URLs in strings kept). */
export const codeOf = (text: string): string =>
  text
    .split("\n")
    .filter((line) => !/^\s*(?:\/\*\*?|\*|\/\/)/.test(line))
    .map((line) => line.replace(/(^|[^:"'`])\/\/ .*$/, "$1"))
    .join("\n")

interface Word {
  readonly name: string
  /** Where the word is defined: the only file allowed to spell it. */
  readonly home: string
  readonly pattern: RegExp
}

const quoted = (values: ReadonlyArray<string>) => values.map((v) => v.replace(/[-]/g, "\\-")).join("|")

const words: ReadonlyArray<Word> = [
  {
    name: "the environment slugs",
    home: "packages/core/src/internal/credentialFormat.ts",
    pattern: /"dev"\s*[,|]\s*"staging"|"staging"\s*[,|]\s*"prod"|"prod"\s*[,|]\s*"preview"/
  },
  {
    name: "the credential kinds",
    home: "packages/core/src/internal/credentialFormat.ts",
    pattern: /"SecretKey"\s*[,|]\s*"PersonalAccessToken"|"PersonalAccessToken"\s*[,|]\s*"SecretKey"/
  },
  {
    name: "a key prefix",
    home: "packages/core/src/internal/credentialFormat.ts",
    // a bare prefix in a string ("tr_pat_", `tr_dev_${…}`), or the prefixes listed in a regular expression
    pattern: /["'`]tr_(?:dev|stg|prod|preview|pat)_(?:sk_)?(?:["'`]|\$\{)|dev\|stg|stg\|prod/
  },
  {
    name: "a TRIGGER_* variable name",
    home: "packages/core/src/internal/variables.ts",
    pattern: new RegExp(`["'\`](?:${quoted(Object.values(Auth.environmentVariables))})["'\`]`)
  },
  {
    name: "a wire header name",
    home: "packages/api/src/Headers.ts",
    pattern: new RegExp(
      `["'\`](?:${quoted(Object.values(Headers).filter((v) => v !== Headers.realtimeStreamsV2))})["'\`]`,
      "i"
    )
  }
]

/**
 * Files that spell a word on purpose, each with the reason. Keep this short: a new entry needs a reason a
 * reviewer accepts.
 */
const exceptions: ReadonlyMap<string, string> = new Map([
  [
    "demo/src/servers/naive.ts",
    "the plain node:http server that stands for code written without authctx: it builds its own headers"
  ],
  [
    "packages/emulator/src/internal/tokenRefusals.ts",
    'the server\'s 403 body for a public token says `type: "authorization"` (an error type, not the header)'
  ],
  [
    "adapters/testkit/src/index.ts",
    "the hostile Authorization corpus writes raw header lines, header names included, byte by byte"
  ]
])

const findings = (word: Word): Array<string> =>
  scanned.flatMap((file) => {
    if (file === word.home || exceptions.has(file)) return []
    const code = codeOf(readFileSync(join(root, file), "utf8"))
    return code
      .split("\n")
      .flatMap((line, i) => (word.pattern.test(line) ? [`${file}: ${line.trim()} (code line ${i + 1})`] : []))
  })

describe("one definition for each word", () => {
  it("scans the sources it means to (a guard that reads nothing cannot fail)", () => {
    expect(scanned).toContain("packages/core/src/Credential.ts")
    expect(scanned).toContain("packages/emulator/src/internal/model.ts")
    expect(scanned).toContain("adapters/express/src/index.ts")
    expect(scanned).toContain("demo/src/main.ts")
    expect(scanned.length).toBeGreaterThan(60)
  })

  it("each word's patterns find its own definition (so they would find a copy)", () => {
    for (const word of words) {
      const code = codeOf(readFileSync(join(root, word.home), "utf8"))
      const found = code.split("\n").some((line) => word.pattern.test(line))
      expect(found ? word.name : `${word.name}: not found in ${word.home}`).toBe(word.name)
    }
  })

  it("the patterns catch a copy and skip prose", () => {
    const copies = [
      'export type Slug = "dev" | "staging" | "prod" | "preview"',
      'const kinds = ["SecretKey", "PersonalAccessToken"] as const',
      'if (token.startsWith("tr_pat_")) return',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is source text with a template in it
      "const key = `tr_stg_${body}`",
      "const shape = /tr_(?:dev|stg|prod|preview|pat)_/",
      'const name = process.env["TRIGGER_SECRET_KEY"]',
      'headers["x-trigger-branch"] = branch',
      "const h = { 'Authorization': value }"
    ]
    const prose = [
      ' * const slug = Credential.parse("tr_dev_abcdefghijklmnopqrstuvwx") // keys start tr_stg_',
      '// "dev" | "staging" | "prod" | "preview"',
      'const token = "tr_dev_abcdefghijklmnopqrstuvwx"'
    ]
    const caught = (line: string) => words.some((word) => word.pattern.test(codeOf(line)))
    expect(copies.filter((line) => !caught(line))).toEqual([])
    expect(prose.filter(caught)).toEqual([])
  })

  for (const word of words) {
    it(`${word.name}: defined in ${word.home} only`, () => {
      expect(findings(word)).toEqual([])
    })
  }

  it("every exception still needs its exception (a stale one hides nothing and should go)", () => {
    const stale = [...exceptions.keys()].flatMap((file) => {
      if (!existsSync(join(root, file))) return [`${file}: no longer exists`]
      const code = codeOf(readFileSync(join(root, file), "utf8"))
      const spells = code.split("\n").some((line) => words.some((word) => word.pattern.test(line)))
      return spells ? [] : [`${file}: spells no word any more`]
    })
    expect(stale).toEqual([])
  })
})
