/**
 * Runs the client benchmark, prints a table per route and writes the raw result to `results/client.json`.
 * It asserts only that every call completed without an error, never a timing.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { clientContenders, runClientBench } from "./client.js"
import { clientTable } from "./quoted.js"

const here = dirname(fileURLToPath(import.meta.url))

it("client: calls/s, CPU and tail against raw node:http, raw fetch and the SDK, server in a child process", {
  timeout: 400_000
}, async () => {
  const result = await runClientBench()
  const header = `${result.name}: ${result.server}; ${result.concurrency} concurrent, ${result.rounds} rounds × ${result.windowSeconds} s; node ${result.machine.node}, ${result.machine.cpus} CPUs (${result.machine.cpuModel})`
  const tables = result.routes
    .map((route) => `${route.call} (${route.route})\n${clientTable(route.contenders)}`)
    .join("\n\n")
  process.stdout.write(`\n${header}\n\n${tables}\n`)
  mkdirSync(join(here, "results"), { recursive: true })
  writeFileSync(join(here, "results", "client.json"), `${JSON.stringify(result, null, 2)}\n`)

  for (const route of result.routes) {
    expect(route.non2xx).toBe(0)
    for (const name of clientContenders) {
      const c = route.contenders[name]
      expect({ name, firstError: c.firstError }).toEqual({ name, firstError: undefined })
      expect(c.calls).toBeGreaterThan(0)
      expect(c.errors).toBe(0)
    }
  }
})
