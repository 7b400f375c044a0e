/**
 * The emulator's stand-in for TRQL (`query.execute`): the server compiles TRQL to ClickHouse SQL over
 * many tables; the emulator understands one small, documented subset over one table, `runs`, built from
 * the runs it holds (docs/reference/query.md):
 *
 * ```text
 * SELECT item [, item]* FROM runs
 *   [WHERE column = literal [AND column = literal]*]
 *   [GROUP BY column [, column]*]
 *   [ORDER BY name [ASC|DESC]]
 *   [LIMIT n]
 * item := * | column [AS alias] | count() [AS alias]
 * ```
 *
 * Keywords are case-insensitive; a literal is a `'single-quoted'` string or a number. Anything else is a
 * 400 naming what the subset does not understand, never a guess.
 */
import { isFinal, type Run, runState, type State } from "./model.js"

/** A result row: column name to value. */
export type Row = Readonly<Record<string, unknown>>

/** The columns of the emulator's `runs` table, in `SELECT *` order. */
export const runColumns = [
  "run_id",
  "environment",
  "project",
  "environment_type",
  "status",
  "is_finished",
  "task_identifier",
  "queue",
  "batch_id",
  "idempotency_key",
  "tags",
  "is_test",
  "triggered_at",
  "completed_at"
] as const

type Column = (typeof runColumns)[number]

const isColumn = (name: string): name is Column => (runColumns as ReadonlyArray<string>).includes(name)

/** The server's friendly status names (`RunFriendlyStatus` of the SDK) for the emulator's statuses. */
const friendlyStatus = {
  DELAYED: "Delayed",
  QUEUED: "Queued",
  EXECUTING: "Executing",
  COMPLETED: "Completed",
  FAILED: "Failed",
  CANCELED: "Canceled"
} as const

/** One run as a row of the `runs` table at `now`. */
export const runRow = (run: Run, now: number, state: State): Row => {
  const s = runState(run, now, state.timings)
  return {
    run_id: run.id,
    environment: run.environment.slug,
    project: run.environment.project.ref,
    environment_type: run.environment.type,
    status: friendlyStatus[s.status],
    is_finished: isFinal(s.status) ? 1 : 0,
    task_identifier: run.taskIdentifier,
    queue: run.queue,
    batch_id: run.batchId ?? null,
    idempotency_key: run.idempotencyKey ?? "",
    tags: [...run.tags],
    is_test: run.isTest ? 1 : 0,
    triggered_at: new Date(run.createdAt).toISOString(),
    completed_at: s.finishedAt === undefined ? null : new Date(s.finishedAt).toISOString()
  }
}

// ---------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------

type Token =
  | { readonly kind: "word"; readonly text: string }
  | { readonly kind: "string"; readonly text: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "symbol"; readonly text: string }

/** Queries longer than this are refused: the subset never needs more, and parsing stays bounded. */
const maxQueryLength = 10_000

const tokenize = (text: string): ReadonlyArray<Token> | string => {
  const tokens: Array<Token> = []
  const pattern = /\s+|([A-Za-z_][A-Za-z0-9_]*)|(\d+(?:\.\d+)?)|'((?:[^']|'')*)'|([*,()=;])/y
  let at = 0
  while (at < text.length) {
    pattern.lastIndex = at
    const match = pattern.exec(text)
    if (match === null) return `unexpected character ${JSON.stringify(text[at])} at position ${at}`
    at = pattern.lastIndex
    const [, word, number, string, symbol] = match
    if (word !== undefined) tokens.push({ kind: "word", text: word })
    else if (number !== undefined) tokens.push({ kind: "number", value: Number(number) })
    else if (string !== undefined) tokens.push({ kind: "string", text: string.replaceAll("''", "'") })
    else if (symbol !== undefined) tokens.push({ kind: "symbol", text: symbol })
  }
  return tokens
}

/** One `SELECT` item: a column, every column, or the row count. */
type Item =
  | { readonly kind: "star" }
  | { readonly kind: "column"; readonly column: Column; readonly name: string }
  | { readonly kind: "count"; readonly name: string }

/** A parsed query of the subset. */
export interface Parsed {
  readonly items: ReadonlyArray<Item>
  readonly where: ReadonlyArray<{ readonly column: Column; readonly value: string | number }>
  readonly groupBy: ReadonlyArray<Column>
  readonly orderBy: { readonly name: string; readonly descending: boolean } | undefined
  readonly limit: number | undefined
}

class Cursor {
  at = 0
  constructor(readonly tokens: ReadonlyArray<Token>) {}
  peek(): Token | undefined {
    return this.tokens[this.at]
  }
  keyword(word: string): boolean {
    const token = this.peek()
    if (token?.kind === "word" && token.text.toUpperCase() === word) {
      this.at++
      return true
    }
    return false
  }
  symbol(text: string): boolean {
    const token = this.peek()
    if (token?.kind === "symbol" && token.text === text) {
      this.at++
      return true
    }
    return false
  }
  word(): string | undefined {
    const token = this.peek()
    if (token?.kind !== "word") return undefined
    this.at++
    return token.text
  }
  describe(): string {
    const token = this.peek()
    if (token === undefined) return "the end of the query"
    if (token.kind === "number") return String(token.value)
    if (token.kind === "string") return `'${token.text}'`
    return token.text
  }
}

const keywords = new Set([
  "SELECT",
  "FROM",
  "WHERE",
  "AND",
  "GROUP",
  "BY",
  "ORDER",
  "ASC",
  "DESC",
  "LIMIT",
  "AS"
])

const unknownColumn = (name: string): string =>
  `Unknown column "${name}": the emulator's runs table has ${runColumns.join(", ")}`

const columnOf = (cursor: Cursor): Column | string => {
  const name = cursor.word()
  if (name === undefined || keywords.has(name.toUpperCase()))
    return `a column name expected at ${cursor.describe()}`
  return isColumn(name) ? name : unknownColumn(name)
}

const aliasOf = (cursor: Cursor, fallback: string): string | { readonly error: string } => {
  if (!cursor.keyword("AS")) return fallback
  const alias = cursor.word()
  return alias === undefined ? { error: `an alias expected after AS at ${cursor.describe()}` } : alias
}

const item = (cursor: Cursor): Item | string => {
  if (cursor.symbol("*")) return { kind: "star" }
  const token = cursor.peek()
  if (token?.kind === "word" && token.text.toLowerCase() === "count") {
    cursor.at++
    if (!cursor.symbol("(")) return `"(" expected after count at ${cursor.describe()}`
    cursor.symbol("*")
    if (!cursor.symbol(")"))
      return `the emulator's count() takes no argument: ")" expected at ${cursor.describe()}`
    const name = aliasOf(cursor, "count")
    return typeof name === "string" ? { kind: "count", name } : name.error
  }
  const column = columnOf(cursor)
  if (!isColumn(column)) return column
  if (cursor.symbol("(")) return `function ${column}() is not in the emulator's query subset`
  const name = aliasOf(cursor, column)
  return typeof name === "string" ? { kind: "column", column, name } : name.error
}

/**
 * Parses a query of the subset, or says what it does not understand.
 */
export const parse = (text: string): Parsed | string => {
  if (text.length > maxQueryLength) return `The query is longer than ${maxQueryLength} characters`
  const tokens = tokenize(text)
  if (typeof tokens === "string") return tokens
  const cursor = new Cursor(tokens)
  if (!cursor.keyword("SELECT")) return `the query must start with SELECT, not ${cursor.describe()}`
  const items: Array<Item> = []
  do {
    const next = item(cursor)
    if (typeof next === "string") return next
    items.push(next)
  } while (cursor.symbol(","))
  if (!cursor.keyword("FROM")) return `FROM expected at ${cursor.describe()}`
  const table = cursor.word()
  if (table !== "runs")
    return `Unknown table "${table ?? cursor.describe()}": the emulator's query subset reads only runs`
  const where: Array<Parsed["where"][number]> = []
  if (cursor.keyword("WHERE")) {
    do {
      const column = columnOf(cursor)
      if (!isColumn(column)) return column
      if (!cursor.symbol("=")) return `the emulator's WHERE compares with "=" only, not ${cursor.describe()}`
      const literal = cursor.peek()
      if (literal?.kind === "string") where.push({ column, value: literal.text })
      else if (literal?.kind === "number") where.push({ column, value: literal.value })
      else return `a 'string' or a number expected after = at ${cursor.describe()}`
      cursor.at++
    } while (cursor.keyword("AND"))
  }
  const groupBy: Array<Column> = []
  if (cursor.keyword("GROUP")) {
    if (!cursor.keyword("BY")) return `BY expected after GROUP at ${cursor.describe()}`
    do {
      const column = columnOf(cursor)
      if (!isColumn(column)) return column
      groupBy.push(column)
    } while (cursor.symbol(","))
  }
  let orderBy: Parsed["orderBy"]
  if (cursor.keyword("ORDER")) {
    if (!cursor.keyword("BY")) return `BY expected after ORDER at ${cursor.describe()}`
    const name = cursor.word()
    if (name === undefined) return `a column expected after ORDER BY at ${cursor.describe()}`
    const descending = cursor.keyword("DESC")
    if (!descending) cursor.keyword("ASC")
    orderBy = { name, descending }
  }
  let limit: number | undefined
  if (cursor.keyword("LIMIT")) {
    const token = cursor.peek()
    if (token?.kind !== "number" || !Number.isInteger(token.value))
      return `a whole number expected after LIMIT at ${cursor.describe()}`
    cursor.at++
    limit = token.value
  }
  cursor.symbol(";")
  if (cursor.peek() !== undefined)
    return `${cursor.describe()} is not in the emulator's query subset (SELECT … FROM runs [WHERE] [GROUP BY] [ORDER BY] [LIMIT])`
  const counts = items.some((i) => i.kind === "count")
  if (counts || groupBy.length > 0) {
    for (const i of items) {
      if (i.kind === "star") return "SELECT * cannot be combined with count() or GROUP BY"
      if (i.kind === "column" && !groupBy.includes(i.column))
        return `Column "${i.column}" must be in GROUP BY to be selected beside count()`
    }
  }
  return { items, where, groupBy, orderBy, limit }
}

// ---------------------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------------------

/** The output column names of a parsed query, in order. */
export const columnsOf = (parsed: Parsed): ReadonlyArray<string> =>
  parsed.items.flatMap((i) => (i.kind === "star" ? [...runColumns] : [i.name]))

const matches = (row: Row, where: Parsed["where"]): boolean =>
  where.every(({ column, value }) => {
    const cell = row[column]
    return Array.isArray(cell) ? cell.includes(value) : cell === value
  })

const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0
  if (a === null || a === undefined) return -1
  if (b === null || b === undefined) return 1
  if (typeof a === "number" && typeof b === "number") return a - b
  return String(a) < String(b) ? -1 : 1
}

/**
 * Runs a parsed query over rows (already limited to the scope and time range), or says why not.
 */
export const execute = (parsed: Parsed, rows: ReadonlyArray<Row>): ReadonlyArray<Row> | string => {
  const kept = rows.filter((row) => matches(row, parsed.where))
  const grouped = parsed.items.some((i) => i.kind === "count") || parsed.groupBy.length > 0
  let out: Array<Row>
  if (grouped) {
    const groups = new Map<string, { readonly first: Row; count: number }>()
    for (const row of kept) {
      const key = JSON.stringify(parsed.groupBy.map((column) => row[column]))
      const group = groups.get(key)
      if (group === undefined) groups.set(key, { first: row, count: 1 })
      else group.count++
    }
    // count() over no rows and no GROUP BY is one row of 0, as in SQL
    if (groups.size === 0 && parsed.groupBy.length === 0) groups.set("[]", { first: {}, count: 0 })
    out = [...groups.values()].map(({ first, count }) =>
      Object.fromEntries(
        parsed.items.map((i) =>
          i.kind === "count" ? [i.name, count] : i.kind === "column" ? [i.name, first[i.column]] : []
        )
      )
    )
  } else {
    out = kept.map((row) =>
      Object.fromEntries(
        parsed.items.flatMap((i) =>
          i.kind === "star"
            ? runColumns.map((column) => [column, row[column]])
            : i.kind === "column"
              ? [[i.name, row[i.column]]]
              : []
        )
      )
    )
  }
  if (parsed.orderBy !== undefined) {
    const { name, descending } = parsed.orderBy
    if (!columnsOf(parsed).includes(name))
      return `ORDER BY ${name}: not a column of the result (${columnsOf(parsed).join(", ")})`
    out.sort((a, b) => (descending ? -compare(a[name], b[name]) : compare(a[name], b[name])))
  }
  return parsed.limit === undefined ? out : out.slice(0, parsed.limit)
}

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return ""
  const text = typeof value === "string" ? value : JSON.stringify(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * Rows as CSV: a header line of the column names, then one line per row; `null` is an empty cell, arrays
 * are JSON, and a cell with `,`, `"` or a line break is double-quoted.
 */
export const toCsv = (columns: ReadonlyArray<string>, rows: ReadonlyArray<Row>): string =>
  [columns.map(csvCell).join(","), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(","))].join(
    "\n"
  )

/** A `period` of the request: a whole number of seconds, minutes, hours, days or weeks (`"7d"`). */
export const periodMs = (period: string): number | undefined => {
  const match = /^(\d{1,6})([smhdw])$/.exec(period)
  if (match === null) return undefined
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const
  return Number(match[1]) * unit[match[2] as keyof typeof unit]
}
