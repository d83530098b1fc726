import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { media } from '../../../src/db/schema/index.js'
import { fileWebchatComplaint, testApp, webchatConversation, webchatSecret } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { httpFrom } from '../../support/http-from.js'
import { type Served, serveOnLoopback } from '../../support/serve-app.js'

/**
 * The attacker is a public client: it guesses tracking codes through the status question (a hit
 * tells the status of somebody's case, and "compartir mis datos CODE" tells whether a code
 * exists), and floods the web chat. Each guess is counted per conversation and per client address
 * in the database; floods are shed per conversation and address; other people are unaffected.
 */
describe.each(databaseKinds)('a public client guessing codes and flooding on %s', (kind) => {
  let database: Database
  let composed: Composed
  let server: Served | undefined
  let base = ''
  let counter = 0

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    server = await serveOnLoopback(composed.app)
    base = server.url
  })
  afterAll(async () => {
    await server?.close()
    await database.close()
  })

  const say = async (from: string, conversation: string, text: string) => {
    counter++
    const answer = await httpFrom(from, `${base}/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: webchatSecret(conversation), messageId: `guess-${counter}-message`, text }),
    })
    return answer
  }

  it('stops status lookups after ten an hour from one conversation, and from one address, even for a right code', async () => {
    const { code } = await fileWebchatComplaint(composed.app, 'owner-of-the-case-1', { description: 'No hay médico los lunes.', identity: /confidencial/i })
    for (let guess = 0; guess < 10; guess++) {
      const answer = await say('127.0.0.2', 'guesser-conversation-1', `estado AAAAA-${String(10000 + guess).slice(1)}A`)
      expect(answer.text).toMatch(/No encontré ningún caso/)
    }
    const eleventh = await say('127.0.0.2', 'guesser-conversation-1', `estado ${code}`)
    expect(eleventh.text).toMatch(/espere una hora/)
    expect(eleventh.text).not.toContain(`Caso ${code}`)
    // a fresh conversation from the same network is counted under the address too
    const sameNetwork = await say('127.0.0.2', 'guesser-conversation-2', `estado ${code}`)
    expect(sameNetwork.text).toMatch(/espere una hora/)
    // "compartir mis datos CODE" is an oracle for codes as well: counted the same way
    await say('127.0.0.2', 'guesser-conversation-3', `compartir mis datos ${code}`)
    const released = await say('127.0.0.2', 'guesser-conversation-3', 'sí')
    expect(released.text).toMatch(/espere una hora/)
    expect(released.text).not.toMatch(/no es confidencial/)
    // someone else, elsewhere, still gets their answer
    const other = await say('127.0.0.3', 'honest-citizen-1', `estado ${code}`)
    expect(other.text).toContain(`Caso ${code}`)
  })

  it('tells a flooding conversation once, politely, and keeps answering others', async () => {
    const statuses: number[] = []
    const texts: string[] = []
    for (let message = 0; message < 33; message++) {
      const answer = await say('127.0.0.4', 'flooding-conversation-1', 'hola')
      statuses.push(answer.status)
      texts.push(answer.text)
    }
    expect(statuses.slice(0, 30).every((status) => status === 200)).toBe(true)
    expect(statuses.slice(30)).toEqual([429, 429, 429])
    expect(texts.filter((text) => /muy rápido/.test(text))).toHaveLength(1)
    expect((await say('127.0.0.5', 'calm-conversation-1', 'hola')).status).toBe(200)
  })

  it('keeps no file sent where no question asks for one', async () => {
    const before = (await database.db.select({ id: media.id }).from(media)).length
    const chat = webchatConversation(composed.app, 'unasked-photo-conversation')
    await chat.say('hola')
    await chat.attach('image/jpeg', Buffer.from('a photo nobody asked for'))
    expect((await database.db.select({ id: media.id }).from(media)).length).toBe(before)
  })
})
