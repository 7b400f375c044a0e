/**
 * The auth service tag, and the step every way of providing auth to an effect ends in (`Auth.withAuth`,
 * `Auth.requireSecretKey`, …). Here rather than in `Auth.ts` so that both can be imported without a cycle.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { AuthContext } from "../Auth.js"
import type { Kind } from "./credentialFormat.js"

/** Public as `Auth.CurrentAuth`. @internal */
export class CurrentAuth extends Context.Tag("@authctx/core/CurrentAuth")<CurrentAuth, AuthContext>() {}

/** Provides a built auth context to an effect, or fails with the error that building it gave. @internal */
export const provideBuilt = <A, E, R, E2>(
  self: Effect.Effect<A, E, R>,
  built: Either.Either<AuthContext, E2>
): Effect.Effect<A, E | E2, Exclude<R, CurrentAuth>> =>
  Either.isLeft(built) ? Effect.fail(built.left) : Effect.provideService(self, CurrentAuth, built.right)

/**
 * An `AuthContext<K>` as an `AuthContext`. It always is one; TypeScript cannot see it through the
 * `Extract` of the credential's type (it compares the two invariantly in `K`). @internal
 */
export const widen = <K extends Kind>(context: AuthContext<K>): AuthContext =>
  context as unknown as AuthContext
