/**
 * Simulated web chat citizens for the end-to-end benchmarks: each files complaints over real HTTP,
 * posting as the page does (one message after the other's answer, keep-alive connections), from
 * a loopback address of its own so the web chat's per-address limit sees separate clients.
 */
import { randomUUID } from 'node:crypto'
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { tellComplaint } from '../test/support/webchat-citizen.js'

const REQUEST_TIMEOUT_MS = 30_000

type Reply = { text?: string; choices?: { id: string; label: string }[] }

/** Per-message latencies; `repeated` messages sent to two instances at once, `mismatched` answered differently. */
export type Timing = { latencies: number[]; failures: string[]; repeated: number; mismatched: number }
export const newTiming = (): Timing => ({ latencies: [], failures: [], repeated: 0, mismatched: 0 })

export const agent = new Agent({ keepAlive: true })

/** The loopback address citizen `i` posts from: 127.0.0.2, 127.0.0.3 … */
export const citizenAddress = (i: number, block = 0) => `127.${block}.${2 + Math.floor(i / 250)}.${2 + (i % 250)}`

/** POSTs like the page does, from `localAddress`; the replies, or an error naming the status. */
function post(baseUrl: string, localAddress: string, body: Record<string, unknown>): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/webchat/messages`,
      { method: 'POST', agent, localAddress, headers: { 'content-type': 'application/json', 'accept-language': 'es' } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`web chat answered ${res.statusCode}`))
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { replies: Reply[] }
          resolve(parsed.replies)
        })
      },
    )
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('no answer in 30 s')))
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

export type CitizenOptions = {
  /** the instance this citizen talks to first; the others get the repeats */
  targets: readonly string[]
  localAddress: string
  rounds: number
  /** every n-th message goes to every target at once, as a load balancer's retry would (0: never) */
  repeatEvery?: number
}

/** One complaint, answered as test/support/app.ts's fileWebchatComplaint answers it; each message timed. */
async function fileComplaint(options: CitizenOptions, timing: Timing): Promise<void> {
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
      const answers = await Promise.all(options.targets.map((target) => post(target, options.localAddress, message)))
      timing.repeated++
      if (new Set(answers.map((answer) => JSON.stringify(answer))).size > 1) timing.mismatched++
      replies = answers[0] ?? []
    } else {
      replies = await post(primary, options.localAddress, message)
    }
    timing.latencies.push(performance.now() - start)
    return replies
  })
}

/** Files `rounds` complaints one after the other; a failed one is recorded and the next begins. */
export async function citizen(options: CitizenOptions, timing: Timing): Promise<void> {
  for (let round = 0; round < options.rounds; round++) {
    try {
      await fileComplaint(options, timing)
    } catch (error) {
      timing.failures.push(error instanceof Error ? error.message : String(error))
    }
  }
}
