/** Serving a request listener on 127.0.0.1, on a free port, and closing it with its keep-alive sockets. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { Slug, Tenants } from "../tenants.js"

/** The demo's servers, in the order of the table. */
export type Framework = "express" | "koa" | "hono" | "naive"

/** What every demo server is built from. */
export interface ServerContext {
  readonly tenants: Tenants
  /** The emulator's base URL. */
  readonly baseURL: string
}

/** A running demo server. */
export interface Running {
  readonly framework: Framework
  readonly url: string
  readonly close: () => Promise<void>
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void

/** Listens on 127.0.0.1, port 0 (a free one). */
export const listen = async (framework: Framework, listener: Listener): Promise<Running> => {
  const server = createServer({ keepAliveTimeout: 10_000 }, listener)
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    framework,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
  }
}

/** Whether a path segment is an environment slug. */
export const isSlug = (value: string | undefined): value is Slug =>
  value === "dev" || value === "staging" || value === "prod" || value === "preview"
