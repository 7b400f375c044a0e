/**
 * The object storage behind offloaded packets, served by the emulator itself on loopback (the real server
 * hands out presigned R2/S3 URLs; docs/reference/payloads.md). Objects live under
 * `packets/{projectRef}/{envSlug}/{path}`, as the server keys them. A presigned URL is
 * `{origin}/__objects/{key}?method=…&expires=…&signature=…`: an HMAC-SHA256 over method, key and expiry
 * with a key drawn at start, valid for 300 s (the server presigns for 5 minutes). No `Authorization`
 * header is needed or read, as with a real presigned URL.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"

/** One stored object: the uploaded text and the `content-type` it was uploaded with. */
export interface StoredObject {
  readonly data: string
  readonly contentType: string
}

/** The store: objects by key, and the signing key of its URLs. */
export interface ObjectStore {
  readonly objects: Map<string, StoredObject>
  readonly signingKey: Buffer
}

/** The path prefix the emulator serves objects under (outside every API route). */
export const pathPrefix = "/__objects/"

/** How long a presigned URL is valid: 300 s, as the server's `presign(key, method, 300)`. */
export const presignSeconds = 300

/**
 * The largest object the emulator accepts: 64 MiB. Real object storage takes far more; the cap keeps the
 * in-memory store bounded per upload (the SDK offloads anything from 128 KiB up, with no upper limit).
 */
export const maxObjectBytes = 64 * 1024 * 1024

/** A new, empty store with a fresh signing key (not derived from the seed: it guards nothing secret, but
 * it must not be guessable from the demo keys either). */
export const make = (): ObjectStore => ({ objects: new Map(), signingKey: randomBytes(32) })

/** The message the server answers for an unsafe packet path (`INVALID_PACKET_STORAGE_PATH`). */
export const invalidPathMessage = "Invalid packet storage path"

const unsafeSegment = (segment: string): boolean => {
  if (segment === "" || segment === "." || segment === "..") return true
  if (!segment.includes("%")) return false
  let decoded: string
  try {
    decoded = decodeURIComponent(segment)
  } catch {
    return true
  }
  return decoded === "." || decoded === ".." || decoded.includes("/")
}

/**
 * A packet path the server would accept (its `resolveSafePacketRelativePath`): relative, no `\`, no empty,
 * `.` or `..` segment (also percent-encoded), and at most 1,024 characters (an S3 key's limit). `undefined`
 * when unsafe. A `protocol://` prefix is dropped, as the server drops it from the key.
 */
export const safePath = (path: string): string | undefined => {
  const bare = path.replace(/^[a-z0-9]+:\/\//, "")
  if (bare.length === 0 || bare.length > 1024 || bare.includes("\\") || bare.startsWith("/")) return undefined
  return bare.split("/").some(unsafeSegment) ? undefined : bare
}

/** The store key of a packet path in an environment. */
export const keyOf = (projectRef: string, envSlug: string, path: string): string =>
  `packets/${projectRef}/${envSlug}/${path}`

const sign = (store: ObjectStore, method: string, key: string, expires: number): string =>
  createHmac("sha256", store.signingKey).update(`${method}\n${key}\n${expires}`).digest("base64url")

const encodeKey = (key: string): string => key.split("/").map(encodeURIComponent).join("/")

/** A presigned URL for one method on one key, valid for {@link presignSeconds} from `now`. */
export const presign = (
  store: ObjectStore,
  origin: string,
  method: "GET" | "PUT",
  key: string,
  now: number
): string => {
  const expires = Math.floor(now / 1000) + presignSeconds
  const query = new URLSearchParams({
    method,
    expires: String(expires),
    signature: sign(store, method, key, expires)
  })
  return `${origin}${pathPrefix}${encodeKey(key)}?${query.toString()}`
}

/** An object-store answer (S3-shaped XML errors, as a real bucket answers). */
export interface ObjectAnswer {
  readonly status: number
  readonly body: string
  readonly contentType: string
}

const s3Error = (status: number, code: string, message: string): ObjectAnswer => ({
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  contentType: "application/xml"
})

/** The S3 answer for an upload over {@link maxObjectBytes}. */
export const tooLarge = s3Error(
  400,
  "EntityTooLarge",
  `Your proposed upload exceeds the maximum allowed size (${maxObjectBytes} bytes)`
)

/**
 * Answers a request under {@link pathPrefix}: a `PUT` stores the body with its `content-type`, a `GET`
 * returns it with that type. The signature must match the method and key and be unexpired (else 403, as
 * S3); an unknown key is 404.
 */
export const handle = (
  store: ObjectStore,
  request: {
    readonly method: string
    readonly pathname: string
    readonly query: string
    readonly contentType: string | undefined
    readonly body: Buffer | undefined
    readonly now: number
  }
): ObjectAnswer => {
  let key: string
  try {
    key = decodeURIComponent(request.pathname.slice(pathPrefix.length))
  } catch {
    return s3Error(400, "InvalidURI", "Couldn't parse the specified URI.")
  }
  const params = new URLSearchParams(request.query)
  const method = params.get("method")
  const expires = Number(params.get("expires"))
  const signature = Buffer.from(params.get("signature") ?? "")
  const expected = Buffer.from(Number.isInteger(expires) ? sign(store, request.method, key, expires) : "")
  if (
    method !== request.method ||
    signature.length !== expected.length ||
    !timingSafeEqual(signature, expected)
  )
    return s3Error(
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided."
    )
  if (expires * 1000 < request.now) return s3Error(403, "AccessDenied", "Request has expired")
  if (request.method === "PUT") {
    store.objects.set(key, {
      data: (request.body ?? Buffer.alloc(0)).toString("utf8"),
      contentType: request.contentType ?? "application/octet-stream"
    })
    return { status: 200, body: "", contentType: "text/plain" }
  }
  const object = store.objects.get(key)
  return object === undefined
    ? s3Error(404, "NoSuchKey", "The specified key does not exist.")
    : { status: 200, body: object.data, contentType: object.contentType }
}
