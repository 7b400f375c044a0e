/**
 * The request log's records, kept column by column. A record object kept for every request is promoted
 * to the old generation and marked by every major GC; here each request appends its fields to arrays
 * (the strings are mostly shared: method, route id, fingerprint) and `list()` builds the record objects
 * when someone asks for them. One profile each of `runs.retrieve` at 32 concurrent (test/bench/emulator.ts, a
 * loaded 2-core machine, so only indicative): GC ~660 ms per ~100,000 requests with record objects kept,
 * ~290 ms keeping nothing, ~450 ms with these columns.
 */
import type { CredentialKind, RequestRecord } from "../RequestLog.js"

/** The request log of one emulator. */
export class RecordStore {
  private seq: Array<number> = []
  private at: Array<number> = []
  private method: Array<string> = []
  private path: Array<string> = []
  private route: Array<string | undefined> = []
  private status: Array<number> = []
  private credentialKind: Array<CredentialKind> = []
  private credential: Array<string | undefined> = []
  private projectRef: Array<string | undefined> = []
  private environment: Array<string | undefined> = []
  private branch: Array<string | undefined> = []
  private idempotencyKey: Array<string | undefined> = []
  private replayed: Array<boolean> = []
  private fault: Array<string | undefined> = []
  private durationMs: Array<number> = []

  /** Keeps a finished request's record (copied: the caller's object can be dropped). */
  push(record: RequestRecord): void {
    this.seq.push(record.seq)
    this.at.push(record.at)
    this.method.push(record.method)
    this.path.push(record.path)
    this.route.push(record.route)
    this.status.push(record.status)
    this.credentialKind.push(record.credentialKind)
    this.credential.push(record.credential)
    this.projectRef.push(record.projectRef)
    this.environment.push(record.environment)
    this.branch.push(record.branch)
    this.idempotencyKey.push(record.idempotencyKey)
    this.replayed.push(record.replayed)
    this.fault.push(record.fault)
    this.durationMs.push(record.durationMs)
  }

  /** Every record kept, in arrival (`seq`) order. */
  list(): ReadonlyArray<RequestRecord> {
    const out: Array<RequestRecord> = []
    for (let i = 0; i < this.seq.length; i++) {
      out.push({
        seq: this.seq[i] as number,
        at: this.at[i] as number,
        method: this.method[i] as string,
        path: this.path[i] as string,
        route: this.route[i],
        status: this.status[i] as number,
        credentialKind: this.credentialKind[i] as CredentialKind,
        credential: this.credential[i],
        projectRef: this.projectRef[i],
        environment: this.environment[i],
        branch: this.branch[i],
        idempotencyKey: this.idempotencyKey[i],
        replayed: this.replayed[i] as boolean,
        fault: this.fault[i],
        durationMs: this.durationMs[i] as number
      })
    }
    return out.sort((a, b) => a.seq - b.seq)
  }

  clear(): void {
    this.seq = []
    this.at = []
    this.method = []
    this.path = []
    this.route = []
    this.status = []
    this.credentialKind = []
    this.credential = []
    this.projectRef = []
    this.environment = []
    this.branch = []
    this.idempotencyKey = []
    this.replayed = []
    this.fault = []
    this.durationMs = []
  }
}
