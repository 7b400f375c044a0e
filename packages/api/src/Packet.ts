/**
 * Payload and output packets: the serialized form a run's payload (and output) travels and is stored in,
 * as the official SDK 4.8.3 makes it and the server reads it. The facts are in
 * `docs/reference/payloads.md`; the client (sending, offloading) and the emulator (storing, answering
 * `runs.retrieve`) both use this one definition. The format is SuperJSON, through the `superjson` package.
 *
 * @example
 * ```ts
 * import { Packet } from "@authctx/api"
 *
 * const packet = Packet.serialize({ at: new Date(0), ids: new Set([1n]) })
 * // { data: '{"json":{"at":"1970-01-01T00:00:00.000Z","ids":["1"]},"meta":…}', dataType: "application/super+json" }
 * Packet.parse(packet) // { at: Date, ids: Set { 1n } }
 * Packet.toJson(packet) // { at: "1970-01-01T00:00:00.000Z", ids: ["1"] }: what runs.retrieve carries
 * ```
 */
import { SuperJSON } from "superjson"

/** `payloadType` / `outputType` values: how a packet's `data` is to be read. */
export const DataType = {
  /** Plain JSON text (the server's default when no type is sent). */
  json: "application/json",
  /** SuperJSON text: JSON plus the metadata that restores `Date`, `BigInt`, `Map`, `Set`, `undefined`, … */
  superJson: "application/super+json",
  /** The data is the value itself, a string, never parsed. */
  text: "text/plain",
  /** The data is an object-store path: the packet was offloaded. */
  store: "application/store"
} as const

/** One of the {@link DataType} values, or any other type a server or task may report. */
export type DataType = (typeof DataType)[keyof typeof DataType]

/** A packet: `data` absent for an `undefined` value. */
export interface Packet {
  readonly data?: string | undefined
  readonly dataType: string
}

/**
 * Packets of this many UTF-8 bytes or more are offloaded to object storage before the trigger: 128 KiB,
 * the SDK's `OFFLOAD_IO_PACKET_LENGTH_LIMIT`.
 */
export const offloadThresholdBytes = 128 * 1024

/**
 * The SuperJSON instance: its own, not the package's global one (so registering here changes nobody
 * else's), with the `buffer` custom type the SDK registers on its copy, so a Node `Buffer` round-trips
 * between the two clients.
 */
const superJson = new SuperJSON()
if (typeof Buffer === "function") {
  superJson.registerCustom<Buffer, Array<number>>(
    {
      isApplicable: (value): value is Buffer => Buffer.isBuffer(value),
      serialize: (value) => [...value],
      deserialize: (value) => Buffer.from(value)
    },
    "buffer"
  )
}

/**
 * Serializes a value as the SDK's `stringifyIO` does: `undefined` → no data (`application/json`); a string →
 * itself (`text/plain`, so the server never re-reads it as JSON); anything else → SuperJSON text
 * (`application/super+json`).
 *
 * @example
 * ```ts
 * import { Packet } from "@authctx/api"
 *
 * Packet.serialize("hello") // { data: "hello", dataType: "text/plain" }
 * Packet.serialize(undefined) // { dataType: "application/json" }
 * ```
 */
export const serialize = (value: unknown): Packet => {
  if (value === undefined) return { dataType: DataType.json }
  if (typeof value === "string") return { data: value, dataType: DataType.text }
  return { data: superJson.stringify(value), dataType: DataType.superJson }
}

/**
 * SuperJSON text of any value, strings included (the replay override body's form).
 *
 * @example
 * ```ts
 * import { Packet } from "@authctx/api"
 *
 * Packet.stringify("hi") // '{"json":"hi"}'
 * ```
 */
export const stringify = (value: unknown): string => superJson.stringify(value)

/**
 * UTF-8 bytes of a string. `Buffer.byteLength` where it exists (85 µs for 200 KiB here, against 298 µs for
 * `TextEncoder`, which allocates the bytes); both count a lone surrogate as the 3 bytes of U+FFFD, as the
 * SDK's `Buffer.byteLength` does.
 */
const utf8Length: (text: string) => number =
  typeof Buffer === "function"
    ? (text) => Buffer.byteLength(text, "utf8")
    : (text) => new TextEncoder().encode(text).byteLength

/** The size the SDK reports as `payloadSize`: UTF-8 bytes of the data, 0 without data. */
export const byteLength = (packet: Packet): number =>
  packet.data === undefined ? 0 : utf8Length(packet.data)

/** Whether the SDK would offload this packet (128 KiB or more of data). */
export const needsOffload = (packet: Packet): boolean => byteLength(packet) >= offloadThresholdBytes

/**
 * Reads a packet back into a value as the SDK's `parsePacket` does: SuperJSON restored, JSON parsed, text
 * and unknown types as the string, no data (or empty data) as `undefined`. Throws on malformed JSON.
 *
 * @example
 * ```ts
 * import { Packet } from "@authctx/api"
 *
 * Packet.parse({ data: '{"json":"1","meta":{"values":["bigint"]}}', dataType: "application/super+json" }) // 1n
 * ```
 */
export const parse = (packet: Packet): unknown => {
  if (packet.data === undefined || packet.data.length === 0) return undefined
  switch (packet.dataType) {
    case DataType.json:
      return JSON.parse(packet.data)
    case DataType.superJson:
      return superJson.parse(packet.data)
    default:
      return packet.data
  }
}

/**
 * The JSON form the server puts in a `runs.retrieve` answer (its `parsePacketAsJson`): a SuperJSON packet
 * is restored and serialized again, keeping only the JSON half, so a `Date` becomes its ISO string, a
 * `BigInt` its decimal string, a `Map` an array of `[key, value]` pairs, a `Set` an array, a `RegExp` its
 * source (`"/a/g"`), and an `undefined` member `null` (its mark lived in the dropped metadata). Other types
 * as {@link parse}.
 *
 * @example
 * ```ts
 * import { Packet } from "@authctx/api"
 *
 * Packet.toJson(Packet.serialize({ m: new Map([["a", 1]]) })) // { m: [["a", 1]] }
 * ```
 */
export const toJson = (packet: Packet): unknown => {
  if (packet.data === undefined || packet.data.length === 0) return undefined
  if (packet.dataType === DataType.superJson) return superJson.serialize(superJson.parse(packet.data)).json
  return parse(packet)
}
