/**
 * The auth handle's implementation: one small object per request (two fields), the client made on first
 * use, the members on the prototype.
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

type Bind = <Args extends Array<unknown>, R, This = unknown>(
  fn: (this: This, ...args: Args) => R
) => (this: This, ...args: Args) => R

// Every request of an authenticated server builds one of these, and most handlers read `kind` or
// `client` only: the members are getters on the prototype that return a function bound to the handle when
// read, so `const { run, bind } = auth` still works and a request builds no closure it does not use.
// Five arrow-function fields made `AuthHandle.make` cost 81–96 ns a call, 10 ns without them
// (packages/server/bench/request-cost.mjs; decision 0033).
class Handle {
  readonly kind: Credential.Kind
  readonly context: Auth.AuthContext
  #client: Runner | undefined
  constructor(context: Auth.AuthContext) {
    this.kind = context.credential._tag
    this.context = context
    this.#client = undefined
  }
  get client(): Runner {
    this.#client ??= clientFor(this.context) as unknown as Runner
    return this.#client
  }
  get run(): (effect: Effect.Effect<unknown, unknown, never>) => Promise<unknown> {
    return (effect) => this.client.run(effect)
  }
  // Minting is the client's (PublicTokens under this request's auth): one implementation. A client of
  // another kind has the members too, and its capability check refuses them before sending.
  get createPublicToken(): Minting["createPublicToken"] {
    return (options) => this.client.createPublicToken(options)
  }
  get createTriggerPublicToken(): Minting["createTriggerPublicToken"] {
    return (task, options) => this.client.createTriggerPublicToken(task, options)
  }
  get createBatchTriggerPublicToken(): Minting["createBatchTriggerPublicToken"] {
    return (task, options) => this.client.createBatchTriggerPublicToken(task, options)
  }
  get bind(): Bind {
    const context = this.context
    return <Args extends Array<unknown>, R, This = unknown>(
      fn: (this: This, ...args: Args) => R
    ): ((this: This, ...args: Args) => R) => AuthScope.bindTo(context, fn)
  }
}

export const make = <K extends Credential.Kind>(context: Auth.AuthContext<K>): AuthHandle<K> =>
  // The distributive type cannot be built member by member; the kind is K by construction, and `run` is
  // the bound client's, whose type checked the program's requirements at the call site.
  new Handle(Auth.widen(context)) as unknown as AuthHandle<K>
