/**
 * The packets routes: where to `PUT` an offloaded payload packet, and the `storagePath` the trigger then
 * sends (`packets.upload`); where to `GET` a stored packet back (`packets.download`). Both answer a URL
 * presigned for 300 s without looking whether the object exists, as the server does: a missing packet is
 * the object store's 404 (docs/reference/payloads.md).
 */
import { ManagementApi } from "@authctx/api"
import * as ObjectStore from "../objectStore.js"
import { type Context, fail, handle, ok, type RouteHandler, withEnvironment } from "./handle.js"

/** The object-store key of a packet path in the request's environment, or `undefined` for an unsafe path. */
const keyOf = (context: Context, filename: string): string | undefined =>
  withKey(context, filename, (key) => key)

const withKey = <A>(
  context: Context,
  filename: string,
  f: (key: string, safe: string) => A
): A | undefined => {
  const environment = context.environment
  const safe = ObjectStore.safePath(filename)
  if (environment === undefined || safe === undefined) return undefined
  return f(ObjectStore.keyOf(environment.project.ref, environment.slug, safe), safe)
}

/** The packets handlers, one per route of the `packets` group. */
export const packets: readonly [
  RouteHandler<typeof ManagementApi.packetsUpload>,
  RouteHandler<typeof ManagementApi.packetsDownload>
] = [
  handle(ManagementApi.packetsUpload, (context, { path }) =>
    withEnvironment(context, () => {
      const answer = withKey(context, path.filename, (key, storagePath) => ({
        presignedUrl: ObjectStore.presign(context.state.objects, context.origin, "PUT", key, context.now),
        storagePath
      }))
      return answer === undefined ? fail(400, ObjectStore.invalidPathMessage) : ok(answer)
    })
  ),
  // ---- query: packets.download ----
  handle(ManagementApi.packetsDownload, (context, { path }) =>
    withEnvironment(context, () => {
      // the route declares no resource to check an additional key's limits against: the server refuses them
      if (context.principal.kind === "SecretKey" && context.principal.scoped) return fail(403, "Unauthorized")
      const key = keyOf(context, path.filename)
      return key === undefined
        ? fail(400, ObjectStore.invalidPathMessage)
        : ok({
            presignedUrl: ObjectStore.presign(context.state.objects, context.origin, "GET", key, context.now)
          })
    })
  )
]
