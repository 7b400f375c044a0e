/**
 * The bounded memo of core's parsers: a pure string check whose successful answers are kept by their
 * input, emptied at once when it holds `max` (no eviction order to keep on every hit). Failures are never
 * kept: each is made anew, as before.
 *
 * @internal
 */
import * as Either from "effect/Either"

/** `check` through a memo of its successful answers (at most `max`, then emptied). @internal */
export const rememberRight = <A, E>(
  max: number,
  check: (input: string) => Either.Either<A, E>
): ((input: string) => Either.Either<A, E>) => {
  const kept = new Map<string, Either.Either<A, E>>()
  return (input) => {
    const hit = kept.get(input)
    if (hit !== undefined) return hit
    const result = check(input)
    if (Either.isRight(result)) {
      if (kept.size >= max) kept.clear()
      kept.set(input, result)
    }
    return result
  }
}
