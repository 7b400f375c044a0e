/**
 * The request log's records, kept column by column in typed arrays, with every string kept once in a
 * table and referred to by its index. A record object kept for every request is promoted to the old
 * generation and marked by every major GC, and so are columns held in JS arrays (with a fresh path string
 * per request); typed arrays live outside the JS heap and hold no pointers, so keeping a request costs the
 * GC nothing once it is written. `list()` builds the record objects when someone asks for them.
 *
 * Measured (docs/decisions/0034-emulator-request-cost.md): on the emulator's own request handler
 * (`test/bench/emulator-handler.mjs`, `runs.retrieve` of a finished run, a loaded machine) JS-array
 * columns cost ~0.9 µs per request above keeping nothing, these chunks ~0.4 µs less than JS arrays; in a
 * loop of pushes of 2.5 million records (a fresh path string each), ~0.8 µs per push before and 0.2–0.4 µs
 * with these chunks, record creation included.
 */
import type { CredentialKind, RequestRecord } from "../RequestLog.js"

/** Records per chunk: columns grow a chunk at a time, never copied (~0.5 MB per chunk). */
const chunkSize = 8_192

/** Index 0 of the string table stands for `undefined`. */
const absent = 0

const numberFields = 3
const refFields = 10

/** The columns of `chunkSize` records. */
class Chunk {
  // seq, at and durationMs: doubles (`at` is epoch ms)
  readonly numbers = new Float64Array(chunkSize * numberFields)
  readonly status = new Uint16Array(chunkSize)
  readonly replayed = new Uint8Array(chunkSize)
  // the string fields, as indexes into the store's table: method, path, route, credentialKind,
  // credential, projectRef, environment, branch, idempotencyKey, fault
  readonly refs = new Uint32Array(chunkSize * refFields)
}

/** The request log of one emulator. */
export class RecordStore {
  private size = 0
  private chunks: Array<Chunk> = []
  private strings: Array<string | undefined> = [undefined]
  private indexes = new Map<string, number>()
  // each string field's last value and its index: consecutive requests mostly repeat them
  private readonly lastValues: Array<string | undefined> = new Array<string | undefined>(refFields).fill(
    undefined
  )
  private readonly lastIndexes = new Uint32Array(refFields)

  private ref(field: number, value: string | undefined): number {
    if (value === undefined) return absent
    if (value === this.lastValues[field]) return this.lastIndexes[field] as number
    let index = this.indexes.get(value)
    if (index === undefined) {
      index = this.strings.length
      this.strings.push(value)
      this.indexes.set(value, index)
    }
    this.lastValues[field] = value
    this.lastIndexes[field] = index
    return index
  }

  /** How many records are kept. */
  get length(): number {
    return this.size
  }

  /** Keeps a finished request's record (its fields are copied: the caller's object can be dropped). */
  push(record: RequestRecord): void {
    const i = this.size % chunkSize
    if (i === 0) this.chunks.push(new Chunk())
    const chunk = this.chunks[this.chunks.length - 1] as Chunk
    this.size++
    const numbers = chunk.numbers
    const n = i * numberFields
    numbers[n] = record.seq
    numbers[n + 1] = record.at
    numbers[n + 2] = record.durationMs
    chunk.status[i] = record.status
    chunk.replayed[i] = record.replayed ? 1 : 0
    const refs = chunk.refs
    const r = i * refFields
    refs[r] = this.ref(0, record.method)
    refs[r + 1] = this.ref(1, record.path)
    refs[r + 2] = this.ref(2, record.route)
    refs[r + 3] = this.ref(3, record.credentialKind)
    refs[r + 4] = this.ref(4, record.credential)
    refs[r + 5] = this.ref(5, record.projectRef)
    refs[r + 6] = this.ref(6, record.environment)
    refs[r + 7] = this.ref(7, record.branch)
    refs[r + 8] = this.ref(8, record.idempotencyKey)
    refs[r + 9] = this.ref(9, record.fault)
  }

  /** Every record kept, in arrival (`seq`) order. */
  list(): ReadonlyArray<RequestRecord> {
    const out: Array<RequestRecord> = []
    const s = this.strings
    for (let k = 0; k < this.size; k++) {
      const chunk = this.chunks[Math.floor(k / chunkSize)] as Chunk
      const i = k % chunkSize
      const n = i * numberFields
      const r = i * refFields
      const refs = chunk.refs
      out.push({
        seq: chunk.numbers[n] as number,
        at: chunk.numbers[n + 1] as number,
        method: s[refs[r] as number] as string,
        path: s[refs[r + 1] as number] as string,
        route: s[refs[r + 2] as number],
        status: chunk.status[i] as number,
        credentialKind: s[refs[r + 3] as number] as CredentialKind,
        credential: s[refs[r + 4] as number],
        projectRef: s[refs[r + 5] as number],
        environment: s[refs[r + 6] as number],
        branch: s[refs[r + 7] as number],
        idempotencyKey: s[refs[r + 8] as number],
        replayed: chunk.replayed[i] === 1,
        fault: s[refs[r + 9] as number],
        durationMs: chunk.numbers[n + 2] as number
      })
    }
    return out.sort((a, b) => a.seq - b.seq)
  }

  /** Forgets every record (and every string only they held). */
  clear(): void {
    this.size = 0
    this.chunks = []
    this.strings = [undefined]
    this.indexes = new Map()
    this.lastValues.fill(undefined)
  }
}
