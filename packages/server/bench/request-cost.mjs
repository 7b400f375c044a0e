// The per-request costs behind docs/decisions/0015 and 0016: parsing a credential, authenticating a
// request with a cached parse, making the handle, the adapters' ownership check, entering the scope.
// Run after a build: `pnpm build && node packages/server/bench/request-cost.mjs` (best of 5 rounds of
// 200,000 calls each, after a warm-up; nanoseconds per call).
import { Auth, AuthScope, Credential } from "../../core/dist/index.js"
import { AuthHandle, RequestAuth } from "../dist/index.js"

const N = 200_000
const time = (label, fn) => {
  for (let i = 0; i < 20_000; i++) fn(i)
  let best = Infinity
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < N; i++) fn(i)
    best = Math.min(best, Number(process.hrtime.bigint() - t) / N)
  }
  console.log(`${label}: ${best.toFixed(0)} ns`)
}
const token = "tr_dev_abcdefghijklmnopqrstuvwx"
time("Credential.parseEither (uncached)", () => Credential.parseEither(token))
const auth = RequestAuth.make({})
const view = { header: () => `Bearer ${token}`, request: undefined }
time("RequestAuth authenticate, bearer, cached", () => auth(view))
const ctx = Auth.widen(auth(view).right)
time("AuthHandle.make", () => AuthHandle.make(ctx))
const handles = new WeakMap()
const reqs = Array.from({ length: 1024 }, () => ({ auth: undefined }))
time("ownership: WeakMap set + get + identity check", (i) => {
  const req = reqs[i & 1023]
  const h = {}
  req.auth = h
  handles.set(req, h)
  return handles.get(req) === req.auth
})
time("AuthScope.runWith(ctx, fn) sync", () => AuthScope.runWith(ctx, () => 1))
