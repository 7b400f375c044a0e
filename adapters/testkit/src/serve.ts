/**
 * Serving an app on 127.0.0.1 for a test or the demo: one definition of "listen on a free port, give me the
 * URL, close it with its keep-alive sockets", shared by the adapter suites and `pnpm demo`.
 */
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"

/** A server listening on loopback. */
export interface Running {
  readonly url: string
  readonly port: number
  /** Closes the server and its open (keep-alive) connections. */
  readonly close: () => Promise<void>
}

/** The header limit the suites' servers take, so that the corpus' 16 kB header reaches the middleware. */
export const maxHeaderSize = 64 * 1024

/**
 * Listens on 127.0.0.1, on a free port, with a server made by the framework's own way (`createServer(app)`,
 * `createServer(app.callback())`, `createAdaptorServer({ fetch })`).
 */
export const serve = async (server: Server): Promise<Running> => {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
  }
}
