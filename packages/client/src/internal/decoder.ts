/**
 * Decoders compiled once per schema: `Schema.decodeUnknownEither(schema)` with the same result on every
 * input, at a fraction of the cost on the inputs it accepts. Why: decoding a `runs.retrieve` answer was
 * ~16 µs of a ~55 µs Effect call without a network (the largest part in our control); Effect's parser
 * allocates an `Either` per field and a closure per refinement and transformation step. This one walks the
 * same AST with plain code and allocates only the output (docs/decisions/0040-compiled-decoders.md).
 *
 * Exactness, by construction: each AST node is either compiled to code that follows Effect's parser for
 * that node step by step (`effect/ParseResult`, `go`: the same predicates, the same order of property
 * signatures, index signatures and union members, the same calls to refinement filters and transformation
 * functions with the same arguments), or handed to Effect's own parser for that node (a union whose members
 * are told apart by literal keys, a template literal, a tuple with elements after its rest, a node with
 * parse-option or decoding-fallback annotations). Whenever the compiled code cannot finish the same way
 * (a transformation or declaration answering with an Effect rather than an `Either`, a throw, any
 * failure), the whole input is decoded again by Effect's decoder, which gives the answer: so every error
 * is Effect's own, with its message and path.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** The input does not decode: Effect's parser fails on it too. */
const no: unique symbol = Symbol("no")
/** Not decided here (an Effect where an `Either` was expected): the whole input goes to Effect's decoder. */
const bail: unique symbol = Symbol("bail")

type Outcome = unknown
/** A compiled node: the decoded value, or {@link no}, or {@link bail}. */
type Compiled = (input: unknown) => Outcome

const compiled = new WeakMap<AST.AST, Compiled>()

/** An `Either` answer of a transformation or declaration as an outcome; anything else is a bail. */
const fromResult = (result: unknown): Outcome => {
  if (!Either.isEither(result)) return bail
  return Either.isRight(result) ? result.right : no
}

/** Effect's own parser for this node (exact by definition), as a compiled node. */
const delegated = (ast: AST.AST): Compiled => {
  const parse = ParseResult.decodeUnknownEither(Schema.make<unknown, unknown, never>(ast))
  return (input) => {
    const result = parse(input)
    return Either.isRight(result) ? result.right : no
  }
}

/** A node that accepts its input as it is when `accepts` holds. */
const checked =
  (accepts: (input: unknown) => boolean): Compiled =>
  (input) =>
    accepts(input) ? input : no

/** The compiled node for `ast`, built once per node (shared by every schema that contains it). */
const compile = (ast: AST.AST): Compiled => {
  const memo = compiled.get(ast)
  if (memo !== undefined) return memo
  // a node's own parse options or decoding fallback change how its subtree runs: Effect's parser for it all
  const node =
    Option.isSome(AST.getParseOptionsAnnotation(ast)) || Option.isSome(AST.getDecodingFallbackAnnotation(ast))
      ? delegated(ast)
      : build(ast)
  compiled.set(ast, node)
  return node
}

/** A node compiled on first use: for `Suspend` (recursive schemas). */
const lazily = (get: () => AST.AST): Compiled => {
  let node: Compiled | undefined
  return (input) => {
    node ??= compile(get())
    return node(input)
  }
}

const build = (ast: AST.AST): Compiled => {
  switch (ast._tag) {
    case "Literal": {
      const literal = ast.literal
      return checked((u) => u === literal)
    }
    case "UniqueSymbol": {
      const symbol = ast.symbol
      return checked((u) => u === symbol)
    }
    case "UndefinedKeyword":
      return checked(Predicate.isUndefined)
    case "NeverKeyword":
      return checked(Predicate.isNever)
    case "UnknownKeyword":
    case "AnyKeyword":
    case "VoidKeyword":
      return (input) => input
    case "StringKeyword":
      return checked(Predicate.isString)
    case "NumberKeyword":
      return checked(Predicate.isNumber)
    case "BooleanKeyword":
      return checked(Predicate.isBoolean)
    case "BigIntKeyword":
      return checked(Predicate.isBigInt)
    case "SymbolKeyword":
      return checked(Predicate.isSymbol)
    case "ObjectKeyword":
      return checked(Predicate.isObject)
    case "Enums": {
      const values = ast.enums.map(([, value]) => value)
      return checked((u) => values.some((value) => value === u))
    }
    case "Refinement":
      return refinement(ast)
    case "Transformation":
      return transformation(ast)
    case "Declaration": {
      const parse = ast.decodeUnknown(...ast.typeParameters)
      return (input) => fromResult(parse(input, AST.defaultParseOption, ast))
    }
    case "TupleType":
      return ast.rest.length > 1 ? delegated(ast) : tuple(ast)
    case "TypeLiteral":
      return typeLiteral(ast)
    case "Union":
      return ast.types.some(hasLiteralKeys) ? delegated(ast) : union(ast)
    case "Suspend":
      return lazily(ast.f)
    case "TemplateLiteral":
      return delegated(ast)
  }
}

/** `from`, then the filter, which answers `None` for a value that passes (Effect's `Refinement` case). */
const refinement = (ast: AST.Refinement): Compiled => {
  const from = compile(ast.from)
  return (input) => {
    const value = from(input)
    if (value === no || value === bail) return value
    return Option.isNone(ast.filter(value, AST.defaultParseOption, ast)) ? value : no
  }
}

const transformation = (ast: AST.Transformation): Compiled => {
  // Effect's property transformations change the object its `from` answered, in place: compiled only where
  // that object is a fresh one (a struct's output), never the caller's input
  if (ast.transformation._tag === "TypeLiteralTransformation" && !freshObject(ast.from)) return delegated(ast)
  const from = compile(ast.from)
  const to = compile(ast.to)
  const kind = ast.transformation
  const step = (value: unknown, input: unknown): Outcome => {
    switch (kind._tag) {
      case "FinalTransformation":
        return fromResult(kind.decode(value, AST.defaultParseOption, ast, input))
      case "ComposeTransformation":
        return value
      case "TypeLiteralTransformation":
        // as Effect does: on the object `from` answered, each property transformation in turn
        for (const property of kind.propertySignatureTransformations) {
          const record = value as Record<PropertyKey, unknown>
          const given = Object.hasOwn(record, property.from)
            ? Option.some(record[property.from])
            : Option.none()
          const result = property.decode(given)
          delete record[property.from]
          if (Option.isSome(result)) record[property.to] = result.value
        }
        return value
    }
  }
  return (input) => {
    const value = from(input)
    if (value === no || value === bail) return value
    const next = step(value, input)
    if (next === no || next === bail) return next
    return to(next)
  }
}

/** Whether the compiled node answers a new object (a struct with signatures), never its input. */
const freshObject = (ast: AST.AST): boolean =>
  AST.isTypeLiteral(ast) && (ast.propertySignatures.length > 0 || ast.indexSignatures.length > 0)

/** Effect's tuple parser for required or optional elements and at most one rest element. */
const tuple = (ast: AST.TupleType): Compiled => {
  const elements = ast.elements.map((element) => compile(element.type))
  const optional = ast.elements.map((element) => element.isOptional)
  const rest = ast.rest[0] === undefined ? undefined : compile(ast.rest[0].type)
  const required = ast.elements.filter((element) => !element.isOptional).length
  const count = elements.length
  return (input) => {
    if (!Array.isArray(input)) return no
    const length = input.length
    if (length < required) return no
    if (rest === undefined && length > count) return no
    const output: Array<unknown> = []
    let i = 0
    for (; i < count; i++) {
      if (length < i + 1 && optional[i] === true) continue
      const value = (elements[i] as Compiled)(input[i])
      if (value === no || value === bail) return value
      output.push(value)
    }
    if (rest !== undefined) {
      for (; i < length; i++) {
        const value = rest(input[i])
        if (value === no || value === bail) return value
        output.push(value)
      }
    }
    return output
  }
}

/**
 * Effect's struct parser with its default options (excess properties ignored): property signatures in
 * schema order, a missing optional one skipped, a missing required one decoded from `undefined`; then
 * index signatures over the input's own keys. Index signatures keyed by anything but strings go to Effect.
 */
const typeLiteral = (ast: AST.TypeLiteral): Compiled => {
  if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0)
    return checked(Predicate.isNotNullable)
  if (ast.indexSignatures.some((signature) => signature.parameter._tag !== "StringKeyword"))
    return delegated(ast)
  const properties: ReadonlyArray<Property> = ast.propertySignatures.map((property) => ({
    name: property.name,
    optional: property.isOptional,
    decode: compile(property.type)
  }))
  const names = new Set<PropertyKey>(ast.propertySignatures.map((property) => property.name))
  const indexValues = ast.indexSignatures.map((signature) => compile(signature.type))
  const generated = indexValues.length === 0 ? generatedStruct(properties) : undefined
  if (generated !== undefined) return generated
  return (input) => {
    if (!Predicate.isRecord(input)) return no
    const output: Record<PropertyKey, unknown> = {}
    for (const property of properties) {
      const present = Object.hasOwn(input, property.name)
      if (!present && property.optional) continue
      const value = property.decode(input[property.name])
      if (value === no || value === bail) return value
      output[property.name] = value
    }
    if (indexValues.length > 0) {
      const keys = Object.keys(input)
      for (const decode of indexValues) {
        for (const key of keys) {
          const value = decode(input[key])
          if (value === no || value === bail) return value
          if (!names.has(key)) output[key] = value
        }
      }
    }
    return output
  }
}

interface Property {
  readonly name: PropertyKey
  readonly optional: boolean
  readonly decode: Compiled
}

type Generator = (...parameters: Array<string>) => (...values: Array<unknown>) => Compiled

/**
 * `Function`, where this engine compiles code from text and the code runs on Node (elsewhere a page's
 * content security policy would report every attempt): looked up on the first struct compiled.
 */
let generator: Generator | undefined | null = null
const functionConstructor = (): Generator | undefined => {
  if (generator !== null) return generator
  generator = undefined
  const node = (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node
  if (typeof node !== "string") return generator
  try {
    const made = Function as unknown as Generator
    if (made("return () => true")()(undefined) === true) generator = made
  } catch {
    // no code from text here (a policy forbids it): the loop below decodes the same way
  }
  return generator
}

/** Whether structs are decoded by code made from text here (see {@link functionConstructor}); for the tests. */
export const generatesCode = (): boolean => functionConstructor() !== undefined

/**
 * The struct's loop unrolled into code with its property names as constants (only string names, each
 * written as a JSON string literal), where the engine allows it: one property read and one write per
 * field at a site that only ever sees that name, instead of lookups keyed by a name that changes on every
 * turn of a loop (~5 µs of a ~6 µs `runs.retrieve` decode, 28 fields, two passes). The same steps as the loop
 * in {@link typeLiteral}, in the same order.
 */
const generatedStruct = (properties: ReadonlyArray<Property>): Compiled | undefined => {
  if (properties.some((property) => typeof property.name !== "string")) return undefined
  const make = functionConstructor()
  if (make === undefined) return undefined
  const lines = properties.map((property, i) => {
    const key = JSON.stringify(property.name)
    const decode = `value = d${i}(input[${key}]); if (value === no || value === bail) return value; output[${key}] = value;`
    return property.optional ? `if (hasOwn(input, ${key})) { ${decode} }` : decode
  })
  const decoders = properties.map((_, i) => `d${i}`)
  const body = `"use strict"; return (input) => { if (!isRecord(input)) return no; const output = {}; let value; ${lines.join(" ")} return output; }`
  return make(
    "isRecord",
    "hasOwn",
    "no",
    "bail",
    ...decoders,
    body
  )(Predicate.isRecord, Object.hasOwn, no, bail, ...properties.map((property) => property.decode))
}

/** Members tried in order, the first that decodes wins: Effect's order when no member has literal keys. */
const union = (ast: AST.Union): Compiled => {
  const members = ast.types.map(compile)
  return (input) => {
    for (const member of members) {
      const value = member(input)
      if (value === bail) return bail
      if (value !== no) return value
    }
    return no
  }
}

/**
 * Whether Effect's union parser would sort this member into a bucket by a literal-valued key (a struct or
 * tuple with a required literal property, seen through refinements, transformations' encoded side,
 * suspensions and surrogate annotations): such unions are not tried in member order, so they are delegated.
 */
const hasLiteralKeys = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures.some(
        (property) => !property.isOptional && AST.isLiteral(AST.encodedAST(property.type))
      )
    case "TupleType":
      return ast.elements.some(
        (element) => !element.isOptional && AST.isLiteral(AST.encodedAST(element.type))
      )
    case "Refinement":
      return hasLiteralKeys(ast.from)
    case "Transformation":
      return hasLiteralKeys(ast.from)
    case "Suspend":
      return hasLiteralKeys(ast.f())
    case "Declaration": {
      const surrogate = AST.getSurrogateAnnotation(ast)
      return Option.isSome(surrogate) && hasLiteralKeys(surrogate.value)
    }
    default:
      return false
  }
}

/**
 * `Schema.decodeUnknownEither(schema)`, compiled: the same `Either` (the same value, or Effect's own
 * `ParseError`) for every input.
 */
export const decoderOf = <A, I>(
  schema: Schema.Schema<A, I, never>
): ((input: unknown) => Either.Either<A, ParseResult.ParseError>) => {
  const exact = Schema.decodeUnknownEither(schema)
  const fast = compile(schema.ast)
  return (input) => {
    let value: Outcome
    try {
      value = fast(input)
    } catch {
      value = bail // a throw (a filter's, a stack overflow): Effect's decoder decides, and throws if it does
    }
    return value === no || value === bail ? exact(input) : Either.right(value as A)
  }
}
