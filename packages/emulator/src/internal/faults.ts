/**
 * Fault injection: rules set at run time, matched per request in the order they were added (the first
 * rule that matches and fires wins). A rule with a `fraction` fires for that share of its matching
 * requests, drawn from a seeded random source; `times` counts the requests it fired for.
 */
import { Catalog, Headers, type ManagementApi } from "@authctx/api"
import { InvalidFaultRule } from "../Errors.js"
import { redactTokens } from "../RequestLog.js"
import type * as Random from "./random.js"

/**
 * A rule for injecting faults.
 *
 * @example
 * ```ts
 * import { type FaultRule, startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator()
 * const unavailable: FaultRule = { route: "runs.retrieve", status: 503, shouldRetry: true, times: 2 }
 * emulator.faults.inject(unavailable)
 * emulator.faults.inject({ route: "tasks.trigger", drop: "after", times: 1 })
 * emulator.faults.inject({ route: "runs.listProject", status: 500 }) // one route of the runs.list call
 * emulator.faults.inject({ fraction: 0.1, latencyMs: 200 })
 * ```
 *
 * Absent fields do nothing special: a rule with only `route` answers 500
 * `{"error":"Injected fault"}` on every request to that route. A rule that only sets `latencyMs` delays the
 * answer and otherwise answers normally. A rule drops the connection or answers a status, not both.
 */
export interface FaultRule {
  /**
   * Which requests: a route id (`runs.retrieve`, `runs.listProject`, `tasks.createBatch`: that one route)
   * or an SDK call name (`runs.list`, `tasks.batchTrigger`: every route of the call); all routes when
   * absent. An id that is also a call name (`runs.retrieve`) is that call's only route, so both readings
   * agree. A name that is neither throws `InvalidFaultRule`.
   */
  readonly route?: ManagementApi.AnyId | ManagementApi.AnyCall
  /** Fire for the next N matching requests; unlimited when absent. */
  readonly times?: number
  /** Fire for this share (0..1) of matching requests, drawn from the seeded random source. */
  readonly fraction?: number
  /** The status to answer (500 by default; 429 by default when a rate-limit field is set). */
  readonly status?: number
  /** The JSON body; `{"error":"Injected fault"}` by default. */
  readonly body?: unknown
  /** Sends `x-should-retry: true|false`. */
  readonly shouldRetry?: boolean
  /** Sends `x-ratelimit-reset` = now + this, in epoch milliseconds. */
  readonly rateLimitResetMs?: number
  /** Sends `Retry-After` in seconds. */
  readonly retryAfterSeconds?: number
  /** Waits this long before answering (or before dropping). */
  readonly latencyMs?: number
  /** Destroys the socket `"before"` the handler runs, or `"after"` it ran (the work is done and, with an
   * idempotency key, cached; the answer is lost). */
  readonly drop?: "before" | "after"
}

/** A handle on one injected rule. */
export interface FaultHandle {
  readonly remaining: () => number
  readonly clear: () => void
}

/**
 * Fault injection at run time.
 *
 * @example
 * ```ts
 * import { type Faults, startEmulator } from "@authctx/emulator"
 *
 * const emulator = await startEmulator()
 * const faults: Faults = emulator.faults
 * const rule = faults.inject({ route: "runs.list", status: 500, times: 3 }) // both runs.list routes
 * rule.remaining() // 3, then fewer as requests hit it
 * emulator.faults.clear()
 * ```
 */
export interface Faults {
  /** Adds a rule; throws `InvalidFaultRule` when it makes no sense. */
  inject(rule: FaultRule): FaultHandle
  /** Removes every rule. */
  clear(): void
}

/** What happens to one request. */
export interface Fault {
  readonly latencyMs: number
  readonly drop: "before" | "after" | undefined
  /** An injected answer, unless the rule only adds latency or drops. */
  readonly answer:
    | {
        readonly status: number
        readonly body: string
        readonly headers: (now: number) => Readonly<Record<string, string>>
      }
    | undefined
  /** For the request log: `status 503`, `drop after`, `latency 200ms + status 500`. */
  readonly description: string
}

interface Active {
  readonly rule: FaultRule
  readonly fault: Fault
  /** The ids of the routes the rule selects; `undefined` for every route. */
  readonly ids: ReadonlySet<string> | undefined
  remaining: number
}

const defaultBody = JSON.stringify({ error: "Injected fault" })

/** The ids a rule's `route` selects (docs/emulator.md, "Route ids"), or why it selects none. */
const selected = (route: string): ReadonlySet<string> | string => {
  const entries = Catalog.select(route)
  if (entries.length > 0) return new Set(entries.map((entry) => entry.id))
  const call = /^(\S+) \((environment|project)\)$/.exec(route)
  const hint =
    call !== null
      ? `; the route id is ${call[2] === "project" ? "runs.listProject" : "runs.listEnvironment"}`
      : "; use a route id (Catalog.entries[i].id) or a call name"
  return `route "${redactTokens(route)}" is neither a route id nor a call name${hint}`
}

const check = (rule: FaultRule): ReadonlySet<string> | undefined => {
  const fail = (reason: string): never => {
    throw new InvalidFaultRule({ reason })
  }
  if (rule.fraction !== undefined && !(rule.fraction >= 0 && rule.fraction <= 1))
    fail("fraction must be between 0 and 1")
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0))
    fail("times must be a whole number, 0 or more")
  if (
    rule.status !== undefined &&
    !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)
  )
    fail("status must be an HTTP status between 100 and 599")
  if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0 && Number.isFinite(rule.latencyMs)))
    fail("latencyMs must be 0 or more")
  if (rule.drop !== undefined && rule.drop !== "before" && rule.drop !== "after")
    fail('drop must be "before" or "after"')
  if (rule.drop !== undefined && rule.status !== undefined) fail("a rule either drops or answers a status")
  if (rule.route === undefined) return undefined
  if (typeof rule.route !== "string") return fail("route must be a route id or a call name")
  const ids = selected(rule.route)
  return typeof ids === "string" ? fail(ids) : ids
}

/** The fault a rule describes, computed once when it is injected. */
const faultOf = (rule: FaultRule): Fault => {
  const answers =
    rule.drop === undefined &&
    (rule.status !== undefined ||
      rule.body !== undefined ||
      rule.shouldRetry !== undefined ||
      rule.rateLimitResetMs !== undefined ||
      rule.retryAfterSeconds !== undefined ||
      rule.latencyMs === undefined)
  const status =
    rule.status ?? (rule.rateLimitResetMs !== undefined || rule.retryAfterSeconds !== undefined ? 429 : 500)
  const latencyMs = rule.latencyMs ?? 0
  const parts: Array<string> = []
  if (latencyMs > 0) parts.push(`latency ${latencyMs}ms`)
  if (rule.drop !== undefined) parts.push(`drop ${rule.drop}`)
  if (answers) parts.push(`status ${status}`)
  const shouldRetry = rule.shouldRetry === undefined ? undefined : String(rule.shouldRetry)
  const retryAfter = rule.retryAfterSeconds === undefined ? undefined : String(rule.retryAfterSeconds)
  const resetMs = rule.rateLimitResetMs
  return {
    latencyMs,
    drop: rule.drop,
    description: parts.join(" + "),
    answer: answers
      ? {
          status,
          body: rule.body === undefined ? defaultBody : JSON.stringify(rule.body),
          headers: (now) => ({
            ...(shouldRetry === undefined ? {} : { [Headers.shouldRetry]: shouldRetry }),
            ...(resetMs === undefined ? {} : { [Headers.rateLimitReset]: String(now + resetMs) }),
            ...(retryAfter === undefined ? {} : { [Headers.retryAfter]: retryAfter })
          })
        }
      : undefined
  }
}

/** The fault registry of one emulator, with its own seeded random source for fractions. */
export const make = (random: Random.Random) => {
  const active: Array<Active> = []
  const remove = (entry: Active) => {
    const i = active.indexOf(entry)
    if (i >= 0) active.splice(i, 1)
  }
  const faults: Faults = {
    inject: (rule) => {
      const ids = check(rule)
      const entry: Active = {
        rule,
        fault: faultOf(rule),
        ids,
        remaining: rule.times ?? Number.POSITIVE_INFINITY
      }
      if (entry.remaining > 0) active.push(entry)
      return {
        remaining: () => (active.includes(entry) ? entry.remaining : 0),
        clear: () => remove(entry)
      }
    },
    clear: () => {
      active.length = 0
    }
  }
  /** The fault for a request to the route with this id, if a rule fires (and counts it). */
  const take = (routeId: string): Fault | undefined => {
    if (active.length === 0) return undefined
    for (const entry of active) {
      if (entry.ids !== undefined && !entry.ids.has(routeId)) continue
      if (entry.rule.fraction !== undefined && !(random.next() < entry.rule.fraction)) continue
      entry.remaining--
      if (entry.remaining <= 0) remove(entry)
      return entry.fault
    }
    return undefined
  }
  return { faults, take }
}
