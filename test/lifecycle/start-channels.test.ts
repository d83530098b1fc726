import { describe, expect, it } from 'vitest'
import type { Channel, InboundHandler } from '../../src/bot/channel.js'
import { createChannelStates } from '../../src/bot/channel-states.js'
import { faultOf, startChannels } from '../../src/bot/start-channels.js'
import { silentLogger } from '../support/tiny-engine.js'

const noHandler: InboundHandler = async () => ({ duplicate: false, replies: [] })

/** A channel whose start waits for `answers()` to be true, else for its signal (a platform that hangs). */
function hangingChannel(answers: () => boolean): Channel & { attempts: number } {
  const channel = {
    kind: 'telegram' as const,
    ratePerSecond: 30,
    inlineReplies: false,
    attempts: 0,
    send: async () => ({ ok: true as const }),
    start: (_handle: InboundHandler, signal?: AbortSignal) => {
      channel.attempts++
      if (answers()) return Promise.resolve()
      return new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)))
    },
  }
  return channel
}

const until = async (check: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('startChannels', () => {
  it('aborts a start that hangs, names the channel degraded by timeout, and retries until it starts', async () => {
    let answering = false
    const channel = hangingChannel(() => answering)
    const states = createChannelStates([channel])
    expect(states.snapshot().telegram).toEqual({ state: 'starting' })
    const starter = startChannels({ channels: [channel], handle: noHandler, states, logger: silentLogger, attemptTimeoutMs: 50, backoffMs: () => 20 })
    await until(() => states.snapshot().telegram?.state === 'degraded')
    expect(states.snapshot().telegram).toMatchObject({ state: 'degraded', reason: 'timeout' })
    answering = true
    await until(() => states.snapshot().telegram?.state === 'ok')
    expect(channel.attempts).toBeGreaterThanOrEqual(2)
    starter.stop()
  })

  it('stops retrying once stopped, and aborts the attempt under way', async () => {
    const channel = hangingChannel(() => false)
    const states = createChannelStates([channel])
    const starter = startChannels({ channels: [channel], handle: noHandler, states, logger: silentLogger, attemptTimeoutMs: 10_000, backoffMs: () => 10 })
    await until(() => channel.attempts === 1)
    starter.stop()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(channel.attempts).toBe(1)
    expect(states.snapshot().telegram).toEqual({ state: 'starting' })
  })

  it('reads the web chat (nothing to start) as ok, and a started channel that cannot send as not connected', () => {
    const webchat: Channel = { kind: 'webchat', ratePerSecond: 1000, inlineReplies: true, send: async () => ({ ok: true }) }
    const baileys: Channel = { kind: 'whatsapp-baileys', ratePerSecond: 1, inlineReplies: false, send: async () => ({ ok: true }), start: async () => {}, canSend: () => false }
    const states = createChannelStates([webchat, baileys])
    states.set('whatsapp-baileys', { state: 'ok' })
    expect(states.snapshot()).toEqual({ webchat: { state: 'ok' }, 'whatsapp-baileys': { state: 'degraded', reason: 'not-connected', attempts: 0 } })
  })
})

describe('faultOf', () => {
  it('tells a refused connection, an API that said no, and anything else apart', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) })
    expect(faultOf(refused)).toBe('unreachable')
    expect(faultOf(Object.assign(new Error('Call to getMe failed! (401: Unauthorized)'), { error_code: 401 }))).toBe('rejected')
    expect(faultOf(new Error('something else'))).toBe('error')
  })
})
