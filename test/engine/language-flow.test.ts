import { describe, expect, it } from 'vitest'
import { chat } from './chat.js'

describe('language flow', () => {
  it('switches to English from the menu, confirms in English and shows the menu again', () => {
    const talk = chat()
    talk.send('hola')
    const ask = talk.send('3')
    expect(ask.replies).toEqual([
      {
        text: talk.t('language.prompt'),
        choices: [
          { id: 'es', label: 'Español' },
          { id: 'en', label: 'English' },
        ],
        expects: 'choice',
        prompt: { key: 'language.prompt', locale: 'es' },
      },
    ])
    const done = talk.send('English')
    expect(done.session.locale).toBe('en')
    const [changed, welcome, prompt] = talk.texts(done)
    expect(changed).toBe("Done, from now on I'll write to you in English.")
    expect(welcome).toMatch(/^Hello!/)
    expect(prompt).toBe('What would you like to do?')
    expect(done.session).toMatchObject({ flowId: 'menu', nodeId: 'action', waiting: 'input', locale: 'en' })
  })

  it.each(['inglés', 'ingles', 'english', '2', 'en', { kind: 'choice', id: 'en' } as const])('takes %j for English', (answer) => {
    const talk = chat({ flow: 'language' })
    expect(talk.send(answer).session.locale).toBe('en')
  })

  it.each(['español', 'castellano', 'Spanish', '1'])('takes %j for Spanish', (answer) => {
    const talk = chat({ locale: 'en', flow: 'language' })
    const result = talk.send(answer)
    expect(result.session.locale).toBe('es')
    expect(talk.texts(result)).toEqual(['Listo, desde ahora le escribo en español.', talk.t('menu.welcome'), '¿Qué desea hacer?'])
  })

  it('keeps the language when the answer is not one', () => {
    const talk = chat({ flow: 'language' })
    const result = talk.send('francés')
    expect(result.session).toMatchObject({ locale: 'es', flowId: 'language', retries: 1 })
  })
})
