/**
 * The server of the client and emulator benchmarks, in a process of its own (see child.ts), on the built
 * packages (`dist/`):
 *
 *   node servers.mjs emulator <executingMs>   # an emulator with one triggered run, finished when 0
 *   node servers.mjs bare <bodyFile>          # a bare node:http server answering every GET with that body
 *
 * It prints one JSON line when ready (`port`; the emulator also its `url`, a dev SecretKey `key`, the run's
 * `runId`, the `projectRef`, and `body`, its `runs.retrieve` answer), then answers questions on stdin:
 * `log` → `{ requests, non2xx }` since the last `clear`; `clear` → `{}`; `cpu` → this process's CPU µs.
 */
import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import { startEmulator } from "@authctx/emulator"

const [kind = "", arg = ""] = process.argv.slice(2)
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`)
let answer = () => ({})
let stop = () => process.exit(0)

const headersFor = (key) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" })

if (kind === "emulator") {
  const emulator = await startEmulator({ seed: 1, timings: { queuedMs: 0, executingMs: Number(arg) } })
  const project = emulator.credentials.projects[0]
  const key = project.environments.dev.secretKey
  const triggered = await fetch(`${emulator.url}/api/v1/tasks/hello/trigger`, {
    method: "POST",
    headers: headersFor(key),
    body: JSON.stringify({ payload: { hello: "world" } })
  })
  const { id } = await triggered.json()
  let body = ""
  for (let i = 0; i < 200; i++) {
    const run = await fetch(`${emulator.url}/api/v3/runs/${id}`, { headers: headersFor(key) })
    body = await run.text()
    if (Number(arg) > 0 || JSON.parse(body).isCompleted === true) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  emulator.clearRequests()
  answer = (question) => {
    if (question === "clear") {
      emulator.clearRequests()
      return {}
    }
    const records = emulator.requests()
    return {
      requests: records.length,
      non2xx: records.filter((r) => r.status < 200 || r.status >= 300).length
    }
  }
  stop = () => emulator.stop().then(() => process.exit(0))
  say({
    port: Number(new URL(emulator.url).port),
    url: emulator.url,
    key,
    runId: id,
    projectRef: project.ref,
    body
  })
} else if (kind === "bare") {
  const body = readFileSync(arg, "utf8")
  const length = Buffer.byteLength(body)
  const server = createServer({ keepAlive: true }, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": length })
    res.end(body)
  })
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
  stop = () => {
    server.close(() => process.exit(0))
    server.closeAllConnections()
  }
  say({ port: server.address().port })
} else {
  process.stderr.write(`unknown server: ${kind}\n`)
  process.exit(2)
}

process.stdin.setEncoding("utf8")
let buffered = ""
process.stdin.on("data", (chunk) => {
  buffered += chunk
  let newline = buffered.indexOf("\n")
  while (newline >= 0) {
    const question = buffered.slice(0, newline)
    buffered = buffered.slice(newline + 1)
    if (question === "cpu") {
      const used = process.cpuUsage()
      say({ cpuUs: used.user + used.system })
    } else say(answer(question))
    newline = buffered.indexOf("\n")
  }
})
process.on("SIGTERM", () => stop())
// The benchmark holds our stdin open; when it ends (even killed), stdin ends and so do we.
process.stdin.on("end", () => stop())
