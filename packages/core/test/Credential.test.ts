/**
 * Credential parsing (docs/reference/credentials.md): every accepted prefix, a table of bad inputs with the exact reason each is
 * refused for, the three parse entry points, the schema, the guards, `refine` and `fingerprint`.
 */
import { CapabilityError, Credential, InvalidCredential, type InvalidCredentialReason } from "@authctx/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, ParseResult, Redacted, Schema } from "effect"
import { devKey, pat, prodKey } from "./fixtures.js"

/** 24 letters and digits: the shortest valid body. */
const body = "abcdefghijklmnopqrstuvwx"
const body36 = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"

/** Every prefix `InvalidCredential.prefix` may show: never any of the secret part. */
const knownPrefixes = ["tr_dev_", "tr_stg_", "tr_prod_", "tr_preview_", "tr_pat_"].flatMap((p) => [
  p,
  `${p}sk_`
])

/** Unwraps the failure of a parse that must fail. */
const refusal = (input: unknown): InvalidCredential => {
  // The cast is the point: parseEither's signature says string, the runtime must still cope with anything.
  const result = Credential.parseEither(input as string)
  if (Either.isRight(result))
    throw new Error(
      `expected ${typeof input === "string" ? JSON.stringify(input) : typeof input} to be refused`
    )
  return result.left
}

/**
 * Real-length examples of every key generation Trigger.dev has issued (docs/reference/credentials.md):
 * root keys with 20 characters (until August 2026) and 24 (since), additional keys with 24, PATs with 40.
 */
describe("every generation of key parses", () => {
  const legacy20 = "a1B2c3D4e5F6g7H8i9J0"
  const current24 = "a1B2c3D4e5F6g7H8i9J0k1L2"
  const pat40 = "a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8i9J0"
  const table: ReadonlyArray<
    readonly [string, string, Credential.Kind, Credential.Environment | undefined, boolean]
  > = [
    ["dev root, 20 (legacy)", `tr_dev_${legacy20}`, "SecretKey", "dev", false],
    ["staging root, 20 (legacy)", `tr_stg_${legacy20}`, "SecretKey", "staging", false],
    ["prod root, 20 (legacy)", `tr_prod_${legacy20}`, "SecretKey", "prod", false],
    ["preview root, 20 (legacy)", `tr_preview_${legacy20}`, "SecretKey", "preview", false],
    ["dev root, 24 (current)", `tr_dev_${current24}`, "SecretKey", "dev", false],
    ["staging root, 24 (current)", `tr_stg_${current24}`, "SecretKey", "staging", false],
    ["prod root, 24 (current)", `tr_prod_${current24}`, "SecretKey", "prod", false],
    ["preview root, 24 (current)", `tr_preview_${current24}`, "SecretKey", "preview", false],
    ["dev additional, 24", `tr_dev_sk_${current24}`, "SecretKey", "dev", true],
    ["staging additional, 24", `tr_stg_sk_${current24}`, "SecretKey", "staging", true],
    ["prod additional, 24", `tr_prod_sk_${current24}`, "SecretKey", "prod", true],
    ["preview additional, 24", `tr_preview_sk_${current24}`, "SecretKey", "preview", true],
    ["PAT, 40 (current)", `tr_pat_${pat40}`, "PersonalAccessToken", undefined, false],
    ["PAT, 20 (the floor)", `tr_pat_${legacy20}`, "PersonalAccessToken", undefined, false]
  ]
  it.each(table)("%s", (_name, input, kind, environment, scoped) => {
    const credential = Either.getOrThrow(Credential.parseEither(input))
    expect(credential._tag).toBe(kind)
    expect(Redacted.value(credential.token)).toBe(input)
    if (Credential.isSecretKey(credential)) {
      expect(credential.environment).toBe(environment)
      expect(credential.scoped).toBe(scoped)
    }
  })

  it("the too-short message names the floor for the key's shape", () => {
    expect(refusal(`tr_dev_${legacy20.slice(1)}`).message).toContain(
      "at least 20 letters or digits follow tr_dev_"
    )
    expect(refusal(`tr_dev_sk_${legacy20}`).message).toContain(
      "at least 24 letters or digits follow tr_dev_sk_"
    )
    expect(refusal(`tr_pat_${legacy20.slice(1)}`).message).toContain(
      "at least 20 letters or digits follow tr_pat_"
    )
  })
})

describe("valid credentials: the prefix decides the kind", () => {
  const cases: ReadonlyArray<{
    readonly input: string
    readonly tag: Credential.Kind
    readonly environment?: Credential.Environment
    readonly scoped?: boolean
  }> = [
    { input: `tr_dev_${body}`, tag: "SecretKey", environment: "dev", scoped: false },
    { input: `tr_stg_${body}`, tag: "SecretKey", environment: "staging", scoped: false },
    { input: `tr_prod_${body}`, tag: "SecretKey", environment: "prod", scoped: false },
    { input: `tr_preview_${body}`, tag: "SecretKey", environment: "preview", scoped: false },
    { input: `tr_dev_sk_${body}`, tag: "SecretKey", environment: "dev", scoped: true },
    { input: `tr_stg_sk_${body}`, tag: "SecretKey", environment: "staging", scoped: true },
    { input: `tr_prod_sk_${body}`, tag: "SecretKey", environment: "prod", scoped: true },
    { input: `tr_preview_sk_${body}`, tag: "SecretKey", environment: "preview", scoped: true },
    { input: `tr_pat_${body}`, tag: "PersonalAccessToken" },
    { input: `tr_pat_${body36}`, tag: "PersonalAccessToken" },
    { input: `tr_prod_${body36}`, tag: "SecretKey", environment: "prod", scoped: false },
    { input: `tr_dev_${"0".repeat(24)}`, tag: "SecretKey", environment: "dev", scoped: false },
    { input: `tr_dev_${"Z".repeat(505)}`, tag: "SecretKey", environment: "dev", scoped: false }, // 512: the limit
    // "sk" not followed by "_" is part of the body, not the scoped marker
    { input: `tr_dev_sk${body}`, tag: "SecretKey", environment: "dev", scoped: false }
  ]

  it.each(cases)("$input", ({ input, tag, environment, scoped }) => {
    const credential = Either.getOrThrow(Credential.parseEither(input))
    expect(credential._tag).toBe(tag)
    expect(Redacted.isRedacted(credential.token)).toBe(true)
    expect(Redacted.value(credential.token)).toBe(input)
    if (Credential.isSecretKey(credential)) {
      expect(credential.environment).toBe(environment)
      expect(credential.scoped).toBe(scoped)
    } else {
      expect(environment).toBeUndefined()
      expect(Credential.isPersonalAccessToken(credential)).toBe(true)
    }
  })

  it("the 512-character case really is at the limit", () => {
    expect(`tr_dev_${"Z".repeat(505)}`.length).toBe(Credential.maxLength)
  })
})

describe("invalid credentials: the exact reason", () => {
  const key = `tr_dev_${body}`
  const bad: ReadonlyArray<readonly [name: string, input: string, reason: InvalidCredentialReason]> = [
    ["empty", "", "Empty"],
    ["one space", " ", "Blank"],
    ["spaces only", "     ", "Blank"],
    ["one tab", "\t", "Blank"],
    ["tabs and spaces", "\t \t\t ", "Blank"],
    ["a lone LF", "\n", "Blank"],
    ["a lone CRLF", "\r\n", "Blank"],
    ["unknown prefix tr_foo_", `tr_foo_${body}`, "UnknownPrefix"],
    ["Stripe-style sk_live_", `sk_live_${body}`, "UnknownPrefix"],
    ["GitHub-style ghp_", `ghp_${body36}`, "UnknownPrefix"],
    ["uppercase prefix TR_DEV_", `TR_DEV_${body}`, "UnknownPrefix"],
    ["mixed-case prefix Tr_Dev_", `Tr_Dev_${body}`, "UnknownPrefix"],
    ["tr_dev without underscore", `tr_dev${body}`, "UnknownPrefix"],
    ["environment spelled out: tr_staging_", `tr_staging_${body}`, "UnknownPrefix"],
    ["tr_production_", `tr_production_${body}`, "UnknownPrefix"],
    ["tr_ alone", `tr_${body}`, "UnknownPrefix"],
    ["a bare body", body36, "UnknownPrefix"],
    ["JSON-quoted key", `"${key}"`, "UnknownPrefix"],
    ["prefix only tr_dev_", "tr_dev_", "TooShort"],
    ["prefix only tr_pat_", "tr_pat_", "TooShort"],
    ["19-character root key body", `tr_dev_${body.slice(5)}`, "TooShort"],
    ["19-character prod root key body", `tr_prod_${body.slice(5)}`, "TooShort"],
    ["19-character PAT body", `tr_pat_${body.slice(5)}`, "TooShort"],
    ["23-character scoped body", `tr_prod_sk_${body.slice(1)}`, "TooShort"],
    ["20-character scoped body (additional keys never had 20)", `tr_dev_sk_${body.slice(4)}`, "TooShort"],
    ["one-character preview body", "tr_preview_a", "TooShort"],
    ["hyphen in body", `tr_dev_${body}-x`, "InvalidCharacters"],
    ["underscore in body", `tr_dev_${body}_x`, "InvalidCharacters"],
    ["dot in body", `tr_dev_${body}.x`, "InvalidCharacters"],
    ["plus in body", `tr_dev_${body}+x`, "InvalidCharacters"],
    ["slash in body", `tr_dev_${body}/x`, "InvalidCharacters"],
    ["base64 padding", `tr_dev_${body}==`, "InvalidCharacters"],
    ["space inside", `tr_dev_${body.slice(0, 12)} ${body.slice(12)}x`, "InvalidCharacters"],
    ["hyphen in a PAT", `tr_pat_${body}-x`, "InvalidCharacters"],
    ["a whole Authorization header", `Authorization: Bearer ${key}`, "InvalidCharacters"],
    ["tr_pat_sk_ (PATs are never scoped)", `tr_pat_sk_${body}`, "InvalidCharacters"],
    ["trailing CR", `${key}\r`, "LineBreak"],
    ["trailing newline", `${key}\n`, "LineBreak"],
    ["trailing CRLF", `${key}\r\n`, "LineBreak"],
    ["LF inside", `tr_dev_${body.slice(0, 10)}\n${body.slice(10)}`, "LineBreak"],
    ["CR inside", `tr_dev_${body.slice(0, 10)}\r${body.slice(10)}`, "LineBreak"],
    ["two keys on two lines", `${key}\n${prodKey}`, "LineBreak"],
    ["a 10 kB string", `tr_dev_${"a".repeat(10_240)}`, "TooLong"],
    ["513 characters", `tr_dev_${"Z".repeat(506)}`, "TooLong"],
    ["10 kB of spaces is too long before it is blank", " ".repeat(10_240), "TooLong"],
    ["é in body", `tr_dev_${body}é`, "NonAscii"],
    ["emoji in body", `tr_dev_${body}🔑`, "NonAscii"],
    ["fullwidth letters", `tr_dev_${body}ａｂｃ`, "NonAscii"],
    ["fullwidth prefix", `ｔｒ_dev_${body}`, "NonAscii"],
    ["zero-width space U+200B", `tr_dev_${body.slice(0, 5)}\u200b${body.slice(5)}`, "NonAscii"],
    ["NBSP inside", `tr_dev_${body.slice(0, 5)}\u00a0${body.slice(5)}`, "NonAscii"],
    ["Cyrillic а lookalike", `tr_dev_${body}\u0430`, "NonAscii"],
    ["leading NBSP", `\u00a0${key}`, "SurroundingWhitespace"],
    ["Bearer scheme pasted whole", `Bearer ${key}`, "BearerScheme"],
    ["lowercase bearer", `bearer ${key}`, "BearerScheme"],
    ["uppercase BEARER", `BEARER ${key}`, "BearerScheme"],
    ["space then Bearer", ` Bearer ${key}`, "BearerScheme"],
    ["Bearer with a PAT", `Bearer ${pat}`, "BearerScheme"],
    ["leading space", ` ${key}`, "SurroundingWhitespace"],
    ["trailing space", `${key} `, "SurroundingWhitespace"],
    ["spaces both sides", `  ${key}  `, "SurroundingWhitespace"],
    ["NUL byte inside", `tr_dev_${body.slice(0, 5)}\u0000${body.slice(5)}`, "ControlCharacter"],
    ["trailing NUL", `${key}\u0000`, "ControlCharacter"],
    ["leading tab", `\t${key}`, "ControlCharacter"],
    ["trailing tab", `${key}\t`, "ControlCharacter"],
    ["DEL", `${key}\u007f`, "ControlCharacter"],
    ["ANSI escape", `\u001b[31m${key}`, "ControlCharacter"],
    ["Bearer<TAB>", `Bearer\t${key}`, "ControlCharacter"]
  ]

  it("the table has at least 40 bad inputs", () => {
    expect(bad.length).toBeGreaterThanOrEqual(40)
  })

  it.each(bad)("%s → %s", (_name, input, reason) => {
    const error = refusal(input)
    expect(error).toBeInstanceOf(InvalidCredential)
    expect(error._tag).toBe("InvalidCredential")
    expect(error.reason).toBe(reason)
    expect(error.length).toBe(input.length)
    // the prefix shown is one of the known, non-secret prefixes (or nothing)
    expect(["", ...knownPrefixes]).toContain(error.prefix)
    expect(input.startsWith(error.prefix)).toBe(true)
  })

  it("shows the recognised prefix and the length, and advice for the reason", () => {
    const error = refusal(`tr_prod_sk_${body}\n`)
    expect(error.prefix).toBe("tr_prod_sk_")
    expect(error.message).toBe(
      `Invalid credential (starts with tr_prod_sk_, ${body.length + 12} characters): the credential contains a line break (CR or LF); trim it, e.g. a trailing newline from a file.`
    )
    expect(refusal(`sk_live_${body}`).message).toMatch(
      /^Invalid credential \(32 characters\): a credential starts with/
    )
  })

  const notStrings: ReadonlyArray<readonly [string, unknown]> = [
    ["undefined", undefined],
    ["null", null],
    ["a number", 42],
    ["a bigint", 42n],
    ["a boolean", true],
    ["an object", { token: devKey }],
    ["an array holding a key", [devKey]],
    ["a Redacted key", Redacted.make(devKey)],
    ["a String object", new String(devKey)],
    ["a symbol", Symbol(devKey)]
  ]
  it.each(notStrings)("not a string: %s → NotAString", (_name, input) => {
    const error = refusal(input)
    expect(error.reason).toBe("NotAString")
    expect(error.prefix).toBe("")
    expect(error.length).toBe(0)
  })
})

describe("entry points", () => {
  it.effect("parse succeeds with the parsed credential", () =>
    Effect.gen(function* () {
      const key = yield* Credential.parse(prodKey)
      expect(key._tag).toBe("SecretKey")
      expect(key.environment).toBe("prod")
      expect(key.scoped).toBe(false)
      const token = yield* Credential.parse(pat)
      expect(token._tag).toBe("PersonalAccessToken")
    })
  )

  it.effect("parse fails with a typed InvalidCredential", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Credential.parse(`Bearer ${devKey}`))
      expect(error).toBeInstanceOf(InvalidCredential)
      expect(error.reason).toBe("BearerScheme")
      const caught = yield* Credential.parse("").pipe(
        Effect.catchTag("InvalidCredential", (e) => Effect.succeed(e.reason))
      )
      expect(caught).toBe("Empty")
    })
  )

  it.effect("parse's exit is a failure for a bad string and a success for a good one", () =>
    Effect.gen(function* () {
      expect(Exit.isFailure(yield* Effect.exit(Credential.parse(`tr_dev_${body}\n`)))).toBe(true)
      expect(Exit.isSuccess(yield* Effect.exit(Credential.parse(devKey)))).toBe(true)
    })
  )

  it("unsafeParse returns the credential or throws the InvalidCredential instance", () => {
    expect(Credential.unsafeParse(devKey).environment).toBe("dev")
    let thrown: unknown
    try {
      Credential.unsafeParse(`tr_dev_${body}-`)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InvalidCredential)
    expect(thrown).toBeInstanceOf(Error)
    expect(thrown instanceof InvalidCredential && thrown.reason).toBe("InvalidCharacters")
  })

  it("parseEither gives Right and Left", () => {
    const ok = Credential.parseEither(pat)
    expect(Either.isRight(ok) && ok.right._tag).toBe("PersonalAccessToken")
    const bad = Credential.parseEither("tr_dev_short")
    expect(Either.isLeft(bad) && bad.left.reason).toBe("TooShort")
  })
})

describe("CredentialFromString", () => {
  it("decodes and encodes back to the same string", () => {
    for (const input of [devKey, prodKey, pat, `tr_stg_sk_${body}`]) {
      const credential = Schema.decodeUnknownSync(Credential.CredentialFromString)(input)
      expect(Credential.isCredential(credential)).toBe(true)
      expect(Redacted.value(credential.token)).toBe(input)
      expect(Schema.encodeSync(Credential.CredentialFromString)(credential)).toBe(input)
    }
  })

  it("decodes inside a struct", () => {
    const Settings = Schema.Struct({ key: Credential.CredentialFromString })
    const settings = Schema.decodeUnknownSync(Settings)({ key: `tr_stg_${body}` })
    expect(Credential.isSecretKey(settings.key) && settings.key.environment).toBe("staging")
  })

  it("refuses a bad string with the reason's advice and a non-string", () => {
    const bad = Schema.decodeUnknownEither(Credential.CredentialFromString)(`tr_dev_${body}\n`)
    expect(Either.isLeft(bad)).toBe(true)
    if (Either.isLeft(bad)) {
      expect(ParseResult.isParseError(bad.left)).toBe(true)
      expect(bad.left.message).toContain("line break")
    }
    const notString = Schema.decodeUnknownEither(Credential.CredentialFromString)(42)
    expect(Either.isLeft(notString)).toBe(true)
  })

  it("encoding refuses what is not a credential", () => {
    const encode = Schema.encodeUnknownEither(Credential.CredentialFromString)
    expect(Either.isLeft(encode({ _tag: "SecretKey", token: devKey }))).toBe(true)
  })
})

describe("guards", () => {
  const key = Credential.unsafeParse(devKey)
  const token = Credential.unsafeParse(pat)

  it("isSecretKey / isPersonalAccessToken / isCredential", () => {
    expect(Credential.isSecretKey(key)).toBe(true)
    expect(Credential.isSecretKey(token)).toBe(false)
    expect(Credential.isPersonalAccessToken(token)).toBe(true)
    expect(Credential.isPersonalAccessToken(key)).toBe(false)
    expect(Credential.isCredential(key)).toBe(true)
    expect(Credential.isCredential(token)).toBe(true)
  })

  it("a look-alike plain object or a string is not a credential", () => {
    const lookalike: unknown = {
      _tag: "SecretKey",
      environment: "dev",
      scoped: false,
      token: Redacted.make(devKey)
    }
    for (const u of [lookalike, devKey, null, undefined, Redacted.make(devKey)]) {
      expect(Credential.isCredential(u)).toBe(false)
      expect(Credential.isSecretKey(u)).toBe(false)
      expect(Credential.isPersonalAccessToken(u)).toBe(false)
    }
  })

  it("isKind", () => {
    expect(Credential.isKind(key, "SecretKey")).toBe(true)
    expect(Credential.isKind(key, "PersonalAccessToken")).toBe(false)
    expect(Credential.isKind(token, "PersonalAccessToken")).toBe(true)
  })
})

describe("refine", () => {
  const key: Credential.Credential = Credential.unsafeParse(prodKey)
  const token: Credential.Credential = Credential.unsafeParse(pat)

  it.effect("succeeds with the same credential when the kind matches", () =>
    Effect.gen(function* () {
      const refined = yield* Credential.refine(key, "SecretKey")
      expect(refined).toBe(key)
      expect(refined.environment).toBe("prod")
      expect(yield* Credential.refine(token, "PersonalAccessToken")).toBe(token)
    })
  )

  it.effect("fails with CapabilityError naming the accepted and actual kinds", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Credential.refine(token, "SecretKey"))
      expect(error).toBeInstanceOf(CapabilityError)
      expect(error.endpoint).toBe("Credential.refine")
      expect(error.accepts).toEqual(["SecretKey"])
      expect(error.actual).toBe("PersonalAccessToken")
      const other = yield* Effect.flip(Credential.refine(key, "PersonalAccessToken"))
      expect(other.actual).toBe("SecretKey")
    })
  )
})

describe("fingerprint", () => {
  it("is stable for the same token, across separate parses", () => {
    const a = Credential.fingerprint(Credential.unsafeParse(devKey))
    const b = Credential.fingerprint(Credential.unsafeParse(devKey))
    expect(a).toBe(b)
    expect(a).toMatch(/^tr_dev_[0-9a-f]{12}$/)
    expect(Credential.fingerprint(Credential.unsafeParse(`tr_prod_sk_${body}`))).toMatch(
      /^tr_prod_sk_[0-9a-f]{12}$/
    )
  })

  it("differs for different tokens, including ones a character apart", () => {
    const tokens = Array.from({ length: 2000 }, (_, i) => `tr_dev_${body}${i}`)
    tokens.push(`tr_dev_${body}`, `tr_prod_${body}`, `tr_pat_${body}`, `tr_dev_${body.slice(1)}a`)
    const prints = new Set(tokens.map((t) => Credential.fingerprint(Credential.unsafeParse(t))))
    expect(prints.size).toBe(tokens.length)
  })

  it("does not contain the secret body", () => {
    for (const input of [devKey, prodKey, pat, `tr_preview_sk_${body36}`]) {
      const print = Credential.fingerprint(Credential.unsafeParse(input))
      const secret = input.replace(/^tr_[a-z]+_(?:sk_)?/, "")
      expect(print).not.toContain(secret)
      expect(print).not.toContain(secret.slice(0, 8))
    }
  })
})

describe("parsed strings are remembered (a program built per call parses its key once)", () => {
  it("the same key string gives the same credential, parsed once; the value is the parse's", () => {
    const a = Either.getOrThrow(Credential.parseEither(devKey))
    const b = Either.getOrThrow(Credential.parseEither(devKey))
    expect(b).toBe(a)
    expect(Credential.unsafeParse(devKey)).toBe(a)
    expect(a).toMatchObject({ _tag: "SecretKey", environment: "dev" })
    expect(Redacted.value(a.token)).toBe(devKey)
  })

  it("past the limit it starts again and still parses every key right", () => {
    const keys = Array.from({ length: 600 }, (_, i) => `tr_dev_${String(i).padStart(20, "a")}`)
    for (const key of keys)
      expect(Redacted.value(Either.getOrThrow(Credential.parseEither(key)).token)).toBe(key)
    // a key parsed long ago is parsed again (a new instance), and parses the same
    const again = Either.getOrThrow(Credential.parseEither(keys[0] ?? ""))
    expect(Redacted.value(again.token)).toBe(keys[0])
  })

  it("a failure is not remembered, and a key and a near miss stay apart", () => {
    const bad = `${devKey} `
    expect(Either.isLeft(Credential.parseEither(bad))).toBe(true)
    expect(Either.isLeft(Credential.parseEither(bad))).toBe(true)
    expect(Either.isRight(Credential.parseEither(devKey))).toBe(true)
    expect(Either.getOrThrow(Credential.parseEither(prodKey))).toMatchObject({ environment: "prod" })
  })
})
