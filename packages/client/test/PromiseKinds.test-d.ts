/**
 * Type tests of the Promise API's call × credential kind matrix: every call on an ambient function (kind
 * unknown until run time: every call compiles, and a refused kind is refused before sending) and on a
 * `createClient` client of each kind (a refused call is a `Refused<endpoint, kind given, kind needed, what
 * to do>` member, and the expected diagnostic text is written in each `@ts-expect-error` comment).
 *
 * The calls here are the namespaces' call objects (`Runs.calls`, …); `Surface.test.ts` checks that the
 * surfaces hold exactly those calls.
 */
import type { Calls, Envvars, Runs, Schedules, Tasks } from "@authctx/client"
import {
  auth,
  type Client,
  clientFor,
  createClient,
  envvars,
  type Refused,
  runs,
  schedules,
  tasks
} from "@authctx/client/promise"
import type { Auth } from "@authctx/core"
import { describe, expectTypeOf, it } from "vitest"

const devKey = "tr_dev_abcdefghijklmnopqrstuvwx"
const pat = "tr_pat_abcdefghijklmnopqrstuvwx0123456789"
declare const fromEnv: string
declare const keyContext: Auth.AuthContext<"SecretKey">
declare const patContext: Auth.AuthContext<"PersonalAccessToken">
const schedule = { task: "t", cron: "0 * * * *", deduplicationKey: "k" }

describe("ambient functions: every call compiles whatever the scope (the kind is known at run time)", () => {
  it("in a SecretKey scope", async () => {
    await auth.withAuth({ accessToken: devKey }, async () => {
      void tasks.trigger("t", {})
      void tasks.batchTrigger("t", [{ payload: 1 }])
      void runs.retrieve("run_1")
      void runs.cancel("run_1")
      void runs.replay("run_1")
      void envvars.list("proj_1", "dev")
      void envvars.retrieve("proj_1", "dev", "A")
      void envvars.upload("proj_1", "dev", { variables: { A: "1" } })
      void envvars.create("proj_1", "dev", { name: "A", value: "1" })
      void envvars.update("proj_1", "dev", "A", { value: "1" })
      void envvars.del("proj_1", "dev", "A")
      void schedules.list()
      void schedules.create(schedule)
      void schedules.retrieve("sched_1")
      void schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
      void schedules.activate("sched_1")
      void schedules.deactivate("sched_1")
      void schedules.del("sched_1")
      void runs.list({ limit: 10 })
      void runs.list("proj_1", { limit: 10 })
    })
  })
  it("in a PAT scope", async () => {
    await auth.withAuth({ accessToken: pat }, async () => {
      void tasks.trigger("t", {})
      void tasks.batchTrigger("t", [{ payload: 1 }])
      void runs.retrieve("run_1")
      void runs.cancel("run_1")
      void runs.replay("run_1")
      void envvars.list("proj_1", "dev")
      void envvars.retrieve("proj_1", "dev", "A")
      void envvars.upload("proj_1", "dev", { variables: { A: "1" } })
      void envvars.create("proj_1", "dev", { name: "A", value: "1" })
      void envvars.update("proj_1", "dev", "A", { value: "1" })
      void envvars.del("proj_1", "dev", "A")
      void schedules.list()
      void schedules.create(schedule)
      void schedules.retrieve("sched_1")
      void schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
      void schedules.activate("sched_1")
      void schedules.deactivate("sched_1")
      void schedules.del("sched_1")
      void runs.list({ limit: 10 })
      void runs.list("proj_1", { limit: 10 })
    })
  })
  it("in a scope of unknown kind", async () => {
    await auth.withAuth({ accessToken: fromEnv }, async () => {
      void tasks.trigger("t", {})
      void tasks.batchTrigger("t", [{ payload: 1 }])
      void runs.retrieve("run_1")
      void runs.cancel("run_1")
      void runs.replay("run_1")
      void envvars.list("proj_1", "dev")
      void envvars.retrieve("proj_1", "dev", "A")
      void envvars.upload("proj_1", "dev", { variables: { A: "1" } })
      void envvars.create("proj_1", "dev", { name: "A", value: "1" })
      void envvars.update("proj_1", "dev", "A", { value: "1" })
      void envvars.del("proj_1", "dev", "A")
      void schedules.list()
      void schedules.create(schedule)
      void schedules.retrieve("sched_1")
      void schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
      void schedules.activate("sched_1")
      void schedules.deactivate("sched_1")
      void schedules.del("sched_1")
      void runs.list({ limit: 10 })
      void runs.list("proj_1", { limit: 10 })
    })
  })

  it("every ambient function takes { signal } last", () => {
    const signal = AbortSignal.timeout(1_000)
    void tasks.trigger("t", {}, undefined, { signal })
    void tasks.batchTrigger("t", [], undefined, { signal })
    void runs.retrieve("run_1", { signal })
    void runs.cancel("run_1", { signal })
    void runs.replay("run_1", undefined, { signal })
    void runs.list(undefined, { signal })
    void runs.list("proj_1", undefined, { signal })
    void envvars.list("proj_1", "dev", { signal })
    void envvars.retrieve("proj_1", "dev", "A", { signal })
    void envvars.upload("proj_1", "dev", { variables: {} }, { signal })
    void envvars.create("proj_1", "dev", { name: "A", value: "1" }, { signal })
    void envvars.update("proj_1", "dev", "A", { value: "1" }, { signal })
    void envvars.del("proj_1", "dev", "A", { signal })
    void schedules.list(undefined, { signal })
    void schedules.create(schedule, { signal })
    void schedules.retrieve("sched_1", { signal })
    void schedules.update("sched_1", { task: "t", cron: "0 * * * *" }, { signal })
    void schedules.activate("sched_1", { signal })
    void schedules.deactivate("sched_1", { signal })
    void schedules.del("sched_1", { signal })
    // @ts-expect-error Type 'number' is not assignable to type 'AbortSignal'.
    void runs.cancel("run_1", { signal: 1 })
  })
})

describe("createClient: a call the kind may not make is a Refused member naming why", () => {
  it("a SecretKey client has every SecretKey call and the environment's runs.list", () => {
    const client = createClient({ accessToken: devKey })
    void client.tasks.trigger("t", {})
    void client.tasks.batchTrigger("t", [{ payload: 1 }])
    void client.runs.retrieve("run_1")
    void client.runs.cancel("run_1")
    void client.runs.replay("run_1")
    void client.envvars.list("proj_1", "dev")
    void client.envvars.retrieve("proj_1", "dev", "A")
    void client.envvars.upload("proj_1", "dev", { variables: { A: "1" } })
    void client.envvars.create("proj_1", "dev", { name: "A", value: "1" })
    void client.envvars.update("proj_1", "dev", "A", { value: "1" })
    void client.envvars.del("proj_1", "dev", "A")
    void client.schedules.list()
    void client.schedules.create(schedule)
    void client.schedules.retrieve("sched_1")
    void client.schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
    void client.schedules.activate("sched_1")
    void client.schedules.deactivate("sched_1")
    void client.schedules.del("sched_1")
    void client.runs.list({ limit: 10 })
    // @ts-expect-error Refused<"runs.list (project)", "SecretKey", "PersonalAccessToken", "a SecretKey lists its own environment's runs: pass no projectRef">
    void client.runs.list("proj_1", { limit: 10 })
  })
  it("a PAT client has the envvars calls and the project's runs.list", () => {
    const client = createClient({ accessToken: pat })
    // @ts-expect-error Refused<"tasks.trigger", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.tasks.trigger("t", {})
    // @ts-expect-error Refused<"tasks.batchTrigger", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.tasks.batchTrigger("t", [{ payload: 1 }])
    // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.retrieve("run_1")
    // @ts-expect-error Refused<"runs.cancel", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.cancel("run_1")
    // @ts-expect-error Refused<"runs.replay", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.replay("run_1")
    void client.envvars.list("proj_1", "dev")
    void client.envvars.retrieve("proj_1", "dev", "A")
    void client.envvars.upload("proj_1", "dev", { variables: { A: "1" } })
    void client.envvars.create("proj_1", "dev", { name: "A", value: "1" })
    void client.envvars.update("proj_1", "dev", "A", { value: "1" })
    void client.envvars.del("proj_1", "dev", "A")
    // @ts-expect-error Refused<"schedules.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.list()
    // @ts-expect-error Refused<"schedules.create", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.create(schedule)
    // @ts-expect-error Refused<"schedules.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.retrieve("sched_1")
    // @ts-expect-error Refused<"schedules.update", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
    // @ts-expect-error Refused<"schedules.activate", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.activate("sched_1")
    // @ts-expect-error Refused<"schedules.deactivate", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.deactivate("sched_1")
    // @ts-expect-error Refused<"schedules.del", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.del("sched_1")
    void client.runs.list("proj_1", { limit: 10 })
    // @ts-expect-error Refused<"runs.list (environment)", "PersonalAccessToken", "SecretKey", "a PersonalAccessToken lists a project's runs: pass the projectRef first">
    void client.runs.list({ limit: 10 })
  })
  it("a client of unknown kind has the calls both kinds accept; the others say to narrow", () => {
    const client = createClient({ accessToken: fromEnv })
    // @ts-expect-error Refused<"tasks.trigger", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.tasks.trigger("t", {})
    // @ts-expect-error Refused<"tasks.batchTrigger", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.tasks.batchTrigger("t", [{ payload: 1 }])
    // @ts-expect-error Refused<"runs.retrieve", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.runs.retrieve("run_1")
    // @ts-expect-error Refused<"runs.cancel", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.runs.cancel("run_1")
    // @ts-expect-error Refused<"runs.replay", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.runs.replay("run_1")
    void client.envvars.list("proj_1", "dev")
    void client.envvars.retrieve("proj_1", "dev", "A")
    void client.envvars.upload("proj_1", "dev", { variables: { A: "1" } })
    void client.envvars.create("proj_1", "dev", { name: "A", value: "1" })
    void client.envvars.update("proj_1", "dev", "A", { value: "1" })
    void client.envvars.del("proj_1", "dev", "A")
    // @ts-expect-error Refused<"schedules.list", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.schedules.list()
    // @ts-expect-error Refused<"schedules.create", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.schedules.create(schedule)
    // @ts-expect-error Refused<"schedules.retrieve", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.schedules.retrieve("sched_1")
    // @ts-expect-error Refused<"schedules.update", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
    // @ts-expect-error Refused<"schedules.activate", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.schedules.activate("sched_1")
    // @ts-expect-error Refused<"schedules.deactivate", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.schedules.deactivate("sched_1")
    // @ts-expect-error Refused<"schedules.del", "SecretKey" | "PersonalAccessToken", "SecretKey", "narrow first: requireSecretKey()">
    void client.schedules.del("sched_1")
    // @ts-expect-error Refused<"runs.list", "SecretKey" | "PersonalAccessToken", "SecretKey" | "PersonalAccessToken", "narrow first: requireSecretKey() or requirePersonalAccessToken()">
    void client.runs.list({ limit: 10 })
    // @ts-expect-error Refused<"runs.list", "SecretKey" | "PersonalAccessToken", "SecretKey" | "PersonalAccessToken", "narrow first: requireSecretKey() or requirePersonalAccessToken()">
    void client.runs.list("proj_1")
  })
  it("narrowed to a SecretKey, it has the SecretKey calls", () => {
    const client = createClient({ accessToken: fromEnv }).requireSecretKey()
    void client.tasks.trigger("t", {})
    void client.tasks.batchTrigger("t", [{ payload: 1 }])
    void client.runs.retrieve("run_1")
    void client.runs.cancel("run_1")
    void client.runs.replay("run_1")
    void client.envvars.list("proj_1", "dev")
    void client.envvars.retrieve("proj_1", "dev", "A")
    void client.envvars.upload("proj_1", "dev", { variables: { A: "1" } })
    void client.envvars.create("proj_1", "dev", { name: "A", value: "1" })
    void client.envvars.update("proj_1", "dev", "A", { value: "1" })
    void client.envvars.del("proj_1", "dev", "A")
    void client.schedules.list()
    void client.schedules.create(schedule)
    void client.schedules.retrieve("sched_1")
    void client.schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
    void client.schedules.activate("sched_1")
    void client.schedules.deactivate("sched_1")
    void client.schedules.del("sched_1")
    void client.runs.list({ limit: 10 })
    // @ts-expect-error Refused<"runs.list (project)", "SecretKey", "PersonalAccessToken", "a SecretKey lists its own environment's runs: pass no projectRef">
    void client.runs.list("proj_1", { limit: 10 })
  })
  it("narrowed to a PAT, it has the PAT calls", () => {
    const client = createClient({ accessToken: fromEnv }).requirePersonalAccessToken()
    // @ts-expect-error Refused<"tasks.trigger", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.tasks.trigger("t", {})
    // @ts-expect-error Refused<"tasks.batchTrigger", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.tasks.batchTrigger("t", [{ payload: 1 }])
    // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.retrieve("run_1")
    // @ts-expect-error Refused<"runs.cancel", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.cancel("run_1")
    // @ts-expect-error Refused<"runs.replay", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.replay("run_1")
    void client.envvars.list("proj_1", "dev")
    void client.envvars.retrieve("proj_1", "dev", "A")
    void client.envvars.upload("proj_1", "dev", { variables: { A: "1" } })
    void client.envvars.create("proj_1", "dev", { name: "A", value: "1" })
    void client.envvars.update("proj_1", "dev", "A", { value: "1" })
    void client.envvars.del("proj_1", "dev", "A")
    // @ts-expect-error Refused<"schedules.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.list()
    // @ts-expect-error Refused<"schedules.create", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.create(schedule)
    // @ts-expect-error Refused<"schedules.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.retrieve("sched_1")
    // @ts-expect-error Refused<"schedules.update", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
    // @ts-expect-error Refused<"schedules.activate", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.activate("sched_1")
    // @ts-expect-error Refused<"schedules.deactivate", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.deactivate("sched_1")
    // @ts-expect-error Refused<"schedules.del", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.del("sched_1")
    void client.runs.list("proj_1", { limit: 10 })
    // @ts-expect-error Refused<"runs.list (environment)", "PersonalAccessToken", "SecretKey", "a PersonalAccessToken lists a project's runs: pass the projectRef first">
    void client.runs.list({ limit: 10 })
  })
  it("clientFor a SecretKey context (an adapter's request handle)", () => {
    const client = clientFor(keyContext)
    void client.tasks.trigger("t", {})
    void client.tasks.batchTrigger("t", [{ payload: 1 }])
    void client.runs.retrieve("run_1")
    void client.runs.cancel("run_1")
    void client.runs.replay("run_1")
    void client.envvars.list("proj_1", "dev")
    void client.envvars.retrieve("proj_1", "dev", "A")
    void client.envvars.upload("proj_1", "dev", { variables: { A: "1" } })
    void client.envvars.create("proj_1", "dev", { name: "A", value: "1" })
    void client.envvars.update("proj_1", "dev", "A", { value: "1" })
    void client.envvars.del("proj_1", "dev", "A")
    void client.schedules.list()
    void client.schedules.create(schedule)
    void client.schedules.retrieve("sched_1")
    void client.schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
    void client.schedules.activate("sched_1")
    void client.schedules.deactivate("sched_1")
    void client.schedules.del("sched_1")
    void client.runs.list({ limit: 10 })
    // @ts-expect-error Refused<"runs.list (project)", "SecretKey", "PersonalAccessToken", "a SecretKey lists its own environment's runs: pass no projectRef">
    void client.runs.list("proj_1", { limit: 10 })
  })
  it("clientFor a PAT context", () => {
    const client = clientFor(patContext)
    // @ts-expect-error Refused<"tasks.trigger", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.tasks.trigger("t", {})
    // @ts-expect-error Refused<"tasks.batchTrigger", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.tasks.batchTrigger("t", [{ payload: 1 }])
    // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.retrieve("run_1")
    // @ts-expect-error Refused<"runs.cancel", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.cancel("run_1")
    // @ts-expect-error Refused<"runs.replay", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.replay("run_1")
    void client.envvars.list("proj_1", "dev")
    void client.envvars.retrieve("proj_1", "dev", "A")
    void client.envvars.upload("proj_1", "dev", { variables: { A: "1" } })
    void client.envvars.create("proj_1", "dev", { name: "A", value: "1" })
    void client.envvars.update("proj_1", "dev", "A", { value: "1" })
    void client.envvars.del("proj_1", "dev", "A")
    // @ts-expect-error Refused<"schedules.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.list()
    // @ts-expect-error Refused<"schedules.create", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.create(schedule)
    // @ts-expect-error Refused<"schedules.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.retrieve("sched_1")
    // @ts-expect-error Refused<"schedules.update", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
    // @ts-expect-error Refused<"schedules.activate", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.activate("sched_1")
    // @ts-expect-error Refused<"schedules.deactivate", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.deactivate("sched_1")
    // @ts-expect-error Refused<"schedules.del", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.del("sched_1")
    void client.runs.list("proj_1", { limit: 10 })
    // @ts-expect-error Refused<"runs.list (environment)", "PersonalAccessToken", "SecretKey", "a PersonalAccessToken lists a project's runs: pass the projectRef first">
    void client.runs.list({ limit: 10 })
  })
  it("withAuth to a PAT gives a PAT client", () => {
    const client = createClient({ accessToken: devKey }).withAuth({ accessToken: pat })
    // @ts-expect-error Refused<"tasks.trigger", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.tasks.trigger("t", {})
    // @ts-expect-error Refused<"tasks.batchTrigger", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.tasks.batchTrigger("t", [{ payload: 1 }])
    // @ts-expect-error Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.retrieve("run_1")
    // @ts-expect-error Refused<"runs.cancel", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.cancel("run_1")
    // @ts-expect-error Refused<"runs.replay", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.runs.replay("run_1")
    void client.envvars.list("proj_1", "dev")
    void client.envvars.retrieve("proj_1", "dev", "A")
    void client.envvars.upload("proj_1", "dev", { variables: { A: "1" } })
    void client.envvars.create("proj_1", "dev", { name: "A", value: "1" })
    void client.envvars.update("proj_1", "dev", "A", { value: "1" })
    void client.envvars.del("proj_1", "dev", "A")
    // @ts-expect-error Refused<"schedules.list", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.list()
    // @ts-expect-error Refused<"schedules.create", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.create(schedule)
    // @ts-expect-error Refused<"schedules.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.retrieve("sched_1")
    // @ts-expect-error Refused<"schedules.update", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
    // @ts-expect-error Refused<"schedules.activate", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.activate("sched_1")
    // @ts-expect-error Refused<"schedules.deactivate", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.deactivate("sched_1")
    // @ts-expect-error Refused<"schedules.del", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    void client.schedules.del("sched_1")
    void client.runs.list("proj_1", { limit: 10 })
    // @ts-expect-error Refused<"runs.list (environment)", "PersonalAccessToken", "SecretKey", "a PersonalAccessToken lists a project's runs: pass the projectRef first">
    void client.runs.list({ limit: 10 })
  })
  it("withAuth without a credential keeps the kind", () => {
    const client = createClient({ accessToken: devKey }).withAuth({ previewBranch: "feature-x" })
    void client.tasks.trigger("t", {})
    void client.tasks.batchTrigger("t", [{ payload: 1 }])
    void client.runs.retrieve("run_1")
    void client.runs.cancel("run_1")
    void client.runs.replay("run_1")
    void client.envvars.list("proj_1", "dev")
    void client.envvars.retrieve("proj_1", "dev", "A")
    void client.envvars.upload("proj_1", "dev", { variables: { A: "1" } })
    void client.envvars.create("proj_1", "dev", { name: "A", value: "1" })
    void client.envvars.update("proj_1", "dev", "A", { value: "1" })
    void client.envvars.del("proj_1", "dev", "A")
    void client.schedules.list()
    void client.schedules.create(schedule)
    void client.schedules.retrieve("sched_1")
    void client.schedules.update("sched_1", { task: "t", cron: "0 * * * *" })
    void client.schedules.activate("sched_1")
    void client.schedules.deactivate("sched_1")
    void client.schedules.del("sched_1")
    void client.runs.list({ limit: 10 })
    // @ts-expect-error Refused<"runs.list (project)", "SecretKey", "PersonalAccessToken", "a SecretKey lists its own environment's runs: pass no projectRef">
    void client.runs.list("proj_1", { limit: 10 })
  })
})

describe("the members are derived from the call objects", () => {
  it("a refused member is exactly the Refused type; an accepted one has the ambient signature", () => {
    expectTypeOf<Client<"PersonalAccessToken">["runs"]["retrieve"]>().toEqualTypeOf<
      Refused<"runs.retrieve", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    >()
    expectTypeOf<Client<"SecretKey">["runs"]["retrieve"]>().toEqualTypeOf<typeof runs.retrieve>()
    expectTypeOf<Client<"PersonalAccessToken">["envvars"]>().toEqualTypeOf<typeof envvars>()
    expectTypeOf<Client<"SecretKey">["schedules"]>().toEqualTypeOf<typeof schedules>()
    expectTypeOf<Client<"SecretKey">["tasks"]>().toEqualTypeOf<typeof tasks>()
    expectTypeOf<keyof Client<"PersonalAccessToken">["runs"]>().toEqualTypeOf<keyof typeof Runs.calls>()
    expectTypeOf<keyof typeof tasks>().toEqualTypeOf<keyof typeof Tasks.calls>()
    expectTypeOf<keyof typeof envvars>().toEqualTypeOf<keyof typeof Envvars.calls>()
    expectTypeOf<keyof typeof schedules>().toEqualTypeOf<keyof typeof Schedules.calls>()
  })

  it("a new call in a call object becomes a method or a refusal with no other edit", () => {
    // what adding a `runs.pause` (no such call) to `Runs.calls` would give: a SecretKey-only call of one route
    type Pause = Calls.Call<
      "runs.pause",
      Calls.Variant<
        "runs.pause",
        "SecretKey",
        Calls.WithRequestOptions<[runId: string, queue: string], Promise<string>>
      >,
      Calls.WithRequestOptions<[runId: string, queue: string], Promise<string>>
    >
    type WithPause = typeof Runs.calls & { readonly pause: Pause }
    expectTypeOf<Calls.Methods<WithPause, "SecretKey">["pause"]>().toEqualTypeOf<
      (runId: string, queue: string, requestOptions?: Calls.RequestOptions) => Promise<string>
    >()
    expectTypeOf<Calls.Methods<WithPause, "PersonalAccessToken">["pause"]>().toEqualTypeOf<
      Refused<"runs.pause", "PersonalAccessToken", "SecretKey", "create the client with a SecretKey">
    >()
    expectTypeOf<Calls.AmbientMethods<WithPause>["pause"]>().parameters.toEqualTypeOf<
      [runId: string, queue: string, requestOptions?: Calls.RequestOptions]
    >()
  })
})
