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

/** Public as `Auth.runUnderAuth`. @internal */
export const runUnderAuth: unique symbol = Symbol.for("@authctx/core/runUnderAuth")

/** Public as `Auth.UnderAuth`. @internal */
export type UnderAuth = (auth: AuthContext) => Effect.Effect<unknown, unknown, unknown>

/** The effect's own way of running under a given auth, when it has one. @internal */
export const underAuthOf = (effect: unknown): UnderAuth | undefined =>
  typeof effect === "object" && effect !== null
    ? (effect as { readonly [runUnderAuth]?: UnderAuth | undefined })[runUnderAuth]
    : undefined

/**
 * Gives an effect its own way of running under a given auth (see `Auth.runUnderAuth`); returns it. @internal
 */
export const withUnderAuth = <E extends object>(effect: E, run: UnderAuth): E => {
  // an assignment, not `Object.defineProperty` (~0.5 µs more for each scope built)
  const marked: E & { [runUnderAuth]?: UnderAuth } = effect
  marked[runUnderAuth] = run
  return marked
}

/**
 * `Effect.provideService(self, CurrentAuth, auth)`, through the effect's own way of running under an auth
 * when it has one (a call of `@authctx/client` takes the context as an argument instead of a fiber-ref
 * swap: docs/decisions/0031-effect-call-path.md). @internal
 */
export const provideAuth = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  auth: AuthContext
): Effect.Effect<A, E, Exclude<R, CurrentAuth>> => {
  const run = underAuthOf(self)
  return (run === undefined ? Effect.provideService(self, CurrentAuth, auth) : run(auth)) as Effect.Effect<
    A,
    E,
    Exclude<R, CurrentAuth>
  >
}

/** Provides a built auth context to an effect, or fails with the error that building it gave. @internal */
export const provideBuilt = <A, E, R, E2>(
  self: Effect.Effect<A, E, R>,
  built: Either.Either<AuthContext, E2>
): Effect.Effect<A, E | E2, Exclude<R, CurrentAuth>> =>
  Either.isLeft(built) ? Effect.fail(built.left) : provideAuth(self, built.right)

/**
 * An `AuthContext<K>` as an `AuthContext`. It always is one; TypeScript cannot see it through the
 * `Extract` of the credential's type (it compares the two invariantly in `K`). @internal
 */
export const widen = <K extends Kind>(context: AuthContext<K>): AuthContext =>
  context as unknown as AuthContext
