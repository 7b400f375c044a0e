/**
 * A hostile HTTP server on loopback, written on raw `node:net` sockets so that it can send what a real
 * server library refuses to: bodies longer or shorter than declared, broken chunked encoding, resets in the
 * middle of a body, endless bodies, answers that never come, echoed credentials.
 */
import { createServer, type Socket } from "node:net"

/** One request as the server read it. */
export interface Received {
  readonly method: string
  readonly path: string
  /** The raw head (request line and headers), as sent. */
  readonly head: string
  readonly at: number
}

/** What the server knows of a connection once it closed. */
export interface Closed {
  readonly at: number
  /** Bytes the server managed to hand to the socket before it closed. */
  readonly bytesWritten: number
  /** The server was still writing an endless or long body when the client closed it. */
  readonly whileWriting: boolean
}

/** Answers one request on its socket, any way it likes. */
export type Handler = (socket: Socket, request: Received) => void

export interface Hostile {
  readonly url: string
  readonly received: Array<Received>
  readonly closed: Array<Closed>
  /** Sets how the next requests are answered. */
  answer(handler: Handler): void
  stop(): Promise<void>
}

const writing = new WeakSet<Socket>()

/** Starts the server on a free loopback port. */
export const startHostile = async (): Promise<Hostile> => {
  const received: Array<Received> = []
  const closed: Array<Closed> = []
  const sockets = new Set<Socket>()
  let handler: Handler = (socket) => socket.destroy()
  const server = createServer((socket) => {
    sockets.add(socket)
    let buffer = ""
    socket.setEncoding("latin1")
    socket.on("error", () => {})
    socket.on("close", () => {
      sockets.delete(socket)
      closed.push({ at: Date.now(), bytesWritten: socket.bytesWritten, whileWriting: writing.has(socket) })
    })
    socket.on("data", (data: string) => {
      buffer += data
      while (true) {
        const end = buffer.indexOf("\r\n\r\n")
        if (end < 0) return
        const head = buffer.slice(0, end)
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
        if (buffer.length < end + 4 + length) return
        buffer = buffer.slice(end + 4 + length)
        const [method = "", path = ""] = head.split(" ")
        const request = { method, path, head, at: Date.now() }
        received.push(request)
        handler(socket, request)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    closed,
    answer: (next) => {
      handler = next
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}

/** A complete answer with a correct `content-length`. */
export const respond = (
  socket: Socket,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = { "content-type": "application/json" }
): void => {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`)
  socket.write(
    `HTTP/1.1 ${status} X\r\n${lines.join("")}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  )
}

/**
 * Writes `total` bytes of body (`Infinity`: until the client closes) in 64 KiB chunks, with backpressure,
 * after `head` (the status line and headers, without the blank line); `chunked` frames each chunk.
 */
export const stream = (
  socket: Socket,
  head: string,
  total: number,
  options: { chunked?: boolean } = {}
): void => {
  const chunk = Buffer.alloc(64 * 1024, "a")
  let sent = 0
  writing.add(socket)
  socket.write(`${head}\r\n\r\n`)
  const pump = () => {
    while (sent < total && !socket.destroyed) {
      const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent)
      sent += piece.length
      const framed = options.chunked
        ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
        : piece
      if (!socket.write(framed)) return void socket.once("drain", pump)
    }
    if (options.chunked && !socket.destroyed) socket.write("0\r\n\r\n")
    writing.delete(socket)
  }
  pump()
}
