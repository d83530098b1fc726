import { describe, expect, it } from 'vitest'
import { createRateLimiter } from '../../../src/bot/channels/telegram/rate-limiter.js'

/** A limiter on a clock that only moves when it sleeps: each send is stamped with its time. */
function limited(options: Parameters<typeof createRateLimiter>[0] = {}) {
  let clock = 0
  const limiter = createRateLimiter({
    ...options,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms
    },
  })
  return {
    /** sends to these chats one after another (as the outbox does) and returns when each went */
    async sendAll(chats: string[]): Promise<number[]> {
      const times: number[] = []
      for (const chat of chats) {
        await limiter(chat)
        times.push(clock)
      }
      return times
    },
    advance: (ms: number) => (clock += ms),
  }
}

describe('createRateLimiter', () => {
  it('lets a short burst to one chat through, then one message a second', async () => {
    const times = await limited().sendAll(['a', 'a', 'a', 'a', 'a'])
    expect(times.map(Math.round)).toEqual([0, 33, 67, 1000, 2000])
  })

  it('spaces messages to different chats to the global rate only', async () => {
    const times = await limited({ perSecond: 30 }).sendAll(['a', 'b', 'c', 'd'])
    expect(times.map(Math.round)).toEqual([0, 33, 67, 100])
  })

  it('refills a quiet chat’s burst', async () => {
    const limiter = limited()
    await limiter.sendAll(['a', 'a', 'a'])
    limiter.advance(3000)
    const times = await limiter.sendAll(['a', 'a', 'a'])
    expect((times[2] ?? 0) - (times[0] ?? 0)).toBeLessThan(100)
  })
})
