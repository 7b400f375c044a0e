/**
 * The two routes that mint public access tokens (docs/reference/public-tokens.md): the claims a root key
 * signs itself, and the server-signed token for keys that cannot sign (additional `tr_<env>_sk_` keys).
 */
import { ManagementApi } from "@authctx/api"
import { Redacted } from "effect"
import * as PublicToken from "../publicToken.js"
import { fail, handle, later, ok, type RouteHandler, withEnvironment } from "./handle.js"

/** The longest a server-minted token may live: 30 days, in seconds. */
export const maxLifetimeSeconds = 30 * 24 * 60 * 60

/** The lifetime when the body names none. */
const defaultExpirationTime = "15m"

const relativeTime =
  /^(\+|-)? ?(\d+|\d+\.\d+) ?(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)(?: (ago|from now))?$/i

const unitSeconds = (unit: string): number => {
  switch (unit[0]) {
    case "s":
      return 1
    case "m":
      return 60
    case "h":
      return 3_600
    case "d":
      return 86_400
    case "w":
      return 604_800
    default:
      return 365.25 * 86_400
  }
}

/**
 * When a token minted at `now` (epoch seconds) expires, read as the server reads `expirationTime`: a
 * number is already epoch seconds; a string is a signed or `ago`/`from now` relative time
 * (`"15m"`, `"2 hours"`, `"-5m"`, `"1d from now"`; a sign together with `ago`/`from now` is invalid).
 * `undefined` when the string is not one.
 */
export const expiresAtOf = (expirationTime: string | number, now: number): number | undefined => {
  if (typeof expirationTime === "number") return expirationTime
  const match = relativeTime.exec(expirationTime)
  if (match === null) return undefined
  const [, sign, amount, unit, direction] = match
  if (sign !== undefined && direction !== undefined) return undefined
  if (amount === undefined || unit === undefined) return undefined
  const seconds = Math.round(Number.parseFloat(amount) * unitSeconds(unit.toLowerCase()))
  const past = sign === "-" || direction?.toLowerCase() === "ago"
  return now + (past ? -seconds : seconds)
}

/** The auth handlers, one per route of the `auth` group. */
export const auth: readonly [
  RouteHandler<typeof ManagementApi.authJwtClaims>,
  RouteHandler<typeof ManagementApi.authCreatePublicToken>
] = [
  handle(ManagementApi.authJwtClaims, (context) =>
    withEnvironment(context, (environment) => ok({ sub: environment.id, pub: true as const }))
  ),

  handle(ManagementApi.authCreatePublicToken, (context, { payload }) =>
    withEnvironment(context, (environment) => {
      const now = Math.floor(context.now / 1000)
      const expiresAt = expiresAtOf(payload.expirationTime ?? defaultExpirationTime, now)
      if (expiresAt === undefined) return fail(400, "Invalid expiration time")
      if (expiresAt <= now) return fail(400, "Expiration time must be in the future")
      if (expiresAt - now > maxLifetimeSeconds) return fail(400, "Expiration time cannot exceed 30 days")
      const signed = PublicToken.signFor(
        context.state,
        environment,
        {
          sub: environment.id,
          pub: true,
          scopes: payload.scopes,
          ...(payload.oneTimeUse === true ? { otu: true } : {}),
          ...(payload.realtime === undefined ? {} : { realtime: payload.realtime })
        },
        expiresAt
      )
      if (signed === undefined) return fail(500, "Internal error")
      return later(signed.then((token) => ok({ token: Redacted.make(token) })))
    })
  )
]
