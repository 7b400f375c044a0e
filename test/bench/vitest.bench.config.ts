import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

/** `pnpm bench`: the benchmarks under test/bench (kept out of the ordinary test run). */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  resolve: { conditions: ["@authctx/source"] },
  ssr: { resolve: { conditions: ["@authctx/source"] } },
  test: {
    include: ["test/bench/**/*.bench-run.ts"],
    testTimeout: 120_000,
    fileParallelism: false
  }
})
