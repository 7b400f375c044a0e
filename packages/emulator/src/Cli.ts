/**
 * The `authctx-emulator` command, with its input and output passed in (so it can be tested without a
 * process): parse the flags, start an emulator, print its URL and the demo credentials (demo secrets are
 * meant to be shown here), log one line per request, and stop on SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * import { Cli } from "@authctx/emulator"
 *
 * await Cli.main(process.argv.slice(2), {
 *   out: (text) => process.stdout.write(text),
 *   err: (text) => process.stderr.write(text),
 *   exit: (code) => process.exit(code),
 *   onSignal: (signal, f) => process.once(signal, f)
 * })
 * ```
 */
import { type DemoCredentials, type Emulator, startEmulator } from "./Emulator.js"

/**
 * What the command reads from its flags.
 *
 * @example
 * ```ts
 * import { Cli } from "@authctx/emulator"
 *
 * const flags: Cli.Flags = { port: 3030, host: "127.0.0.1", seed: 1 }
 * ```
 */
export interface Flags {
  readonly port: number
  readonly host: string
  readonly seed: number
}

/**
 * The usage text.
 *
 * @example
 * ```ts
 * import { Cli } from "@authctx/emulator"
 *
 * process.stderr.write(Cli.usage)
 * ```
 */
export const usage = `Usage: authctx-emulator [--port N] [--host H] [--seed N]

  --port N   port to listen on (default 3030; 0 picks a free port)
  --host H   host to bind (default 127.0.0.1)
  --seed N   seed of the demo keys and ids (default 1)
  --help     show this text
`

/**
 * Parses the flags (`--port 3030` or `--port=3030`); a string is the reason they are wrong.
 *
 * @example
 * ```ts
 * import { Cli } from "@authctx/emulator"
 *
 * Cli.parseArgs(["--port", "3030", "--seed", "7"]) // { port: 3030, host: "127.0.0.1", seed: 7 }
 * Cli.parseArgs(["--port", "x"]) // 'the port must be a whole number from 0 to 65535, not "x"'
 * ```
 */
export const parseArgs = (argv: ReadonlyArray<string>): Flags | "help" | string => {
  let port = 3030
  let host = "127.0.0.1"
  let seed = 1
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === "--help" || arg === "-h") return "help"
    const eq = arg.indexOf("=")
    const name = eq === -1 ? arg : arg.slice(0, eq)
    if (name !== "--port" && name !== "--host" && name !== "--seed") return `unknown option "${arg}"`
    let value: string | undefined
    if (eq !== -1) value = arg.slice(eq + 1)
    else {
      value = argv[i + 1]
      i++
    }
    if (value === undefined || value.length === 0) return `${name} needs a value`
    if (name === "--port") {
      if (!/^\d+$/.test(value) || Number(value) > 65535)
        return `the port must be a whole number from 0 to 65535, not "${value}"`
      port = Number(value)
    } else if (name === "--seed") {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
        return `the seed must be a whole number, not "${value}"`
      seed = Number(value)
    } else host = value
  }
  return { port, host, seed }
}

/**
 * The banner: URL and demo credentials. It shows the demo secrets: they exist only in this emulator.
 *
 * @example
 * ```ts
 * import { Cli, startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator()
 * Cli.banner(emulator.url, emulator.credentials) // "authctx emulator listening on http://127.0.0.1:3030 …"
 * ```
 */
export const banner = (url: string, credentials: DemoCredentials): string => {
  const lines = [
    `authctx emulator listening on ${url}`,
    "",
    "Demo credentials (valid only in this emulator):"
  ]
  for (const project of credentials.projects) {
    lines.push("", `  project ${project.name} (${project.ref})`)
    for (const [slug, keys] of Object.entries(project.environments)) {
      lines.push(`    ${slug.padEnd(8)} secret key ${keys.secretKey}`)
      lines.push(
        `    ${"".padEnd(8)} legacy key ${keys.legacySecretKey} (20 characters, as issued until August 2026)`
      )
      lines.push(`    ${"".padEnd(8)} scoped key ${keys.scopedKey}`)
    }
    lines.push(`    preview branches (send x-trigger-branch): ${project.previewBranches.join(", ")}`)
    lines.push(`    dev branches (a dev key with x-trigger-branch): ${project.devBranches.join(", ")}`)
  }
  lines.push("", "  users (personal access tokens)")
  for (const user of credentials.users) {
    lines.push(`    ${user.name} (${user.id}) ${user.pat}  reaches ${user.projectRefs.join(", ")}`)
  }
  lines.push("", "Logging one line per request (credentials by kind and fingerprint only). Ctrl-C stops.", "")
  return lines.join("\n")
}

/**
 * The command's world: where it writes, how it exits, how it hears signals.
 *
 * @example
 * ```ts
 * import { Cli } from "@authctx/emulator"
 *
 * const io: Cli.Io = {
 *   out: (text) => process.stdout.write(text),
 *   err: (text) => process.stderr.write(text),
 *   exit: (code) => process.exit(code),
 *   onSignal: (signal, f) => process.once(signal, f)
 * }
 * ```
 */
export interface Io {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  readonly exit: (code: number) => void
  readonly onSignal: (signal: "SIGINT" | "SIGTERM", f: () => void) => void
}

/**
 * Runs the command (see the module example); resolves with the running emulator (or `undefined` when it exited: `--help` exits
 * 0, bad flags exit 2 with the usage, a failed start exits 1).
 */
export const main = async (argv: ReadonlyArray<string>, io: Io): Promise<Emulator | undefined> => {
  const flags = parseArgs(argv)
  if (flags === "help") {
    io.out(usage)
    io.exit(0)
    return undefined
  }
  if (typeof flags === "string") {
    io.err(`authctx-emulator: ${flags}\n\n${usage}`)
    io.exit(2)
    return undefined
  }
  let emulator: Emulator
  try {
    emulator = await startEmulator({ ...flags, log: (line) => io.out(`${line}\n`) })
  } catch (error) {
    io.err(`authctx-emulator: ${error instanceof Error ? error.message : "could not start"}\n`)
    io.exit(1)
    return undefined
  }
  io.out(banner(emulator.url, emulator.credentials))
  // The command prints each request and never reads the record list: keep it from growing for ever.
  const trim = setInterval(() => emulator.clearRequests(), 60_000)
  trim.unref()
  const stop = () => {
    clearInterval(trim)
    io.out("stopping\n")
    emulator.stop().then(
      () => io.exit(0),
      () => io.exit(1)
    )
  }
  io.onSignal("SIGINT", stop)
  io.onSignal("SIGTERM", stop)
  return emulator
}
