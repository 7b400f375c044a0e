/**
 * Module hooks that let a plain `node` child process run the workspace's TypeScript sources (as the tests
 * do under vitest): a relative `./x.js` import finds `./x.ts`, and `.ts` files are transpiled with the
 * workspace's TypeScript. Used with `--conditions=@authctx/source --import ./ts-register.mjs`.
 */
import { createHash } from "node:crypto"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** Transpiled sources, by hash of their text: the children of one test run share the work. */
const cache = join(tmpdir(), "authctx-ts-hooks")

export const resolve = async (specifier, context, next) => {
  try {
    return await next(specifier, context)
  } catch (error) {
    if (specifier.startsWith(".") && specifier.endsWith(".js"))
      return next(`${specifier.slice(0, -3)}.ts`, context)
    throw error
  }
}

export const load = async (url, context, next) => {
  if (!url.endsWith(".ts")) return next(url, context)
  const source = await readFile(new URL(url), "utf8")
  const cached = join(cache, `${createHash("sha256").update(url).update(source).digest("hex")}.mjs`)
  try {
    return { format: "module", source: await readFile(cached, "utf8"), shortCircuit: true }
  } catch {
    // loaded on a cache miss only: TypeScript is large
    const { default: ts } = await import("typescript")
    const output = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
      fileName: url
    }).outputText
    await mkdir(cache, { recursive: true })
    await writeFile(cached, output)
    return { format: "module", source: output, shortCircuit: true }
  }
}
