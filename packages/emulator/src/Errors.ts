/**
 * The errors of `@authctx/emulator`. Each is a `Schema.TaggedError` with a message a person can act on;
 * none carries a credential.
 */
import { Schema } from "effect"

/**
 * The emulator could not start: the port is taken, the host cannot be bound, or an option is invalid.
 *
 * @example
 * ```ts
 * import { startEmulator, EmulatorStartError } from "@authctx/emulator"
 *
 * await startEmulator({ port: 3030 }).catch((e) => {
 *   if (e instanceof EmulatorStartError) console.error(e.message)
 * })
 * ```
 */
export class EmulatorStartError extends Schema.TaggedError<EmulatorStartError>(
  "@authctx/emulator/EmulatorStartError"
)("EmulatorStartError", {
  host: Schema.String,
  port: Schema.Number,
  reason: Schema.String
}) {
  override get message(): string {
    return `The emulator could not listen on ${this.host}:${this.port}: ${this.reason}`
  }
}

/**
 * A route of the catalog has no handler in the emulator (thrown when the emulator starts, so a route added
 * to `@authctx/api` without an emulator handler fails every emulator test at once).
 *
 * @example
 * ```ts
 * import { MissingHandlers } from "@authctx/emulator"
 *
 * new MissingHandlers({ keys: ["runs.pause"] }).message
 * // "The emulator has no handler for these catalog routes: runs.pause"
 * ```
 */
export class MissingHandlers extends Schema.TaggedError<MissingHandlers>("@authctx/emulator/MissingHandlers")(
  "MissingHandlers",
  { keys: Schema.Array(Schema.String) }
) {
  override get message(): string {
    return `The emulator has no handler for these catalog routes: ${this.keys.join(", ")}`
  }
}

/**
 * A fault rule that cannot be applied (a `fraction` outside 0..1, a negative `times`, a status outside
 * 100..599, …).
 *
 * @example
 * ```ts
 * import { InvalidFaultRule, startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator()
 * try {
 *   emulator.faults.inject({ fraction: 2 })
 * } catch (error) {
 *   if (error instanceof InvalidFaultRule) console.log(error.message) // fraction must be between 0 and 1
 * }
 * ```
 */
export class InvalidFaultRule extends Schema.TaggedError<InvalidFaultRule>(
  "@authctx/emulator/InvalidFaultRule"
)("InvalidFaultRule", { reason: Schema.String }) {
  override get message(): string {
    return `Invalid fault rule: ${this.reason}`
  }
}
