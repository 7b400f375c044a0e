/**
 * The leak check, from the emulator's own request log, with the adapter suites' check
 * (`checkLog` of `@authctx/adapter-testkit`): every call a demo server makes for a tenant reads that
 * tenant's variable, so its path names the tenant; the call leaked when the credential the emulator saw
 * (its fingerprint) is not that tenant's.
 */
import { checkLog } from "@authctx/adapter-testkit"
import type { RequestRecord } from "@authctx/emulator"
import type { Tenants } from "./tenants.js"

export interface LeakCheck {
  /** Calls attributed to a tenant by their path. */
  readonly checked: number
  /** Checked calls that carried another credential than their tenant's. */
  readonly leaks: number
  /** Leaked calls the emulator answered 200: the caller got data under someone else's credential. */
  readonly leakedButAnswered: number
  /** Calls in the window that name no tenant (should be none). */
  readonly unattributed: number
}

export const checkLeaks = (records: ReadonlyArray<RequestRecord>, tenants: Tenants): LeakCheck => {
  const log = checkLog(records, tenants.all)
  return {
    checked: log.attributed,
    leaks: log.crossTenant.length,
    leakedButAnswered: log.crossTenant.filter((r) => r.status === 200).length,
    unattributed: records.length - log.attributed
  }
}
