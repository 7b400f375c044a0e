/**
 * Checks of Promise API arguments that TypeScript callers cannot get wrong but JavaScript callers can,
 * made where a call reads them. A throw here is turned into a rejection by the call's guard (`Calls`).
 */
import { InvalidArgumentsError } from "../Errors.js"

/**
 * The parameters object of a list call (`runs.list(params)`), or `undefined` when left out. Anything else
 * (`null`, a number, a string where no project is expected, an array) throws `InvalidArgumentsError`
 * instead of being read as "no filters" (which would list everything) or failing with a `TypeError`.
 */
export const listParams = <P extends object>(endpoint: string, params: P | undefined): P | undefined => {
  if (params === undefined || (typeof params === "object" && params !== null && !Array.isArray(params)))
    return params
  throw new InvalidArgumentsError({
    endpoint,
    issue: `the list parameters must be an object or left out, not ${
      params === null ? "null" : Array.isArray(params) ? "an array" : `a ${typeof params}`
    }`
  })
}
