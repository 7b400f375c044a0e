/**
 * A server of a benchmark in a process of its own, so that its CPU is not billed to the client under test
 * (and no server inherits another's JIT state or async hooks). The child prints one JSON line when it is
 * ready; afterwards each line written to its stdin is a question it answers with one JSON line. It stops on
 * SIGTERM, or when its stdin closes (this process ended, however it ended).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { createInterface, type Interface } from "node:readline"
import { fileURLToPath } from "node:url"

export const benchDir = dirname(fileURLToPath(import.meta.url))
const root = join(benchDir, "..", "..")

/** A running child server. */
export interface Child<Ready> {
  /** What the child printed when it was ready (its port, and whatever else it reports). */
  readonly ready: Ready
  /** Writes `question` on one line and resolves with the child's one-line JSON answer. */
  readonly ask: <A>(question: string) => Promise<A>
  readonly stop: () => Promise<void>
}

/**
 * Starts `node <script> ...args` (with `execPath`, default this process's Node) in `test/bench`, and
 * resolves when it printed its ready line.
 */
export const startChild = <Ready>(
  script: string,
  args: ReadonlyArray<string>,
  execPath: string = process.execPath
): Promise<Child<Ready>> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(execPath, [join(benchDir, script), ...args], {
      cwd: benchDir,
      stdio: ["pipe", "pipe", "inherit"]
    })
    const what = `${script} ${args.join(" ")}`
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${what} did not start`))
    }, 60_000)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited with ${code}`))
    })
    if (child.stdout === null || child.stdin === null) return reject(new Error("no stdio"))
    const stdin = child.stdin
    const lines: Interface = createInterface({ input: child.stdout })
    const waiting: Array<(line: string) => void> = []
    let ready = false
    lines.on("line", (line) => {
      if (!ready) {
        ready = true
        clearTimeout(timer)
        resolve({
          ready: JSON.parse(line) as Ready,
          ask: <A>(question: string) =>
            new Promise<A>((answer) => {
              waiting.push((reply) => answer(JSON.parse(reply) as A))
              stdin.write(`${question}\n`)
            }),
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done()
              const kill = setTimeout(() => child.kill("SIGKILL"), 5_000)
              child.removeAllListeners("exit")
              child.once("exit", () => {
                clearTimeout(kill)
                done()
              })
              child.kill("SIGTERM")
            })
        })
        return
      }
      waiting.shift()?.(line)
    })
  })

/** Builds the packages' `dist/` (incremental: quick when nothing changed); the children run it. */
export const build = (): void => {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
  execFileSync(process.execPath, [tsc, "-b", "tsconfig.build.json"], { cwd: root, stdio: "inherit" })
}

/** The median of some numbers (NaN for none). */
export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

/** Rounds to two decimals. */
export const round2 = (x: number): number => Math.round(x * 100) / 100

/** The spread of per-round ratios: lowest, median, highest. */
export interface Spread {
  readonly min: number
  readonly median: number
  readonly max: number
}

/** The spread of `xs` (rounded to two decimals). */
export const spreadOf = (xs: ReadonlyArray<number>): Spread => ({
  min: round2(Math.min(...xs)),
  median: round2(median(xs)),
  max: round2(Math.max(...xs))
})
