import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export type SilentApi = {
  url: string
  /** requests it received (method and path; the path holds the bot token, so it stays in the test) */
  received: () => number
  /** from now on, requests are passed to `target` (a fake Bot API) and its answers returned */
  answerWith: (target: string) => void
  /** back to silence */
  silence: () => void
  close: () => Promise<void>
}

/**
 * A platform API on 127.0.0.1 that accepts connections and reads requests but never answers
 * (a Bot API root that hangs), until `answerWith` hands it a real fake to forward to.
 */
export async function startSilentApi(): Promise<SilentApi> {
  let target: string | undefined
  let received = 0
  const sockets = new Set<Socket>()
  async function forward(req: IncomingMessage, res: ServerResponse, to: string) {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(Buffer.from(chunk))
    const body = Buffer.concat(chunks)
    const answer = await fetch(`${to}${req.url ?? '/'}`, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      signal: AbortSignal.timeout(60_000),
    })
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
    res.end(Buffer.from(await answer.arrayBuffer()))
  }
  const server = createServer((req, res) => {
    received++
    if (target === undefined) {
      // read and hold: the client waits for an answer that never comes
      req.resume()
      return
    }
    forward(req, res, target).catch(() => res.destroy())
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the silent API did not get a port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    received: () => received,
    answerWith: (to) => {
      target = to
    },
    silence: () => {
      target = undefined
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
