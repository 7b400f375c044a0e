#!/usr/bin/env node
/**
 * `authctx-emulator --port 3030 [--seed N] [--host H]`: a local management API for demos and manual tests.
 * Prints the URL and the demo credentials, logs one line per request, stops on SIGINT/SIGTERM.
 */
import { main } from "./Cli.js"

void main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  exit: (code) => process.exit(code),
  onSignal: (signal, f) => process.once(signal, f)
})
