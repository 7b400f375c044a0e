/**
 * Run in a child process by ResponseMemory.test.ts: makes one `envvars.retrieve` call against the given
 * server through the given transport and prints, as one JSON line, the peak RSS the call added and the
 * outcome. The peak is the kernel's high-water mark (`VmHWM`), reset just before the call (Linux
 * `clear_refs`), so it sees peaks inside synchronous decoding that sampling misses, and not the peak of
 * loading the sources. Elsewhere it falls back to `process.resourceUsage().maxRSS` (conservative).
 * Arguments: url, transport (node = `layerNode`, fetch = `layerFetch`, on `Transport.fetch()`, httpClient =
 * `layer` on the platform's fetch client, `FetchHttpClient.layer`, promise = the Promise API's
 * `createClient`, which runs on `layerNode`), maxResponseBytes.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { Envvars, ManagementClient } from "@authctx/client"
import { createClient } from "@authctx/client/promise"
import { Auth } from "@authctx/core"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Either, Layer } from "effect"

const [url = "", transport = "node", limit = "0"] = process.argv.slice(2)
const options = { retry: false as const, maxResponseBytes: Number(limit) }
const layer =
  transport === "node"
    ? ManagementClient.layerNode(options)
    : transport === "fetch"
      ? ManagementClient.layerFetch(options)
      : ManagementClient.layer(options).pipe(Layer.provide(FetchHttpClient.layer))
const token = "tr_dev_Zq7Xw3Rk9Lm2Np5Bv8Cx1Dy4"
const promiseClient = createClient({ accessToken: token, baseURL: url }, options)

type Outcome = Either.Either<{ readonly value: string }, { readonly _tag: string }>
const call = (path: string): Promise<Outcome> =>
  transport === "promise"
    ? promiseClient.envvars.retrieve("proj_1", "dev", path).then(
        (value): Outcome => Either.right(value),
        (error: { readonly _tag: string }): Outcome => Either.left(error)
      )
    : Effect.runPromise(
        Effect.either(
          Envvars.retrieve("proj_1", "dev", path).pipe(
            Auth.withAuth({ accessToken: token, baseURL: url }),
            Effect.provide(layer)
          )
        )
      )

const gc = (globalThis as { gc?: () => void }).gc
// warm up: load and compile everything the big call will use, on a small answer
for (let i = 0; i < 20; i++) await call("small")
gc?.()
await new Promise((resolve) => setTimeout(resolve, 50))
gc?.()
/** The high-water mark of resident memory, in bytes, or `undefined` where /proc does not tell. */
const highWater = (): number | undefined => {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch {
    return undefined
  }
}
let resetPeak = false
try {
  writeFileSync("/proc/self/clear_refs", "5")
  resetPeak = true
} catch {
  resetPeak = false
}
const before = process.memoryUsage().rss
const result = await call("big")
const peakAfter = (resetPeak ? highWater() : undefined) ?? process.resourceUsage().maxRSS * 1024
const outcome = Either.isRight(result) ? { length: result.right.value.length } : { error: result.left._tag }
process.stdout.write(
  `${JSON.stringify({ before, peakAfter, resetPeak, added: peakAfter - before, outcome })}\n`
)
