/**
 * The leak check, from the emulator's own request log: every call a demo server makes for a tenant reads
 * that tenant's variable, so its path names the tenant; the call leaked when the credential the emulator
 * saw (its fingerprint) is not that tenant's.
 */
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
  let checked = 0
  let leaks = 0
  let leakedButAnswered = 0
  let unattributed = 0
  for (const record of records) {
    const name =
      record.route === "envvars.retrieve" ? record.path.slice(record.path.lastIndexOf("/") + 1) : ""
    const tenant = tenants.byVarName.get(name)
    const expected =
      tenant === undefined ? undefined : `/api/v1/projects/${tenant.projectRef}/envvars/${tenant.env}/${name}`
    if (tenant === undefined || record.path !== expected) {
      unattributed++
      continue
    }
    checked++
    if (record.credential !== tenant.fingerprint) {
      leaks++
      if (record.status === 200) leakedButAnswered++
    }
  }
  return { checked, leaks, leakedButAnswered, unattributed }
}
