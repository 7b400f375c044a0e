/** Helpers shared by the client suites. */
import { Tracer } from "effect"

/** A tracer that records every span's name and attributes, over the native tracer. */
export const recordingTracer = (seen: Array<string>): Tracer.Tracer => {
  const native = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      seen.push(name, JSON.stringify(options?.attributes ?? {}))
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: "s",
        traceId: "t",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes: new Map(),
        links,
        sampled: true,
        kind,
        end: () => {},
        attribute: (key, value) => {
          seen.push(`${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
        },
        event: (event, _time, attributes) => {
          seen.push(event, JSON.stringify(attributes ?? {}))
        },
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  return native
}
