/**
 * The auth handle's implementation: one small object per request, the client made on first use.
 *
 * @internal
 */
import { clientFor, type Minting } from "@authctx/client/promise"
import { Auth, AuthScope, type Credential } from "@authctx/core"
import type { Effect } from "effect"
import type { AuthHandle } from "../AuthHandle.js"

interface Runner extends Minting {
  readonly run: (effect: Effect.Effect<unknown, unknown, never>) => Promise<unknown>
}

class Handle {
  readonly kind: Credential.Kind
  readonly context: Auth.AuthContext
  #client: Runner | undefined
  constructor(context: Auth.AuthContext) {
    this.kind = context.credential._tag
    this.context = context
  }
  get client(): Runner {
    this.#client ??= clientFor(this.context) as unknown as Runner
    return this.#client
  }
  // Arrows, so that `const { run, bind } = auth` works.
  readonly run = (effect: Effect.Effect<unknown, unknown, never>): Promise<unknown> => this.client.run(effect)
  // Minting is the client's (PublicTokens under this request's auth): one implementation. A client of
  // another kind has the members too, and its capability check refuses them before sending.
  readonly createPublicToken: Minting["createPublicToken"] = (options) =>
    this.client.createPublicToken(options)
  readonly createTriggerPublicToken: Minting["createTriggerPublicToken"] = (task, options) =>
    this.client.createTriggerPublicToken(task, options)
  readonly createBatchTriggerPublicToken: Minting["createBatchTriggerPublicToken"] = (task, options) =>
    this.client.createBatchTriggerPublicToken(task, options)
  readonly bind = <Args extends Array<unknown>, R, This = unknown>(
    fn: (this: This, ...args: Args) => R
  ): ((this: This, ...args: Args) => R) => AuthScope.bindTo(this.context, fn)
}

export const make = <K extends Credential.Kind>(context: Auth.AuthContext<K>): AuthHandle<K> =>
  // The distributive type cannot be built member by member; the kind is K by construction, and `run` is
  // the bound client's, whose type checked the program's requirements at the call site.
  new Handle(Auth.widen(context)) as unknown as AuthHandle<K>
