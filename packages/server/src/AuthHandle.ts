/**
 * The per-request auth handle that the Express, Koa and Hono adapters give handlers (`req.auth`,
 * `ctx.state.auth`, `c.var.auth`): the credential's kind, the validated auth context, a client bound to
 * it, `run` for Effect programs and `bind` for callbacks.
 *
 * @example
 * ```ts
 * import { AuthHandle } from "@authctx/server"
 *
 * const environment = (auth: AuthHandle.AuthHandle<"SecretKey">) => auth.context.credential.environment
 * ```
 */
import type { Calls } from "@authctx/client"
import type { Client, Minting } from "@authctx/client/promise"
import type { Auth, Credential } from "@authctx/core"
import * as internal from "./internal/authHandle.js"

/**
 * The handle of one kind.
 *
 * @example
 * ```ts
 * import type { AuthHandle } from "@authctx/server"
 *
 * const projects = (auth: AuthHandle.HandleOf<"PersonalAccessToken">) => auth.client.runs.list("proj_1234")
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { Runs } from "@authctx/client"
 * import type { AuthHandle } from "@authctx/server"
 *
 * const latest = (run: AuthHandle.Run<"SecretKey">) => run(Runs.list({ limit: 1 }))
 * ```
 */
export type Run<K extends Credential.Kind> = <A, E, R>(
  effect: Calls.Runnable<A, E, R, K, "handle">
) => Promise<A>

/**
 * Minting public access tokens for the request's tenant (docs/public-tokens.md): the SDK's
 * `auth.createPublicToken`, `auth.createTriggerPublicToken` and `auth.createBatchTriggerPublicToken`, under
 * the request's secret key, so the token is for the tenant's environment. On a handle of another kind each
 * member is a `Refused<endpoint, kind given, "SecretKey", what to do>` (`All` is the handle's whole kind,
 * which says whether narrowing on `kind` is the way out); calling it anyway is refused at run time with
 * `CapabilityError`, before anything is sent.
 *
 * @example
 * ```ts
 * import type { AuthHandle } from "@authctx/server"
 *
 * const forRun = (minting: AuthHandle.HandleMinting<"SecretKey">, runId: string) =>
 *   minting.createPublicToken({ scopes: { read: { runs: [runId] } }, expirationTime: "1h" })
 * ```
 */
export type HandleMinting<K extends Credential.Kind, All extends Credential.Kind = K> = [K] extends [
  "SecretKey"
]
  ? Minting
  : {
      readonly createPublicToken: Calls.Refused<
        "auth.createPublicToken",
        K,
        "SecretKey",
        Calls.HandleHint<All, "SecretKey">
      >
      readonly createTriggerPublicToken: Calls.Refused<
        "auth.createTriggerPublicToken",
        K,
        "SecretKey",
        Calls.HandleHint<All, "SecretKey">
      >
      readonly createBatchTriggerPublicToken: Calls.Refused<
        "auth.createBatchTriggerPublicToken",
        K,
        "SecretKey",
        Calls.HandleHint<All, "SecretKey">
      >
    }

/**
 * One member of the handle union per kind: a `run` of each member's kind, so that narrowing on `kind`
 * narrows it too; for an unknown kind, each member's `run` is also an overload of `Run<K>`, through which
 * TypeScript calls the union.
 */
type Members<K extends Credential.Kind, All extends Credential.Kind> = K extends Credential.Kind
  ? HandleOf<K> & { readonly run: Run<K> } & HandleMinting<K, All>
  : never

/**
 * The request's auth. For a known kind (`accept: ["SecretKey"]`) it is that kind's handle; for an unknown
 * kind it is a union discriminated by `kind`, so `if (auth.kind === "SecretKey")` narrows `auth.client`.
 * `run(effect)` runs an Effect program under the request's auth; it compiles only when every endpoint the
 * program calls accepts the handle's kind (with an unknown kind: endpoints that accept both).
 * `createPublicToken`, `createTriggerPublicToken` and `createBatchTriggerPublicToken` mint a public access
 * token for the request's tenant (a SecretKey handle only: {@link HandleMinting}).
 *
 * @example
 * ```ts
 * import type { AuthHandle } from "@authctx/server"
 *
 * const list = async (auth: AuthHandle.AuthHandle) =>
 *   auth.kind === "SecretKey" ? auth.client.runs.list({ limit: 10 }) : auth.client.runs.list("proj_1234")
 * ```
 */
export type AuthHandle<K extends Credential.Kind = Credential.KeyKind> = Members<K, K> &
  ([Exclude<Credential.KeyKind, K>] extends [never] ? { readonly run: Run<K> } : unknown) & {
    /**
     * `fn` bound to this request's auth: wherever and whenever it is called — a body stream's `data` event,
     * an emitter another request fires, a pool's callback — its ambient calls use this request's
     * credential (in the manner of `AsyncResource.bind`).
     *
     * @example
     * ```ts
     * import { envvars } from "@authctx/client/promise"
     * import type { AuthHandle } from "@authctx/server"
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

/**
 * Builds the handle of a validated context (what an adapter does once per authenticated request); the
 * client is created on first use.
 *
 * @example
 * ```ts
 * import { AuthHandle, RequestAuth } from "@authctx/server"
 * import { Either } from "effect"
 *
 * const authenticate = RequestAuth.make({ accept: ["SecretKey"] })
 * const handleOf = async (view: RequestAuth.RequestView<unknown>) => {
 *   const result = await authenticate(view)
 *   return Either.isRight(result) ? AuthHandle.make(result.right) : undefined
 * }
 * ```
 */
export const make: <K extends Credential.Kind>(context: Auth.AuthContext<K>) => AuthHandle<K> = internal.make
