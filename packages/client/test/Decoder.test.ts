/**
 * The compiled decoders (src/internal/decoder.ts) against `Schema.decodeUnknownEither`, the decoder they
 * replace: for every success schema of the catalog, on generated answers, on answers sent through JSON (what
 * a transport hands over), and on answers broken in random places, both give the same `Either` — the same
 * value, with its keys in the same order and its dates the same instants, or the same error text.
 */
import { ManagementApi } from "@authctx/api"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import fc from "fast-check"
import { describe, expect, it, vi } from "vitest"
import { decoderOf, generatesCode } from "../src/internal/decoder.js"

type DecoderOf = typeof decoderOf

/**
 * The decoder module as it runs where code cannot be made from text (no Node `process`: browsers, workers):
 * a fresh instance that decides, on its first struct, with `process` hidden.
 */
const loopOnly = async (): Promise<DecoderOf> => {
  vi.resetModules()
  const fresh = (await import("../src/internal/decoder.js")) as {
    readonly decoderOf: DecoderOf
    readonly generatesCode: () => boolean
  }
  const saved = Object.getOwnPropertyDescriptor(globalThis, "process")
  Object.defineProperty(globalThis, "process", { value: undefined, configurable: true, writable: true })
  try {
    fresh.decoderOf(Schema.Struct({ probe: Schema.String }))
  } finally {
    if (saved !== undefined) Object.defineProperty(globalThis, "process", saved)
  }
  loopGeneratesCode = fresh.generatesCode
  return fresh.decoderOf
}
let loopGeneratesCode: () => boolean = () => true
const decoders: Record<"generated" | "loop", DecoderOf> = { generated: decoderOf, loop: await loopOnly() }

const builtIns: ReadonlyArray<unknown> = [Object.prototype, Array.prototype, Date.prototype, null]

/**
 * The same value, strictly: the same prototypes, own keys in the same order (so `JSON.stringify` prints the
 * same text), dates at the same instant (or both invalid), numbers by `Object.is`. The path of the first
 * difference, or `undefined`.
 */
const difference = (a: unknown, b: unknown, path = "(root)"): string | undefined => {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`
  if (typeof a !== "object" || a === null || b === null)
    return Object.is(a, b) ? undefined : `${path}: values`
  const protoA: unknown = Object.getPrototypeOf(a)
  const protoB: unknown = Object.getPrototypeOf(b)
  if (protoA !== protoB) {
    // a key "__proto__" assigned by both decoders (Effect assigns, so the value becomes the prototype): equal
    // prototypes that are values, not the built-in ones
    if ([protoA, protoB].some((proto) => builtIns.includes(proto))) return `${path}: prototypes`
    const found = difference(protoA, protoB, `${path}.[[Prototype]]`)
    if (found !== undefined) return found
  }
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime()) ? undefined : `${path}: dates`
  const keysA = Reflect.ownKeys(a)
  const keysB = Reflect.ownKeys(b as object)
  if (keysA.map(String).join() !== keysB.map(String).join())
    return `${path}: keys ${String(keysA)} vs ${String(keysB)}`
  for (const key of keysA) {
    const found = difference(
      (a as Record<PropertyKey, unknown>)[key],
      (b as Record<PropertyKey, unknown>)[key],
      `${path}.${String(key)}`
    )
    if (found !== undefined) return found
  }
  return undefined
}

/** Effect's decoder and a compiled one on one input: the difference between their answers, or `undefined`. */
const compare = (
  schema: Schema.Schema<unknown, unknown>,
  input: unknown,
  compile: DecoderOf = decoderOf
): string | undefined => {
  const exact = Schema.decodeUnknownEither(schema)(structuredClone(input))
  const compiled = compile(schema)(structuredClone(input))
  if (Either.isLeft(exact) || Either.isLeft(compiled)) {
    if (Either.isRight(exact) || Either.isRight(compiled)) return "one decoded, the other failed"
    return exact.left.message === compiled.left.message ? undefined : "different errors"
  }
  return difference(exact.right, compiled.right)
}

const routes = Object.entries(ManagementApi).flatMap(([name, value]) => {
  const route = value as { readonly endpoint?: { readonly successSchema?: Schema.Schema<unknown, unknown> } }
  return route?.endpoint?.successSchema === undefined ? [] : [{ name, schema: route.endpoint.successSchema }]
})

/** Answers on the wire side of `schema` (what a server sends), or `undefined` where no arbitrary exists. */
const answers = (schema: Schema.Schema<unknown, unknown>): fc.Arbitrary<unknown> | undefined => {
  try {
    return Arbitrary.make(Schema.encodedSchema(schema))
  } catch {
    return undefined
  }
}

/** A JSON-like value to put where the answer had something else. */
const junk = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.date())

/** `value` with one place (picked by `pick`) replaced, removed, or given an extra key. */
const broken = (value: unknown, pick: number, replacement: unknown, how: number): unknown => {
  const places: Array<{ readonly parent: Record<string, unknown> | Array<unknown>; readonly key: string }> =
    []
  const walk = (node: unknown) => {
    if (typeof node !== "object" || node === null || node instanceof Date) return
    for (const key of Object.keys(node)) {
      places.push({ parent: node as Record<string, unknown>, key })
      walk((node as Record<string, unknown>)[key])
    }
  }
  const copy = structuredClone(value)
  walk(copy)
  const place = places[pick % Math.max(1, places.length)]
  if (place === undefined) return replacement
  const parent = place.parent as Record<string, unknown>
  if (how % 3 === 0) parent[place.key] = replacement
  else if (how % 3 === 1) delete parent[place.key]
  else parent[`${place.key}_extra`] = replacement
  return copy
}

describe("compiled decoders", () => {
  it("cover the catalog: an arbitrary exists for (nearly) every success schema", () => {
    const without = routes.filter((route) => answers(route.schema) === undefined).map((route) => route.name)
    // a schema with no arbitrary is still decoded by the same code; it only is not generated here
    expect(routes.length).toBeGreaterThan(50)
    expect(without.length).toBeLessThan(5)
  })

  for (const { name, schema } of routes) {
    const arbitrary = answers(schema)
    if (arbitrary === undefined) continue

    for (const [mode, compile] of Object.entries(decoders)) {
      it(`${name} (${mode}): the same answers as Schema.decodeUnknownEither`, () => {
        fc.assert(
          fc.property(arbitrary, (answer) => {
            expect(compare(schema, answer, compile)).toBeUndefined()
            // what the transports hand over: JSON text parsed (dates as strings, no undefined)
            const text = JSON.stringify(answer)
            if (text !== undefined) expect(compare(schema, JSON.parse(text), compile)).toBeUndefined()
          }),
          { numRuns: 60 }
        )
      })

      it(`${name} (${mode}): the same errors and values on broken answers`, () => {
        fc.assert(
          fc.property(arbitrary, fc.nat(), junk, fc.nat(), (answer, pick, replacement, how) => {
            expect(compare(schema, broken(answer, pick, replacement, how), compile)).toBeUndefined()
          }),
          { numRuns: 60 }
        )
      })
    }
  }
})

describe("compiled decoders, Effect's rules one by one", () => {
  const same = (schema: Schema.Schema<unknown, unknown>, inputs: ReadonlyArray<unknown>) => {
    for (const input of inputs)
      expect({ input, difference: compare(schema, input) }).toEqual({ input, difference: undefined })
  }

  it("a union tries its members in order: the first that decodes wins", () => {
    const schema = Schema.Union(Schema.String, Schema.Date) as Schema.Schema<unknown, unknown>
    expect(decoderOf(schema)("2025-01-01T00:00:00.000Z")).toEqual(Either.right("2025-01-01T00:00:00.000Z"))
    same(schema, ["2025-01-01T00:00:00.000Z", 1, null])
  })

  it("a union told apart by literal keys decodes as Effect sorts it", () => {
    const schema = Schema.Union(
      Schema.Struct({ kind: Schema.Literal("a"), value: Schema.String }),
      Schema.Struct({ kind: Schema.Literal("b"), value: Schema.NumberFromString })
    ) as Schema.Schema<unknown, unknown>
    same(schema, [{ kind: "a", value: "1" }, { kind: "b", value: "1" }, { kind: "c", value: "1" }, {}])
  })

  it("a missing required property decodes from undefined (and keeps the key) when its schema takes undefined", () => {
    const schema = Schema.Struct({ a: Schema.Unknown, b: Schema.optional(Schema.String) }) as Schema.Schema<
      unknown,
      unknown
    >
    const decoded = decoderOf(schema)({})
    expect(Either.isRight(decoded) && Object.keys(decoded.right as object)).toEqual(["a"])
    same(schema, [{}, { b: undefined }, { a: 1, b: "x", c: 2 }])
  })

  it("index signatures: every own key decoded, a declared property not overwritten", () => {
    const schema = Schema.Struct(
      { a: Schema.NumberFromString },
      Schema.Record({ key: Schema.String, value: Schema.Unknown })
    ) as Schema.Schema<unknown, unknown>
    same(schema, [{ a: "1", b: 2 }, { b: 2 }, { a: "x" }])
  })

  it("property transformations (a default) and the second pass over the decoded struct", () => {
    const schema = Schema.Struct({
      n: Schema.optionalWith(Schema.Number, { default: () => 0 }),
      at: Schema.Date
    }) as Schema.Schema<unknown, unknown>
    const decoded = decoderOf(schema)({ at: "2025-01-01T00:00:00.000Z" })
    expect(Either.isRight(decoded) && decoded.right).toEqual({
      n: 0,
      at: new Date("2025-01-01T00:00:00.000Z")
    })
    same(schema, [{ at: "2025-01-01T00:00:00.000Z" }, { n: 2, at: "nope" }, { n: "2", at: "2025-01-01" }])
  })

  it("refinements and tuples", () => {
    const schema = Schema.Struct({
      id: Schema.String.pipe(Schema.minLength(2)),
      pair: Schema.Tuple(Schema.Number, Schema.optionalElement(Schema.String)),
      list: Schema.Array(Schema.Int)
    }) as Schema.Schema<unknown, unknown>
    same(schema, [
      { id: "ab", pair: [1], list: [1, 2] },
      { id: "ab", pair: [1, "x"], list: [] },
      { id: "a", pair: [1], list: [] },
      { id: "ab", pair: [1, "x", 2], list: [] },
      { id: "ab", pair: [], list: [1.5] }
    ])
  })

  it("a subtree with its own parse options is decoded by Effect (excess properties kept there)", () => {
    const schema = Schema.Struct({
      inner: Schema.Struct({ a: Schema.Number }).annotations({
        parseOptions: { onExcessProperty: "preserve" }
      })
    }) as Schema.Schema<unknown, unknown>
    const decoded = decoderOf(schema)({ inner: { a: 1, extra: true }, outer: 1 })
    expect(Either.isRight(decoded) && decoded.right).toEqual({ inner: { a: 1, extra: true } })
    same(schema, [{ inner: { a: 1, extra: true } }, { inner: { a: "1" } }])
  })

  it("a transformation that answers with an Effect: Effect's decoder decides, as before", () => {
    const schema = Schema.transformOrFail(Schema.String, Schema.String, {
      strict: true,
      decode: (s) => Effect.succeed(s.toUpperCase()),
      encode: ParseResult.succeed
    }) as Schema.Schema<unknown, unknown>
    expect(decoderOf(schema)("a")).toEqual(Schema.decodeUnknownEither(schema)("a"))
    same(schema, ["a", 1])
  })

  it("the two modes are two: code made from text on Node, the loop where there is no Node", () => {
    expect(generatesCode()).toBe(true)
    expect(loopGeneratesCode()).toBe(false)
  })

  it("the comparison sees what it must (it can fail)", () => {
    expect(difference({ a: 1, b: 2 }, { b: 2, a: 1 })).toBeDefined()
    expect(difference({ a: new Date(0) }, { a: new Date(1) })).toBeDefined()
    expect(difference({ a: undefined }, {})).toBeDefined()
    expect(difference([1, 2], [1, 2])).toBeUndefined()
  })
})
