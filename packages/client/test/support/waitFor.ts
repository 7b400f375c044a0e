/**
 * Waiting in real time for something a test cannot await directly: a server's log, a request in flight.
 * Polls every 5 ms for up to 2 s, then asserts, so a test never stands on a fixed pause a loaded machine
 * can outlast.
 */
import { expect } from "vitest"

/** Waits until `condition()` holds (asserted: a test fails here, not later on a state it did not reach). */
export const waitFor = async (condition: () => boolean, what?: string): Promise<void> => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(condition(), what).toBe(true)
}

/**
 * Waits until a fault rule of the emulator has fired for every request it was given (`times`): the request
 * it delays has reached the emulator. A test that stops a call in flight (abort, interrupt) waits for this:
 * a call stopped before it was sent sends nothing, and the test then finds no dropped request to check.
 */
export const reached = (rule: { readonly remaining: () => number }): Promise<void> =>
  waitFor(() => rule.remaining() === 0, "the delayed request reached the emulator")
