/**
 * Simulated web chat citizens for the end-to-end benchmarks: each files complaints over real HTTP,
 * posting as the page does (one message after the other's answer, keep-alive connections), from
 * a loopback address of its own so the web chat's per-address limit sees separate clients.
 */
import { randomUUID } from 'node:crypto'
import { Agent, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { Dispatcher } from 'undici-types'
import { tellComplaint } from '../test/support/webchat-citizen.js'

const REQUEST_TIMEOUT_MS = 30_000

type Reply = { text?: string; choices?: { id: string; label: string }[] }

/**
 * Per-message latencies, and the same by the message's place in its complaint (`bySteps[0]` the
 * first message's); `repeated` messages sent to two instances at once, `mismatched` answered differently.
 */
export type Timing = { latencies: number[]; bySteps: number[][]; failures: string[]; repeated: number; mismatched: number }
export const newTiming = (): Timing => ({ latencies: [], bySteps: [], failures: [], repeated: 0, mismatched: 0 })

/** The keep-alive connections of the `http` client; its pools are keyed by local address too, so each citizen keeps its own. */
export const agent = new Agent({ keepAlive: true })

/** The loopback address citizen `i` posts from: 127.0.0.2, 127.0.0.3 … */
export const citizenAddress = (i: number, block = 0) => `127.${block}.${2 + Math.floor(i / 250)}.${2 + (i % 250)}`

/**
 * How a citizen's messages are sent: node:http's `request`; `fetch` (Node's bundled undici), what
 * the page calls; or `net`, HTTP/1.1 written on a socket by hand (the least CPU a sender can spend).
 */
export type ClientKind = 'http' | 'fetch' | 'net'
export const CLIENT_KINDS: readonly ClientKind[] = ['http', 'fetch', 'net']
export const isClientKind = (name: string): name is ClientKind => (CLIENT_KINDS as readonly string[]).includes(name)

/** One citizen's way of posting a message body to an instance's web chat; `close` ends its connections. */
type Sender = { post: (baseUrl: string, body: Record<string, unknown>) => Promise<Reply[]>; close: () => Promise<void> }

const HEADERS = { 'content-type': 'application/json', 'accept-language': 'es' }

function httpSender(localAddress: string): Sender {
  const post = (baseUrl: string, body: Record<string, unknown>) =>
    new Promise<Reply[]>((resolve, reject) => {
      const req = request(`${baseUrl}/webchat/messages`, { method: 'POST', agent, localAddress, headers: HEADERS }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`web chat answered ${res.statusCode}`))
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { replies: Reply[] }
          resolve(parsed.replies)
        })
      })
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('no answer in 30 s')))
      req.on('error', reject)
      req.end(JSON.stringify(body))
    })
  // the shared agent's sockets are closed by whoever destroys `agent`
  return { post, close: async () => {} }
}

type DispatcherClass = new (options: { localAddress: string }) => Dispatcher

/**
 * Node bundles undici for fetch but exports none of it; the one class needed to bind a citizen's
 * connections to its loopback address is the class of the global dispatcher fetch creates on its
 * first call (kept under this symbol by undici, as its own setGlobalDispatcher does).
 */
async function findUndiciAgentClass(baseUrl: string): Promise<DispatcherClass> {
  const key = Symbol.for('undici.globalDispatcher.1')
  if (!(key in globalThis)) await fetch(`${baseUrl}/health`).then((res) => res.arrayBuffer())
  const dispatcher: unknown = Reflect.get(globalThis, key)
  if (typeof dispatcher !== 'object' || dispatcher === null) throw new Error("fetch's global dispatcher was not found")
  return dispatcher.constructor as DispatcherClass
}
let undiciAgentClass: Promise<DispatcherClass> | undefined

function fetchSender(localAddress: string): Sender {
  let dispatcher: Dispatcher | undefined
  const post = async (baseUrl: string, body: Record<string, unknown>) => {
    dispatcher ??= new (await (undiciAgentClass ??= findUndiciAgentClass(baseUrl)))({ localAddress })
    // Node's fetch takes undici's `dispatcher`, which the DOM's RequestInit does not name
    const init = { method: 'POST', headers: HEADERS, body: JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), dispatcher }
    const res = await fetch(`${baseUrl}/webchat/messages`, init)
    if (res.status !== 200) {
      await res.arrayBuffer() // read, so the connection goes back to the pool
      throw new Error(`web chat answered ${res.status}`)
    }
    const parsed = (await res.json()) as { replies: Reply[] }
    return parsed.replies
  }
  return { post, close: async () => dispatcher?.close() }
}

/** A response read off a keep-alive socket: the status, and the body once all of it has come. */
type Pending = { resolve: (response: { status: number; body: string }) => void; reject: (error: Error) => void }

/**
 * One keep-alive HTTP/1.1 connection from `localAddress`, one request at a time (a citizen waits
 * for each answer). Reads a body sized by content-length or sent chunked; any other response, a
 * closed connection or a timeout fails the request, and the next one connects anew.
 */
class Http1Connection {
  private socket: Socket | undefined
  private pending: Pending | undefined
  private received: Buffer = Buffer.alloc(0)

  constructor(
    private readonly url: URL,
    private readonly localAddress: string,
  ) {}

  post(path: string, json: string): Promise<{ status: number; body: string }> {
    if (this.pending) return Promise.reject(new Error('a request is already waiting on this connection'))
    const socket = (this.socket ??= this.open())
    const body = Buffer.from(json, 'utf8')
    const head =
      `POST ${path} HTTP/1.1\r\nHost: ${this.url.host}\r\nContent-Type: ${HEADERS['content-type']}\r\n` +
      `Accept-Language: ${HEADERS['accept-language']}\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject }
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]))
    })
  }

  close() {
    this.socket?.destroy()
    this.socket = undefined
  }

  private open(): Socket {
    const socket = connect({ host: this.url.hostname, port: Number(this.url.port), localAddress: this.localAddress, noDelay: true })
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy(new Error('no answer in 30 s')))
    socket.on('data', (chunk: Buffer) => {
      this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk])
      this.parse()
    })
    const fail = (error?: Error) => {
      if (this.socket === socket) this.socket = undefined
      this.received = Buffer.alloc(0)
      const pending = this.pending
      this.pending = undefined
      pending?.reject(error ?? new Error('the connection closed before the answer'))
    }
    socket.on('error', fail)
    socket.on('close', () => fail())
    return socket
  }

  /** Completes the waiting request once its whole response is in. */
  private parse() {
    const headEnd = this.received.indexOf('\r\n\r\n')
    if (headEnd < 0 || !this.pending) return
    const head = this.received.toString('latin1', 0, headEnd)
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1])
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1]
    const start = headEnd + 4
    let body: Buffer | undefined
    let end: number
    if (length !== undefined) {
      end = start + Number(length)
      if (this.received.length >= end) body = this.received.subarray(start, end)
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const chunks: Buffer[] = []
      for (let at = start; ; ) {
        const sizeEnd = this.received.indexOf('\r\n', at)
        if (sizeEnd < 0) return
        const size = parseInt(this.received.toString('latin1', at, sizeEnd), 16)
        if (this.received.length < sizeEnd + 2 + size + 2) return
        if (size === 0) {
          end = sizeEnd + 4 // no trailers: the web chat sends none
          body = Buffer.concat(chunks)
          break
        }
        chunks.push(this.received.subarray(sizeEnd + 2, sizeEnd + 2 + size))
        at = sizeEnd + 2 + size + 2
      }
    } else {
      this.socket?.destroy(new Error('an answer with neither content-length nor chunks'))
      return
    }
    if (body === undefined) return
    const pending = this.pending
    this.pending = undefined
    this.received = this.received.subarray(end)
    if (/\r\nconnection: *close/i.test(head)) this.close()
    pending.resolve({ status, body: body.toString('utf8') })
  }
}

function netSender(localAddress: string): Sender {
  const connections = new Map<string, Http1Connection>()
  const post = async (baseUrl: string, body: Record<string, unknown>) => {
    let connection = connections.get(baseUrl)
    if (!connection) connections.set(baseUrl, (connection = new Http1Connection(new URL(baseUrl), localAddress)))
    const answer = await connection.post('/webchat/messages', JSON.stringify(body))
    if (answer.status !== 200) throw new Error(`web chat answered ${answer.status}`)
    const parsed = JSON.parse(answer.body) as { replies: Reply[] }
    return parsed.replies
  }
  const close = async () => {
    for (const connection of connections.values()) connection.close()
  }
  return { post, close }
}

const senders = { http: httpSender, fetch: fetchSender, net: netSender } satisfies Record<ClientKind, (localAddress: string) => Sender>

export type CitizenOptions = {
  /** the instance this citizen talks to first; the others get the repeats */
  targets: readonly string[]
  localAddress: string
  rounds: number
  /** every n-th message goes to every target at once, as a load balancer's retry would (0: never) */
  repeatEvery?: number
  /** how the messages are sent; `http` unless told */
  client?: ClientKind
}

/** One complaint, answered as test/support/app.ts's fileWebchatComplaint answers it; each message timed. */
async function fileComplaint(options: CitizenOptions, sender: Sender, timing: Timing): Promise<void> {
  const conversationId = randomUUID()
  const [primary] = options.targets
  if (primary === undefined) throw new Error('no instance to talk to')
  let counter = 0
  await tellComplaint(async (body) => {
    counter++
    const message = { conversationId, messageId: `msg-${counter}-${conversationId}`, ...body }
    const start = performance.now()
    let replies: Reply[]
    if (options.repeatEvery && options.targets.length > 1 && counter % options.repeatEvery === 0) {
      const answers = await Promise.all(options.targets.map((target) => sender.post(target, message)))
      timing.repeated++
      if (new Set(answers.map((answer) => JSON.stringify(answer))).size > 1) timing.mismatched++
      replies = answers[0] ?? []
    } else {
      replies = await sender.post(primary, message)
    }
    const latency = performance.now() - start
    timing.latencies.push(latency)
    ;(timing.bySteps[counter - 1] ??= []).push(latency)
    return replies
  })
}

/** Files `rounds` complaints one after the other; a failed one is recorded and the next begins. */
export async function citizen(options: CitizenOptions, timing: Timing): Promise<void> {
  const sender = senders[options.client ?? 'http'](options.localAddress)
  try {
    for (let round = 0; round < options.rounds; round++) {
      try {
        await fileComplaint(options, sender, timing)
      } catch (error) {
        timing.failures.push(error instanceof Error ? error.message : String(error))
      }
    }
  } finally {
    await sender.close()
  }
}
