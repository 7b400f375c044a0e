/**
 * A load generator in a process of its own (started by emulator.ts through child.ts), so that neither the
 * servers nor the benchmark's own process share a thread with it: `connections` keep-alive loops of GET
 * requests over node:http. It prints `{}` when ready, then answers one JSON question per stdin line:
 *
 *   {"url": "...", "headers": {...}, "connections": 64, "seconds": 2}
 *
 * with `{ requests, requestsPerSecond, p50Ms, p99Ms, errors, non2xx }` over those seconds (a run of its own
 * before the measured one warms the connections: ask for a short run first).
 */
import * as http from "node:http"
import { createInterface } from "node:readline"

const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`)

const run = async ({ url, headers, connections, seconds }) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const target = new URL(url)
  const latencies = []
  let errors = 0
  let non2xx = 0
  const stopAt = performance.now() + seconds * 1_000
  const once = () =>
    new Promise((resolve) => {
      const started = performance.now()
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: "GET", headers, agent },
        (res) => {
          if (res.statusCode !== 200) non2xx++
          res.on("data", () => {})
          res.on("end", () => {
            latencies.push(performance.now() - started)
            resolve()
          })
        }
      )
      req.on("error", () => {
        errors++
        resolve()
      })
      req.end()
    })
  const loop = async () => {
    while (performance.now() < stopAt) await once()
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: connections }, loop))
  const elapsed = (performance.now() - started) / 1_000
  agent.destroy()
  const sorted = latencies.sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  return {
    requests: latencies.length,
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
    non2xx
  }
}

const lines = createInterface({ input: process.stdin })
lines.on("line", async (line) => say(await run(JSON.parse(line))))
lines.on("close", () => process.exit(0))
process.on("SIGTERM", () => process.exit(0))
say({})
