/**
 * The auth handle's implementation: one small object per request, the client made on first use.
 *
 * @internal
 */
import { clientFor } from "@authctx/client/promise"
import { Auth, AuthScope, type Credential } from "@authctx/core"
import type { Effect } from "effect"
import type { AuthHandle } from "../AuthHandle.js"

interface Runner {
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
  readonly bind = <Args extends Array<unknown>, R, This = unknown>(
    fn: (this: This, ...args: Args) => R
  ): ((this: This, ...args: Args) => R) => AuthScope.bindTo(this.context, fn)
}

export const make = <K extends Credential.Kind>(context: Auth.AuthContext<K>): AuthHandle<K> =>
  // The distributive type cannot be built member by member; the kind is K by construction, and `run` is
  // the bound client's, whose type checked the program's requirements at the call site.
  new Handle(Auth.widen(context)) as unknown as AuthHandle<K>
