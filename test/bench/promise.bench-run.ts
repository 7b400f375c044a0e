/**
 * Runs the Promise API benchmark, prints the per-call table and the cross-talk counts, and writes the raw
 * result to `results/promise.json`. It asserts only that the measured calls completed without an error and
 * that authctx's scopes had no cross-talk (a correctness fact, not a timing).
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { promiseContenders, runPromiseBench } from "./promise.js"

const here = dirname(fileURLToPath(import.meta.url))

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "–")
const signed = (x: number) => (x >= 0 ? `+${fmt(x)}` : fmt(x))

it("promise: ambient vs explicit vs Effect vs the SDK's auth.withAuth; cross-talk", {
  timeout: 300_000
}, async () => {
  const result = await runPromiseBench()
  const sdk = "SDK auth.withAuth per call"
  const sdkLatency = result.latency[sdk]
  const sdkTput = result.throughput[sdk]
  const fetchLatency = result.latency["raw fetch"]
  const fetchTput = result.throughput["raw fetch"]
  const lines = [
    `${result.name}: ${result.call}; emulator in-process (same thread), node ${result.machine.node}, ${result.machine.cpus} CPUs`,
    `${result.sequential.calls} sequential calls in ${result.sequential.rounds} rounds after ${result.sequential.warmup} warm-up; ${result.concurrent.concurrency} concurrent for ${result.concurrent.seconds} s in ${result.concurrent.rounds} windows`,
    "| contender                          | mean µs | p50 µs | p99 µs | calls/s @32 | CPU µs/call @32 | SDK withAuth ÷ this, mean lat | SDK withAuth ÷ this, p50 lat | this ÷ SDK withAuth, calls/s | over fetch, mean µs | over fetch, p50 µs | over fetch, CPU µs @32 | errors |",
    "|------------------------------------|--------:|-------:|-------:|------------:|----------------:|------------------------------:|-----------------------------:|-----------------------------:|--------------------:|-------------------:|-----------------------:|-------:|"
  ]
  for (const name of promiseContenders) {
    const l = result.latency[name]
    const t = result.throughput[name]
    if (!l || !t || !sdkLatency || !sdkTput || !fetchLatency || !fetchTput) continue
    lines.push(
      `| ${name.padEnd(34)} | ${fmt(l.meanUs).padStart(7)} | ${fmt(l.p50Us).padStart(6)} | ${fmt(l.p99Us).padStart(6)} | ${String(t.callsPerSecond).padStart(11)} | ${fmt(t.cpuUsPerCall).padStart(15)} | ${fmt(sdkLatency.meanUs / l.meanUs, 2).padStart(29)} | ${fmt(sdkLatency.p50Us / l.p50Us, 2).padStart(28)} | ${fmt(t.callsPerSecond / sdkTput.callsPerSecond, 2).padStart(28)} | ${signed(l.meanUs - fetchLatency.meanUs).padStart(19)} | ${signed(l.p50Us - fetchLatency.p50Us).padStart(18)} | ${signed(t.cpuUsPerCall - fetchTput.cpuUsPerCall).padStart(22)} | ${String(l.errors + t.errors).padStart(6)} |`
    )
  }
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

  expect(result.non2xx).toBe(0)
  for (const name of promiseContenders) {
    const l = result.latency[name]
    const t = result.throughput[name]
    expect({ name, firstError: l?.firstError ?? t?.firstError }).toEqual({ name, firstError: undefined })
    expect(l?.calls).toBeGreaterThan(0)
    expect(t?.calls).toBeGreaterThan(0)
  }
  for (const c of result.crossTalk) expect(c.requests).toBe(c.scopes)
  const authctx = result.crossTalk.find((c) => c.who.startsWith("authctx"))
  expect(authctx && { crossTalk: authctx.crossTalk, rejected: authctx.rejected }).toEqual({
    crossTalk: 0,
    rejected: 0
  })
})
