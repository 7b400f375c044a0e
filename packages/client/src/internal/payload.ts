/**
 * Payloads on the wire as the official SDK 4.8.3 sends them (docs/reference/payloads.md): serialized with
 * `Packet.serialize` (SuperJSON, text as itself), sized, and offloaded to object storage when 128 KiB or
 * more — `PUT /api/v2/packets/{filename}` for an upload URL, a `PUT` of the packet to that URL, then the
 * trigger carries the returned `storagePath` with `payloadType: "application/store"`. And the way back: a
 * presigned URL in a `runs.retrieve` answer is downloaded and parsed by its `content-type`.
 *
 * @internal
 */
import { ManagementApi, Packet, type Schemas } from "@authctx/api"
import { Capability, type Credential } from "@authctx/core"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schedule from "effect/Schedule"
import * as Errors from "../Errors.js"
import { type CallError, call, ManagementClient } from "../ManagementClient.js"
import { TransportTimeout, type WireResponse } from "../Transport.js"

const packetIdAlphabet = "123456789abcdefghijkmnopqrstuvwxyz"

/** `packet_` + 21 characters of the SDK's friendly-id alphabet, from the platform's CSPRNG. */
const packetId = (): string => {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(21))
  let id = "packet_"
  // 256 is not a multiple of 34: the first 8 letters are drawn 8/256 more often; an upload path is not a secret.
  for (const byte of bytes) id += packetIdAlphabet[byte % packetIdAlphabet.length]
  return id
}

/** The object path the SDK asks an upload URL for: `trigger/packet_…/payload.{json|txt}`. */
const uploadFilename = (dataType: string): string =>
  `trigger/${packetId()}/payload.${dataType === Packet.DataType.json || dataType === Packet.DataType.superJson ? "json" : "txt"}`

/** Serializes a payload, or says (without its contents) why it cannot be. */
export const serialize = (endpoint: string, value: unknown): Either.Either<Packet.Packet, CallError> => {
  try {
    return Either.right(Packet.serialize(value))
  } catch (error) {
    return Either.left(
      new Errors.InvalidArgumentsError({
        endpoint,
        issue: `the payload cannot be serialized with SuperJSON (${error instanceof Error ? error.name : "error"})`
      })
    )
  }
}

const isRetryable = (error: CallError): boolean =>
  error._tag === "ApiConnectionError" ||
  ("status" in error && (error.status === 408 || error.status === 429 || error.status >= 500))

/**
 * One request to object storage (never with the API key: a presigned URL carries its own signature), retried
 * as the SDK retries packet transfers: up to 5 attempts (fewer when the client's retry policy allows
 * fewer), 0.5 s doubling to at most 5 s, jittered. The URL is never put in an error: its query is a
 * signature.
 */
const transfer = (
  endpoint: string,
  request: {
    readonly method: "GET" | "PUT"
    readonly url: string
    readonly body?: string
    readonly contentType?: string
  }
): Effect.Effect<WireResponse, CallError, ManagementClient> =>
  Effect.flatMap(ManagementClient, (client) => {
    let attempts = 0
    const once = Effect.suspend(() => {
      attempts++
      return client.transport
        .send(
          {
            method: request.method,
            url: request.url,
            headers: request.contentType === undefined ? {} : { "content-type": request.contentType },
            body: request.body,
            maxResponseBytes: client.options.maxResponseBytes
          },
          client.options.timeoutMs
        )
        .pipe(
          (sent) =>
            client.transport.enforcesTimeout
              ? sent
              : Effect.timeoutFail(sent, {
                  duration: Duration.millis(client.options.timeoutMs),
                  onTimeout: () => new TransportTimeout({ timeoutMs: client.options.timeoutMs })
                }),
          Effect.mapError(
            (error): CallError =>
              error._tag === "ResponseTooLarge"
                ? new Errors.ResponseTooLargeError({
                    endpoint,
                    status: error.status,
                    limitBytes: error.limitBytes
                  })
                : new Errors.ApiConnectionError({
                    endpoint,
                    reason: error._tag === "TransportTimeout" ? "the attempt timed out" : error.reason,
                    attempts
                  })
          ),
          Effect.filterOrElse(
            (response) => response.status >= 200 && response.status < 300,
            (response) =>
              Effect.fail(
                Errors.fromStatus({
                  status: response.status,
                  error: `object storage answered ${response.status}`,
                  endpoint
                })
              )
          )
        )
    })
    const policy = Schedule.exponential(Duration.millis(500), 2).pipe(
      Schedule.modifyDelay((delay) => Duration.min(delay, Duration.seconds(5))),
      Schedule.jittered,
      Schedule.intersect(Schedule.recurs(Math.min(5, client.options.retry.maxAttempts) - 1)),
      Schedule.whileInput(isRetryable)
    )
    return Effect.retry(once, policy)
  })

/**
 * Uploads a packet as the SDK's `exportPacket` does and returns the packet that references it. The upload
 * URL is asked for under the current auth (`packets.upload`, SecretKey only, like the calls it is part of).
 */
const offload = <Name extends string, Kinds extends Credential.Kind>(
  parent: Capability.Capability<Name, Kinds>,
  packet: Packet.Packet
): Effect.Effect<Packet.Packet, CallError, ManagementClient | Capability.Requires<Name, Kinds>> =>
  Effect.gen(function* () {
    // Refused under the parent's name first (a PAT on tasks.trigger), before anything is sent.
    yield* Capability.authorize(parent)
    // The upload URL is a step of the trigger: the trigger's own requirement (SecretKey) stands for this
    // one in the types, and `call` still checks the credential kind at run time.
    const created = yield* call(ManagementApi.packetsUpload, {
      path: { filename: uploadFilename(packet.dataType) }
    }) as Effect.Effect<Schemas.CreateUploadPayloadUrlResponseBody, CallError, ManagementClient>
    if (created.storagePath === undefined) {
      return yield* new Errors.ApiSchemaError({
        endpoint: ManagementApi.packetsUpload.capability.name,
        status: 200,
        issue: "storagePath: Missing (the server does not support /api/v2/packets)"
      })
    }
    yield* transfer(`${parent.name} (payload upload)`, {
      method: "PUT",
      url: created.presignedUrl,
      body: packet.data ?? "",
      contentType: packet.dataType
    })
    return { data: created.storagePath, dataType: Packet.DataType.store }
  })

/**
 * A payload as a trigger or a batch item sends it: the `payload` field, and the `payloadType` and
 * `payloadSize` options set beside it.
 */
export interface WirePayload {
  readonly payload: string | undefined
  readonly payloadType: string
  /** The serialized size before any offload (UTF-8 bytes); absent on a batch item without data. */
  readonly payloadSize: number | undefined
}

/** The options a prepared payload sets (they replace any `payloadType`/`payloadSize` given in options). */
export const optionsOf = (
  wire: WirePayload
): { readonly payloadType: string; readonly payloadSize?: number } => ({
  payloadType: wire.payloadType,
  ...(wire.payloadSize === undefined ? {} : { payloadSize: wire.payloadSize })
})

/**
 * Prepares a payload as the SDK does: serialized, sized and offloaded at 128 KiB or more. A trigger
 * (`prepareTriggerPayload`) always carries `payloadSize` (0 without data); a batch item
 * (`offloadBatchItemPayload`) only when its data is a non-empty string.
 */
export const prepare = <Name extends string, Kinds extends Credential.Kind>(
  parent: Capability.Capability<Name, Kinds>,
  value: unknown,
  sent: "trigger" | "batchItem"
): Effect.Effect<WirePayload, CallError, ManagementClient | Capability.Requires<Name, Kinds>> =>
  Effect.flatMap(serialize(parent.name, value), (packet) => {
    if (sent === "batchItem" && (packet.data === undefined || packet.data.length === 0))
      return Effect.succeed({ payload: packet.data, payloadType: packet.dataType, payloadSize: undefined })
    const payloadSize = Packet.byteLength(packet)
    const wire = (out: Packet.Packet): WirePayload => ({
      payload: out.data,
      payloadType: out.dataType,
      payloadSize
    })
    return Packet.needsOffload(packet)
      ? Effect.map(offload(parent, packet), wire)
      : Effect.succeed(wire(packet))
  })

/**
 * The replay override body's payload as the SDK's `withSuperJsonPayload` makes it: with a payload and no
 * `payloadType`, the payload (a string too) as SuperJSON text and `payloadType: "application/super+json"`;
 * otherwise as given. A payload SuperJSON cannot serialize is sent as given, as the SDK does.
 */
export const forReplay = <
  B extends { readonly payload?: unknown; readonly payloadType?: string | undefined }
>(
  body: B
): B => {
  if (body.payload === undefined || body.payloadType !== undefined) return body
  try {
    return { ...body, payload: Packet.stringify(body.payload), payloadType: Packet.DataType.superJson }
  } catch {
    return body
  }
}

/**
 * Downloads a packet from a presigned URL and reads it as the SDK's `resolvePresignedPacketUrl` does: the
 * response's `content-type` is the packet's type (`application/json` when absent). Unlike the SDK, which
 * answers `undefined` when the download fails, this fails with the error.
 */
export const download = (
  endpoint: string,
  url: string
): Effect.Effect<unknown, CallError, ManagementClient> =>
  Effect.flatMap(transfer(endpoint, { method: "GET", url }), (response) => {
    const dataType = response.headers["content-type"] ?? Packet.DataType.json
    try {
      return Effect.succeed(Packet.parse({ data: response.text, dataType }))
    } catch {
      return Effect.fail(
        new Errors.ApiSchemaError({
          endpoint,
          status: response.status,
          issue: `the packet is not valid ${dataType}`
        })
      )
    }
  })
