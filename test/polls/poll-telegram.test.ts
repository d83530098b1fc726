import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTelegramChannel } from '../../src/bot/channels/telegram/telegram-channel.js'
import type { Channel } from '../../src/bot/channel.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { createTranslate } from '../../src/i18n/index.js'
import { runJobOnce } from '../../src/jobs/run-job-once.js'
import { createGroup } from '../../src/polls/groups.js'
import { pollJobs, pollPacing } from '../../src/polls/poll-jobs.js'
import { pollResults } from '../../src/polls/poll-results.js'
import { createPoll } from '../../src/polls/poll-store.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../support/fake-bot-api.js'
import { textOf } from '../support/telegram-chat.js'
import { silentLogger } from '../support/tiny-engine.js'
import { samplePoll } from './fixtures.js'

const SECRET = 'poll-webhook-secret'
const t = createTranslate()
type Json = Record<string, unknown>

describe.each(databaseKinds)('a poll answered by buttons alone on Telegram, on %s', (kind) => {
  let database: Database
  let app: Composed
  let fake: FakeBotApi
  let telegram: Channel
  let clock = new Date('2026-12-02T15:00:00Z')
  let updateId = 910_000_000

  beforeAll(async () => {
    database = await freshDatabase(kind)
    fake = await startFakeBotApi()
    app = await testApp(database, () => clock, silentLogger)
    telegram = createTelegramChannel({
      db: database.db,
      logger: silentLogger,
      token: FAKE_TOKEN,
      apiRoot: fake.url,
      webhook: { url: 'https://dialogo.example.org/webhooks/telegram', secret: SECRET },
      limits: { perSecond: 10_000, perChatPerSecond: 10_000, perChatBurst: 10_000 },
    })
    app.channels.set('telegram', telegram)
    await telegram.start?.(app.runtime.handle)
  })
  afterAll(async () => {
    await telegram.stop?.()
    await fake.close()
    await database.close()
  })

  const chatId = 740_000_001
  const from = { id: chatId, is_bot: false, first_name: 'Ana', language_code: 'es' }
  let messageId = 1
  const deliver = async (update: Json) => {
    const seen = fake.to(chatId).length
    const routes = telegram.routes
    if (!routes) throw new Error('no webhook routes')
    const response = await routes.request('/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    })
    expect(response.status).toBe(200)
    while ((await app.outbox.runOnce()) > 0);
    return textOf(fake.to(chatId).slice(seen))
  }
  const say = (text: string) =>
    deliver({ update_id: ++updateId, message: { message_id: messageId++, date: 1764082800, chat: { id: chatId, type: 'private', first_name: 'Ana' }, from, text } })
  const press = (label: RegExp) => {
    const offered = fake.to(chatId).at(-1)
    const button = offered?.replyMarkup?.inline_keyboard?.flat().find((candidate) => label.test(candidate.text))
    if (!offered || !button) throw new Error(`no button ${label} in ${JSON.stringify(offered?.replyMarkup)}`)
    const query = { id: `cb-${messageId++}`, from, chat_instance: 'ci', data: button.callback_data, message: { message_id: offered.messageId, date: 0, chat: { id: chatId, type: 'private' }, text: offered.text } }
    return deliver({ update_id: ++updateId, callback_query: query })
  }
  const labels = () => (fake.to(chatId).at(-1)?.replyMarkup?.inline_keyboard?.flat() ?? []).map((button) => button.text)

  it('takes every kind of question by presses, then sends the results at closing', async () => {
    const group = await createGroup(database.db, { name: 'Mesa de Mixco', municipalityCode: '0108' }, clock)
    expect(await say(`unirme ${group.inviteCode}`)).toContain('Mesa de Mixco')
    const definition = samplePoll({
      audience: { groups: [group.id], municipalities: [] },
      opensAt: '2026-12-02T08:00:00-06:00',
      remindAt: undefined,
      resultsVisibility: 'group',
    })
    const poll = await createPoll(database.db, definition, clock)
    const jobs = pollJobs({ startFlow: app.runtime.startFlow, t, pacing: pollPacing(app.channels), now: () => clock })
    const job = (name: string) => {
      const found = jobs.find((j) => j.name === name)
      if (!found) throw new Error(`no job ${name}`)
      return found
    }
    await runJobOnce(database.db, job('polls.invite'), new Date(Date.UTC(2026, 0, 1, 0, 1)))
    while ((await app.outbox.runOnce()) > 0);
    expect(fake.to(chatId).at(-1)?.text).toBe('¿Qué servicio usa más?')

    await press(/^Salud$/)
    // multiple choice: toggle two, take one off, add another, then Listo
    await press(/^Falta de personal$/)
    await press(/^Mucha espera$/)
    expect(labels()).toEqual(['✅ Falta de personal', 'Falta de medicinas', '✅ Mucha espera', 'Listo'])
    await press(/Mucha espera/)
    await press(/^Falta de medicinas$/)
    await press(/^Listo$/)
    // a scale by its button
    expect(labels()).toEqual(['1', '2', '3', '4', '5'])
    await press(/^4$/)
    // a ranking by presses in order, with an undo
    await press(/^Caminos$/)
    await press(/^Deshacer$/)
    await press(/^Agua$/)
    await press(/^Caminos$/)
    expect(fake.to(chatId).at(-1)?.text).toBe('¿Algo más que quiera decir?')
    expect(await say('Más médicos')).toBe(t('es', 'polls.doneWithResults'))

    const results = await pollResults(database.db, poll.id, { withTexts: true })
    const byId = (id: string) => results.questions.find((q) => q.id === id)
    expect(byId('service')?.options?.find((o) => o.id === 'health')?.count).toBe(1)
    expect(byId('problems')?.options?.filter((o) => o.count === 1).map((o) => o.id)).toEqual(['staff', 'medicine'])
    expect(byId('trust')?.scale?.mean).toBe(4)
    expect(byId('priorities')?.options?.map((o) => o.id)).toEqual(['water', 'roads', 'clinic'])

    clock = new Date('2026-12-09T01:00:00Z')
    await runJobOnce(database.db, job('polls.close'), new Date(Date.UTC(2026, 0, 1, 0, 2)))
    while ((await app.outbox.runOnce()) > 0);
    expect(fake.to(chatId).at(-1)?.text).toBe(t('es', 'polls.results.withheld', { title: 'Prioridades de inversión 2027', k: 5 }))
  })
})
