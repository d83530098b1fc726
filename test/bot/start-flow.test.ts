import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Flow } from '../../src/bot/engine/types.js'
import { createRuntime } from '../../src/bot/runtime.js'
import type { Database } from '../../src/db/client.js'
import { contacts, outbox } from '../../src/db/schema/index.js'
import { createEffectHandlers } from '../../src/flows/effect-handlers.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger, tinyEngine, tinyFlows } from '../support/tiny-engine.js'

const question: Flow = {
  id: 'question',
  title: 'question.title',
  start: 'ask',
  nodes: {
    ask: { kind: 'ask', var: 'answer', prompt: 'question.ask {{code}}', input: { type: 'yesno' }, next: 'end' },
    end: { kind: 'end', text: 'question.thanks' },
  },
}

describe.each(databaseKinds)('runtime.startFlow on %s', (kind) => {
  let database: Database
  const now = new Date('2026-11-25T12:00:00Z')
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  const runtime = () =>
    createRuntime({
      db: database.db,
      engine: { ...tinyEngine(), flows: { ...tinyFlows, question } },
      handlers: createEffectHandlers(),
      inlineChannels: new Set(['webchat']),
      defaultLocale: 'es',
      logger: silentLogger,
      now: () => now,
    })
  const contact = async (channelUserId: string) => {
    const [row] = await database.db.insert(contacts).values({ channel: 'telegram', channelUserId }).returning()
    if (!row) throw new Error('no contact')
    return row.id
  }
  const queued = async (contactId: string) =>
    (await database.db.select().from(outbox).where(eq(outbox.contactId, contactId))).map((row) => ({ address: row.address, status: row.status, body: row.body }))

  it('opens the flow for an idle contact and queues its question for their chat', async () => {
    const id = await contact('chat-idle')
    expect(await runtime().startFlow(id, 'question', { code: 'K7QM-3XHA' })).toBe('started')
    expect(await queued(id)).toEqual([
      { address: 'chat-idle', status: 'pending', body: expect.objectContaining({ text: 'question.ask K7QM-3XHA', expects: 'yesno' }) },
    ])
  })

  it('leaves a contact in the middle of another conversation alone, to be asked later', async () => {
    const id = await contact('chat-busy')
    const bot = runtime()
    await bot.startFlow(id, 'question', { code: 'first' })
    expect(await bot.startFlow(id, 'question', { code: 'second' })).toBe('busy')
    expect(await queued(id)).toHaveLength(1)
  })

  it('reports a contact that does not exist as gone', async () => {
    expect(await runtime().startFlow('00000000-0000-4000-8000-000000000000', 'question', {})).toBe('gone')
  })
})
