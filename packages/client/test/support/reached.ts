/**
 * Waits (in real time, up to 2 s) until a fault rule of the emulator has fired for every request it was
 * given (`times`): the request it delays has reached the emulator. A test that stops a call in flight
 * (abort, interrupt) waits for this rather than for a fixed pause, which a loaded machine can outlast: a
 * call stopped before it was sent sends nothing, and the test then finds no dropped request to check.
 */
import { expect } from "vitest"

export const reached = async (rule: { readonly remaining: () => number }): Promise<void> => {
  for (let i = 0; i < 400 && rule.remaining() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(rule.remaining(), "the delayed request reached the emulator").toBe(0)
}
