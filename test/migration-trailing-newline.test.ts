/**
 * docs/migrating-from-trigger-sdk.md: a key with a trailing newline works with the official SDK (fetch
 * strips the whitespace around header values) and is refused by authctx before anything is sent.
 */
import { createClient, InvalidCredential } from "@authctx/client/promise"
import { Credential } from "@authctx/core"
import { type Emulator, startEmulator } from "@authctx/emulator"
import { configure, runs } from "@trigger.dev/sdk"
import { afterAll, beforeAll, expect, it } from "vitest"

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ seed: 3 })
})
afterAll(() => emulator.stop())

it("a key with a trailing newline: the SDK sends it trimmed, authctx refuses it with LineBreak", async () => {
  const key = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
  expect(key).toMatch(/^tr_dev_/)

  configure({ secretKey: `${key}\n`, baseURL: emulator.url })
  const page = await runs.list({ limit: 1 })
  expect(page.data).toEqual(expect.any(Array))
  const fingerprint = Credential.fingerprint(Credential.unsafeParse(key))
  expect(emulator.requests().map((r) => [r.status, r.credential])).toEqual([[200, fingerprint]])

  // createClient parses the key when the client is made: it throws there, before any call
  let refused: unknown
  try {
    createClient({ accessToken: `${key}\n`, baseURL: emulator.url })
  } catch (error) {
    refused = error
  }
  expect(refused).toBeInstanceOf(InvalidCredential)
  expect(refused).toMatchObject({ reason: "LineBreak" })
  expect(String(refused)).not.toContain(key)
  expect(emulator.requests()).toHaveLength(1)
})
