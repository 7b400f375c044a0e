/**
 * The one definition of the credential words (`Credential.environments`, `Credential.Kind`, the prefixes and
 * the key generations; docs/reference/credentials.md), checked against the facts written out here by hand
 * and against the parser that relies on them: a key of every generation, in every environment, parses to
 * what the tables say, and one character fewer than a generation's floor does not.
 */
import { Credential, InvalidCredential } from "@authctx/core"
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"

/** The facts, stated independently of the module under test. */
const expectedPrefix = { dev: "tr_dev_", staging: "tr_stg_", prod: "tr_prod_", preview: "tr_preview_" }

const letters = (n: number) => "aB3".repeat(n).slice(0, n)

describe("the credential words", () => {
  it("the environment slugs: four, in display order, the same list as the schema", () => {
    expect(Credential.environments).toEqual(["dev", "staging", "prod", "preview"])
    expect(Credential.Environment.literals).toEqual(Credential.environments)
    expect(Schema.decodeUnknownEither(Credential.Environment)("stg")._tag).toBe("Left")
  })

  it("isEnvironment accepts the slugs only (a key prefix is not a slug)", () => {
    for (const env of Credential.environments) expect(Credential.isEnvironment(env)).toBe(true)
    for (const other of ["stg", "production", "Dev", "", undefined, 1, null]) {
      expect(Credential.isEnvironment(other)).toBe(false)
    }
  })

  it("the kinds: the three tags of the credential classes, the first two the key kinds", () => {
    expect(Credential.kinds).toEqual(["SecretKey", "PersonalAccessToken", "PublicAccessToken"])
    expect(Credential.keyKinds).toEqual(Credential.kinds.slice(0, 2))
    expect(Credential.unsafeParse(`tr_dev_${letters(24)}`)._tag).toBe(Credential.kinds[0])
    expect(Credential.unsafeParse(`tr_pat_${letters(40)}`)._tag).toBe(Credential.kinds[1])
  })

  it("the prefixes: staging keys are tr_stg_, the others spell their slug", () => {
    for (const env of Credential.environments) {
      expect(Credential.secretKeyPrefix(env)).toBe(expectedPrefix[env])
      expect(Credential.additionalSecretKeyPrefix(env)).toBe(`${expectedPrefix[env]}sk_`)
      expect(`tr_${Credential.environmentPrefix[env]}_`).toBe(expectedPrefix[env])
    }
    expect(Credential.personalAccessTokenPrefix).toBe("tr_pat_")
  })

  it("the generations: root keys 20 (until August 2026) and 24 (since), additional keys 24, PATs 40", () => {
    const { rootSecretKey, legacyRootSecretKey, additionalSecretKey, personalAccessToken } =
      Credential.generations
    expect([legacyRootSecretKey.bodyLength, rootSecretKey.bodyLength]).toEqual([20, 24])
    expect(additionalSecretKey.bodyLength).toBe(24)
    expect(personalAccessToken.bodyLength).toBe(40)
    // the parser's floors are the oldest generation still in use of each shape
    expect(Credential.minBodyLength).toEqual({
      rootSecretKey: 20,
      additionalSecretKey: 24,
      personalAccessToken: 20
    })
  })

  it("a key of every generation, in every environment, parses to its kind, environment and scope", () => {
    const { rootSecretKey, legacyRootSecretKey, additionalSecretKey } = Credential.generations
    for (const env of Credential.environments) {
      for (const generation of [rootSecretKey, legacyRootSecretKey, additionalSecretKey]) {
        const prefix = generation.additional
          ? Credential.additionalSecretKeyPrefix(env)
          : Credential.secretKeyPrefix(env)
        const parsed = Credential.parseEither(`${prefix}${letters(generation.bodyLength)}`)
        expect(Either.isRight(parsed) && parsed.right).toMatchObject({
          _tag: generation.kind,
          environment: env,
          scoped: generation.additional
        })
      }
    }
    const pat = Credential.parseEither(
      `${Credential.personalAccessTokenPrefix}${letters(Credential.generations.personalAccessToken.bodyLength)}`
    )
    expect(Either.isRight(pat) && pat.right._tag).toBe("PersonalAccessToken")
  })

  it("one character under a shape's floor is TooShort", () => {
    const cases = [
      [Credential.secretKeyPrefix("staging"), Credential.minBodyLength.rootSecretKey],
      [Credential.additionalSecretKeyPrefix("prod"), Credential.minBodyLength.additionalSecretKey],
      [Credential.personalAccessTokenPrefix, Credential.minBodyLength.personalAccessToken]
    ] as const
    for (const [prefix, floor] of cases) {
      expect(Either.isRight(Credential.parseEither(`${prefix}${letters(floor)}`))).toBe(true)
      const short = Credential.parseEither(`${prefix}${letters(floor - 1)}`)
      expect(Either.isLeft(short) && short.left).toBeInstanceOf(InvalidCredential)
      expect(Either.isLeft(short) && short.left.reason).toBe("TooShort")
    }
  })

  it("redactTokens keeps the safe prefix only; with a floor above 12 it leaves fingerprints alone", () => {
    const key = Credential.unsafeParse(`tr_stg_sk_${letters(24)}`)
    const token = `tr_stg_sk_${letters(24)}`
    expect(Credential.redactTokens(`bad key ${token}.`, "…")).toBe("bad key tr_stg_sk_….")
    expect(Credential.redactTokens(`tr_pat_${letters(40)} and tr_dev_x`, "<r>")).toBe(
      "tr_pat_<r> and tr_dev_<r>"
    )
    const fingerprint = Credential.fingerprint(key)
    expect(Credential.redactTokens(`by ${fingerprint}`, "…", 16)).toBe(`by ${fingerprint}`)
    expect(Credential.redactTokens(`by ${token}`, "…", 16)).toBe("by tr_stg_sk_…")
    expect(Credential.redactTokens("no token here: tr_foo_abcdefghijklmnopqrstuvwx", "…")).toBe(
      "no token here: tr_foo_abcdefghijklmnopqrstuvwx"
    )
  })
})
