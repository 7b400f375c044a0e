/**
 * The official SDK 4.8.3 calls `deployments.list`, `deployments.retrieveCurrent` and `schedules.timezones`
 * against the emulator, and its own response schemas accept the answers (authctx's side:
 * packages/client/test/Deployments.e2e.test.ts).
 */
import { type Emulator, startEmulator } from "@authctx/emulator"
import * as Sdk from "@trigger.dev/sdk"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let emulator: Emulator
let key: string
let pat: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 12 })
  const project = emulator.credentials.projects[0]
  if (project === undefined) throw new Error("the emulator has a project")
  key = project.environments.dev.secretKey
  pat = emulator.credentials.users.find((user) => user.projectRefs.includes(project.ref))?.pat ?? ""
})
afterAll(() => emulator.stop())

describe("the official SDK 4.8.3 against the emulator", () => {
  it("deployments.list, deployments.retrieveCurrent and schedules.timezones: its schemas accept the answers", async () => {
    Sdk.configure({ accessToken: key, baseURL: emulator.url })
    const current = await Sdk.deployments.retrieveCurrent()
    expect(current.status).toBe("DEPLOYED")
    const page = await Sdk.deployments.list({ limit: 5 })
    expect(page.data.map((d) => d.id)).toEqual([current.id])
    const zones = await Sdk.schedules.timezones()
    expect(zones.timezones[0]).toBe("UTC")
    const noUtc = await Sdk.schedules.timezones({ excludeUtc: true })
    expect(noUtc.timezones).not.toContain("UTC")
    Sdk.configure({ accessToken: pat, baseURL: emulator.url })
    await expect(Sdk.deployments.retrieveCurrent()).rejects.toMatchObject({ status: 401 })
  })
})
