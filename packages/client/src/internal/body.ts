/**
 * Response bodies in memory: collected against the limit, decoded as UTF-8, and — for large bodies —
 * parsed as JSON without a second copy of their long strings. Used by every transport in ../Transport.ts.
 * Why this shape: docs/decisions/0028-freeing-read-buffers.md and
 * docs/decisions/0035-response-memory-node20-fetch.md.
 *
 * Where the memory of a large answer goes (a 50 MiB answer whose value is one long string, peak RSS the
 * call adds, measured in a child process under load: packages/client/test/ResponseMemory.test.ts):
 * - Every byte arrives twice: Node's socket read (one buffer per read) and the HTTP parser's copy of the
 *   body's part of it (the chunk given to `data`; undici's fetch copies likewise). Both are garbage once
 *   used, but only a collection frees them: reading 50 MiB and keeping nothing peaks at 38–67 MiB on
 *   Node 22–24.
 * - Where the reader owns its chunks (the Node transport: the parser's copies; the `fetch` transport, and
 *   `layerFetch` on it, over a byte stream, whose chunks the Streams standard transfers to the reader) the body is decoded while it
 *   is read, 1 MiB at a time through one scratch buffer, and each chunk is freed (detached, see
 *   {@link freeBytes}: Node 20 and later) as soon as it is copied; the Node transport frees each socket
 *   read too. Node transport: 0.8–1.04× a 50 MiB body, an endless body over a 32 MiB limit adds the limit
 *   + under 2 MiB; `fetch`: 1.2–1.4×, the limit + up to 24 MiB (undici's socket reads are not ours to free).
 * - Elsewhere (a caller's `HttpClient`, a default stream: bytes that may be shared) the bytes are kept in
 *   1 MiB segments until the end, each a resizable `ArrayBuffer` allocated at full length (so V8 counts it
 *   as external memory at once, which brings its next collection of the read buffers forward) and shrunk
 *   to zero as soon as it is decoded (its pages go back at once): 1.1–1.9× a 50 MiB body, the limit +
 *   1–40 MiB for an endless one.
 * - The text is the pieces' strings joined (a rope: no copy), and a string that spans whole pieces
 *   becomes, in the parsed value, those same strings joined: `JSON.parse` of the whole text would copy it
 *   (text and value, 2× the body, plus the read buffers above: 2.2–2.8× measured before).
 *
 * @internal
 */
import type { WireResponse } from "../Transport.js"

/** A resizable `ArrayBuffer` (ES2024; Node 20, current browsers), typed here as the ES2022 lib lacks it. */
interface Resizable extends ArrayBuffer {
  resize(byteLength: number): void
}
type ResizableConstructor = new (byteLength: number, options: { maxByteLength: number }) => Resizable
const resizable =
  "resize" in ArrayBuffer.prototype ? (ArrayBuffer as unknown as ResizableConstructor) : undefined

/** Decodes whole bodies (drops a leading byte-order mark, as `TextDecoder` does by default). */
const decoder = new TextDecoder()
/** Decodes the pieces after the first: a byte-order mark there is content, not a mark. */
const innerDecoder = new TextDecoder("utf-8", { ignoreBOM: true })

/** Bodies up to this size are decoded at once; larger ones piece by piece. */
export const smallBodyBytes = 1024 * 1024
/** The size of one decoded piece of a large body (give or take the 3 bytes of a character cut at its end). */
export const segmentBytes = 1024 * 1024

/** The JSON value the transport already parsed for a large response, by response. */
const parsedBodies = new WeakMap<WireResponse, unknown>()

/**
 * The body of a response parsed as JSON, `undefined` when it is empty or not JSON. A large body was parsed
 * by the transport that read it (see {@link BodyReader}); anything else is parsed here.
 */
export const jsonOf = (response: WireResponse): unknown => {
  if (parsedBodies.has(response)) return parsedBodies.get(response)
  const text = response.text
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80

/** Detaches an `ArrayBuffer`, freeing its memory at once; throws where its owner made it non-detachable. */
type Detach = (buffer: ArrayBuffer) => void

/**
 * {@link detach}'s answer, `null` until the first call: found on first use, not at import, as the Node 20
 * probe opens a `MessageChannel` (1.5–2.9 ms, measured on Node 20.20 at start-up) that an app which never
 * reads a large body need not pay (docs/decisions/0039-cold-start-imports.md).
 */
let detachWay: Detach | undefined | null = null

/**
 * How this engine frees memory at once, or `undefined` where it cannot.
 * - `ArrayBuffer.prototype.transfer(0)` (ES2024; Node 22 and later) detaches and frees.
 * - Elsewhere (Node 20), transferring the buffer in a message posted on a closed `MessagePort`: the
 *   structured clone detaches it (transfer always does, whoever receives), and the message, the only holder
 *   of its memory, is dropped at once, since no port will receive it. Measured on Node 20, 22 and 24: 200
 *   MiB posted in 64 KiB buffers leave `arrayBuffers` at 0 with no collection, about 5 µs a buffer on
 *   Node 20. Chosen only if a probe buffer comes out detached.
 * Found on the first call (see {@link detachWay}).
 */
const detach = (): Detach | undefined => {
  if (detachWay === null) {
    detachWay =
      "transfer" in ArrayBuffer.prototype
        ? (buffer) => void (buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0)
        : closedPortDetach()
  }
  return detachWay
}

/**
 * A {@link Detach} through a closed `MessagePort` (see {@link detach}), or `undefined` where there is no
 * `MessageChannel` or a probe buffer does not come out detached. Exported for the tests, which check it
 * on every Node (Node 22 and later use `transfer`).
 */
export function closedPortDetach(): Detach | undefined {
  const Channel = (globalThis as { MessageChannel?: typeof MessageChannel }).MessageChannel
  if (Channel === undefined) return undefined
  try {
    const { port1, port2 } = new Channel()
    port1.close()
    port2.close()
    const viaClosedPort: Detach = (buffer) => port1.postMessage(null, [buffer])
    const probe = new ArrayBuffer(8)
    viaClosedPort(probe)
    return probe.byteLength === 0 ? viaClosedPort : undefined
  } catch {
    return undefined
  }
}

/** Memory can be freed at once on this engine (see {@link freeBytes}). */
export const canFree = (): boolean => detach() !== undefined

/**
 * Frees the memory under `view` at once, by detaching its `ArrayBuffer` (see {@link detach}: Node 20 and
 * later; elsewhere a no-op, leaving it to the garbage collector). Only memory the view covers whole is
 * touched: memory shared with other data (a pool, a read cut into several slices) never is, and memory its
 * owner made non-detachable is left alone. For bytes nothing else will read: see {@link BodyReaderOptions.owned}.
 */
export const freeBytes = (view: Uint8Array): void => {
  const buffer = view.buffer
  if (view.byteOffset !== 0 || view.byteLength === 0 || view.byteLength !== buffer.byteLength) {
    return
  }
  const free = detach()
  if (free === undefined) return
  try {
    free(buffer as ArrayBuffer)
  } catch {
    // not detachable (a SharedArrayBuffer, a WebAssembly memory, or marked so by its owner)
  }
}

/** How a {@link BodyReader} may treat the chunks it is given. */
export interface BodyReaderOptions {
  /**
   * Each chunk is the reader's alone once given (Node's HTTP parser copies each piece of a body into a
   * buffer of its own; a byte stream transfers each chunk to its reader): the reader frees a chunk's
   * memory as soon as it has copied it, instead of leaving it to the garbage collector. Not for a caller's
   * `HttpClient` or a default stream (a mocked `fetch`), which may hand out bytes something else still
   * reads.
   */
  readonly owned?: boolean | undefined
}

/**
 * Collects a body's bytes against a limit and turns them into a {@link WireResponse}.
 *
 * Up to {@link smallBodyBytes} the chunks are kept and decoded at the end. Past it the bytes are decoded
 * while they arrive, {@link segmentBytes} at a time through one scratch buffer, so that what the reader
 * holds is the text so far and at most one segment of bytes (see the module comment for the numbers);
 * past the limit everything is released and `push` answers `false`.
 */
export class BodyReader {
  private chunks: Array<Uint8Array> = []
  private bytes = 0
  private scratch: Uint8Array | undefined
  private filled = 0
  private pieces: Array<string> = []
  /** Bytes of a body not owned, kept until its end (see {@link BodyReader.store}), and those used in the last. */
  private segments: Array<Resizable> = []
  private segmentFilled = 0
  private readonly owned: boolean
  constructor(
    readonly limit: number,
    options: BodyReaderOptions = {}
  ) {
    this.owned = options.owned === true
  }

  /**
   * Whether every byte given so far has been copied (the body is past {@link smallBodyBytes}): from then
   * on, memory the transport read the chunks from is no longer viewed by anything the reader keeps.
   */
  get copying(): boolean {
    return this.scratch !== undefined
  }

  /** Adds a chunk; `false` when the body has passed the limit (then nothing is kept). */
  push(chunk: Uint8Array): boolean {
    this.bytes += chunk.byteLength
    if (this.bytes > this.limit) {
      this.release()
      return false
    }
    if (this.scratch === undefined) {
      if (this.bytes <= smallBodyBytes) {
        // a chunk cut from much larger memory (a head, chunk extensions, a shared pool) is copied, so that
        // a few kept bytes cannot keep that whole memory alive
        this.chunks.push(chunk.byteLength * 2 < chunk.buffer.byteLength ? chunk.slice() : chunk)
        return true
      }
      this.scratch = new Uint8Array(segmentBytes + 4)
      const kept = this.chunks
      this.chunks = []
      for (const piece of kept) this.take(piece)
    }
    this.take(chunk)
    return true
  }

  private take(chunk: Uint8Array): void {
    if ((this.owned && canFree()) || resizable === undefined) this.feed(chunk)
    else this.store(chunk)
  }

  /**
   * Keeps the bytes of a body the reader does not own, to decode at its end: in 1 MiB segments, each a
   * resizable `ArrayBuffer` allocated at full length (V8 counts it as external memory at once, which
   * brings forward the collection of the transport's garbage read buffers; decoding while reading, whose
   * strings do not, measured 1.4–2.1× a 50 MiB body through `fetch` against 1.3–1.8× this way) and shrunk
   * to nothing as soon as it is decoded (its pages go back at once, not at the next collection).
   */
  private store(chunk: Uint8Array): void {
    let offset = 0
    while (offset < chunk.byteLength) {
      let segment = this.segments[this.segments.length - 1]
      if (segment === undefined || this.segmentFilled === segmentBytes) {
        segment = new (resizable as ResizableConstructor)(segmentBytes, { maxByteLength: segmentBytes })
        this.segments.push(segment)
        this.segmentFilled = 0
      }
      const take = Math.min(segmentBytes - this.segmentFilled, chunk.byteLength - offset)
      new Uint8Array(segment, this.segmentFilled, take).set(chunk.subarray(offset, offset + take))
      this.segmentFilled += take
      offset += take
    }
  }

  /** The response, with its body decoded (and, when large, parsed). Releases the bytes. */
  response(status: number, headers: WireResponse["headers"]): WireResponse {
    if (this.scratch === undefined) {
      const text = this.smallText()
      this.release()
      return { status, headers, text }
    }
    const segments = this.segments
    this.segments = []
    segments.forEach((segment, i) => {
      this.feed(new Uint8Array(segment, 0, i === segments.length - 1 ? this.segmentFilled : segmentBytes))
      segment.resize(0)
    })
    this.flush(true)
    const pieces = this.pieces
    this.release()
    const response: WireResponse = { status, headers, text: join(pieces, 0, pieces.length) }
    parsedBodies.set(response, parsePieces(pieces))
    return response
  }

  private smallText(): string {
    const chunks = this.chunks
    // none kept: an empty body, or one past the limit (released; its count is not its content)
    if (chunks.length === 0) return ""
    if (chunks.length === 1) return decoder.decode(chunks[0])
    const whole = new Uint8Array(this.bytes)
    let offset = 0
    for (const piece of chunks) {
      whole.set(piece, offset)
      offset += piece.byteLength
    }
    return decoder.decode(whole)
  }

  /** Copies a chunk into the scratch buffer, decoding it whenever full; frees an owned chunk once copied. */
  private feed(chunk: Uint8Array): void {
    const scratch = this.scratch as Uint8Array
    let offset = 0
    while (offset < chunk.byteLength) {
      const take = Math.min(scratch.byteLength - this.filled, chunk.byteLength - offset)
      scratch.set(chunk.subarray(offset, offset + take), this.filled)
      this.filled += take
      offset += take
      if (this.filled === scratch.byteLength) this.flush(false)
    }
    if (this.owned) freeBytes(chunk)
  }

  /**
   * Decodes the scratch buffer into the next piece. A piece ends only where the UTF-8 decoder holds no
   * partial character (before a byte that does not continue one, or after three that do), so decoding
   * them apart gives the same text as decoding the body at once; the at most 3 bytes after the cut start
   * the next piece.
   */
  private flush(last: boolean): void {
    const scratch = this.scratch as Uint8Array
    const filled = this.filled
    let cut = filled
    if (!last) {
      const byteAt = (i: number) => scratch[i]
      // found within 4 positions: if the last three bytes are continuations and none of them follows
      // three more, the byte before them is not one
      cut = filled - 1
      while (cut > filled - 4 && !safeAt(byteAt, cut)) cut--
    }
    if (cut > 0) this.pieces.push(decode(scratch.subarray(0, cut), this.pieces.length === 0))
    scratch.copyWithin(0, cut, filled)
    this.filled = filled - cut
  }

  private release(): void {
    for (const segment of this.segments) segment.resize(0)
    this.segments = []
    this.segmentFilled = 0
    this.chunks = []
    this.scratch = undefined
    this.filled = 0
    this.pieces = []
  }
}

const decode = (bytes: Uint8Array, first: boolean) => (first ? decoder : innerDecoder).decode(bytes)

/** Is the position `at` (in `view`, continued by `next`) one where the decoder holds no partial character? */
const safeAt = (byteAt: (i: number) => number | undefined, at: number) =>
  !isContinuation(byteAt(at)) ||
  (isContinuation(byteAt(at - 1)) && isContinuation(byteAt(at - 2)) && isContinuation(byteAt(at - 3)))

/** `pieces[from] + … + pieces[to - 1]` as a balanced rope (no copy; a deep one-sided rope is slower to flatten). */
const join = (pieces: ReadonlyArray<string>, from: number, to: number): string => {
  if (to - from === 0) return ""
  if (to - from === 1) return pieces[from] as string
  const middle = (from + to) >>> 1
  return join(pieces, from, middle) + join(pieces, middle, to)
}

/** Where a string literal starts (its opening quote) and ends (its closing quote), by piece and offset. */
interface Literal {
  readonly fromPiece: number
  readonly fromOffset: number
  readonly toPiece: number
  readonly toOffset: number
}

/** A raw control character (U+0000–U+001F), which `JSON.parse` refuses inside a string. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const controlCharacter = /[\u0000-\u001f]/

/**
 * The string literals that contain at least one whole piece, no escape and no control character: the
 * ones whose value can be the pieces themselves. A scan of the JSON tokens' string boundaries only: a
 * quote opens a literal outside one and closes it inside one unless escaped, which is how `JSON.parse`
 * reads them up to any syntax error (and a body with one fails the same way below).
 */
const longLiterals = (pieces: ReadonlyArray<string>): Array<Literal> => {
  const found: Array<Literal> = []
  let piece = 0
  let offset = 0
  let inString = false
  let escaped = false
  let fromPiece = 0
  let fromOffset = 0
  while (piece < pieces.length) {
    const text = pieces[piece] as string
    if (offset >= text.length) {
      offset -= text.length
      piece++
      continue
    }
    const quote = text.indexOf('"', offset)
    if (!inString) {
      if (quote === -1) {
        offset = text.length
        continue
      }
      inString = true
      escaped = false
      fromPiece = piece
      fromOffset = quote
      offset = quote + 1
      continue
    }
    const backslash = text.indexOf("\\", offset)
    if (backslash !== -1 && (quote === -1 || backslash < quote)) {
      // an escape: the next character (maybe in the next piece) is not a closing quote
      escaped = true
      offset = backslash + 2
      continue
    }
    if (quote === -1) {
      offset = text.length
      continue
    }
    inString = false
    offset = quote + 1
    if (escaped || piece - fromPiece < 2) continue
    const literal = { fromPiece, fromOffset, toPiece: piece, toOffset: quote }
    if (!partsOf(pieces, literal).some((part) => controlCharacter.test(part))) found.push(literal)
  }
  return found
}

/** A literal's content (without its quotes) as the pieces it spans: the first and last cut. */
const partsOf = (pieces: ReadonlyArray<string>, literal: Literal): Array<string> => [
  (pieces[literal.fromPiece] as string).slice(literal.fromOffset + 1),
  ...pieces.slice(literal.fromPiece + 1, literal.toPiece),
  (pieces[literal.toPiece] as string).slice(0, literal.toOffset)
]

/** The text from (piece, offset) up to, not including, (toPiece, toOffset). */
const between = (
  pieces: ReadonlyArray<string>,
  piece: number,
  offset: number,
  toPiece: number,
  toOffset: number
): string => {
  if (piece === toPiece) return (pieces[piece] as string).slice(offset, toOffset)
  return [
    (pieces[piece] as string).slice(offset),
    ...pieces.slice(piece + 1, toPiece),
    (pieces[toPiece] as string).slice(0, toOffset)
  ].join("")
}

/** A prefix no server can predict, for the stand-ins of long literals (128 random bits). */
const standInPrefix = (): string => {
  const random = new Uint32Array(4)
  globalThis.crypto.getRandomValues(random)
  return `\\u0000authctx:${Array.from(random, (n) => n.toString(36)).join("")}:`
}

/**
 * A large body parsed as `JSON.parse` would, given as its decoded pieces, `undefined` when it is not JSON.
 * Each long literal (see {@link longLiterals}) is replaced by a short stand-in string before parsing and
 * its value put back after, as its pieces joined: no copy of the long strings, where `JSON.parse(text)`
 * would copy them all. Without long literals: `JSON.parse` of the joined text.
 */
export const parsePieces = (pieces: ReadonlyArray<string>): unknown => {
  try {
    // cheap test first: a long literal needs a whole piece without quotes or backslashes
    const candidate = pieces.some((text) => !text.includes('"') && !text.includes("\\"))
    const literals = candidate ? longLiterals(pieces) : []
    if (literals.length === 0) return JSON.parse(join(pieces, 0, pieces.length))
    const prefix = standInPrefix()
    const skeleton: Array<string> = []
    let piece = 0
    let offset = 0
    literals.forEach((literal, index) => {
      skeleton.push(between(pieces, piece, offset, literal.fromPiece, literal.fromOffset))
      skeleton.push(`"${prefix}${index}"`)
      piece = literal.toPiece
      offset = literal.toOffset + 1
    })
    skeleton.push(
      between(pieces, piece, offset, pieces.length - 1, (pieces[pieces.length - 1] as string).length)
    )
    const values = literals.map((literal) => {
      const parts = partsOf(pieces, literal)
      return join(parts, 0, parts.length)
    })
    return restore(JSON.parse(skeleton.join("")), prefix.replace("\\u0000", "\u0000"), values)
  } catch {
    return undefined
  }
}

/** Puts each long literal's value back where its stand-in is (walked without recursion: any depth). */
const restore = (root: unknown, prefix: string, values: ReadonlyArray<string>): unknown => {
  const longValue = (value: unknown): string | undefined =>
    typeof value === "string" && value.startsWith(prefix)
      ? values[Number(value.slice(prefix.length))]
      : undefined
  const atRoot = longValue(root)
  if (atRoot !== undefined) return atRoot
  let left = values.length
  const stack: Array<unknown> = [root]
  while (stack.length > 0 && left > 0) {
    const node = stack.pop()
    if (typeof node !== "object" || node === null) continue
    const record = node as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const value = record[key]
      const long = longValue(value)
      if (long !== undefined) {
        // defineProperty: a key named `__proto__` is an own property here, not the prototype
        Object.defineProperty(record, key, { value: long })
        left--
      } else if (typeof value === "object" && value !== null) stack.push(value)
    }
  }
  return root
}
