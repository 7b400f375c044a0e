/**
 * The library sources the guards read: every `.ts` file under `packages/<name>/src` and
 * `adapters/<name>/src`, as paths relative to the repository root.
 */
import { existsSync, readdirSync, statSync } from "node:fs"
import { join, relative } from "node:path"

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : walk(path)
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : []
  })

/** The package directories (`packages/core`, `adapters/express`, …) under `root` that have a `src/`. */
export const packageDirs = (root: string): Array<string> =>
  ["packages", "adapters"].flatMap((parent) =>
    existsSync(join(root, parent))
      ? readdirSync(join(root, parent))
          .map((name) => `${parent}/${name}`)
          .filter((dir) => existsSync(join(root, dir, "src")))
          .sort()
      : []
  )

/**
 * Every source file of every package under `root`, relative to it (`packages/core/src/Auth.ts`).
 *
 * @example
 * ```ts
 * import { sourceFiles } from "./sources.js"
 *
 * const files = sourceFiles(process.cwd()) // ["adapters/express/src/index.ts", …]
 * ```
 */
export const sourceFiles = (root: string): Array<string> =>
  packageDirs(root).flatMap((dir) => walk(join(root, dir, "src")).map((path) => relative(root, path)))
