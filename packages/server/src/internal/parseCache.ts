/**
 * The parse cache of one authenticator.
 *
 * @internal
 */
import { Credential, type InvalidCredential } from "@authctx/core"
import { Either } from "effect"

/** A credential parser: a token to its credential, or why it is not one. */
export type Parser = (token: string) => Either.Either<Credential.Credential, InvalidCredential>

/** How many parsed credentials one authenticator keeps. */
export const parsedCacheSize = 1024

/**
 * A credential parser that remembers its last successful parses (least recently used first out). Parsing
 * validates the credential's schema, which costs far more than the request it guards; a server sees the
 * same few credentials again and again. Only the parse is remembered — never whether a credential is
 * accepted — and only inside one authenticator (no module state).
 */
export const cachedParser = (): Parser => {
  const parsed = new Map<string, Credential.Credential>()
  return (token) => {
    const hit = parsed.get(token)
    if (hit !== undefined) {
      parsed.delete(token)
      parsed.set(token, hit)
      return Either.right(hit)
    }
    const result = Credential.parseEither(token)
    if (Either.isRight(result)) {
      if (parsed.size >= parsedCacheSize) {
        const oldest = parsed.keys().next()
        if (oldest.done !== true) parsed.delete(oldest.value)
      }
      parsed.set(token, result.right)
    }
    return result
  }
}
