/**
 * `@authctx/emulator`: a local, in-memory Trigger.dev management API derived from the `@authctx/api`
 * catalog, with the server's auth rules (docs/emulator.md), request idempotency, fault injection and a request log.
 *
 * @example
 * ```ts
 * import { Emulator, startEmulator, type Emulator as Running } from "@authctx/emulator"
 *
 * const emulator: Running = await startEmulator({ seed: 1 })
 * const layer = Emulator.layer({ seed: 1 }) // the same, as an Effect layer of Emulator.EmulatorService
 * ```
 */
import * as EmulatorModule from "./Emulator.js"

/**
 * The emulator module: `Emulator.layer(options)`, `Emulator.EmulatorService`, `Emulator.start(options)`.
 * As a type, `Emulator` is a running emulator (what `startEmulator` resolves to).
 */
export const Emulator = EmulatorModule
/** A running emulator: `url`, `credentials`, `requests()`, `faults`, `stop()`. */
export type Emulator = EmulatorModule.Emulator

export * as Cli from "./Cli.js"
export type {
  CredentialKind,
  DemoCredentials,
  EmulatorOptions,
  EnvironmentSlug,
  FaultRule,
  Faults,
  RequestRecord
} from "./Emulator.js"
export { EmulatorService, layer, startEmulator } from "./Emulator.js"
export * from "./Errors.js"
export * as RequestLog from "./RequestLog.js"
