/**
 * The demo's output: progress (one line per server, updated in place on a terminal; plain lines when not a
 * terminal or in CI) and the results table.
 */
import type { Framework } from "./servers/listen.js"
import { sdkVersion } from "./servers/sdk.js"

/** Where the demo writes. `live` allows rewriting the current line (a terminal, not CI). */
export interface Output {
  readonly write: (text: string) => void
  readonly live: boolean
}

/** Standard output; live when it is a terminal and `CI` is not set. */
export const stdoutOutput = (): Output => ({
  write: (text) => {
    process.stdout.write(text)
  },
  live: process.stdout.isTTY === true && (process.env["CI"] ?? "") === ""
})

export const labels: Record<Framework, string> = {
  express: "Express + authctx",
  koa: "Koa + authctx",
  hono: "Hono + authctx",
  sdk: `SDK ${sdkVersion} withAuth`,
  naive: "global swap (docs)"
}

/** Whether a server is one of authctx's (the others are there to compare). */
export const isAuthctx = (framework: Framework): boolean =>
  framework === "express" || framework === "koa" || framework === "hono"

const integer = (n: number): string => Math.round(n).toLocaleString("en-US")

/** A progress display for one server's run. */
export const progress = (output: Output, framework: Framework, total: number) => {
  const label = labels[framework].padEnd(18)
  const started = performance.now()
  const width = 24
  let lastDraw = 0
  let nextQuarter = 1
  const line = (done: number) => {
    const seconds = (performance.now() - started) / 1000
    const rate = seconds > 0 ? done / seconds : 0
    const filled = Math.round((done / total) * width)
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`
    return `  ${label} ${bar} ${integer(done).padStart(6)}/${integer(total)}  ${integer(rate).padStart(5)} req/s`
  }
  return {
    update: (done: number) => {
      if (output.live) {
        const now = performance.now()
        if (now - lastDraw < 80 && done < total) return
        lastDraw = now
        output.write(`\r${line(done)}`)
      } else {
        while (nextQuarter <= 4 && done >= (total * nextQuarter) / 4) {
          nextQuarter++
          if (done < total) output.write(`${line(done)}\n`)
        }
      }
    },
    finish: (done: number) => {
      output.write(output.live ? `\r${line(done)}\n` : `${line(done)}\n`)
    }
  }
}

/** One row of the results table. */
export interface Row {
  readonly framework: Framework
  readonly requests: number
  readonly perSecond: number
  readonly p50: number
  readonly p99: number
  readonly errors: number
  readonly checked: number
  readonly leaks: number
}

const columns: ReadonlyArray<{ readonly title: string; readonly cell: (row: Row) => string }> = [
  { title: "framework", cell: (r) => labels[r.framework] },
  { title: "requests", cell: (r) => integer(r.requests) },
  { title: "requests/s", cell: (r) => integer(r.perSecond) },
  { title: "p50 ms", cell: (r) => r.p50.toFixed(1) },
  { title: "p99 ms", cell: (r) => r.p99.toFixed(1) },
  { title: "failed", cell: (r) => integer(r.errors) },
  { title: "API calls checked", cell: (r) => integer(r.checked) },
  { title: "cross-tenant leaks", cell: (r) => integer(r.leaks) }
]

/** The table, as aligned text (the first column left-aligned, the others right-aligned). */
export const table = (rows: ReadonlyArray<Row>): string => {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)))
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => (r[i] ?? "").length)))
  const format = (values: ReadonlyArray<string>) =>
    `  ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join("   ")}`
  const rule = `  ${widths.map((w) => "─".repeat(w)).join("───")}`
  const lines = [format(columns.map((c) => c.title)), rule]
  for (const [i, row] of cells.entries()) {
    // one rule between authctx's rows and the others
    const framework = rows[i]?.framework
    const previous = rows[i - 1]?.framework
    if (framework !== undefined && previous !== undefined && !isAuthctx(framework) && isAuthctx(previous)) {
      lines.push(rule)
    }
    lines.push(format(row))
  }
  return `${lines.join("\n")}\n`
}
