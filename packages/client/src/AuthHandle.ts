/**
 * The per-request auth handle that the Express, Koa and Hono adapters give handlers: the credential's
 * kind, the validated auth context, a client bound to it, and `run` for Effect programs.
 *
 * @example
 * ```ts
 * import { AuthHandle } from "@authctx/client/promise"
 *
 * const environment = (auth: AuthHandle.AuthHandle<"SecretKey">) => auth.context.credential.environment
 * ```
 */

import { Auth, AuthScope, type Capability, type Credential } from "@authctx/core"
import type * as Effect from "effect/Effect"
import type * as ManagementClient from "./ManagementClient.js"
import { type Client, clientFor } from "./promise.js"

/** The handle of one kind. */
export interface HandleOf<K extends Credential.Kind> {
  /** The credential's kind: test it to narrow a handle whose kind is not known statically. */
  readonly kind: K
  /** The request's auth context (credential, base URL, preview branch); the secret stays `Redacted`. */
  readonly context: Auth.AuthContext<K>
  /** A client bound to this request's auth, with exactly the calls its kind may make. */
  readonly client: Client<K>
}

/**
 * Runs an Effect program under the request's auth (`Client<K>["run"]`): it compiles only when every
 * endpoint the program calls accepts kind `K`.
 */
export type Run<K extends Credential.Kind> = <
  A,
  E,
  R extends ManagementClient.ManagementClient | Auth.CurrentAuth | Capability.Satisfies<K>
>(
  effect: Effect.Effect<A, E, R>
) => Promise<A>

/**
 * The request's auth. For a known kind (`accept: ["SecretKey"]`) it is that kind's handle; for an unknown
 * kind it is a union discriminated by `kind`, so `if (auth.kind === "SecretKey")` narrows `auth.client`.
 * `run(effect)` runs an Effect program under the request's auth; it compiles only when every endpoint the
 * program calls accepts the handle's kind (with an unknown kind: endpoints that accept both).
 *
 * @example
 * ```ts
 * import { AuthHandle } from "@authctx/client/promise"
 *
 * const list = async (auth: AuthHandle.AuthHandle) =>
 *   auth.kind === "SecretKey" ? auth.client.runs.list({ limit: 10 }) : auth.client.runs.list("proj_1234")
 * ```
 */
export type AuthHandle<K extends Credential.Kind = Credential.Kind> = (K extends Credential.Kind
  ? // A `run` of each member's kind, so that narrowing on `kind` narrows it too; for an unknown kind, each
    // member's `run` is also an overload of `Run<K>`, through which TypeScript calls the union.
    HandleOf<K> & { readonly run: Run<K> }
  : never) &
  ([Exclude<Credential.Kind, K>] extends [never] ? { readonly run: Run<K> } : unknown) & {
    /**
     * `fn` bound to this request's auth: wherever and whenever it is called — a body stream's `data` event,
     * an emitter another request fires, a pool's callback — its ambient calls use this request's
     * credential (in the manner of `AsyncResource.bind`).
     *
     * @example
     * ```ts
     * import { envvars } from "@authctx/client/promise"
     * import type { AuthHandle } from "@authctx/client/promise"
     * import type { IncomingMessage } from "node:http"
     *
     * const onEachChunk = (req: IncomingMessage, auth: AuthHandle.AuthHandle) =>
     *   req.on("data", auth.bind(() => void envvars.list("proj_1234", "dev")))
     * ```
     */
    readonly bind: <Args extends Array<unknown>, R, This = unknown>(
      fn: (this: This, ...args: Args) => R
    ) => (this: This, ...args: Args) => R
  }

interface Runner {
  readonly run: (effect: Effect.Effect<unknown, unknown, never>) => Promise<unknown>
}

/** The handle's implementation: one small object per request, the client made on first use. */
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

/** Builds the handle of a validated context; the client is created on first use. */
export const make = <K extends Credential.Kind>(context: Auth.AuthContext<K>): AuthHandle<K> =>
  // The distributive type cannot be built member by member; the kind is K by construction, and `run` is
  // the bound client's, whose type checked the program's requirements at the call site.
  new Handle(Auth.widen(context)) as unknown as AuthHandle<K>
