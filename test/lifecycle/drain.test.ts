import { describe, expect, it } from 'vitest'
import { createDrain, within } from '../../src/lifecycle/drain.js'

describe('createDrain', () => {
  it('finishes the request in flight, answers later ones 503 with Retry-After, and says when it is idle', async () => {
    const drain = createDrain()
    let finish = () => {}
    const slow = drain.fetch(() => new Promise<Response>((resolve) => (finish = () => resolve(new Response('done')))))
    const inFlight = slow(new Request('http://127.0.0.1/webchat/messages', { method: 'POST' }))
    drain.begin()
    const refused = await slow(new Request('http://127.0.0.1/webchat/messages', { method: 'POST' }))
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')
    expect(refused.headers.get('content-type')).toBe('application/problem+json')
    expect(await drain.idle(20)).toBe(false)
    const idle = drain.idle(5000)
    finish()
    expect(await (await inFlight).text()).toBe('done')
    expect(await idle).toBe(true)
  })

  it('counts messages handed to the runtime by long polling and sockets too', async () => {
    const drain = createDrain()
    let finish = () => {}
    const handle = drain.handle(() => new Promise((resolve) => (finish = () => resolve({ duplicate: false, replies: [] }))))
    const handled = handle({ channel: 'telegram', externalId: '1', from: { channelUserId: 'x' }, receivedAt: new Date(), content: { kind: 'text', text: 'hola' } })
    expect(await drain.idle(20)).toBe(false)
    finish()
    await handled
    expect(await drain.idle(20)).toBe(true)
  })
})

describe('within', () => {
  it('gives the fallback when a step hangs', async () => {
    expect(await within(20, new Promise<string>(() => {}), 'late')).toBe('late')
    expect(await within(1000, Promise.resolve('done'), 'late')).toBe('done')
  })
})
