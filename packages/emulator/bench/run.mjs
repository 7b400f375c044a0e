// The emulator against a bare node:http server answering the same body, each server in its own process
// and the load generator in a third; rounds interleaved (bare, emulator, bare, emulator, …) so the
// machine's noise falls on both alike. Reports per round and the median and spread of the ratios:
// requests per second (emulator ÷ bare) and server CPU per request (emulator ÷ bare).
//
//   pnpm build && node packages/emulator/bench/run.mjs [rounds=6] [seconds=3] [connections=32]
//
// With BENCH_CALIBRATE=1 the "emulator" is a second bare server: the ratios then show the method's own
// noise on this machine (they should be near 1). With BENCH_CALIBRATE=loaded it is a bare server in a
// process that has also loaded and started an emulator: what the process alone costs, before any route.
//
// It runs the built emulator (dist), as a user's test suite would import it.
import { fork } from "node:child_process"
import { fileURLToPath } from "node:url"

const here = (file) => fileURLToPath(new URL(file, import.meta.url))
const [roundsText, secondsText, connectionsText] = process.argv.slice(2)
const rounds = Number(roundsText ?? 6)
const seconds = Number(secondsText ?? 3)
const connections = Number(connectionsText ?? 32)

const start = (mode, extra = []) =>
  new Promise((resolve, reject) => {
    const child = fork(here("./server.mjs"), [mode, ...extra], {
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    child.once("message", (info) => resolve({ child, info }))
    child.once("error", reject)
  })

const ask = (child, message) =>
  new Promise((resolve) => {
    child.once("message", resolve)
    child.send(message)
  })

const load = (server) =>
  new Promise((resolve, reject) => {
    const child = fork(
      here("./load.mjs"),
      [`${server.info.url}${server.info.path}`, JSON.stringify(server.info.headers), connections, seconds],
      { stdio: ["ignore", "inherit", "inherit", "ipc"] }
    )
    child.once("message", resolve)
    child.once("error", reject)
  })

const measure = async (server) => {
  const before = await ask(server.child, "cpu")
  const result = await load(server)
  const after = await ask(server.child, "cpu")
  // the load generator's 1 s warm-up requests are billed too: count them by rate
  const requests = result.requests + result.requestsPerSecond * 1
  return {
    ...result,
    cpuMicrosPerRequest: (after.cpu - before.cpu) / requests,
    gcMicrosPerRequest: ((after.gcMs - before.gcMs) * 1_000) / requests
  }
}

const real = await start("emulator")
const bare = await start("bare", [real.info.body])
const calibrate = process.env.BENCH_CALIBRATE
const emulator =
  calibrate === "1"
    ? await start("bare", [real.info.body])
    : calibrate === "loaded"
      ? await start("bare-loaded", [real.info.body])
      : real
const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const rows = []
try {
  for (let round = 1; round <= rounds; round++) {
    const first = round % 2 === 1 ? bare : emulator
    const second = first === bare ? emulator : bare
    const a = await measure(first)
    const b = await measure(second)
    const [bareResult, emulatorResult] = first === bare ? [a, b] : [b, a]
    const row = {
      round,
      bareRps: Math.round(bareResult.requestsPerSecond),
      emulatorRps: Math.round(emulatorResult.requestsPerSecond),
      ratio: emulatorResult.requestsPerSecond / bareResult.requestsPerSecond,
      bareCpuUs: bareResult.cpuMicrosPerRequest,
      emulatorCpuUs: emulatorResult.cpuMicrosPerRequest,
      cpuRatio: bareResult.cpuMicrosPerRequest / emulatorResult.cpuMicrosPerRequest,
      emulatorP99Ms: emulatorResult.p99Ms,
      bareGcUs: bareResult.gcMicrosPerRequest,
      emulatorGcUs: emulatorResult.gcMicrosPerRequest,
      bareP99Ms: bareResult.p99Ms,
      errors: bareResult.errors + emulatorResult.errors,
      non2xx: bareResult.non2xx + emulatorResult.non2xx
    }
    rows.push(row)
    console.log(
      `round ${round}: bare ${row.bareRps}/s ${row.bareCpuUs.toFixed(1)} µs CPU/req, emulator ${row.emulatorRps}/s ${row.emulatorCpuUs.toFixed(1)} µs CPU/req (GC: bare ${row.bareGcUs.toFixed(1)}, emulator ${row.emulatorGcUs.toFixed(1)} µs/req) → ${row.ratio.toFixed(2)}× throughput, ${row.cpuRatio.toFixed(2)}× CPU efficiency (p99 ${row.emulatorP99Ms.toFixed(1)} vs ${row.bareP99Ms.toFixed(1)} ms; errors ${row.errors}, non-2xx ${row.non2xx})`
    )
  }
} finally {
  real.child.send("stop")
  emulator.child.send("stop")
  bare.child.send("stop")
}
const ratios = rows.map((r) => r.ratio)
const cpuRatios = rows.map((r) => r.cpuRatio)
console.log(
  `emulator ÷ bare node:http, ${rounds} interleaved rounds of ${seconds} s at ${connections} connections (Node ${process.version}, body ${Buffer.byteLength(emulator.info.body)} bytes):\n` +
    `  throughput: median ${median(ratios).toFixed(2)}, min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}\n` +
    `  server CPU per request (bare ÷ emulator): median ${median(cpuRatios).toFixed(2)}, min ${Math.min(...cpuRatios).toFixed(2)}, max ${Math.max(...cpuRatios).toFixed(2)}`
)
