/**
 * The run-time half of `Capability.authorize`: the check on an auth context already at hand.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { AuthContext } from "../Auth.js"
import type { Capability } from "../Capability.js"
import type { Credential, OfKind } from "../Credential.js"
import { CapabilityError, MissingCredential } from "../Errors.js"
import type { Kind } from "./credentialFormat.js"
import { allows } from "./publicScopes.js"

const accepted = <Kinds extends Kind>(
  capability: Capability<string, Kinds>,
  credential: Credential
): credential is OfKind<Kinds> =>
  (capability.accepts as ReadonlyArray<Kind>).includes(credential._tag) ||
  (credential._tag === "PublicAccessToken" && capability.publicTokenScopes !== undefined)

/** @internal */
export const scopeRefusal = (
  capability: Capability<string, Kind>,
  credential: Credential,
  path: Readonly<Record<string, string>> | undefined
): CapabilityError | undefined => {
  if (credential._tag !== "PublicAccessToken") return undefined
  const abilities = capability.publicTokenScopes
  if (abilities === undefined) return undefined // refused by kind: `accepted` is false
  const verdict = allows(abilities, credential.scopes, path)
  return verdict._tag === "Allowed"
    ? undefined
    : new CapabilityError({
        endpoint: capability.name,
        accepts: capability.accepts,
        actual: credential._tag,
        missingScope: verdict.needed
      })
}

/** @internal */
export const check = <Name extends string, Kinds extends Kind>(
  capability: Capability<Name, Kinds>,
  auth: Option.Option<AuthContext>,
  path?: Readonly<Record<string, string>> | undefined
): Effect.Effect<AuthContext<Kinds>, CapabilityError | MissingCredential> => {
  if (Option.isNone(auth)) {
    return Effect.fail(new MissingCredential({ searched: [`the auth scope of ${capability.name}`] }))
  }
  const { credential, baseURL, previewBranch, devBranch } = auth.value
  const isAccepted = accepted(capability, credential)
  const refused = isAccepted ? scopeRefusal(capability, credential, path) : undefined
  if (refused !== undefined) return Effect.fail(refused)
  return isAccepted
    ? Effect.succeed({ credential, baseURL, previewBranch, devBranch })
    : Effect.fail(
        new CapabilityError({
          endpoint: capability.name,
          accepts: capability.accepts,
          actual: credential._tag
        })
      )
}
