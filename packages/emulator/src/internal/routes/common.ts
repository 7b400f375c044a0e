/**
 * What more than one route group needs: the not-found answers, the trigger options read as the server
 * reads them, the payload packets as the server stores and shows them (docs/reference/payloads.md), and
 * the text of a schema failure.
 */
import { Packet, type Schemas } from "@authctx/api"
import { ParseResult } from "effect"
import { type Environment, type NewRun, newId, parseDelay, type Run, type State } from "../model.js"
import * as ObjectStore from "../objectStore.js"
import { type Context, fail } from "./handle.js"

export const notFound = {
  run: fail(404, "Run not found"),
  batch: fail(404, "Batch not found"),
  envvar: fail(404, "Environment variable not found"),
  schedule: fail(404, "Schedule not found")
} as const

export const toTags = (tags: Schemas.RunTags | undefined): ReadonlyArray<string> =>
  tags === undefined ? [] : typeof tags === "string" ? [tags] : tags

export const toRecord = (value: unknown): Readonly<Record<string, unknown>> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Readonly<Record<string, unknown>>)
    : undefined

export const toTtl = (ttl: Schemas.TriggerTtl | undefined): string | undefined =>
  ttl === undefined ? undefined : typeof ttl === "number" ? `${ttl}s` : ttl

/** Formats a schema failure as `path: message; …` (for 400 answers). */
export const formatIssues = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ")

/** Inline packets of this many bytes or more are offloaded by the server itself (`TASK_PAYLOAD_OFFLOAD_THRESHOLD`, 512 KiB). */
export const serverOffloadBytes = 524_288

/**
 * The payload packet the server stores for a trigger (its `DefaultPayloadProcessor`): with
 * `application/json` (the default) the payload is JSON-encoded; with any other type a string payload is
 * kept as is and anything else is dropped. Inline data of 512 KiB or more goes to object storage.
 */
export const storedPacket = (
  state: State,
  environment: Environment,
  payload: unknown,
  payloadType: string | undefined
): Packet.Packet => {
  const dataType = payloadType ?? Packet.DataType.json
  const packet: Packet.Packet =
    dataType === Packet.DataType.json
      ? { data: JSON.stringify(payload) as string | undefined, dataType }
      : typeof payload === "string"
        ? { data: payload, dataType }
        : { dataType }
  if (packet.data === undefined || packet.data.length === 0 || Packet.byteLength(packet) < serverOffloadBytes)
    return packet
  const path = `${newId(state, "packet_")}/payload.json`
  state.objects.objects.set(ObjectStore.keyOf(environment.project.ref, environment.slug, path), {
    data: packet.data,
    contentType: dataType
  })
  return { data: path, dataType: Packet.DataType.store }
}

/** The output a finished run reports: an `echo…` task returns its payload, any other `{ ok, taskIdentifier }`. */
export const outputPacket = (run: Run): Packet.Packet =>
  run.taskIdentifier.startsWith("echo")
    ? run.payload
    : Packet.serialize({ ok: true, taskIdentifier: run.taskIdentifier })

export const isStored = (packet: Packet.Packet): packet is Packet.Packet & { readonly data: string } =>
  packet.dataType === Packet.DataType.store && typeof packet.data === "string"

/** The JSON form the server answers (`parsePacketAsJson`); a packet that does not parse is shown as its text. */
const jsonOf = (packet: Packet.Packet): unknown => {
  try {
    return Packet.toJson(packet)
  } catch {
    return packet.data
  }
}

/**
 * A packet as `runs.retrieve` shows it: `{field}PresignedUrl` (a GET URL, 300 s) when it is in object
 * storage, the JSON form in `{field}` otherwise, nothing when it has no data.
 */
export const shownPacket = (
  context: Context,
  environment: Environment,
  field: "payload" | "output",
  packet: Packet.Packet
): Record<string, unknown> => {
  if (isStored(packet)) {
    const key = ObjectStore.keyOf(environment.project.ref, environment.slug, packet.data)
    return {
      [`${field}PresignedUrl`]: ObjectStore.presign(
        context.state.objects,
        context.origin,
        "GET",
        key,
        context.now
      )
    }
  }
  const json = jsonOf(packet)
  return json === undefined ? {} : { [field]: json }
}

/** A task's own queue, as the server names it (and as `filter[queue]` matches it): `task/<id>`. */
const taskQueue = (taskIdentifier: string): string => `task/${taskIdentifier}`

/** The new run a trigger (or a batch item) asks for, or why its options are invalid. */
export const triggerRun = (
  context: Context,
  environment: Environment,
  taskIdentifier: string,
  payload: unknown,
  options: Schemas.TriggerTaskOptions | Schemas.BatchItemOptions | undefined,
  batchId: string | undefined
): NewRun | string => {
  const delayedUntil = parseDelay(options?.delay, context.now)
  if (typeof delayedUntil === "string") return delayedUntil
  return {
    environment,
    taskIdentifier,
    queue: options?.queue?.name ?? taskQueue(taskIdentifier),
    version: options?.lockToVersion,
    machine: options?.machine,
    payload: storedPacket(context.state, environment, payload, options?.payloadType),
    delayedUntil,
    tags: toTags(options?.tags),
    metadata: toRecord(options?.metadata),
    idempotencyKey: options?.idempotencyKey,
    idempotencyKeyTTL: options?.idempotencyKeyTTL,
    batchId,
    isTest: options?.test ?? false,
    ttl: toTtl(options?.ttl),
    triggerFunction: batchId === undefined ? "trigger" : "batchTrigger"
  }
}
