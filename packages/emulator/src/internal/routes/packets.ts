/**
 * The packets route: where to `PUT` an offloaded payload packet, and the `storagePath` the trigger then
 * sends (docs/reference/payloads.md).
 */
import { ManagementApi } from "@authctx/api"
import * as ObjectStore from "../objectStore.js"
import { fail, handle, ok, type RouteHandler, withEnvironment } from "./handle.js"

/** The packets handler. */
export const packets: readonly [RouteHandler<typeof ManagementApi.packetsUpload>] = [
  handle(ManagementApi.packetsUpload, (context, { path }) =>
    withEnvironment(context, (environment) => {
      const safe = ObjectStore.safePath(path.filename)
      if (safe === undefined) return fail(400, ObjectStore.invalidPathMessage)
      const key = ObjectStore.keyOf(environment.project.ref, environment.slug, safe)
      return ok({
        presignedUrl: ObjectStore.presign(context.state.objects, context.origin, "PUT", key, context.now),
        storagePath: safe
      })
    })
  )
]
