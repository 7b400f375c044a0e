/**
 * Where the branches come from, as the official SDK 4.8.3 reads them: the preview branch from the
 * `previewBranch` option, then `TRIGGER_PREVIEW_BRANCH`, then `VERCEL_GIT_COMMIT_REF`; the dev branch from
 * the `devBranch` option, then `TRIGGER_DEV_BRANCH` (whose "default" is no branch). Which credentials check
 * them, and that a hostile value is refused with a message that does not repeat it.
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
  readonly options?: Auth.AuthConfig
  readonly env: Readonly<Record<string, string>>
  readonly previewBranch?: string | undefined
  readonly devBranch?: string | undefined
}

const all = { [names.previewBranch]: "p", [names.vercelBranch]: "v", [names.devBranch]: "d" }

const table: ReadonlyArray<Row> = [
  {
    name: "the options win",
    options: { previewBranch: "opt", devBranch: "dev-opt" },
    env: all,
    previewBranch: "opt",
    devBranch: "dev-opt"
  },
  { name: "then TRIGGER_PREVIEW_BRANCH; TRIGGER_DEV_BRANCH", env: all, previewBranch: "p", devBranch: "d" },
  {
    name: "then VERCEL_GIT_COMMIT_REF",
    env: { [names.vercelBranch]: "v", [names.devBranch]: "d" },
    previewBranch: "v",
    devBranch: "d"
  },
  {
    name: "VERCEL_GIT_COMMIT_REF is never a dev branch",
    env: { [names.vercelBranch]: "v" },
    previewBranch: "v",
    devBranch: undefined
  },
  { name: 'TRIGGER_DEV_BRANCH "default" is no branch', env: { [names.devBranch]: "default" } },
  {
    name: "an empty variable is unset",
    env: { [names.previewBranch]: "", [names.vercelBranch]: "v", [names.devBranch]: "" },
    previewBranch: "v"
  },
  { name: "nothing set", env: {} }
]

const fromProcessEnv = (row: Row, accessToken: string) => {
  for (const [name, value] of Object.entries(row.env)) process.env[name] = value
  AuthScope.configure({ accessToken, ...row.options })
  return AuthScope.resolve()
}

const fromConfig = (row: Row, accessToken: string) =>
  Effect.runSync(
    Effect.either(
      Auth.current.pipe(
        Auth.withAuth({ ...row.options }),
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

const branches = (built: Either.Either<Auth.AuthContext, unknown>) =>
  Either.isRight(built)
    ? { previewBranch: built.right.previewBranch, devBranch: built.right.devBranch }
    : { error: built.left }

describe("the branches' sources, in the SDK's order", () => {
  for (const row of table) {
    it(`${row.name}: AuthScope (process.env) and Auth.layerConfig (Effect Config) agree`, () => {
      const want = { previewBranch: row.previewBranch, devBranch: row.devBranch }
      // a PAT, which may send either branch, so both are read and checked
      expect(branches(fromProcessEnv(row, pat))).toEqual(want)
      expect(branches(fromConfig(row, pat))).toEqual(want)
    })
  }

  it("a preview key on a Vercel preview deployment (only VERCEL_GIT_COMMIT_REF) starts", () => {
    process.env[names.secretKey] = previewKey
    process.env[names.vercelBranch] = "feature/login-page"
    const auth = AuthScope.resolve()
    expect(Either.isRight(auth) && auth.right.previewBranch).toBe("feature/login-page")
  })

  it("a preview key with no preview branch anywhere is refused, naming where one comes from", () => {
    process.env[names.secretKey] = previewKey
    process.env[names.devBranch] = "d" // a dev branch is not a preview branch
    const auth = AuthScope.resolve()
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
      const cases: ReadonlyArray<readonly [string, Auth.AuthConfig, string]> = [
        [previewKey, { previewBranch: value }, "previewBranch"],
        [pat, { previewBranch: value }, "previewBranch"],
        [devKey, { devBranch: value }, "devBranch"],
        [pat, { devBranch: value }, "devBranch"]
      ]
      for (const [accessToken, config, field] of cases) {
        const built = Auth.make({ accessToken, ...config })
        expect(Either.isLeft(built) && built.left).toMatchObject({ _tag: "InvalidAuthConfig", field })
        if (Either.isLeft(built)) expect(built.left.message).not.toContain(value)
      }
      // from the environment too, through both readers
      for (const [variable, token] of [
        [names.vercelBranch, previewKey],
        [names.previewBranch, previewKey],
        [names.devBranch, devKey]
      ] as const) {
        const row: Row = { name: "", env: { [variable]: value } }
        expect(Either.isLeft(fromProcessEnv(row, token))).toBe(true)
        expect(Either.isLeft(fromConfig(row, token))).toBe(true)
        delete process.env[variable]
      }
    })
  }

  it("a key that never sends a branch does not check it: an odd VERCEL_GIT_COMMIT_REF does not stop prod", () => {
    const row: Row = { name: "", env: { [names.vercelBranch]: "release+2", [names.devBranch]: "a b" } }
    expect(Either.isRight(fromProcessEnv(row, prodKey))).toBe(true)
    expect(Either.isRight(fromConfig(row, prodKey))).toBe(true)
    // a dev key sends only the dev branch, a preview key only the preview branch
    expect(Either.isRight(Auth.make({ accessToken: devKey, previewBranch: "a b" }))).toBe(true)
    expect(
      Either.isRight(Auth.make({ accessToken: previewKey, previewBranch: "ok", devBranch: "a b" }))
    ).toBe(true)
  })
})

describe("branchFor", () => {
  it("gives the preview branch to preview, the dev branch to dev, nothing elsewhere", () => {
    const auth = { previewBranch: "p", devBranch: "d" }
    const environments = ["dev", "staging", "prod", "preview", undefined] as const
    expect(environments.map((environment) => Auth.branchFor(auth, environment))).toEqual([
      "d",
      undefined,
      undefined,
      "p",
      undefined
    ])
  })
})
