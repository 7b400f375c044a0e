// The load generator of the emulator bench, in its own process: `connections` keep-alive loops of GET
// requests for `seconds`, reporting requests per second and p50/p99 latency over IPC.
import * as http from "node:http"

const [url, headersJson, connectionsText, secondsText] = process.argv.slice(2)
const headers = JSON.parse(headersJson ?? "{}")
const connections = Number(connectionsText ?? 32)
const seconds = Number(secondsText ?? 3)
const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
const target = new URL(url ?? "")
const latencies = []
let errors = 0
let non2xx = 0
let stopAt = 0

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

// warm-up: one second, not counted
stopAt = performance.now() + 1_000
await Promise.all(Array.from({ length: connections }, loop))
latencies.length = 0
const started = performance.now()
stopAt = started + seconds * 1_000
await Promise.all(Array.from({ length: connections }, loop))
const elapsed = (performance.now() - started) / 1_000
const sorted = latencies.slice().sort((a, b) => a - b)
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
process.send?.({
  requests: latencies.length,
  requestsPerSecond: latencies.length / elapsed,
  p50Ms: at(0.5),
  p99Ms: at(0.99),
  errors,
  non2xx
})
agent.destroy()
