/**
 * The packages as a user gets them. Builds the workspace, `pnpm pack`s every public package, installs the
 * tarballs with npm into a fresh app in a temp dir outside the workspace using the README's Install lines
 * (Effect 3 pinned, the frameworks), then, in that app:
 *
 * - checks each tarball: README, LICENSE (the root one), `dist`, every `exports`/`bin` target, no tests,
 *   a complete manifest with no `workspace:` ranges;
 * - type-checks the TypeScript examples of README.md, docs/getting-started.md and every package README
 *   (as installed) with `module: nodenext` and with `moduleResolution: bundler`;
 * - runs every example against the installed `authctx-emulator` command (the examples read
 *   `TRIGGER_API_URL` and their keys from the environment, or start their own emulator), and drives the
 *   README's Express server with two tenants;
 * - compiles a CommonJS file under `moduleResolution: node10` and runs it with `require()`.
 *
 * npm needs the registry (it works in CI). Set AUTHCTX_KEEP_PACK_APP=1 to keep the temp app for a look.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { createClient } from "@authctx/client/promise"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Block, codeBlocks, section } from "./support/markdown.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const tsc = join(root, "node_modules/typescript/bin/tsc")

// Measured on the 2-core development machine: the whole file takes 75 s alone and 110 s at a load average
// of 15 (build + pack 5 s, npm install 16 to 30 s with a warm npm cache, each type-check 10 to 20 s, the
// examples 10 to 25 s). The limits leave room for a slower machine; they are not expected to be reached.
const minutes = (n: number) => n * 60_000

interface PublicPackage {
  readonly dir: string
  readonly name: string
  readonly manifest: Manifest
}
interface Manifest {
  readonly name: string
  readonly private?: boolean
  readonly exports?: Record<string, Record<string, string>>
  readonly bin?: Record<string, string>
  readonly [field: string]: unknown
}

const readJson = (path: string): Manifest => JSON.parse(readFileSync(path, "utf8"))

const publicPackages: Array<PublicPackage> = ["packages", "adapters"].flatMap((group) =>
  readdirSync(join(root, group)).flatMap((name) => {
    const dir = join(root, group, name)
    const manifest = readJson(join(dir, "package.json"))
    return manifest.private === true ? [] : [{ dir, name: manifest.name, manifest }]
  })
)

/** The environment of every command: without the npm_/pnpm_ settings of the `pnpm test` running us. */
const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm|pnpm)_/i.test(k) && !k.startsWith("TRIGGER_") && !k.startsWith("VITEST")) env[k] = v
  }
  return { ...env, NO_COLOR: "1", ...extra }
}

const tail = (text: string, lines = 40) => text.trim().split("\n").slice(-lines).join("\n")

/** Runs a command to completion; rejects with what failed, where, and the end of its output. */
const run = (
  step: string,
  command: string,
  args: ReadonlyArray<string>,
  options: { cwd: string; env?: Record<string, string>; timeoutMs: number }
): Promise<{ stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: cleanEnv(options.env),
        timeout: options.timeoutMs,
        maxBuffer: 32 * 1024 * 1024
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ stdout, stderr })
        const why = error.killed ? `timed out after ${options.timeoutMs / 1000} s` : `exit code ${error.code}`
        reject(
          new Error(
            `${step}: ${why}\n  $ (cd ${options.cwd} && ${command} ${args.join(" ")})\n--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`
          )
        )
      }
    )
  })

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))
      )
    })
  })

const started: Array<ChildProcess> = []
const stop = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode)
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
    child.once("exit", (code) => {
      clearTimeout(timer)
      resolve(code)
    })
    child.kill("SIGTERM")
  })

/** Starts a long-running process and collects its output. */
const launch = (command: string, args: ReadonlyArray<string>, cwd: string, env: Record<string, string>) => {
  const child = spawn(command, args, { cwd, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] })
  started.push(child)
  const output = { stdout: "", stderr: "" }
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output.stdout += chunk
  })
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output.stderr += chunk
  })
  return { child, output }
}

const until = async <A>(what: string, timeoutMs: number, probe: () => Promise<A | undefined>): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

// ---------------------------------------------------------------------------------------------------------

let work: string
let app: string
const tarballs = new Map<string, string>()
/**
 * The examples, by file name in the app's examples/ directory. Those of docs/adapters.md (servers on a
 * fixed port, with keys for the real API) are type-checked only.
 */
const typeCheckOnly = (block: Block) => block.file === "docs/adapters.md"
const examples = new Map<string, Block>()
let nodenext: Error | { stdout: string } | undefined
let emulator: { url: string; keys: Array<string>; stop: () => Promise<number | null>; log: () => string }

const exampleSources = (): Array<Block> => {
  const fromRepo = ["README.md", "docs/getting-started.md", "docs/adapters.md"].flatMap((file) =>
    codeBlocks(join(root, file), file)
  )
  // the package READMEs as installed: what the npm page shows
  const fromTarballs = publicPackages.flatMap((p) =>
    codeBlocks(join(app, "node_modules", p.name, "README.md"), `${p.name} README.md`)
  )
  return [...fromRepo, ...fromTarballs].filter((b) => b.lang === "ts" || b.lang === "typescript")
}

const compilerOptions = {
  target: "ES2022",
  lib: ["ES2022"],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  types: ["node"]
}

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), "authctx-pack-")))
  if (!relative(root, work).startsWith("..")) throw new Error(`the temp dir ${work} is inside the workspace`)
  app = join(work, "app")
  const packs = join(work, "tarballs")
  mkdirSync(app)
  mkdirSync(packs)

  await run(
    "build the packages (tsc -b tsconfig.build.json)",
    process.execPath,
    [tsc, "-b", "tsconfig.build.json"],
    {
      cwd: root,
      timeoutMs: minutes(3)
    }
  )
  for (const p of publicPackages) {
    const before = new Set(readdirSync(packs))
    await run(`pnpm pack ${p.name}`, "pnpm", ["pack", "--pack-destination", packs], {
      cwd: p.dir,
      timeoutMs: minutes(1)
    })
    const made = readdirSync(packs).filter((f) => !before.has(f))
    if (made.length !== 1 || made[0] === undefined)
      throw new Error(`pnpm pack ${p.name} made ${made.join(", ")}`)
    tarballs.set(p.name, join(packs, made[0]))
  }

  // A fresh app, as `npm init` makes it, ES modules.
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify({ name: "fresh-app", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`
  )
  // The README's Install lines, with @authctx/* taken from the tarballs (not published yet): one npm
  // install for the dependencies, one for the dev dependencies. Every tarball is given, so that a package's
  // own @authctx dependencies resolve to the tarballs and never to the registry.
  const { dependencies, devDependencies } = installLines()
  const local = (spec: string) => tarballs.get(spec) ?? spec
  const npmFlags = ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"]
  const deps = new Set([...dependencies.flat().map(local), ...tarballs.values()])
  await run("npm install (the README's Install lines)", "npm", [...npmFlags, ...deps], {
    cwd: app,
    timeoutMs: minutes(3)
  })
  await run(
    "npm install --save-dev (the README's Install lines)",
    "npm",
    [...npmFlags, "--save-dev", ...new Set(devDependencies.flat().map(local))],
    { cwd: app, timeoutMs: minutes(3) }
  )

  mkdirSync(join(app, "examples"))
  for (const [n, block] of exampleSources().entries()) {
    const name = `${block.file.replace(/[^A-Za-z0-9]+/g, "_")}_${block.line}_${n}`
    writeFileSync(join(app, "examples", `${name}.ts`), `${block.code}\nexport {}\n`)
    examples.set(name, block)
  }

  // Type-check and emit the examples (module nodenext): the runs below use the output; a failure is reported
  // by the first test below, the runs then report that they have nothing to run.
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        ...compilerOptions,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        outDir: "build"
      },
      include: ["examples"]
    })
  )
  nodenext = await run(
    "tsc, module nodenext, in the fresh app",
    process.execPath,
    [tsc, "-p", "tsconfig.json"],
    {
      cwd: app,
      timeoutMs: minutes(3)
    }
  ).catch((error: Error) => error)

  // The emulator, from the installed package's command.
  const cli = launch(join(app, "node_modules/.bin/authctx-emulator"), ["--port", "0", "--seed", "1"], app, {})
  const banner = await until("authctx-emulator printing its URL and keys", 30_000, async () =>
    cli.output.stdout.includes("Ctrl-C stops") ? cli.output.stdout : undefined
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- stdout\n${cli.output.stdout}\n--- stderr\n${cli.output.stderr}`)
  })
  const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1]
  const keys = [...banner.matchAll(/^\s+dev\s+secret key (tr_dev_\S+)/gm)].map((m) => m[1] ?? "")
  if (url === undefined || keys.length < 2)
    throw new Error(`authctx-emulator's banner has no URL or dev keys:\n${banner}`)
  emulator = { url, keys, stop: () => stop(cli.child), log: () => cli.output.stdout }
}, minutes(8))

afterAll(async () => {
  const emulatorExit = emulator === undefined ? 0 : await emulator.stop()
  await Promise.all(started.map(stop))
  if (work !== undefined && process.env["AUTHCTX_KEEP_PACK_APP"] !== "1")
    rmSync(work, { recursive: true, force: true })
  if (emulatorExit !== 0) throw new Error(`authctx-emulator exited with ${emulatorExit} on SIGTERM, not 0`)
})

/** The README's Install section: each `npm install` line's packages, split by --save-dev. */
const installLines = () => {
  const install = section(readFileSync(join(root, "README.md"), "utf8"), "Install")
  if (install === undefined) throw new Error("README.md has no `## Install` section")
  const lines = codeBlocks(join(root, "README.md"))
    .filter((b) => b.lang === "sh" && install.includes(b.code))
    .flatMap((b) => b.code.split("\n"))
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l.startsWith("npm install "))
  const dependencies: Array<Array<string>> = []
  const devDependencies: Array<Array<string>> = []
  for (const line of lines) {
    const words = line.split(/\s+/).slice(2)
    const specs = words.filter((w) => !w.startsWith("-"))
    ;(words.includes("--save-dev") || words.includes("-D") ? devDependencies : dependencies).push(specs)
  }
  return { dependencies, devDependencies }
}

const isTestFile = (path: string) => /(^|\/)(test|tests|__tests__|build)\/|\.test\.|\.tsbuildinfo$/.test(path)

const tarList = async (tarball: string) =>
  (await run(`list ${tarball}`, "tar", ["-tzf", tarball], { cwd: root, timeoutMs: 30_000 })).stdout
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.replace(/^package\//, ""))

describe("the packed packages, installed with npm into a fresh app", () => {
  it("the Install section pins Effect 3 on every line that installs a library, and names the frameworks", () => {
    const { dependencies, devDependencies } = installLines()
    expect(dependencies.length).toBeGreaterThanOrEqual(5)
    for (const specs of dependencies) {
      expect(specs, specs.join(" ")).toContain("effect@^3.22")
      expect(specs, specs.join(" ")).toContain("@effect/platform@^0.97")
      // an adapter's example imports @authctx/client too: it must be installed by name (pnpm, Yarn PnP)
      if (specs.some((s) => /^@authctx\/(express|koa|hono)$/.test(s)))
        expect(specs).toContain("@authctx/client")
    }
    const all = [...dependencies, ...devDependencies].flat()
    for (const framework of ["express@^5", "koa@^3", "hono@^4", "@authctx/emulator", "@types/express"])
      expect(all).toContain(framework)
    // api comes with client; an app installs it by name only to import it
    for (const p of publicPackages.filter((p) => p.name !== "@authctx/api")) expect(all).toContain(p.name)
  })

  it("`npm pack` of each public package lists README, LICENSE, dist and no tests", async () => {
    const listings = await Promise.all(
      publicPackages.map((p) =>
        run(`npm pack --dry-run ${p.name}`, "npm", ["pack", "--dry-run", "--json"], {
          cwd: p.dir,
          timeoutMs: minutes(1)
        })
      )
    )
    for (const [i, p] of publicPackages.entries()) {
      const stdout = listings[i]?.stdout ?? "[]"
      const [listing] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>
      const files = listing?.files.map((f) => f.path) ?? []
      expect(files, p.name).toEqual(expect.arrayContaining(["README.md", "LICENSE", "package.json"]))
      expect(
        files.some((f) => /^dist\/.+\.js$/.test(f)),
        `${p.name}: dist/*.js`
      ).toBe(true)
      expect(files.filter(isTestFile), `${p.name}: test files`).toEqual([])
      expect(readFileSync(join(p.dir, "LICENSE"), "utf8"), `${p.name}/LICENSE is the root LICENSE`).toBe(
        readFileSync(join(root, "LICENSE"), "utf8")
      )
    }
  })

  it("each tarball has README, the root LICENSE, dist and every entry point, no tests, a complete manifest", async () => {
    const license = readFileSync(join(root, "LICENSE"), "utf8")
    for (const p of publicPackages) {
      const tarball = tarballs.get(p.name) ?? ""
      const files = await tarList(tarball)
      expect(files, p.name).toContain("README.md")
      expect(files, p.name).toContain("LICENSE")
      expect(
        files.some((f) => /^dist\/.+\.js$/.test(f)),
        `${p.name}: dist/*.js`
      ).toBe(true)
      const tests = files.filter(isTestFile)
      expect(tests, `${p.name}: test files in the tarball`).toEqual([])
      const installed = join(app, "node_modules", p.name)
      expect(readFileSync(join(installed, "LICENSE"), "utf8"), `${p.name} LICENSE`).toBe(license)
      const manifest = readJson(join(installed, "package.json"))
      const targets = [
        ...Object.values(manifest.exports ?? {}).flatMap((conditions) => Object.values(conditions)),
        ...Object.values(manifest.bin ?? {}),
        manifest["main"],
        manifest["types"]
      ]
      for (const target of targets)
        expect(files, `${p.name}: ${String(target)}`).toContain(String(target).replace(/^\.\//, ""))
      expect(manifest["license"], p.name).toBe("MIT")
      expect(manifest["repository"], p.name).toMatchObject({
        type: "git",
        url: expect.stringContaining("github.com")
      })
      expect(manifest["engines"], p.name).toEqual({ node: "^20.16.0 || >=22.3.0" })
      expect(manifest["keywords"], p.name).toEqual(expect.arrayContaining(["trigger.dev", "effect"]))
      expect(
        typeof manifest["sideEffects"] === "boolean" || Array.isArray(manifest["sideEffects"]),
        p.name
      ).toBe(true)
      const ranges = { ...(manifest["dependencies"] ?? {}), ...(manifest["peerDependencies"] ?? {}) }
      expect(JSON.stringify(ranges), p.name).not.toContain("workspace:")
    }
  })

  it("the examples type-check with module nodenext", () => {
    if (nodenext instanceof Error) throw nodenext
    expect(readdirSync(join(app, "build")).length).toBe(examples.size)
  })

  it(
    "the examples type-check with moduleResolution bundler",
    async () => {
      writeFileSync(
        join(app, "tsconfig.bundler.json"),
        JSON.stringify({
          compilerOptions: {
            ...compilerOptions,
            module: "Preserve",
            moduleResolution: "Bundler",
            noEmit: true
          },
          include: ["examples"]
        })
      )
      await run(
        "tsc, moduleResolution bundler, in the fresh app",
        process.execPath,
        [tsc, "-p", "tsconfig.bundler.json"],
        {
          cwd: app,
          timeoutMs: minutes(3)
        }
      )
    },
    minutes(4)
  )

  it(
    "every example that is not a server runs against the emulator and exits 0",
    async () => {
      if (nodenext instanceof Error) throw new Error("the examples did not compile (see the nodenext test)")
      const env = {
        TRIGGER_API_URL: emulator.url,
        TRIGGER_SECRET_KEY: emulator.keys[0] ?? "",
        ACME_TRIGGER_SECRET_KEY: emulator.keys[0] ?? "",
        GLOBEX_TRIGGER_SECRET_KEY: emulator.keys[1] ?? ""
      }
      const scripts = [...examples].filter(([, b]) => !typeCheckOnly(b) && !/\.listen\(|serve\(/.test(b.code))
      expect(scripts.length).toBeGreaterThanOrEqual(8)
      // three at a time: each is mostly Node's start-up and loading Effect
      const queue = [...scripts]
      const worker = async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          const [name, block] = next
          await run(
            `${block.file}:${block.line}, run with node`,
            process.execPath,
            [join("build", `${name}.js`)],
            {
              cwd: app,
              env,
              timeoutMs: 60_000
            }
          )
        }
      }
      await Promise.all([worker(), worker(), worker()])
    },
    minutes(6)
  )

  it(
    "the README's Express server gives each tenant its own key: req.auth.client and the ambient API",
    async () => {
      if (nodenext instanceof Error) throw new Error("the examples did not compile (see the nodenext test)")
      const servers = [...examples].filter(([, b]) => !typeCheckOnly(b) && /\.listen\(|serve\(/.test(b.code))
      expect(servers.map(([, b]) => `${b.file}:${b.line}`)).toHaveLength(1)
      const [name] = servers[0] ?? []
      const [acme, globex] = emulator.keys
      if (name === undefined || acme === undefined || globex === undefined)
        throw new Error("no server or keys")
      const port = await freePort()
      const server = launch(process.execPath, [join("build", `${name}.js`)], app, {
        PORT: String(port),
        TRIGGER_API_URL: emulator.url,
        ACME_TRIGGER_SECRET_KEY: acme,
        GLOBEX_TRIGGER_SECRET_KEY: globex
      })
      const get = (path: string, tenant?: string) =>
        fetch(`http://127.0.0.1:${port}${path}`, {
          headers: tenant === undefined ? {} : { "x-tenant": tenant }
        })
      try {
        await until("the README's Express server", 30_000, async () => (await get("/runs")).status)
        // a run in acme's environment only
        const acmeClient = createClient({ accessToken: acme, baseURL: emulator.url }).requireSecretKey()
        const run = await acmeClient.tasks.trigger("hello-world", { name: "Ada" })

        const ids = async (tenant: string) => {
          const response = await get("/runs", tenant)
          expect(response.status, `GET /runs as ${tenant}`).toBe(200)
          const body = (await response.json()) as { data: Array<{ id: string }> }
          return body.data.map((r) => r.id)
        }
        expect(await ids("acme")).toContain(run.id)
        expect(await ids("globex")).not.toContain(run.id)

        const own = await get(`/runs/${run.id}`, "acme")
        expect(own.status).toBe(200)
        expect(((await own.json()) as { id: string }).id).toBe(run.id)
        expect((await get(`/runs/${run.id}`, "globex")).status).not.toBe(200)

        const refused = await get("/runs", "initech")
        expect(refused.status).toBe(401)
        expect(refused.headers.get("content-type")).toContain("application/problem+json")
        expect(refused.headers.get("www-authenticate")).toContain("Bearer")
      } catch (error) {
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}\n--- server stdout\n${tail(server.output.stdout)}\n--- server stderr\n${tail(server.output.stderr)}`
        )
      } finally {
        await stop(server.child)
      }
    },
    minutes(2)
  )

  it(
    "a CommonJS app (moduleResolution node10) resolves the types and require()s the packages",
    async () => {
      const cjs = join(app, "cjs")
      mkdirSync(cjs)
      writeFileSync(join(cjs, "package.json"), JSON.stringify({ type: "commonjs" }))
      writeFileSync(
        join(cjs, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            ...compilerOptions,
            module: "CommonJS",
            moduleResolution: "Node10",
            outDir: "build"
          },
          include: ["main.ts"]
        })
      )
      writeFileSync(
        join(cjs, "main.ts"),
        [
          'import { createClient } from "@authctx/client/promise"',
          'import { Credential } from "@authctx/core"',
          'import { authContext } from "@authctx/express"',
          "",
          "const main = async () => {",
          '  const key = Credential.unsafeParse(process.env["TRIGGER_SECRET_KEY"] ?? "")',
          '  const client = createClient({ accessToken: key, baseURL: process.env["TRIGGER_API_URL"] }).requireSecretKey()',
          "  const page = await client.runs.list({ limit: 1 })",
          '  console.log(typeof authContext, Array.isArray(page.data) ? "cjs ok" : "no data")',
          "}",
          "main().catch((error) => {",
          "  console.error(error)",
          "  process.exit(1)",
          "})",
          ""
        ].join("\n")
      )
      await run(
        "tsc, CommonJS with moduleResolution node10",
        process.execPath,
        [tsc, "-p", "tsconfig.json"],
        {
          cwd: cjs,
          timeoutMs: minutes(3)
        }
      )
      expect(readFileSync(join(cjs, "build/main.js"), "utf8")).toContain('require("@authctx/client/promise")')
      const [major = 0, minor = 0] = process.versions.node.split(".").map(Number)
      const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19)
      const result = run("node build/main.js (CommonJS)", process.execPath, ["build/main.js"], {
        cwd: cjs,
        env: { TRIGGER_API_URL: emulator.url, TRIGGER_SECRET_KEY: emulator.keys[0] ?? "" },
        timeoutMs: 60_000
      })
      if (requireEsm) expect((await result).stdout).toContain("function cjs ok")
      else await expect(result).rejects.toThrow(/ERR_REQUIRE_ESM/)
    },
    minutes(4)
  )

  it("the emulator command logs requests by fingerprint, never a token", async () => {
    const client = createClient({
      accessToken: emulator.keys[1] ?? "",
      baseURL: emulator.url
    }).requireSecretKey()
    await client.runs.list({ limit: 1 })
    const log = await until("the emulator's log line", 10_000, async () => {
      const lines = emulator.log().slice(emulator.log().indexOf("Ctrl-C stops"))
      return /runs\.list/.test(lines) ? lines : undefined
    })
    for (const key of emulator.keys) expect(log).not.toContain(key)
  })
})
