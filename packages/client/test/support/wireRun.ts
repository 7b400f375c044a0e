/** A finished run as the server answers it on the wire, for suites whose loopback server fakes answers. */
export const wireRun = (id: string, extra: Readonly<Record<string, unknown>> = {}) => ({
  id,
  status: "COMPLETED",
  taskIdentifier: "t",
  isQueued: false,
  isExecuting: false,
  isWaiting: false,
  isCompleted: true,
  isSuccess: true,
  isFailed: false,
  isCancelled: false,
  isTest: false,
  createdAt: "2026-12-01T00:00:00.000Z",
  updatedAt: "2026-12-01T00:00:00.000Z",
  tags: [],
  costInCents: 0,
  baseCostInCents: 0,
  durationMs: 0,
  ...extra
})
