/**
 * The emulator's own work per request, without the network: its request handler is called with real
 * `IncomingMessage`/`ServerResponse` objects over a socket that discards what is written, and so is a
 * bare handler answering the same body. Both pay node:http's message objects and header writing; the
 * difference is the emulator's routing, auth, dispatch, answer and request log. CPU µs per request, rounds
 * interleaved, printed with each round's difference from the bare handler (the figure to read: it moves
 * less with the machine's load than either number alone). Not part of `pnpm bench`; used for decision
 * 0034 (docs/decisions/0034-emulator-request-cost.md).
 *
 *   pnpm build   # or tsc -b tsconfig.build.json: it loads packages/emulator/dist
 *   node test/bench/emulator-handler.mjs [emulatorDir ...]   # default: packages/emulator/dist
 *
 * Extra directories (copies of an earlier `dist`, inside packages/emulator so that its imports resolve)
 * are measured in the same rounds: an A/B comparison. ROUNDS (9) and N (60000 requests a round) tune it.
 */
import http from "node:http"
import { syncBuiltinESMExports } from "node:module"
import { join, resolve } from "node:path"
import { Writable } from "node:stream"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(fileURLToPath(import.meta.url), "..", "..", "..")
const dirs = process.argv.slice(2)
const variants = (dirs.length === 0 ? [join(root, "packages", "emulator", "dist")] : dirs).map((d) =>
  resolve(d)
)
const rounds = Number(process.env.ROUNDS ?? 9)
const perRound = Number(process.env.N ?? 60_000)

// startEmulator's server is created inside the package: keep a reference to take its request listener
const created = []
const createServer = http.createServer
http.createServer = (...args) => {
  const server = createServer(...args)
  created.push(server)
  return server
}
syncBuiltinESMExports()

const handlers = new Map()
let body = ""
for (const dir of variants) {
  const { startEmulator } = await import(pathToFileURL(join(dir, "index.js")).href)
  const emulator = await startEmulator({ seed: 1, timings: { queuedMs: 0, executingMs: 0 } })
  const server = created.at(-1)
  const key = emulator.credentials.projects[0].environments.dev.secretKey
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" }
  const triggered = await fetch(`${emulator.url}/api/v1/tasks/hello/trigger`, {
    method: "POST",
    headers,
    body: JSON.stringify({ payload: { hello: "world" } })
  })
  const { id } = await triggered.json()
  for (let i = 0; i < 200; i++) {
    body = await (await fetch(`${emulator.url}/api/v3/runs/${id}`, { headers })).text()
    if (JSON.parse(body).isCompleted === true) break
    await new Promise((done) => setTimeout(done, 10))
  }
  emulator.clearRequests()
  handlers.set(dir, { handle: server.listeners("request")[0], key, runId: id, emulator })
}
const length = Buffer.byteLength(body)
const first = handlers.get(variants[0])
handlers.set("bare", {
  handle: (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": length })
    res.end(body)
  },
  key: first.key,
  runId: first.runId,
  emulator: undefined
})

class Discard extends Writable {
  _write(_chunk, _encoding, done) {
    done()
  }
  _writev(_chunks, done) {
    done()
  }
}
// a fresh flat string per request, as node:http's parser gives (a template literal would be a cons string)
const fresh = (text) => JSON.parse(`"${text}"`)
const once = (h) => {
  const socket = new Discard()
  const req = new http.IncomingMessage(socket)
  req.method = "GET"
  req.url = fresh(`/api/v3/runs/${h.runId}`)
  req.httpVersionMajor = 1
  req.httpVersionMinor = 1
  req.httpVersion = "1.1"
  req.rawHeaders = [
    "host",
    "127.0.0.1:3000",
    "connection",
    "keep-alive",
    "authorization",
    fresh(`Bearer ${h.key}`),
    "content-type",
    "application/json"
  ]
  req.push(null)
  const res = new http.ServerResponse(req)
  res.shouldKeepAlive = true
  res.assignSocket(socket)
  h.handle(req, res)
  return res
}
const measure = async (name, n) => {
  const h = handlers.get(name)
  const before = process.cpuUsage()
  for (let i = 0; i < n; i += 500) {
    for (let j = 0; j < 500; j++) once(h)
    await new Promise((done) => setImmediate(done))
  }
  const used = process.cpuUsage(before)
  return (used.user + used.system) / n
}

const names = [...variants, "bare"]
for (const name of names) {
  const res = once(handlers.get(name))
  if (res.statusCode !== 200) throw new Error(`${name} answered ${res.statusCode}`)
  await measure(name, 20_000)
}
const taken = new Map(names.map((name) => [name, []]))
for (let r = 0; r < rounds; r++)
  for (const name of r % 2 === 0 ? names : [...names].reverse())
    taken.get(name).push(await measure(name, perRound))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const bare = taken.get("bare")
for (const name of names) {
  const xs = taken.get(name)
  const diffs = xs.map((x, i) => x - bare[i])
  const label = name === "bare" ? "bare" : name.slice(root.length + 1)
  console.log(
    `${label}: ${median(xs).toFixed(2)} µs/request (${xs.map((x) => x.toFixed(2)).join(" ")})` +
      (name === "bare"
        ? ""
        : `; minus bare per round: median ${median(diffs).toFixed(2)} (${Math.min(...diffs).toFixed(2)}–${Math.max(...diffs).toFixed(2)})`)
  )
}
console.log(`load average ${(await import("node:os")).loadavg()[0].toFixed(1)}`)
process.exit(0)
