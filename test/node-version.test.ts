/**
 * The suite runs on the Node version it is meant to: the one scripts/test-all-nodes.mjs started it with
 * (`AUTHCTX_TEST_NODE`; this test runs in a vitest worker, so it also proves the workers inherit that
 * binary), and in any case one the packages support (`engines`: Node ≥ 20.19).
 */
import { describe, expect, it } from "vitest"

describe("the Node version running the suite", () => {
  it("is the one the multi-Node run asked for, and at least 20.19", () => {
    const expected = process.env["AUTHCTX_TEST_NODE"]
    if (expected !== undefined) expect(process.version).toBe(expected)
    const [major = 0, minor = 0] = process.versions.node.split(".").map(Number)
    expect(major > 20 || (major === 20 && minor >= 19), process.version).toBe(true)
  })
})
