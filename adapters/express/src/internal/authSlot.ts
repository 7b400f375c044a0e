/**
 * Where `req.auth` lives. On Node 20 and 22 (V8 11–12), a property added to an object whose prototype was
 * replaced by `Object.setPrototypeOf` gets a map of its own: V8 copies the object's whole map (its ~30
 * properties) for every request instead of following a shared transition. Express sets the prototype of
 * every request (`Object.setPrototypeOf(req, app.request)`), so each property a middleware adds to `req`
 * cost ~2.5–5 µs there: `req.auth` and the middleware's own mark were ~10 of the ~12 µs the middleware
 * added per request (an in-process loop of the whole Express app, ~52–60 µs per request; Node 24 shares the
 * maps and pays ~0.2 µs). A `WeakMap` entry costs ~0.35 µs.
 *
 * So `req.auth` is an accessor on Express's request prototype (the `express.request` object, just above
 * `http.IncomingMessage.prototype`, shared by every app and sub-app of that copy of Express) that reads a
 * `WeakMap` keyed by the request. Assigning `req.auth` anywhere else (your code, another auth library)
 * defines an ordinary own property, as before; an own `auth` takes precedence over the accessor, and the
 * middleware then assigns too. Every copy of this package in a process shares one accessor (found by a
 * `Symbol.for` mark). When the request's prototype chain is not Express's (a bare `IncomingMessage`, a
 * prototype that already has an `auth` of someone else), the middleware assigns an own property, as it
 * does on V8 13 and later (Node 24), which shares the maps.
 *
 * @internal
 */
import { IncomingMessage } from "node:http"

/** The handles set through the accessor, by request. */
export type Slot = WeakMap<object, unknown>

const mark: unique symbol = Symbol.for("@authctx/express/auth-slot") as never

interface Getter {
  (this: object): unknown
  [mark]?: Slot
}

/** An own, enumerable, writable `auth` on `target`, as a plain assignment would have made it. */
const defineOwn = (target: object, value: unknown): void => {
  Object.defineProperty(target, "auth", { value, writable: true, enumerable: true, configurable: true })
}

const install = (top: object): Slot => {
  const slot: Slot = new WeakMap()
  const get: Getter = function (this: object): unknown {
    return slot.get(this)
  }
  get[mark] = slot
  Object.defineProperty(top, "auth", {
    get,
    set(this: object, value: unknown) {
      // An assignment from outside the middleware: an own property, as without the accessor.
      slot.delete(this)
      defineOwn(this, value)
    },
    enumerable: false,
    configurable: true
  })
  return slot
}

/** The slot for requests whose (immediate) prototype is `proto`, or `null` when they get own properties. */
const slotOfPrototype = (proto: object | null): Slot | null => {
  let top: object | undefined
  for (let p = proto; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const own = Object.getOwnPropertyDescriptor(p, "auth")
    if (own !== undefined) {
      const getter = own.get as Getter | undefined
      return getter?.[mark] ?? null
    }
    if (top === undefined && Object.getPrototypeOf(p) === IncomingMessage.prototype) top = p
  }
  // `top` is Express's request prototype; a bare IncomingMessage (proto === IncomingMessage.prototype) has none.
  return top === undefined ? null : install(top)
}

const byPrototype = new WeakMap<object, Slot | null>()

// V8 13 (Node 24) shares the maps: there a property costs ~0.25 µs and a WeakMap entry ~0.85 µs (the same
// in-process loop, where Express takes ~11.5 µs a request), so `req.auth` stays an own property.
const copiesMaps = Number(process.versions.v8.split(".")[0]) < 13

/** The slot of `req`'s prototype chain (worked out once per prototype), or `null`. */
export const slotOf = (req: object): Slot | null => {
  if (!copiesMaps) return null
  const proto = Object.getPrototypeOf(req) as object | null
  if (proto === null) return null
  let slot = byPrototype.get(proto)
  if (slot === undefined) {
    slot = slotOfPrototype(proto)
    byPrototype.set(proto, slot)
  }
  return slot
}

/** Sets `req.auth` to `value`: in the slot when the chain has the accessor and `req` has no own `auth`. */
export const setAuth = (req: object, value: unknown): void => {
  const slot = slotOf(req)
  if (slot !== null && !Object.hasOwn(req, "auth")) slot.set(req, value)
  else (req as { auth?: unknown }).auth = value
}
