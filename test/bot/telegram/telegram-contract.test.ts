import type { Hono } from 'hono'
import type { Channel } from '../../../src/bot/channel.js'
import { createTelegramChannel } from '../../../src/bot/channels/telegram/telegram-channel.js'
import type { Composed } from '../../../src/compose.js'
import { testApp } from '../../support/app.js'
import { FAKE_BOT, FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../../support/fake-bot-api.js'
import { textOf } from '../../support/telegram-chat.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { CONTRACT_MEDIA_LIMIT, type ContractCitizen, runChannelContract } from '../channel-contract.js'

const SECRET = 'contract-webhook-secret'

function webhookRoutes(channel: Channel): Hono {
  if (!channel.routes) throw new Error('the channel mounts no webhook routes')
  return channel.routes
}
type Json = Record<string, unknown>

runChannelContract({
  kind: 'telegram',
  async start(database) {
    const fake: FakeBotApi = await startFakeBotApi()
    const composed: Composed = await testApp(database, undefined, silentLogger, { MEDIA_MAX_BYTES: CONTRACT_MEDIA_LIMIT })
    // webhook mode: a request returns once the update was handled, so each step is synchronous;
    // Telegram's per-chat pace is lifted (a test citizen answers faster than a person)
    const telegram = createTelegramChannel({
      db: database.db,
      logger: silentLogger,
      token: FAKE_TOKEN,
      apiRoot: fake.url,
      webhook: { url: 'https://dialogo.example.org/webhooks/telegram', secret: SECRET },
      limits: { perSecond: 10_000, perChatPerSecond: 10_000, perChatBurst: 10_000 },
    })
    composed.channels.set('telegram', telegram)
    await telegram.start?.(composed.runtime.handle)
    const routes = webhookRoutes(telegram)
    let updateId = 900_000_000
    let fileCounter = 0

    const citizen = (n: number): ContractCitizen => {
      const chatId = 730_000_000 + n
      const from = { id: chatId, is_bot: false, first_name: 'Ana', language_code: 'es' }
      let messageId = 1
      let last: Json = {}
      async function deliver(update: Json): Promise<string> {
        last = update
        const seen = fake.to(chatId).length
        const response = await routes.request('/webhooks/telegram', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body: JSON.stringify(update),
        })
        if (response.status !== 200) throw new Error(`webhook answered ${response.status}`)
        await composed.outbox.runOnce()
        return textOf(fake.to(chatId).slice(seen))
      }
      const send = (fields: Json) =>
        deliver({ update_id: ++updateId, message: { message_id: messageId++, date: 1764082800, chat: { id: chatId, type: 'private', first_name: 'Ana' }, from, ...fields } })
      // a photo as Telegram records it: sizes of one picture, the largest last
      const photo = (file: Buffer, size = file.length) => {
        const fileId = `AgACAgEAAxkBAAMp_contract_${++fileCounter}`
        fake.addFile(fileId, file)
        return send({ photo: [{ file_id: fileId, file_unique_id: `AQAD${fileCounter}`, file_size: size, width: 1280, height: 960 }] })
      }
      return {
        say: (text) => send({ text }),
        async press(label) {
          const offered = fake.to(chatId).at(-1)
          const inline = offered?.replyMarkup?.inline_keyboard?.flat().find((candidate) => label.test(candidate.text))
          if (offered && inline) {
            const query = {
              id: `cb-${chatId}-${messageId++}`,
              from,
              chat_instance: `ci-${chatId}`,
              data: inline.callback_data,
              message: { message_id: offered.messageId, date: 0, chat: { id: chatId, type: 'private' }, text: offered.text },
            }
            return deliver({ update_id: ++updateId, callback_query: query })
          }
          // a reply keyboard sends its label as text; a long list is a numbered menu
          const typed = offered?.replyMarkup?.keyboard?.flat().find((candidate) => label.test(candidate.text))
          if (typed) return send({ text: typed.text })
          const line = offered?.text.split('\n').find((candidate) => /^\d+\. /.test(candidate) && label.test(candidate.replace(/^\d+\. /, '')))
          if (!line) throw new Error(`no option matching ${label} in ${offered?.text ?? 'nothing'}`)
          return send({ text: line.split('.')[0] ?? '' })
        },
        share: (latitude, longitude) => send({ location: { latitude, longitude } }),
        attach: (file, mimeType) => {
          if (mimeType === 'image/jpeg') return photo(file)
          const fileId = `BQACAgEAAxkBAAb_contract_${++fileCounter}`
          fake.addFile(fileId, file)
          return send({ document: { file_id: fileId, file_unique_id: `doc${fileCounter}`, mime_type: mimeType, file_size: file.length } })
        },
        attachTooLarge: () => photo(Buffer.alloc(CONTRACT_MEDIA_LIMIT + 1, 1)),
        repeatLast: () => deliver(last),
        lastExternalId: () => `${FAKE_BOT.id}:${String(last['update_id'])}`,
      }
    }
    return {
      citizen,
      downloads: () => fake.calls.filter((call) => call.method === 'getFile').length,
      async failingSend() {
        fake.failNext('sendMessage', 403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' })
        return { channel: telegram, address: String(730_000_999) }
      },
      async close() {
        await telegram.stop?.()
        await fake.close()
      },
    }
  },
})
