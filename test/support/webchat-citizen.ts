import { randomUUID } from 'node:crypto'
import { Agent, request } from 'node:http'

export type WebchatReply = { text?: string; choices?: { id: string; label: string }[] }

/** What a citizen saw: every message id that got a 200, with the replies, and how often it had to retry. */
export type CitizenLog = { conversationId: string; acknowledged: Map<string, WebchatReply[]>; retries: number; trackingCodes: string[] }

export const TRACKING_CODE = /\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b/

type Target = { url: () => string; localAddress: string; deadline: number; onAcknowledged?: () => void }

const agent = new Agent({ keepAlive: true })

function postOnce(target: Target, body: Record<string, unknown>): Promise<{ status: number; replies: WebchatReply[] }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${target.url()}/webchat/messages`,
      { method: 'POST', agent, localAddress: target.localAddress, headers: { 'content-type': 'application/json', 'accept-language': 'es' } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const status = res.statusCode ?? 0
          if (status !== 200) return resolve({ status, replies: [] })
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { replies: WebchatReply[] }
          resolve({ status, replies: parsed.replies })
        })
      },
    )
    req.setTimeout(15_000, () => req.destroy(new Error('no answer in 15 s')))
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

/**
 * Posts as the web chat page does when its request fails: the same message id again, after a
 * pause (250 ms doubling to 2 s), until a 200 or the deadline. A 200 for a repeat carries the
 * replies of the first processing.
 */
async function postUntilAnswered(target: Target, log: CitizenLog, body: Record<string, unknown> & { messageId: string }): Promise<WebchatReply[]> {
  let pause = 250
  for (;;) {
    const answer = await postOnce(target, body).catch(() => undefined)
    if (answer?.status === 200) {
      log.acknowledged.set(body.messageId, answer.replies)
      target.onAcknowledged?.()
      return answer.replies
    }
    if (Date.now() > target.deadline) throw new Error(`message ${body.messageId} got no 200 before the deadline (last: ${answer?.status ?? 'no answer'})`)
    log.retries++
    await new Promise((resolve) => setTimeout(resolve, pause))
    pause = Math.min(pause * 2, 2000)
  }
}

/**
 * One citizen filing a confidential health complaint through the web chat, as bench/webchat-e2e.ts
 * does, each message retried until acknowledged. `url` is read at every attempt (the app may come
 * back on another process); `onAcknowledged` hears of every 200, so a test can strike mid-load.
 */
export async function fileComplaintRetrying(url: () => string, localAddress: string, deadline: number, onAcknowledged?: () => void): Promise<CitizenLog> {
  const log: CitizenLog = { conversationId: randomUUID(), acknowledged: new Map(), retries: 0, trackingCodes: [] }
  const target = { url, localAddress, deadline, onAcknowledged }
  let counter = 0
  const code = await tellComplaint(async (body) => {
    counter++
    return postUntilAnswered(target, log, { conversationId: log.conversationId, messageId: `msg-${counter}-${log.conversationId}`, ...body })
  })
  log.trackingCodes.push(code)
  return log
}

/** Resolves once `count()` reaches `at`: the test strikes while the citizens are mid-complaint. */
export async function progressed(count: () => number, at: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (count() < at) {
    if (Date.now() > deadline) throw new Error(`only ${count()} messages acknowledged in ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * The messages of one confidential health complaint in Mixco, each sent after the answer to the
 * one before, as the page does; resolves with the tracking code. `send` posts one message body
 * and answers with its replies. The benchmarks' citizens tell the same complaint.
 */
export async function tellComplaint(send: (body: Record<string, unknown>) => Promise<WebchatReply[]>): Promise<string> {
  let sent = 0
  let last: WebchatReply[] = []
  const say = async (text: string) => {
    sent++
    last = await send({ text })
  }
  const press = async (label: RegExp) => {
    const choice = last.flatMap((reply) => reply.choices ?? []).find((c) => label.test(c.label))
    if (!choice) throw new Error(`no choice matching ${label} at message ${sent}`)
    sent++
    last = await send({ choiceId: choice.id })
  }
  const text = () => last.map((reply) => reply.text ?? '').join('\n')
  await say('hola')
  await press(/queja/i)
  await press(/^salud/i)
  await press(/medicamentos/i)
  await say('guatemala')
  await say('mixco')
  await say('Centro de Salud de Mixco')
  await say('no')
  await say('Desde hace dos semanas no hay medicamentos para la presión en el centro de salud.')
  await say('no')
  await press(/confidencial/i)
  await say('sí')
  if (!TRACKING_CODE.test(text())) await say('sí')
  const code = TRACKING_CODE.exec(text())?.[0]
  if (!code) throw new Error(`no tracking code after message ${sent}`)
  return code
}
