/**
 * A recording proxy for tests: a loopback HTTP server that forwards every request to `target` (the
 * emulator) unchanged and keeps what was sent and answered, so a test can compare what two clients put on
 * the wire. Bodies are kept whole: tests send small ones.
 *
 * @example
 * ```ts
 * const recorder = await startRecorder(emulator.url)
 * Sdk.configure({ secretKey, baseURL: recorder.url })
 * await Sdk.runs.list({ limit: 1 })
 * recorder.records[0]?.path // "/api/v1/runs"
 * await recorder.close()
 * ```
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/** One request as the proxy saw it, with the answer it passed back. */
export interface Recorded {
  readonly method: string
  /** The path as sent, without the query (percent-encoding kept). */
  readonly path: string
  /** The query parameters as sent, sorted by name then value. */
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Every request header, lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly authorization: string | undefined
  readonly body: string
  /** The status passed back; 502 when the proxy could not forward (so a broken proxy shows). */
  readonly status: number
  readonly answer: string
}

/** A running recorder. */
export interface Recorder {
  readonly url: string
  readonly records: ReadonlyArray<Recorded>
  /** Forgets what was recorded so far. */
  readonly clear: () => void
  readonly close: () => Promise<void>
}

/** Headers of one connection, not of the request: not forwarded either way. */
const hopByHop = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "expect"
])

const text = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  typeof value === "string" ? value : value?.join(", ")

/** Starts a recorder on a free loopback port in front of `target` (an origin such as the emulator's url). */
export const startRecorder = async (target: string): Promise<Recorder> => {
  const records: Array<Recorded> = []
  const server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const body = Buffer.concat(chunks)
      const raw = req.url ?? "/"
      const q = raw.indexOf("?")
      const method = req.method ?? "GET"
      const record = (status: number, answer: string) =>
        records.push({
          method,
          path: q === -1 ? raw : raw.slice(0, q),
          query: [...new URLSearchParams(q === -1 ? "" : raw.slice(q + 1)).entries()].sort(
            ([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b))
          ),
          headers: Object.fromEntries(
            Object.entries(req.headers).map(([name, value]) => [name, text(value)])
          ),
          authorization: text(req.headers.authorization),
          body: body.toString("utf8"),
          status,
          answer
        })
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(req.headers)) {
        const forwarded = text(value)
        if (forwarded !== undefined && !hopByHop.has(name)) headers[name] = forwarded
      }
      fetch(`${target}${raw}`, { method, headers, ...(body.length > 0 ? { body } : {}) }).then(
        async (response) => {
          const answer = Buffer.from(await response.arrayBuffer())
          record(response.status, answer.toString("utf8"))
          const out: Record<string, string> = {}
          response.headers.forEach((value, name) => {
            if (!hopByHop.has(name) && name !== "content-encoding") out[name] = value
          })
          out["content-length"] = String(answer.length)
          res.writeHead(response.status, out)
          res.end(answer)
        },
        () => {
          record(502, "")
          res.writeHead(502)
          res.end()
        }
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    clear: () => {
      records.length = 0
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
