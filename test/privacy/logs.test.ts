import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log.js'
import { testApp, webchatConversation } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

/** A logger at the most talkative level whose output the test can read. */
function capturingLogger() {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString())
      done()
    },
  })
  return { logger: createLogger('trace', stream), output: () => chunks.join('') }
}

describe('logs', () => {
  it('never show message text, phone numbers or chat ids, whatever a call site passes', () => {
    const { logger, output } = capturingLogger()
    logger.info({ text: 'no hay medicinas', from: '50255123456', address: '50255123456', chatId: 99, message: { text: 'hola' } }, 'x')
    expect(output()).not.toMatch(/medicinas|55123456|hola|"chatId":99/)
  })
})

describe.each(databaseKinds)('a full complaint on %s', (kind) => {
  const conversationId = 'privacy-conversation-7788'
  const description = 'En el puesto de salud de la aldea no hay vacunas para mi bebé desde octubre.'
  const facility = 'Puesto de Salud Aldea El Rosario'
  let database: Awaited<ReturnType<typeof freshDatabase>>
  const capture = capturingLogger()

  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  it('leaves no message text or conversation id in the log output', async () => {
    const composed = await testApp(database, undefined, capture.logger)
    const chat = webchatConversation(composed.app, conversationId)
    await chat.say('hola')
    await chat.press(/queja/i)
    await chat.press(/^salud/i)
    await chat.press(/vacunas/i)
    await chat.say('guatemala')
    await chat.say('mixco')
    await chat.say(facility)
    await chat.say('no')
    await chat.say(description)
    // Optional questions (a photo, a location) may come first: skip them.
    for (let i = 0; i < 4 && !chat.choices().some((label) => /anónimo/i.test(label)); i++) await chat.say('no')
    await chat.press(/anónimo/i)
    await chat.say('sí')
    expect(chat.text()).toMatch(/[0-9A-Z]{5}-[0-9A-Z]{5}/)
    await composed.outbox.runOnce()

    const logged = capture.output()
    expect(logged.length).toBeGreaterThan(0)
    for (const secret of [conversationId, description, facility, 'vacunas', 'Rosario']) {
      expect(logged).not.toContain(secret)
    }
  })
})
