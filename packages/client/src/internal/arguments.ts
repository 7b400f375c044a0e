/**
 * Arguments that TypeScript callers cannot get wrong but JavaScript callers can (`null`, a number where
 * an object is due, a value nested too deeply to read): refused with `InvalidArgumentsError` before
 * anything is sent, never a `TypeError` or `RangeError` thrown at the caller. The Effect API's calls fail
 * with it; the Promise API's reject with it (its guards are in `Calls.ts`).
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { InvalidArgumentsError } from "../Errors.js"

/**
 * The refusal of arguments whose reading threw. A refusal a check made itself is kept as it is; any other
 * throw's message may quote the caller's data, so only its name is kept.
 */
export const unreadable = (endpoint: string, error: unknown): InvalidArgumentsError =>
  error instanceof InvalidArgumentsError
    ? error
    : new InvalidArgumentsError({
        endpoint,
        issue:
          error instanceof RangeError
            ? "the arguments cannot be read: nested too deeply"
            : `the arguments cannot be read (a ${error instanceof Error ? error.name : "throw"})`
      })

const isRecord = (value: unknown): value is object =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** How a refusal names a value of the wrong type: `null`, `an array`, `a number`, … */
export const typeName = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`

/**
 * The parameters object of a list call (`runs.list(params)`), or `undefined` when left out. Anything else
 * (`null`, a number, a string, an array) throws `InvalidArgumentsError` instead of being read as "no
 * filters" (which would list everything) or failing with a `TypeError`.
 */
export const listParams = <P extends object>(endpoint: string, params: P | undefined): P | undefined =>
  objectOrOmitted(endpoint, "the list parameters", params)

/**
 * `value` when it is an object (not an array) or `undefined`; anything else throws `InvalidArgumentsError`
 * naming `what` ("the options", "the variables") and the type it has.
 */
export const objectOrOmitted = <P extends object>(
  endpoint: string,
  what: string,
  value: P | undefined
): P | undefined => {
  if (value === undefined || isRecord(value)) return value
  throw new InvalidArgumentsError({
    endpoint,
    issue: `${what} must be an object or left out, not ${typeName(value)}`
  })
}

/**
 * The items of a batch, each an object: anything else throws `InvalidArgumentsError` (a `null` item would
 * otherwise be sent as a run without a payload).
 */
export const batchItems = <I extends object>(endpoint: string, items: ReadonlyArray<I>): ReadonlyArray<I> => {
  if (!Array.isArray(items))
    throw new InvalidArgumentsError({ endpoint, issue: `the items must be an array, not ${typeName(items)}` })
  items.forEach((item: unknown, index) => {
    if (!isRecord(item))
      throw new InvalidArgumentsError({
        endpoint,
        issue: `item ${index} must be an object, not ${typeName(item)}`
      })
  })
  return items
}

/**
 * The call `build` makes of its arguments, or, when reading them throws, a failure with
 * `InvalidArgumentsError` (nothing sent). A plain try/catch, so a call's effect stays as it was (it runs
 * without a fiber on the direct path).
 */
export const refusing = <A, E, R>(
  endpoint: string,
  build: () => Effect.Effect<A, E, R>
): Effect.Effect<A, E | InvalidArgumentsError, R> => {
  try {
    return build()
  } catch (error) {
    return Effect.fail(unreadable(endpoint, error))
  }
}

/** {@link refusing} for a call that answers a `Stream` (the `stream` of a list). */
export const refusingStream = <A, E, R>(
  endpoint: string,
  build: () => Stream.Stream<A, E, R>
): Stream.Stream<A, E | InvalidArgumentsError, R> => {
  try {
    return build()
  } catch (error) {
    return Stream.fail(unreadable(endpoint, error))
  }
}
