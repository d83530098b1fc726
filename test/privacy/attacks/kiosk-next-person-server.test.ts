import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { fileWebchatComplaint, testApp, webchatConversation, webchatSecret } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'

/**
 * The attacker is the next person at a shared kiosk. The page starts each person afresh (its own
 * browser test covers that); here the server side: on a shared screen, "mis datos" lists nothing,
 * whatever conversation it arrives on.
 */
describe.each(databaseKinds)('the next person at a kiosk on %s', (kind) => {
  let database: Database
  let composed: Composed

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
  })
  afterAll(async () => {
    await database.close()
  })

  const post = async (conversation: string, text: string, kiosk: boolean) => {
    const response = await composed.app.request('/webchat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: webchatSecret(conversation), messageId: `kiosk-${Math.random().toString(36).slice(2)}`, text, kiosk }),
    })
    return JSON.stringify(await response.json())
  }

  it('answers "mis datos" on a shared screen with a note, never the previous person\'s codes', async () => {
    const { code } = await fileWebchatComplaint(composed.app, 'kiosk-left-open-conversation', { description: 'No hay vacunas.', identity: /confidencial/i })
    const onKiosk = await post('kiosk-left-open-conversation', 'mis datos', true)
    expect(onKiosk).not.toContain(code)
    expect(onKiosk).toMatch(/pantalla compartida/)
    // the same citizen on their own phone still gets the list
    expect(await post('kiosk-left-open-conversation', 'mis datos', false)).toContain(code)
  })

  it('does not offer "with my name" on the web chat: there is no contact to share', async () => {
    const chat = webchatConversation(composed.app, 'kiosk-identity-question-1')
    for (const step of [() => chat.say('hola'), () => chat.press(/queja/i), () => chat.press(/^salud/i), () => chat.press(/medicamentos/i)]) await step()
    for (const answer of ['guatemala', 'mixco', 'Centro de Salud de Mixco', 'no', 'No había medicinas.', 'no']) await chat.say(answer)
    expect(chat.text()).toMatch(/Cómo quiere presentar su queja/)
    expect(chat.choices()).toEqual([expect.stringMatching(/^Confidencial/), expect.stringMatching(/^Anónimo/)])
    // typed anyway, it is not taken as an answer: the question stands
    await chat.say('con mi nombre')
    expect(chat.choices()).toEqual([expect.stringMatching(/^Confidencial/), expect.stringMatching(/^Anónimo/)])
  })
})
