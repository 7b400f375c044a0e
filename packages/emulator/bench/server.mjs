// One server of the emulator bench, in its own process (started by run.mjs): `emulator` starts the
// built emulator (dist) and prepares one finished run; `bare` answers a fixed body with plain node:http.
// It reports its URL (and for the emulator the path, headers and body of the measured request) over IPC,
// then answers `cpu` messages with its own CPU time so far (user + system, microseconds) and the time its
// garbage collections took (milliseconds).
import * as http from "node:http"
import { PerformanceObserver } from "node:perf_hooks"

const mode = process.argv[2]
const reply = (message) => process.send?.(message)
let gcMs = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration
}).observe({ entryTypes: ["gc"] })

process.on("message", (message) => {
  if (message === "cpu") {
    const usage = process.cpuUsage()
    reply({ cpu: usage.user + usage.system, gcMs })
  } else if (message === "stop") process.exit(0)
})

if (mode === "emulator") {
  const { startEmulator } = await import("@authctx/emulator")
  const emulator = await startEmulator({ seed: 1, timings: { queuedMs: 0, executingMs: 0 } })
  const key = emulator.credentials.projects[0]?.environments.dev.secretKey ?? ""
  const headers = { authorization: `Bearer ${key}` }
  const triggered = await fetch(`${emulator.url}/api/v1/tasks/hello/trigger`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ payload: { hello: "world" } })
  })
  const { id } = await triggered.json()
  await new Promise((resolve) => setTimeout(resolve, 20))
  const path = `/api/v3/runs/${id}`
  const body = await (await fetch(`${emulator.url}${path}`, { headers })).text()
  // The request log keeps every record; clear it now and then so a long bench measures the server, not
  // the growth of one array (a test suite makes far fewer requests).
  setInterval(() => emulator.clearRequests(), 1_000).unref()
  reply({ url: emulator.url, path, headers, body })
} else if (mode === "bare" || mode === "bare-loaded") {
  if (mode === "bare-loaded") {
    // the bare server in a process that has also loaded and started an emulator (for calibration)
    const { startEmulator } = await import("@authctx/emulator")
    await startEmulator({ seed: 1 })
  }
  const body = process.argv[3] ?? "{}"
  const length = Buffer.byteLength(body)
  const server = http.createServer({ keepAlive: true }, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": length })
    res.end(body)
  })
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    reply({ url: `http://127.0.0.1:${address.port}`, path: "/api/v3/runs/x", headers: {}, body })
  })
} else throw new Error(`unknown mode ${mode}`)
