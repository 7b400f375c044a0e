/**
 * Where `req.auth` lives. On Node 20 and 22 (V8 11–12), a property added to an object whose prototype was
 * replaced by `Object.setPrototypeOf` gets a map of its own: V8 copies the object's whole map (its ~30
 * properties) for every request instead of following a shared transition. Express sets the prototype of
 * every request (`Object.setPrototypeOf(req, app.request)`), so each property a middleware adds to `req`
 * cost ~2.5–5 µs there (decision 0032). A `WeakMap` keyed by every request, which replaced it, still cost
 * ~1 µs of its own plus garbage-collection work (an ephemeron per request; decision 0036).
 *
 * So `req.auth` is an accessor on Express's request prototype (the `express.request` object, just above
 * `http.IncomingMessage.prototype`, shared by every app and sub-app of that copy of Express) that reads an
 * entry in the request's `res.locals` — the one object Express makes per request that is a dictionary
 * (`Object.create(null)`), so adding to it copies no map. The entry is under a symbol of this module's,
 * not enumerable, and names its request: the accessor gives the handle only to the request that wrote it.
 * So a `res.locals` that an app shares between requests (or one copied onto another response) can never
 * give one request another's auth: the second writer finds an entry that is not its own and gets an own
 * property instead, as when the chain is not Express's. A `res.locals` replaced after the middleware ran
 * loses the entry: `req.auth` then reads `undefined` (and `handler(fn)` fails with `MissingAuthMiddleware`).
 *
 * Assigning `req.auth` anywhere else (your code, another auth library) defines an ordinary own property,
 * as before; an own `auth` takes precedence over the accessor, and the middleware then assigns too. Every
 * copy of this package in a process shares one accessor (found by a `Symbol.for` mark). When the request's
 * prototype chain is not Express's (a bare `IncomingMessage`, a prototype that already has an `auth` of
 * someone else), the middleware assigns an own property, as it does on V8 13 and later (Node 24), which
 * shares the maps.
 *
 * @internal
 */
import { IncomingMessage } from "node:http"

/** The key of the entry in `res.locals` of the accessor installed on a prototype chain. */
export type Slot = symbol

/**
 * What the accessor keeps in `res.locals`: the request it belongs to, its handle, and whether the request
 * has an own `auth` (assigned through the accessor's setter), which then is what `req.auth` reads. It
 * shows as nothing but its name in `util.inspect` (a logged `res.locals`): its request's headers hold the
 * credential.
 */
class Entry {
  constructor(
    readonly request: object,
    public value: unknown,
    public own: boolean
  ) {}
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[authctx req.auth]"
  }
  toJSON(): undefined {
    return undefined
  }
}

// A new mark for a new storage: a copy of the package that kept a `WeakMap` (or any other accessor) finds no
// mark it knows on the other's accessor, and both fall back to own properties rather than miss each other.
const mark: unique symbol = Symbol.for("@authctx/express/auth-locals") as never

interface Getter {
  (this: object): unknown
  [mark]?: Slot
}

interface WithLocals {
  readonly res?: { readonly locals?: unknown } | undefined
}

/** `req.res.locals` when it is an object: the dictionary Express gives every response. */
const localsOf = (req: object): Record<symbol, Entry | undefined> | undefined => {
  const locals = (req as WithLocals).res?.locals
  return typeof locals === "object" && locals !== null
    ? (locals as Record<symbol, Entry | undefined>)
    : undefined
}

/** An own, enumerable, writable `auth` on `target`, as a plain assignment would have made it. */
const defineOwn = (target: object, value: unknown): void => {
  Object.defineProperty(target, "auth", { value, writable: true, enumerable: true, configurable: true })
}

/**
 * Adds `entry` to `locals`: a plain assignment (a dictionary insert; `Reflect.defineProperty`, to hide it
 * from spreads, took ~0.4 µs a request); `false` when `locals` does not keep it (frozen, a proxy).
 */
const addEntry = (locals: Record<symbol, Entry | undefined>, slot: Slot, entry: Entry): boolean => {
  try {
    locals[slot] = entry
  } catch {
    return false
  }
  return locals[slot] === entry
}

const install = (top: object): Slot => {
  const slot: Slot = Symbol("@authctx/express/auth")
  const get: Getter = function (this: object): unknown {
    const entry = localsOf(this)?.[slot]
    return entry !== undefined && entry.request === this ? entry.value : undefined
  }
  get[mark] = slot
  Object.defineProperty(top, "auth", {
    get,
    set(this: object, value: unknown) {
      // An assignment from outside the middleware: an own property, as without the accessor. The entry
      // remembers it, so that the middleware knows without looking up `auth` on the request.
      const locals = localsOf(this)
      const entry = locals?.[slot]
      if (entry?.request === this) {
        entry.value = undefined
        entry.own = true
      } else if (locals !== undefined && entry === undefined) {
        addEntry(locals, slot, new Entry(this, undefined, true))
      }
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
// The last prototype seen: one app's requests all have the same, so this saves the WeakMap lookup.
let lastPrototype: object | null = null
let lastSlot: Slot | null = null
// Whether the last `slotOf` worked on a prototype other than the one before: the request may then have
// had an own `auth` assigned before the accessor existed (which `setAuth` then checks for).
let changed = true

// V8 13 (Node 24) shares the maps: there a property costs ~0.25 µs (decision 0032), so `req.auth` stays an
// own property.
const copiesMaps = Number(process.versions.v8.split(".")[0]) < 13

/** The slot of `req`'s prototype chain (worked out once per prototype), or `null`. */
export const slotOf = (req: object): Slot | null => {
  if (!copiesMaps) return null
  const proto = Object.getPrototypeOf(req) as object | null
  changed = proto !== lastPrototype
  if (!changed) return lastSlot
  if (proto === null) return null
  let slot = byPrototype.get(proto)
  if (slot === undefined) {
    slot = slotOfPrototype(proto)
    byPrototype.set(proto, slot)
  }
  lastPrototype = proto
  lastSlot = slot
  return slot
}

/**
 * Installs the accessor on an Express request prototype (`express.request`) before any request: then
 * every assignment of `req.auth` goes through its setter, and the middleware never needs to look up
 * `auth` on a request. (A copy of Express this was not given gets it on its first request.)
 */
export const prepare = (prototype: object): void => {
  if (copiesMaps) slotOfPrototype(prototype)
}

interface Kinded {
  readonly kind?: unknown
}

/**
 * Sets `req.auth` to `handle` unless the request already has an `auth` of another kind, which it then
 * returns (and sets nothing): in `res.locals` when the chain has the accessor and `req` has no own `auth`.
 * On that path neither reading nor checking `auth` on the request is needed: each was a lookup through
 * Express's request prototype chain, ~0.5 µs on Node 20 (decision 0036).
 */
export const setAuth = (req: object, handle: Kinded): Kinded | undefined => {
  const slot = slotOf(req)
  if (slot !== null) {
    const locals = localsOf(req)
    if (locals !== undefined) {
      const entry = locals[slot]
      // No middleware and no assignment gave this request an `auth` (an assignment goes through the
      // accessor's setter, which adds the entry; only `Object.defineProperty(req, "auth", …)` does not).
      if (entry === undefined && (!changed || !Object.hasOwn(req, "auth"))) {
        if (addEntry(locals, slot, new Entry(req, handle, false))) return undefined
      } else if (entry !== undefined && entry.request === req && !entry.own) {
        const earlier = entry.value as Kinded | undefined
        if (earlier !== undefined && earlier.kind !== handle.kind) return earlier
        entry.value = handle
        return undefined
      }
    }
  }
  // An own `auth`, a `res.locals` of another request (shared by the app), or no accessor: plain assignment.
  const earlier = (req as { auth?: Kinded | undefined }).auth
  if (earlier !== undefined && earlier.kind !== handle.kind) return earlier
  ;(req as { auth?: unknown }).auth = handle
  return undefined
}
