/**
 * Reading a bearer credential from a header value.
 *
 * @internal
 */
import { Headers } from "@authctx/api"
import { Credential } from "@authctx/core"
import { Either } from "effect"
import type { RequestAuthError } from "../Errors.js"
import type { Parser } from "./parseCache.js"
import { defaultRealm, refusal } from "./refusal.js"

/** The header read for bearer pass-through when none is given. */
export const defaultHeader: string = Headers.authorization

/** The longest header value looked at; a longer one is refused as malformed before any parsing. */
export const maxHeaderLength = 8192

export const notPrintableAscii = /[^\u0020-\u007e]/

/** A header name as people write it, for details: `Authorization`, or the configured name as given. */
const displayName = (header: string): string =>
  header === defaultHeader ? `${header.charAt(0).toUpperCase()}${header.slice(1)}` : header

/** See `Bearer.read`; `parse` is the credential parser (`RequestAuth.make` passes its cached one). */
export const read = (
  value: string | ReadonlyArray<string> | undefined,
  realm: string = defaultRealm,
  header: string = defaultHeader,
  parse: Parser = Credential.parseEither
): Either.Either<Credential.Credential, RequestAuthError> => {
  const name = displayName(header)
  const malformed = (detail: string) => Either.left(refusal(realm, "invalid_request", detail))
  const missing = () =>
    Either.left(
      refusal(realm, "missing_credential", `This request needs a credential: send "${name}: Bearer <token>".`)
    )
  if (typeof value !== "string") {
    if (value === undefined || value.length === 0) return missing()
    if (value.length > 1) return malformed(`The ${name} header was sent more than once.`)
    return read(value[0], realm, header, parse)
  }
  if (value.length === 0) return missing()
  if (value.length > maxHeaderLength) {
    return malformed(`The ${name} header is longer than ${maxHeaderLength} characters.`)
  }
  // A Bearer token never holds a comma (RFC 6750 §2.1): one here is a header sent twice and joined by a
  // proxy or by the fetch `Headers` (`"Bearer a, Bearer b"`), or a list of values.
  if (value.includes(",")) {
    return malformed(`The ${name} header holds more than one value (sent twice, or joined with commas).`)
  }
  if (notPrintableAscii.test(value)) {
    return malformed(
      `The ${name} header contains a character outside printable ASCII (a tab, a line break, a control character or a non-ASCII letter).`
    )
  }
  const space = value.indexOf(" ")
  const scheme = space === -1 ? value : value.slice(0, space)
  if (scheme.toLowerCase() !== "bearer") {
    return malformed(`The ${name} header must use the Bearer scheme: "Bearer <token>".`)
  }
  const token = space === -1 ? "" : value.slice(space + 1)
  if (token.trim().length === 0)
    return malformed(`The ${name} header names the Bearer scheme but has no token.`)
  if (token.includes(" ")) {
    return malformed(
      `The ${name} header must be "Bearer", one space and the token, with no other white space.`
    )
  }
  return Either.mapLeft(parse(token), (error) => refusal(realm, "invalid_request", error.message))
}
