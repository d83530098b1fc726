import { describe, expect, it } from 'vitest'
import { newSession } from '../../src/bot/engine/index.js'
import { chat } from './chat.js'

describe('menu flow', () => {
  it('greets an idle contact with the welcome and the menu, taking their message as a greeting', () => {
    const talk = chat()
    const result = talk.send('Buenas tardes')
    expect(result.replies).toEqual([
      { text: talk.t('menu.welcome'), prompt: { key: 'menu.welcome', locale: 'es' } },
      {
        text: talk.t('menu.prompt'),
        choices: [
          { id: 'complaint', label: 'Presentar una queja 📝' },
          { id: 'status', label: 'Consultar mi caso 🔎' },
          { id: 'language', label: 'Cambiar idioma (Language) 🌐' },
        ],
        expects: 'choice',
        prompt: { key: 'menu.prompt', locale: 'es' },
      },
    ])
    expect(result.session).toMatchObject({ flowId: 'menu', nodeId: 'action', waiting: 'input', retries: 0 })
  })

  it('greets in the contact’s language', () => {
    const talk = chat({ locale: 'en' })
    expect(talk.texts(talk.send('hi'))[0]).toBe(talk.t('menu.welcome'))
    expect(talk.t('menu.welcome')).toMatch(/^Hello/)
  })

  it.each([
    ['1', 'complaint'],
    ['queja', 'complaint'],
    ['Quiero poner una denuncia', 'complaint'],
    ['Presentar una queja', 'complaint'],
    ['2', 'status'],
    ['consultar', 'status'],
    ['3', 'language'],
    ['tres', 'language'],
    // the picture alone, for someone who reads little
    ['📝', 'complaint'],
    ['🔎', 'status'],
    ['🌐', 'language'],
    ['Presentar una queja 📝', 'complaint'],
  ])('opens the chosen flow for %j', (answer, flow) => {
    const talk = chat()
    talk.send('hola')
    expect(talk.send(answer).session.flowId).toBe(flow)
  })

  it('opens a flow from a button press', () => {
    const talk = chat()
    talk.send('hola')
    const result = talk.send({ kind: 'choice', id: 'status', label: 'Consultar mi caso' })
    expect(result.session).toMatchObject({ flowId: 'status', nodeId: 'code', vars: {} })
    expect(talk.texts(result)).toEqual([talk.t('status.code.prompt')])
  })

  it('shows the options again when the answer matches none', () => {
    const talk = chat()
    talk.send('hola')
    const result = talk.send('quiero hablar con alguien')
    expect(result.replies).toHaveLength(1)
    expect(result.replies[0]?.text).toBe(talk.t('engine.choice.notFound', { answer: 'quiero hablar con alguien' }))
    expect(result.replies[0]?.choices?.map((c) => c.id)).toEqual(['complaint', 'status', 'language'])
    expect(result.session).toMatchObject({ flowId: 'menu', nodeId: 'action', retries: 1 })
  })

  it('answers a sticker from an idle contact kindly, then shows the menu', () => {
    const talk = chat()
    const texts = talk.texts(talk.send({ kind: 'unsupported', what: 'sticker' }))
    expect(texts).toEqual([talk.t('engine.unsupported.sticker'), talk.t('menu.welcome'), talk.t('menu.prompt')])
  })

  it('starts over, saying so, when the session stands in a flow that no longer exists', () => {
    const talk = chat({ session: { ...newSession('es'), flowId: 'old-poll', nodeId: 'q1', waiting: 'input', vars: { a: 1 } } })
    const result = talk.send('3')
    expect(talk.texts(result)).toEqual([talk.t('engine.restarted'), talk.t('menu.welcome'), talk.t('menu.prompt')])
    expect(result.session).toMatchObject({ flowId: 'menu', nodeId: 'action', vars: {} })
  })
})
