/**
 * Five-field cron expressions (`minute hour day-of-month month day-of-week`): validation and the next
 * times they fire. Supports `*`, numbers, ranges `a-b`, steps `*\/n` and `a-b/n`, lists `a,b`, and `7` as
 * Sunday. Day-of-month and day-of-week combine as in Vixie cron: when both are restricted, either matches.
 */

interface Field {
  readonly name: string
  readonly min: number
  readonly max: number
}

const fields: ReadonlyArray<Field> = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 7 }
]

/** A parsed expression: the allowed values of each field. */
export interface Cron {
  readonly minutes: ReadonlySet<number>
  readonly hours: ReadonlySet<number>
  readonly daysOfMonth: ReadonlySet<number>
  readonly months: ReadonlySet<number>
  readonly daysOfWeek: ReadonlySet<number>
  readonly dayOfMonthRestricted: boolean
  readonly dayOfWeekRestricted: boolean
}

const parseNumber = (text: string, field: Field): number | string => {
  if (!/^\d+$/.test(text)) return `"${text}" is not a number in the ${field.name} field`
  const n = Number(text)
  if (n < field.min || n > field.max)
    return `${n} is outside ${field.min}-${field.max} in the ${field.name} field`
  return n
}

const parseField = (text: string, field: Field): Set<number> | string => {
  const values = new Set<number>()
  for (const part of text.split(",")) {
    const [range = "", stepText] = part.split("/")
    let step = 1
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0)
        return `bad step "${stepText}" in the ${field.name} field`
      step = Number(stepText)
    }
    let from: number
    let to: number
    if (range === "*") {
      from = field.min
      to = field.max
    } else if (range.includes("-")) {
      const [a = "", b = ""] = range.split("-")
      const lo = parseNumber(a, field)
      const hi = parseNumber(b, field)
      if (typeof lo === "string") return lo
      if (typeof hi === "string") return hi
      if (lo > hi) return `range ${lo}-${hi} is backwards in the ${field.name} field`
      from = lo
      to = hi
    } else {
      const n = parseNumber(range, field)
      if (typeof n === "string") return n
      from = n
      to = stepText === undefined ? n : field.max
    }
    for (let v = from; v <= to; v += step) values.add(v)
  }
  return values
}

/** Parses a cron expression, or returns the reason it is not one. */
export const parse = (expression: string): Cron | string => {
  const parts = expression.trim().split(/\s+/)
  if (parts.length !== 5)
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week), not ${parts.length}`
  const sets: Array<Set<number>> = []
  for (let i = 0; i < 5; i++) {
    const field = fields[i] as Field
    const set = parseField(parts[i] as string, field)
    if (typeof set === "string") return set
    sets.push(set)
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>
  ]
  if (daysOfWeek.has(7)) daysOfWeek.add(0)
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    dayOfMonthRestricted: parts[2] !== "*",
    dayOfWeekRestricted: parts[4] !== "*"
  }
}

const dayMatches = (cron: Cron, date: Date): boolean => {
  const dom = cron.daysOfMonth.has(date.getUTCDate())
  const dow = cron.daysOfWeek.has(date.getUTCDay())
  if (cron.dayOfMonthRestricted && cron.dayOfWeekRestricted) return dom || dow
  if (cron.dayOfMonthRestricted) return dom
  if (cron.dayOfWeekRestricted) return dow
  return true
}

/** The offset of a time zone from UTC at an instant, in minutes (e.g. 60 for Europe/Paris in winter). */
const offsetMinutes = (timezone: string, at: Date): number => {
  if (timezone === "UTC") return 0
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit"
  }).formatToParts(at)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"))
  return Math.round((local - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000)
}

/** Whether `timezone` is an IANA time zone name this runtime knows. */
export const isValidTimezone = (timezone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone })
    return true
  } catch {
    return false
  }
}

/**
 * The next `count` times after `after` at which the expression fires in `timezone` (the zone's offset at
 * `after` is used for the whole search: good enough for an emulator, not across a DST change).
 */
export const nextRuns = (cron: Cron, after: Date, count: number, timezone = "UTC"): Array<Date> => {
  const offset = offsetMinutes(timezone, after) * 60_000
  const t = new Date(Math.floor((after.getTime() + offset) / 60_000) * 60_000 + 60_000)
  const limit = after.getTime() + offset + 5 * 366 * 24 * 3_600_000
  const out: Array<Date> = []
  while (out.length < count && t.getTime() < limit) {
    if (!cron.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1)
      t.setUTCHours(0, 0, 0, 0)
    } else if (!dayMatches(cron, t)) {
      t.setUTCDate(t.getUTCDate() + 1)
      t.setUTCHours(0, 0, 0, 0)
    } else if (!cron.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0)
    } else if (!cron.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0)
    } else {
      out.push(new Date(t.getTime() - offset))
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0)
    }
  }
  return out
}

/** A human description, as the public API returns in `generator.description` (kept simple). */
export const describe = (expression: string): string => {
  const parts = expression.trim().split(/\s+/)
  if (parts.every((p) => p === "*")) return "Every minute"
  if (parts[0] !== undefined && /^\d+$/.test(parts[0]) && parts.slice(1).every((p) => p === "*")) {
    return `At ${parts[0]} minutes past the hour`
  }
  return `Cron: ${parts.join(" ")}`
}
