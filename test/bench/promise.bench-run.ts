/**
 * Runs the cross-talk benchmark, prints the counts and writes the raw result to `results/promise.json`. It
 * asserts that authctx's scopes had no cross-talk (a correctness fact, not a timing).
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { runPromiseBench } from "./promise.js"

const here = dirname(fileURLToPath(import.meta.url))

it("promise: cross-talk of overlapping auth.withAuth scopes, authctx and the SDK", {
  timeout: 300_000
}, async () => {
  const result = await runPromiseBench()
  const lines = [`${result.name}: ${result.call}; node ${result.machine.node}, ${result.machine.cpus} CPUs`]
  lines.push(
    "",
    "Cross-talk: overlapping auth.withAuth scopes, 2 credentials, 0–4 ms random delay inside each scope; requests that carried the other scope's credential, from the emulator's log"
  )
  for (const c of result.crossTalk) {
    const who = c.who.startsWith("SDK") ? `SDK cross-talk${c.who.slice(3)}` : `${c.who} cross-talk`
    lines.push(`${who}: ${c.crossTalk} of ${c.requests} (${c.scopes} scopes, ${c.rejected} calls rejected)`)
  }
  process.stdout.write(`\n${lines.join("\n")}\n`)
  mkdirSync(join(here, "results"), { recursive: true })
  writeFileSync(join(here, "results", "promise.json"), `${JSON.stringify(result, null, 2)}\n`)

  for (const c of result.crossTalk) expect(c.requests).toBe(c.scopes)
  const authctx = result.crossTalk.find((c) => c.who.startsWith("authctx"))
  expect(authctx && { crossTalk: authctx.crossTalk, rejected: authctx.rejected }).toEqual({
    crossTalk: 0,
    rejected: 0
  })
})
