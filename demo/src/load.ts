/**
 * The load driver: `total` requests with at most `concurrency` in flight (the adapter suites' `runLoad`, timed;
 * Node's fetch keeps that many keep-alive connections open), each for a tenant picked at random and addressed either by path
 * (`/t/:tenant/vars`) or by header (`x-tenant`). Measures each request's latency and checks its answer.
 */
import { isOwn, runTimedLoad } from "@authctx/adapter-testkit"
import type { Tenant, Tenants } from "./tenants.js"

/** What one server's load run gave. */
export interface LoadResult {
  readonly requests: number
  /** Answers that were not 200 with the tenant's own data, or that failed. */
  readonly errors: number
  readonly ms: number
  /** Latencies, milliseconds, sorted ascending. */
  readonly latencies: ReadonlyArray<number>
  /** A few of the errors, for the report. */
  readonly samples: ReadonlyArray<string>
}

export interface LoadOptions {
  readonly url: string
  readonly tenants: Tenants
  readonly total: number
  readonly concurrency: number
  /** Called after each request with the number done so far. */
  readonly onProgress?: ((done: number) => void) | undefined
}

const pick = (tenants: ReadonlyArray<Tenant>): Tenant => {
  const tenant = tenants[Math.floor(Math.random() * tenants.length)]
  if (tenant === undefined) throw new Error("no tenants")
  return tenant
}

export const drive = async (options: LoadOptions): Promise<LoadResult> => {
  const { url, tenants, total, concurrency, onProgress } = options
  const samples: Array<string> = []
  let errors = 0
  let done = 0
  const one = async (index: number): Promise<void> => {
    const tenant = pick(tenants.all)
    const byPath = index % 2 === 0
    try {
      const response = await fetch(byPath ? `${url}/t/${tenant.id}/vars` : `${url}/vars`, {
        headers: byPath ? {} : { "x-tenant": tenant.id },
        signal: AbortSignal.timeout(30_000)
      })
      const text = await response.text()
      let answer: unknown
      try {
        answer = JSON.parse(text)
      } catch {
        answer = undefined
      }
      if (response.status !== 200 || !isOwn(tenant, answer)) {
        errors++
        if (samples.length < 3) samples.push(`${tenant.id}: ${response.status} ${text.slice(0, 160)}`)
      }
    } catch (error) {
      errors++
      if (samples.length < 3)
        samples.push(`${tenant.id}: ${error instanceof Error ? error.message : "failed"}`)
    }
    done++
    onProgress?.(done)
  }
  const { ms, latencies } = await runTimedLoad(total, concurrency, one)
  return { requests: total, errors, ms, latencies, samples }
}
