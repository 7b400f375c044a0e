/**
 * Where the branch comes from, as the official SDK 4.8.3 reads it: the `previewBranch` option, then
 * `TRIGGER_PREVIEW_BRANCH`, `VERCEL_GIT_COMMIT_REF`, `TRIGGER_DEV_BRANCH` (whose "default" is no branch);
 * which credentials check it; and that a hostile value is refused with a message that does not repeat it.
 * docs/reference/headers-and-branches.md.
 */
import { Auth, AuthScope, InvalidAuthConfig } from "@authctx/core"
import { ConfigProvider, Effect, Either, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { devKey, isolateDefaultAuth, pat, previewKey, prodKey } from "./fixtures.js"

isolateDefaultAuth()

const names = Auth.environmentVariables

interface Row {
  readonly name: string
  readonly option?: string
  readonly env: Readonly<Record<string, string>>
  readonly branch: string | undefined
}

const table: ReadonlyArray<Row> = [
  {
    name: "the option wins",
    option: "opt",
    env: { [names.previewBranch]: "p", [names.vercelBranch]: "v", [names.devBranch]: "d" },
    branch: "opt"
  },
  {
    name: "then TRIGGER_PREVIEW_BRANCH",
    env: { [names.previewBranch]: "p", [names.vercelBranch]: "v", [names.devBranch]: "d" },
    branch: "p"
  },
  {
    name: "then VERCEL_GIT_COMMIT_REF",
    env: { [names.vercelBranch]: "v", [names.devBranch]: "d" },
    branch: "v"
  },
  { name: "then TRIGGER_DEV_BRANCH", env: { [names.devBranch]: "d" }, branch: "d" },
  {
    name: 'TRIGGER_DEV_BRANCH "default" is no branch',
    env: { [names.devBranch]: "default" },
    branch: undefined
  },
  {
    name: "an empty variable is unset",
    env: { [names.previewBranch]: "", [names.vercelBranch]: "", [names.devBranch]: "d" },
    branch: "d"
  },
  { name: "nothing set", env: {}, branch: undefined }
]

const fromProcessEnv = (row: Row, accessToken: string) => {
  for (const [name, value] of Object.entries(row.env)) process.env[name] = value
  AuthScope.configure({ accessToken, previewBranch: row.option })
  return AuthScope.resolveDefault()
}

const fromConfig = (row: Row, accessToken: string) =>
  Effect.runSync(
    Effect.either(
      Auth.current.pipe(
        Auth.withAuth({ previewBranch: row.option }),
        Effect.provide(
          Auth.layerConfig().pipe(
            Layer.provide(
              Layer.setConfigProvider(
                ConfigProvider.fromMap(
                  new Map(Object.entries({ ...row.env, [names.secretKey]: accessToken }))
                )
              )
            )
          )
        )
      )
    )
  )

describe("the branch's sources, in the SDK's order", () => {
  for (const row of table) {
    it(`${row.name}: AuthScope (process.env) and Auth.layerConfig (Effect Config) agree`, () => {
      const scoped = fromProcessEnv(row, devKey)
      expect(Either.isRight(scoped) && scoped.right.previewBranch).toBe(row.branch)
      const configured = fromConfig(row, devKey)
      expect(Either.isRight(configured) && configured.right.previewBranch).toBe(row.branch)
    })
  }

  it("a preview key on a Vercel preview deployment (only VERCEL_GIT_COMMIT_REF) starts", () => {
    process.env[names.secretKey] = previewKey
    process.env[names.vercelBranch] = "feature/login-page"
    const auth = AuthScope.resolveDefault()
    expect(Either.isRight(auth) && auth.right.previewBranch).toBe("feature/login-page")
  })

  it("a preview key with no branch anywhere is refused, naming where a branch comes from", () => {
    process.env[names.secretKey] = previewKey
    const auth = AuthScope.resolveDefault()
    expect(Either.isLeft(auth) && auth.left).toBeInstanceOf(InvalidAuthConfig)
    if (Either.isLeft(auth)) {
      expect(auth.left.message).toContain(names.previewBranch)
      expect(auth.left.message).toContain(names.vercelBranch)
    }
  })
})

describe("hostile branch values", () => {
  const hostile = [
    "feature\r\nx-evil: 1",
    "a\nb",
    "with space",
    "semi;colon",
    "ünïcode",
    "x".repeat(257),
    "tab\there"
  ]

  for (const value of hostile) {
    it(`${JSON.stringify(value.slice(0, 20))} is refused for every credential that can send it`, () => {
      for (const accessToken of [devKey, previewKey, pat]) {
        const built = Auth.make({ accessToken, previewBranch: value })
        expect(Either.isLeft(built) && built.left._tag).toBe("InvalidAuthConfig")
        if (Either.isLeft(built)) expect(built.left.message).not.toContain(value)
      }
      // from the environment too, through both readers
      const row: Row = { name: "", env: { [names.vercelBranch]: value }, branch: undefined }
      expect(Either.isLeft(fromProcessEnv(row, previewKey))).toBe(true)
      expect(Either.isLeft(fromConfig(row, previewKey))).toBe(true)
    })
  }

  it("a prod key never sends the branch, so an odd VERCEL_GIT_COMMIT_REF does not stop it", () => {
    const row: Row = { name: "", env: { [names.vercelBranch]: "release+2" }, branch: undefined }
    expect(Either.isRight(fromProcessEnv(row, prodKey))).toBe(true)
    expect(Either.isRight(fromConfig(row, prodKey))).toBe(true)
  })
})

describe("sendsBranch", () => {
  it("is true for preview and dev only", () => {
    const environments = ["dev", "staging", "prod", "preview", undefined] as const
    expect(environments.map((environment) => Auth.sendsBranch(environment))).toEqual([
      true,
      false,
      false,
      true,
      false
    ])
  })
})
