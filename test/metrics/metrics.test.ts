import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Channel } from '../../src/bot/channel.js'
import { enqueue } from '../../src/bot/outbox.js'
import { createToken } from '../../src/auth/tokens.js'
import { type Composed, compose } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { fileCase, newContact } from '../cases/case-fixture.js'
import { webchatConversation, webchatSecret } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger } from '../support/tiny-engine.js'

const METRICS_TOKEN = 'scraper-secret-0123456789abcdef'
const BLOCKED_CHAT = '5550987001'
const WELCOME_CHAT = '5550987002'

type Sample = { name: string; labels: Record<string, string>; value: number }

/**
 * Reads Prometheus' text exposition format strictly: every line a comment or a sample, every
 * sampled family announced by # HELP and # TYPE first.
 */
function parseExposition(text: string): Sample[] {
  const announced = new Set<string>()
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][\w:]*) .+$/.exec(line)
    if (comment?.[2]) {
      if (comment[1] === 'TYPE') announced.add(comment[2])
      continue
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!sample?.[1] || sample[3] === undefined) throw new Error(`not a sample line: ${line}`)
    const family = sample[1].replace(/_(bucket|sum|count|total)$/, '')
    if (!announced.has(sample[1]) && !announced.has(family)) throw new Error(`no # TYPE before ${sample[1]}`)
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']))
    // Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes "Nan")
    const special = /^([+-]?)(inf|nan)$/i.exec(sample[3])
    const value = special ? (special[2]?.toLowerCase() === 'nan' ? Number.NaN : special[1] === '-' ? -Infinity : Infinity) : Number(sample[3])
    if (!special && !/^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(sample[3])) throw new Error(`not a number: ${line}`)
    samples.push({ name: sample[1], labels, value })
  }
  return samples
}

describe.each(databaseKinds)('/metrics on %s', (kind) => {
  let database: Database
  let composed: Composed
  let admin: string
  let institution: string
  const clock = new Date('2026-12-01T15:00:00Z')

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await compose({
      database,
      config: { SEED_FILE: './seed/directory.json', SESSION_TTL_MINUTES: 60, DEFAULT_LOCALE: 'es', OUTBOX_POLL_MS: 60_000, RETENTION_DAYS: 180, METRICS_TOKEN },
      logger: silentLogger,
      now: () => clock,
    })
    admin = (await createToken(database.db, { name: 'operaciones', role: 'admin' })).token
    institution = (await createToken(database.db, { name: 'área de salud', role: 'institution' })).token

    // two web chat messages and one repeated, as the page resends when an answer is lost
    const chat = webchatConversation(composed.app, 'metrics-citizen')
    await chat.say('hola')
    await chat.say('menu')
    const again = await composed.app.request('/webchat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...chat.lastMessage(), text: 'menu' }),
    })
    expect(again.status).toBe(200)

    // a case a month old, overdue by now; a notice Telegram refuses for good, and a message it takes
    const contact = await newContact(database, BLOCKED_CHAT)
    await fileCase(database, { now: new Date(clock.getTime() - 30 * 86_400_000), contactId: contact.id })
    await enqueue(database.db, [
      { channel: 'telegram', address: BLOCKED_CHAT, contactId: contact.id, locale: 'es', reply: { text: 'Su caso avanzó.' }, kind: 'notice', notBefore: clock },
      { channel: 'telegram', address: WELCOME_CHAT, locale: 'es', reply: { text: 'Bienvenida.' }, kind: 'reply', notBefore: clock },
    ])
    const telegram: Channel = {
      kind: 'telegram',
      ratePerSecond: 1000,
      inlineReplies: false,
      send: async (address) => (address === BLOCKED_CHAT ? { ok: false, permanent: true, failure: 'blocked', error: '403: Forbidden: bot was blocked by the user' } : { ok: true }),
    }
    composed.channels.set('telegram', telegram)
    await composed.outbox.runOnce()
  })
  afterAll(async () => {
    await composed.outbox.stop()
    await database.close()
  })

  const scrape = (token?: string) => composed.app.request('/metrics', token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })
  const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted)).reduce((sum, sample) => sum + sample.value, 0)

  it('counts messages in and out per channel, failures by reason, the outbox and the cases, in the text format', async () => {
    const response = await scrape(METRICS_TOKEN)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    const samples = parseExposition(text)

    expect(value(samples, 'dialogo_inbound_messages_total', { channel: 'webchat', result: 'handled' })).toBe(2)
    expect(value(samples, 'dialogo_inbound_messages_total', { channel: 'webchat', result: 'duplicate' })).toBe(1)
    expect(value(samples, 'dialogo_outbound_messages_total', { channel: 'webchat', kind: 'reply' })).toBeGreaterThanOrEqual(2)
    expect(value(samples, 'dialogo_outbound_messages_total', { channel: 'telegram', kind: 'reply' })).toBe(1)
    expect(value(samples, 'dialogo_message_processing_seconds_count', { channel: 'webchat' })).toBe(3)
    expect(value(samples, 'dialogo_message_processing_seconds_bucket', { channel: 'webchat', le: '+Inf' })).toBe(3)
    expect(value(samples, 'dialogo_delivery_failures_total', { channel: 'telegram', reason: 'blocked', final: 'true' })).toBe(1)
    expect(value(samples, 'dialogo_outbox_messages', { state: 'failed' })).toBe(1)
    expect(value(samples, 'dialogo_outbox_messages', { state: 'pending' })).toBe(0)
    expect(value(samples, 'dialogo_outbox_oldest_pending_age_seconds')).toBe(0)
    expect(value(samples, 'dialogo_cases_open')).toBe(1)
    expect(value(samples, 'dialogo_cases_overdue', { clock: 'resolution' })).toBe(1)
    expect(samples.some((sample) => sample.name === 'process_resident_memory_bytes')).toBe(true)

    // nothing of who wrote or what: no chat id, no conversation, no text
    for (const secret of [BLOCKED_CHAT, WELCOME_CHAT, webchatSecret('metrics-citizen'), 'hola', 'Bienvenida']) expect(text).not.toContain(secret)
  })

  it('tells how long the oldest pending message has waited', async () => {
    await enqueue(database.db, { channel: 'whatsapp-cloud', address: '50255550000', locale: 'es', reply: { text: 'espera' }, kind: 'notice', notBefore: clock })
    // written by the database's clock; the scrape reads the app's, fixed at 15:00 in this test
    const samples = parseExposition(await (await scrape(admin)).text())
    expect(value(samples, 'dialogo_outbox_messages', { state: 'pending' })).toBe(1)
    expect(value(samples, 'dialogo_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0)
  })

  it('answers the METRICS_TOKEN and admin tokens only', async () => {
    expect((await scrape(admin)).status).toBe(200)
    const anonymous = await scrape()
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect((await scrape('not-the-metrics-token-at-all-0000')).status).toBe(401)
    expect((await scrape(institution)).status).toBe(403)
    const refused = await scrape(institution)
    expect(refused.headers.get('content-type')).toBe('application/problem+json')
    expect(await refused.text()).not.toContain('dialogo_')
  })
})
