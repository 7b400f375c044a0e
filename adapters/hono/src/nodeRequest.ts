/**
 * Reading a request header straight from the Node request that `@hono/node-server` passes as
 * `c.env.incoming`, when that is provably what `c.req.raw.headers` would answer, and saying "read it
 * through the fetch `Request`" whenever it is not provable. Why and what it relies on:
 * docs/reference/hono-node-server.md.
 *
 * @internal
 */
import { RequestAuth } from "@authctx/server"

/**
 * What node-server's lightweight `Request` looks like in this process, worked out once from a live request
 * and a stand-in of its own kind; never from node-server's private names.
 */
interface Shape {
  /** The prototype of node-server's lightweight requests. */
  readonly proto: object
  /** The own key under which a lightweight request holds its Node request (`c.env.incoming`). */
  readonly incoming: symbol
  /** The own key under which it keeps its `Headers` once anything has read `headers`. */
  readonly headers: symbol
}

/** Every prototype looked at: its shape, or `null` when it is not one whose headers can be proven fresh. */
const learnt = new WeakMap<object, Shape | null>()
/** The shape met last: one comparison per request on node-server. */
let last: Shape | undefined

type Keyed = Record<PropertyKey, unknown>

const ownValue = (target: object, key: PropertyKey): unknown =>
  Object.getOwnPropertyDescriptor(target, key)?.value

/**
 * The shape of `raw`'s kind, if it is node-server's lightweight request: its prototype reads `headers`
 * through a getter; exactly one own symbol of `raw` holds `incoming`; and a fresh stand-in (a new object of
 * that prototype holding only `incoming`) gains exactly one own symbol when its `headers` are read, holding
 * the `Headers` it answers, and answers the same `Headers` when read again. So, on a request of this kind,
 * that symbol absent means nothing has read its headers (and so nothing changed them or built a fetch
 * `Request` from them). `null` when the kind is not such (or anything throws): it is never read from the
 * Node request. `undefined` when this request cannot tell (no own symbol holds `incoming`, e.g. `c.env`
 * was replaced): the next request of the kind is asked again.
 */
const probe = (raw: object, proto: object, incoming: object): Shape | null | undefined => {
  try {
    const getter = Object.getOwnPropertyDescriptor(proto, "headers")?.get
    if (getter === undefined) return null
    const holding = Object.getOwnPropertySymbols(raw).filter((key) => ownValue(raw, key) === incoming)
    const incomingKey = holding[0]
    if (incomingKey === undefined) return undefined
    if (holding.length !== 1) return null
    const stand: object = Object.create(proto)
    Object.defineProperty(stand, incomingKey, { value: incoming, writable: true, configurable: true })
    const headers: unknown = getter.call(stand)
    const added = Reflect.ownKeys(stand).filter((key) => key !== incomingKey)
    const headersKey = added[0]
    if (
      typeof headersKey !== "symbol" ||
      added.length !== 1 ||
      !(headers instanceof Headers) ||
      ownValue(stand, headersKey) !== headers ||
      getter.call(stand) !== headers
    ) {
      return null
    }
    return { proto, incoming: incomingKey, headers: headersKey }
  } catch {
    return null
  }
}

const shapeOf = (raw: object, incoming: object): Shape | undefined => {
  const proto: unknown = Object.getPrototypeOf(raw)
  if (last !== undefined && last.proto === proto) return last
  if (typeof proto !== "object" || proto === null) return undefined
  let shape = learnt.get(proto)
  if (shape === undefined) {
    shape = probe(raw, proto, incoming)
    if (shape === undefined) return undefined
    learnt.set(proto, shape)
  }
  if (shape === null) return undefined
  last = shape
  return shape
}

const isNodeHeaders = (value: unknown): value is RequestAuth.NodeHeaders =>
  typeof value === "object" &&
  value !== null &&
  Array.isArray((value as Keyed)["rawHeaders"]) &&
  typeof (value as Keyed)["headers"] === "object" &&
  (value as Keyed)["headers"] !== null

/**
 * The Node request behind `raw` when its headers are provably those the client sent: `raw` is
 * node-server's lightweight request (its kind worked out once, see `probe`), built from `env.incoming`,
 * whose headers nothing has read (so nothing has set, deleted or appended one, or built a fetch `Request`
 * from them), with no `headers` of its own. `undefined` otherwise: not on node-server (`app.request`,
 * `app.fetch(new Request(…))`, Bun, Deno, workers), a replaced `c.req.raw` or `c.env`, headers already
 * read, or a node-server whose request is made differently.
 */
export const freshIncoming = (raw: Request, env: unknown): RequestAuth.NodeHeaders | undefined => {
  if (typeof env !== "object" || env === null) return undefined
  const incoming = (env as Keyed)["incoming"]
  if (!isNodeHeaders(incoming)) return undefined
  const shape = shapeOf(raw, incoming)
  if (shape === undefined) return undefined
  const own = raw as unknown as Keyed
  return own[shape.incoming] === incoming &&
    own[shape.headers] === undefined &&
    !Object.hasOwn(raw, "headers")
    ? incoming
    : undefined
}

/** HTTP white space at either end: node-server trims it (Node's parser already has); read it the fetch way. */
const untrimmed = (value: string): boolean => {
  const first = value.charCodeAt(0)
  const end = value.charCodeAt(value.length - 1)
  return first === 32 || first === 9 || end === 32 || end === 9
}

/**
 * The header `name` (lower case) as the client sent it, read from node-server's Node request when its
 * headers are provably untouched (`freshIncoming`): one string when it was sent once, every value when it
 * was sent more than once (`RequestAuth.nodeHeader`), `undefined` when it was not sent. `null` when it
 * must be read through the fetch `Request` (`c.req.raw.headers`) instead.
 */
export const nodeValue = (
  raw: Request,
  env: unknown,
  name: string
): string | ReadonlyArray<string> | undefined | null => {
  const incoming = freshIncoming(raw, env)
  if (incoming === undefined) return null
  const value = RequestAuth.nodeHeader(incoming)(name)
  return typeof value === "string" && untrimmed(value) ? null : value
}
