/**
 * `@authctx/emulator`: a local, in-memory Trigger.dev management API derived from the `@authctx/api`
 * catalog, with the server's auth rules (docs/emulator.md), request idempotency, fault injection and a request log.
 *
 * `Emulator` is one thing: the type of a running emulator (what `startEmulator` resolves to). Start one
 * with `startEmulator`, or as an Effect layer with `layer` (providing `EmulatorService`).
 *
 * @example
 * ```ts
 * import { type Emulator, EmulatorService, layer, startEmulator } from "@authctx/emulator"
 *
 * const emulator: Emulator = await startEmulator({ seed: 1 })
 * const emulatorLayer = layer({ seed: 1 }) // the same, as an Effect layer of EmulatorService
 * ```
 */
export * as Cli from "./Cli.js"
export type {
  CredentialKind,
  DemoCredentials,
  Emulator,
  EmulatorOptions,
  EnvironmentSlug,
  FaultRule,
  Faults,
  RequestRecord
} from "./Emulator.js"
export { EmulatorService, layer, startEmulator } from "./Emulator.js"
export * from "./Errors.js"
export * as RequestLog from "./RequestLog.js"
