/**
 * Pages of list calls in the Promise API, shaped like the official SDK's (`CursorPage` for `runs.list`,
 * `OffsetLimitPage` for `schedules.list`): `data`, `pagination`, `hasNextPage()` / `hasPreviousPage()`,
 * `getNextPage()` / `getPreviousPage()`, `iterPages()`, and `for await` over every item of every page.
 * A list call answers a {@link PagePromise}: await it for the first page, or iterate it directly.
 *
 * Every page of one listing is fetched with the credential of the first call, even when a later page is
 * asked for outside the `auth.withAuth` scope that started it (docs/reference/results-and-pages.md).
 *
 * @example
 * ```ts
 * import { runs } from "@authctx/client/promise"
 *
 * for await (const run of runs.list({ status: "FAILED", limit: 50 })) console.log(run.id)
 *
 * const first = await runs.list({ limit: 10 })
 * if (first.hasNextPage()) {
 *   const second = await first.getNextPage()
 *   console.log(second.data.length)
 * }
 * ```
 */
import type { Schemas } from "@authctx/api"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { ApiSchemaError } from "./Errors.js"

/**
 * `getNextPage()` or `getPreviousPage()` on a page that has none (check `hasNextPage()` first). Nothing
 * was sent.
 */
export class NoSuchPage extends Schema.TaggedError<NoSuchPage>("@authctx/client/NoSuchPage")("NoSuchPage", {
  /** The list call, e.g. `runs.list`. */
  endpoint: Schema.String,
  direction: Schema.Literal("next", "previous")
}) {
  override get message(): string {
    return `${this.endpoint}: there is no ${this.direction} page (check has${
      this.direction === "next" ? "Next" : "Previous"
    }Page() before asking for it)`
  }
}

/**
 * A page that is also a promise of it: `await` it for the page, or `for await` over it for every item of
 * every page (as the SDK's `CursorPagePromise` / `OffsetLimitPagePromise`).
 */
export type PagePromise<P extends AsyncIterable<T>, T> = Promise<P> & AsyncIterable<T>

/** Makes a promise of a page iterable over the items of that page and the pages after it. */
export const pagePromise = <P extends AsyncIterable<T>, T>(promise: Promise<P>): PagePromise<P, T> =>
  Object.assign(promise, {
    [Symbol.asyncIterator]: async function* (): AsyncGenerator<T, void, undefined> {
      yield* await promise
    }
  })

/** The cursor of a page to fetch: one of `after` or `before`. */
export interface CursorParams {
  readonly after?: string | undefined
  readonly before?: string | undefined
}

/** The cursor of an offset page to fetch. */
export interface OffsetParams {
  readonly page: number
}

/** What both page kinds share: the data, the fetcher of other pages, and iteration over every item. */
abstract class Page<T, Pagination, Params, Self extends Page<T, Pagination, Params, Self>>
  implements AsyncIterable<T>
{
  readonly data: ReadonlyArray<T>
  readonly pagination: Pagination
  readonly #endpoint: string
  readonly #fetch: (params: Params) => PagePromise<Self, T>

  /** @internal Pages are made by the list calls. */
  constructor(
    endpoint: string,
    data: ReadonlyArray<T>,
    pagination: Pagination,
    fetch: (params: Params) => PagePromise<Self, T>
  ) {
    this.#endpoint = endpoint
    this.data = data
    this.pagination = pagination
    this.#fetch = fetch
  }

  /** The items of this page. */
  getPaginatedItems(): ReadonlyArray<T> {
    return this.data
  }

  /** This page and every next one. */
  abstract iterPages(): AsyncGenerator<Self, void, undefined>

  /** Every item of this page and of every next one, once. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.iterPages()) yield* page.data
  }

  /** The page at `params`, or a `NoSuchPage` rejection (nothing sent) when there is none that way. */
  protected page(params: Params | undefined, direction: "next" | "previous"): PagePromise<Self, T> {
    return params === undefined
      ? pagePromise(Promise.reject(new NoSuchPage({ endpoint: this.#endpoint, direction })))
      : this.#fetch(params)
  }

  /** Paging that would loop forever on the server's word, refused. */
  protected stopped(issue: string): ApiSchemaError {
    return new ApiSchemaError({
      endpoint: this.#endpoint,
      status: 200,
      issue: `${issue}: paging stopped instead of looping`
    })
  }
}

/**
 * A cursor page (`runs.list`): newest first; `pagination.next` is the cursor of the older page after it,
 * `pagination.previous` of the newer page before it.
 *
 * @example
 * ```ts
 * import type { CursorPage } from "@authctx/client/promise"
 *
 * const ids = async (page: CursorPage<{ id: string }>) => {
 *   const all: Array<string> = []
 *   for await (const item of page) all.push(item.id)
 *   return all
 * }
 * ```
 */
export class CursorPage<T> extends Page<T, Schemas.CursorPagination, CursorParams, CursorPage<T>> {
  /** Whether the server named a next (older) page. */
  hasNextPage(): boolean {
    return !!this.pagination.next
  }

  /** Whether the server named a previous (newer) page. */
  hasPreviousPage(): boolean {
    return !!this.pagination.previous
  }

  /** The next page; rejects with `NoSuchPage` (nothing sent) when there is none. */
  getNextPage(): PagePromise<CursorPage<T>, T> {
    const after = this.pagination.next
    return this.page(after ? { after } : undefined, "next")
  }

  /** The previous page; rejects with `NoSuchPage` (nothing sent) when there is none. */
  getPreviousPage(): PagePromise<CursorPage<T>, T> {
    const before = this.pagination.previous
    return this.page(before ? { before } : undefined, "previous")
  }

  /**
   * This page and every next one. A server that names a cursor it named before would loop forever: that
   * is an `ApiSchemaError` instead.
   */
  async *iterPages(): AsyncGenerator<CursorPage<T>, void, undefined> {
    const seen = new Set<string>()
    let page: CursorPage<T> = this
    yield page
    while (page.pagination.next) {
      const next = page.pagination.next
      // the cursor is server text, not quoted (an echoing server could put anything there)
      if (seen.has(next)) throw this.stopped("pagination.next repeats a cursor it named before")
      seen.add(next)
      page = await page.getNextPage()
      yield page
    }
  }
}

/**
 * An offset page (`schedules.list`): `pagination.currentPage` of `pagination.totalPages`, `count` items in
 * all.
 *
 * @example
 * ```ts
 * import { type OffsetLimitPage, schedules } from "@authctx/client/promise"
 *
 * const page: OffsetLimitPage<{ readonly id: string }> = await schedules.list({ perPage: 20 })
 * console.log(page.pagination.currentPage, page.pagination.totalPages, page.data.length)
 * ```
 */
export class OffsetLimitPage<T> extends Page<
  T,
  Schemas.OffsetLimitPagination,
  OffsetParams,
  OffsetLimitPage<T>
> {
  /** Whether `currentPage < totalPages`. */
  hasNextPage(): boolean {
    return this.pagination.currentPage < this.pagination.totalPages
  }

  /** Whether `currentPage > 1`. */
  hasPreviousPage(): boolean {
    return this.pagination.currentPage > 1
  }

  /** The next page; rejects with `NoSuchPage` (nothing sent) when there is none. */
  getNextPage(): PagePromise<OffsetLimitPage<T>, T> {
    const params = this.hasNextPage() ? { page: this.pagination.currentPage + 1 } : undefined
    return this.page(params, "next")
  }

  /** The previous page; rejects with `NoSuchPage` (nothing sent) when there is none. */
  getPreviousPage(): PagePromise<OffsetLimitPage<T>, T> {
    const params = this.hasPreviousPage() ? { page: this.pagination.currentPage - 1 } : undefined
    return this.page(params, "previous")
  }

  /**
   * This page and every next one. Stops at an empty page (a `totalPages` larger than the data would
   * otherwise be followed page by empty page); a page number that does not advance is an `ApiSchemaError`.
   */
  async *iterPages(): AsyncGenerator<OffsetLimitPage<T>, void, undefined> {
    let page: OffsetLimitPage<T> = this
    yield page
    while (page.hasNextPage() && page.data.length > 0) {
      const before = page.pagination.currentPage
      page = await page.getNextPage()
      if (!(page.pagination.currentPage > before))
        throw this.stopped(`pagination.currentPage went from ${before} to ${page.pagination.currentPage}`)
      yield page
    }
  }
}

/**
 * The Promise API's pages of a cursor-paged list: the first page fetched with the caller's parameters
 * (`cursor` undefined), every other page at its cursor, each through `fetchPage` (which runs the call with
 * the first call's credential and options). Internal to the namespaces' call objects.
 */
export const cursorPages = <T>(
  endpoint: string,
  fetchPage: (
    cursor: CursorParams | undefined
  ) => Promise<{ readonly data: ReadonlyArray<T>; readonly pagination: Schemas.CursorPagination }>
): PagePromise<CursorPage<T>, T> => {
  const fetch = (cursor: CursorParams | undefined): PagePromise<CursorPage<T>, T> =>
    pagePromise(fetchPage(cursor).then((page) => new CursorPage(endpoint, page.data, page.pagination, fetch)))
  return fetch(undefined)
}

/** What {@link cursorStream} needs of a cursor page: its items and the cursor of the next page, if any. */
export interface CursorPageData<T> {
  readonly data: ReadonlyArray<T>
  readonly pagination: { readonly next?: string | null | undefined }
}

/**
 * The Effect API's `stream` of a cursor-paged list (`Runs.stream`, `Deployments.stream`, …): the page at
 * `start` (the caller's own cursor, or the first page), then every `pagination.next` until the server names
 * none. A cursor named twice would loop forever, so the stream fails with `ApiSchemaError` instead. Each run
 * of the stream starts over. Internal to the namespaces (not exported from the package).
 */
export const cursorStream = <T, E, R>(
  endpoint: string,
  fetchPage: (cursor: string | undefined) => Effect.Effect<CursorPageData<T>, E, R>,
  start?: string
): Stream.Stream<T, E | ApiSchemaError, R> =>
  Stream.suspend(() => {
    const seen = new Set<string>()
    return Stream.paginateChunkEffect(start, (cursor: string | undefined) => {
      if (cursor !== undefined && seen.has(cursor))
        return Effect.fail<E | ApiSchemaError>(
          new ApiSchemaError({
            endpoint,
            status: 200,
            // the cursor is server text, not quoted (an echoing server could put anything there)
            issue: "pagination.next repeats a cursor it named before: paging stopped instead of looping"
          })
        )
      if (cursor !== undefined) seen.add(cursor)
      return Effect.map(
        fetchPage(cursor),
        (page) =>
          [Chunk.fromIterable(page.data), Option.fromNullable(page.pagination.next || undefined)] as const
      )
    })
  })

/**
 * The Effect API's `stream` of a page-numbered list (`Queues.stream`, `Schedules.stream`): the page `start`,
 * then each next page while the last one had items and was not the last of `totalPages`. Each run of the
 * stream starts over. Internal to the namespaces (not exported from the package).
 */
export const numberedStream = <T, E, R>(
  fetchPage: (
    page: number
  ) => Effect.Effect<
    { readonly data: ReadonlyArray<T>; readonly pagination: Schemas.OffsetLimitPagination },
    E,
    R
  >,
  start: number
): Stream.Stream<T, E, R> =>
  Stream.paginateChunkEffect(start, (page: number) =>
    Effect.map(fetchPage(page), (result) => {
      const more =
        result.data.length > 0 && Number(result.pagination.currentPage) < Number(result.pagination.totalPages)
      return [Chunk.fromIterable(result.data), more ? Option.some(page + 1) : Option.none()] as const
    })
  )
