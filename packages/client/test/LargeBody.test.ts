/**
 * Large bodies (over 1 MiB) are decoded segment by segment and their long strings parsed without a copy
 * (src/internal/body.ts). These tests hold that path to the plain one: the same text as decoding the whole
 * body at once, and the same value as `JSON.parse` of that text (or `undefined` where it throws), for
 * bodies built to hit segment boundaries, multi-byte characters, escapes, control characters, invalid
 * UTF-8, a byte-order mark, `__proto__` keys, deep nesting and broken JSON around long strings.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  BodyReader,
  canFree,
  closedPortDetach,
  freeBytes,
  jsonOf,
  segmentBytes
} from "../src/internal/body.js"

const encoder = new TextEncoder()
const MiB = 1024 * 1024

const plain = (bytes: Uint8Array): { text: string; value: unknown } => {
  const text = new TextDecoder().decode(bytes)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = undefined
  }
  return { text, value }
}

/**
 * Feeds `bytes` in chunks of `chunk` bytes and reads the response back. `owned`: each chunk a copy of its
 * own, as Node's HTTP parser gives them, which the reader frees once copied (checked where it can).
 */
const viaReader = (bytes: Uint8Array, chunk: number, owned = false) => {
  const reader = new BodyReader(64 * MiB, { owned })
  const given: Array<Uint8Array> = []
  for (let offset = 0; offset < bytes.byteLength; offset += chunk) {
    const piece = owned ? bytes.slice(offset, offset + chunk) : bytes.subarray(offset, offset + chunk)
    given.push(piece)
    expect(reader.push(piece)).toBe(true)
  }
  if (owned && canFree() && bytes.byteLength > segmentBytes) {
    // every chunk but those the reader still holds (none once past the small size) is freed
    expect(given.every((piece) => piece.byteLength === 0)).toBe(true)
  }
  const response = reader.response(200, {})
  return { text: response.text, value: jsonOf(response) }
}

const concat = (...parts: Array<string | Uint8Array>): Uint8Array => {
  const encoded = parts.map((part) => (typeof part === "string" ? encoder.encode(part) : part))
  const whole = new Uint8Array(encoded.reduce((sum, part) => sum + part.byteLength, 0))
  let offset = 0
  for (const part of encoded) {
    whole.set(part, offset)
    offset += part.byteLength
  }
  return whole
}

const fill = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / encoder.encode(unit).byteLength))

const cases: Record<string, Uint8Array> = {
  "one long ASCII string": concat('{"name":"N","value":"', fill("x", 3 * MiB), '"}'),
  "a long string of 2-, 3- and 4-byte characters across every boundary": concat(
    '{"value":"',
    fill("é漢😀a", 3 * MiB),
    '"}'
  ),
  "a long string with one escape": concat('{"value":"', fill("y", 2 * MiB), '\\"', fill("y", MiB), '"}'),
  "a long string ending in an even run of backslashes": concat('["', fill("z", 3 * MiB), '\\\\\\\\", 1]'),
  "a long string with a raw control character (not JSON)": concat(
    '{"v":"',
    fill("a", 2 * MiB),
    "\u0001",
    fill("a", MiB),
    '"}'
  ),
  "several long strings, keys named __proto__ and constructor": concat(
    '{"__proto__":"',
    fill("p", 2.5 * MiB),
    '","constructor":{"a":["',
    fill("q", 2.2 * MiB),
    '",{"__proto__":"',
    fill("r", 2.1 * MiB),
    '"}]}}'
  ),
  "a long string as the whole body": concat('"', fill("s", 3 * MiB), '"'),
  "a byte-order mark, then JSON (not JSON)": concat(
    new Uint8Array([0xef, 0xbb, 0xbf]),
    '"',
    fill("b", 2 * MiB),
    '"'
  ),
  "a byte-order mark inside a long string": concat(
    '"',
    fill("c", MiB - 1),
    new Uint8Array([0xef, 0xbb, 0xbf]),
    fill("c", 2 * MiB),
    '"'
  ),
  "invalid UTF-8 at and around the boundaries": concat(
    '"',
    fill("d", MiB - 3),
    new Uint8Array([0xf0, 0x9f, 0x98, 0x80, 0x80, 0x80, 0xe6, 0xbc, 0xff, 0xc3]),
    fill("d", MiB - 2),
    new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0xf0, 0x9f]),
    fill("d", MiB),
    '"'
  ),
  "broken JSON after a long string": concat('{"value":"', fill("e", 3 * MiB), '",}'),
  "broken JSON before a long string": concat('{"value" "', fill("f", 3 * MiB), '"}'),
  "a stray quote outside a string": concat('{"a":1}"', fill("g", 3 * MiB), '"'),
  "a backslash outside a string": concat('[\\"', fill("h", 3 * MiB), '"]'),
  "no long string: many small objects": concat(
    "[",
    Array.from({ length: 60_000 }, (_, i) => `{"id":"run_${i}","n":${i},"s":"é\\n"}`).join(","),
    "]"
  ),
  "deep nesting around a long string": concat(
    "[".repeat(2000),
    '"',
    fill("i", 3 * MiB),
    '"',
    "]".repeat(2000)
  ),
  "the stand-in's shape in the data": concat('["\\u0000authctx:x:0","', fill("j", 3 * MiB), '"]'),
  "whitespace filling whole segments": concat("[", " ".repeat(3 * MiB), "1]")
}

describe("a large body read in segments", () => {
  for (const [name, bytes] of Object.entries(cases)) {
    it(`${name}: the same text and value as decoding and parsing it whole`, () => {
      const expected = plain(bytes)
      for (const [chunk, owned] of [
        [64 * 1024, false],
        [65_537, false],
        [segmentBytes + 1, false],
        [65_537, true],
        [segmentBytes + 1, true]
      ] as const) {
        const actual = viaReader(bytes, chunk, owned)
        expect(actual.text === expected.text).toBe(true)
        // compared as JSON: vitest's deep equality recurses (2,000 levels overflow it) and reads
        // `__proto__` keys as prototypes; both values are plain JSON data
        expect(JSON.stringify(actual.value) === JSON.stringify(expected.value)).toBe(true)
        expect(actual.value === undefined).toBe(expected.value === undefined)
      }
    })
  }

  it("keeps `__proto__` keys as own data, never as the prototype", () => {
    const { value } = viaReader(
      cases["several long strings, keys named __proto__ and constructor"] as Uint8Array,
      65_536
    )
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.getOwnPropertyNames(value)).toEqual(["__proto__", "constructor"])
  })

  it("never frees memory a chunk shares with other bytes, nor a chunk it was not given to own", () => {
    const shared = new Uint8Array(4 * MiB).fill(0x61)
    const owned = new BodyReader(64 * MiB, { owned: true })
    for (let offset = 0; offset < shared.byteLength; offset += 64 * 1024) {
      owned.push(shared.subarray(offset, offset + 64 * 1024))
    }
    expect(owned.response(200, {}).text.length).toBe(4 * MiB)
    expect(shared.byteLength).toBe(4 * MiB)
    expect(shared.every((byte) => byte === 0x61)).toBe(true)

    const whole = Array.from({ length: 64 }, () => new Uint8Array(64 * 1024).fill(0x62))
    const notOwned = new BodyReader(64 * MiB)
    for (const chunk of whole) notOwned.push(chunk)
    expect(notOwned.response(200, {}).text.length).toBe(4 * MiB)
    expect(whole.every((chunk) => chunk.byteLength === 64 * 1024)).toBe(true)
  })

  it("freeBytes frees only memory the view covers whole", () => {
    const part = new Uint8Array(1024)
    freeBytes(part.subarray(1))
    freeBytes(part.subarray(0, 1023))
    expect(part.byteLength).toBe(1024)
    const whole = new Uint8Array(1024)
    freeBytes(whole)
    expect(whole.byteLength).toBe(0)
    // a pooled Buffer shares its memory with other Buffers: never touched
    const pooled = Buffer.from("pooled")
    freeBytes(pooled)
    expect(pooled.toString()).toBe("pooled")
  })

  it("freeBytes frees at once on every supported Node, with no collection (transfer on 22+, a closed port on 20)", () => {
    expect(canFree()).toBe(true)
    const big = new Uint8Array(32 * MiB).fill(1)
    const before = process.memoryUsage().arrayBuffers
    freeBytes(big)
    expect(big.byteLength).toBe(0)
    // the allocator's own count, read synchronously: nothing was collected in between
    expect(before - process.memoryUsage().arrayBuffers).toBeGreaterThanOrEqual(32 * MiB)
  })

  it("the closed-port fallback (Node 20's) frees at once on every Node, and frees nothing it may not", () => {
    const viaClosedPort = closedPortDetach()
    if (viaClosedPort === undefined) throw new Error("no MessageChannel on this Node")
    const before = process.memoryUsage().arrayBuffers
    // 64 MiB in 1,024 buffers: none is kept in a queue (the count falls back at once, with no collection)
    for (let i = 0; i < 1024; i++) {
      const buffer = new Uint8Array(64 * 1024).fill(1).buffer
      viaClosedPort(buffer)
      expect(buffer.byteLength).toBe(0)
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * MiB)
    // a pooled Buffer's memory is not detachable: left whole, or refused (Node 22+ throws, freeBytes catches)
    const pooled = Buffer.from("pooled")
    try {
      viaClosedPort(pooled.buffer as ArrayBuffer)
    } catch {}
    expect(pooled.toString()).toBe("pooled")
  })

  it("passing the limit keeps nothing and answers false", () => {
    const reader = new BodyReader(3 * MiB)
    const chunk = new Uint8Array(64 * 1024)
    let pushes = 0
    while (reader.push(chunk)) pushes++
    expect(pushes).toBe(48)
  })
})

describe("any body, cut anywhere (property)", () => {
  /** A body past the small size: random bytes around a repeated unit of random text (any code points). */
  const body = fc
    .record({
      bom: fc.boolean(),
      head: fc.uint8Array({ maxLength: 16 }),
      unit: fc.string({ unit: "binary", minLength: 1, maxLength: 12 }),
      tail: fc.uint8Array({ maxLength: 16 }),
      size: fc.integer({ min: segmentBytes + 1, max: 2 * segmentBytes + 7 })
    })
    .map(({ bom, head, unit, tail, size }) =>
      concat(
        bom ? new Uint8Array([0xef, 0xbb, 0xbf]) : new Uint8Array(0),
        head,
        '"',
        fill(unit, size).slice(0, size),
        '"',
        tail
      )
    )
  // Piece sizes, used in turn: anything from 1 byte (a cut inside a character, a segment's edge), with at
  // least one piece of 16 KiB or more in each turn. Without it, fast-check's bias towards small values made
  // turns of 1-3 bytes: a 2 MiB body in ~1 million pushes, 25 s a run on Node 20, and the property past its
  // 60 s timeout on a loaded machine (measured: 0.5 s usually, 13 s once in ten runs). Each turn now covers
  // 16 KiB in at most 9 pushes (~1,200 pushes for the largest body), and its cuts still fall anywhere.
  const cuts = fc
    .record({
      small: fc.array(fc.integer({ min: 1, max: 300_000 }), { maxLength: 8 }),
      large: fc.integer({ min: 16 * 1024, max: 300_000 }),
      at: fc.nat()
    })
    .map(({ small, large, at }) => {
      const sizes = [...small]
      sizes.splice(at % (small.length + 1), 0, large)
      return sizes
    })

  it("gives the text and value of decoding and parsing it whole, chunks owned or not", () => {
    fc.assert(
      fc.property(body, cuts, fc.boolean(), (bytes, sizes, owned) => {
        const expected = plain(bytes)
        const reader = new BodyReader(64 * MiB, { owned })
        let offset = 0
        for (let i = 0; offset < bytes.byteLength; i++) {
          const size = sizes[i % sizes.length] as number
          const piece = owned ? bytes.slice(offset, offset + size) : bytes.subarray(offset, offset + size)
          offset += size
          expect(reader.push(piece)).toBe(true)
        }
        const response = reader.response(200, {})
        expect(response.text === expected.text).toBe(true)
        expect(JSON.stringify(jsonOf(response)) === JSON.stringify(expected.value)).toBe(true)
      }),
      { numRuns: 25 }
    )
  })

  it("answers false exactly once the bytes pass the limit, and keeps nothing then", () => {
    const zeros = new Uint8Array(300_000)
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * segmentBytes }),
        cuts,
        fc.boolean(),
        (limit, sizes, owned) => {
          const reader = new BodyReader(limit, { owned })
          let total = 0
          for (let i = 0; total <= limit; i++) {
            const size = sizes[i % sizes.length] as number
            total += size
            // an owned chunk that covers its whole buffer is freed (detached) by the reader: never reuse one
            const chunk = owned ? new Uint8Array(size) : zeros.subarray(0, size)
            expect(reader.push(chunk)).toBe(total <= limit)
          }
          // past the limit nothing is kept: the response is empty
          expect(reader.response(200, {}).text).toBe("")
        }
      ),
      { numRuns: 50 }
    )
  })
})
