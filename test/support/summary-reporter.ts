/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own summary, so
 * that any CI reading the last lines sees the counts without knowing vitest's format. Before it, one
 * `failed: <file> > <test>` line per failed test (and per test file that failed to load, and per error no
 * test caught), so that the last lines also say which tests failed: a CI that keeps only the tail of the
 * output lost that once (session 9: one Node 20 failure, its name scrolled away under the other versions'
 * runs).
 * scripts/test-all-nodes.mjs repeats these lines in its per-version summary.
 */
import type { Reporter, SerializedError, TestModule } from "vitest/node"

/** The first line of a failed test's first error, short enough for a summary. */
const firstLine = (message: string | undefined): string => {
  const line = (message ?? "").split("\n")[0] ?? ""
  return line.length > 160 ? `${line.slice(0, 157)}...` : line
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>
  ): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    const failures: Array<string> = []
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result()
        if (result.state === "passed") passed++
        else if (result.state === "failed") {
          failed++
          failures.push(
            `failed: ${module.moduleId.replace(`${process.cwd()}/`, "")} > ${test.fullName}: ${firstLine(result.errors[0]?.message)}`
          )
        } else skipped++
      }
      if (module.state() === "failed" && !module.ok() && module.children.size === 0) {
        failed++
        failures.push(
          `failed: ${module.moduleId.replace(`${process.cwd()}/`, "")} (did not load): ${firstLine(module.errors()[0]?.message)}`
        )
      }
    }
    // an error no test caught fails the run (vitest exits 1) without failing a test: name it too
    for (const error of unhandledErrors) failures.push(`failed: unhandled error: ${firstLine(error.message)}`)
    process.stdout.write(`\n${failures.map((line) => `${line}\n`).join("")}`)
    process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
