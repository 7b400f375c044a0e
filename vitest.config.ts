import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { conditions: ["@authctx/source"] },
  ssr: { resolve: { conditions: ["@authctx/source"] } },
  test: {
    include: ["{packages,adapters}/*/test/**/*.test.ts", "test/**/*.test.ts", "demo/test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "test/bench/**"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
