import { describe, expect, it } from 'vitest'
import { parseGlobalCommand } from '../../src/bot/engine/global-commands.js'
import { readYesNo } from '../../src/bot/engine/read-answer.js'
import { chat } from './chat.js'
import { testContext } from './context.js'

const { vocabulary } = testContext()

describe('yes and no in Guatemalan Spanish', () => {
  const words = vocabulary

  it.each(['simón', 'Simon', 'va', 'Dale', 'sale', 'va pues'])('takes %j for yes', (answer) => {
    expect(readYesNo(answer, words)).toBe(true)
  })

  it.each(['nel', 'Nel pastel'])('takes %j for no', (answer) => {
    expect(readYesNo(answer, words)).toBe(false)
  })

  it('reads the words from the locale files, not only from the code', () => {
    expect(words.yes.words.has('simon')).toBe(true)
    expect(words.no.words.has('nel')).toBe(true)
    // without the locale's words "nel" is not an answer, nor is "sí"
    const none = { words: new Set<string>(), emoji: [] }
    expect(readYesNo('nel', { yes: none, no: none })).toBeUndefined()
    expect(readYesNo('sí', { yes: none, no: none })).toBeUndefined()
  })

  it('answers a yes/no question of the complaint with "nel"', () => {
    const talk = chat({ flow: 'complaint' })
    for (const answer of ['salud', 'medicamentos', 'Guatemala', 'Mixco', 'Centro de Salud de Mixco']) talk.send(answer)
    expect(talk.session.nodeId).toBe('conflict')
    talk.send('nel')
    expect(talk.session).toMatchObject({ nodeId: 'description', vars: { conflictOfInterest: false } })
  })
})

describe('a tracking code on its own', () => {
  it.each([
    ['K7QM3-XHA2P', 'K7QM3-XHA2P'],
    ['k7qm3-xha2p', 'K7QM3-XHA2P'],
    [' K7QM3 XHA2P ', 'K7QM3-XHA2P'],
    ['KXWM-P2RT', 'KXWM-P2RT'],
  ])('%j is a status query for %s', (text, code) => {
    expect(parseGlobalCommand(text, vocabulary)).toEqual({ name: 'flow', flow: 'status', code, bare: true })
  })

  it.each(['BIEN-BIEN', 'hola-mundo', 'K7QM3-XHA2', 'Centro de Salud'])('%j is not a code', (text) => {
    expect(parseGlobalCommand(text, vocabulary)).toBeNull()
  })

  it('is looked up from the middle of a complaint', () => {
    const talk = chat({ flow: 'complaint' })
    talk.send('salud')
    const result = talk.send('k7qm3-xha2p')
    expect(result.effects).toEqual([{ type: 'case.lookup', args: { code: 'K7QM3-XHA2P' } }])
  })

  it('answers a question that asks for a code, such as a mesa invite code', () => {
    const talk = chat()
    talk.send('unirme')
    expect(talk.session).toMatchObject({ flowId: 'pollJoin', nodeId: 'code' })
    const result = talk.send('K7QM3-XHA2P')
    expect(result.effects).toEqual([{ type: 'poll.join', args: { code: 'K7QM3-XHA2P' } }])
  })
})

describe('the citizens\' help', () => {
  it('gives an example in the real code format and no staff or mesa words', () => {
    const talk = chat()
    const [help] = talk.texts(talk.send('ayuda'))
    expect(help).toContain('estado K7QM3-XHA2P')
    for (const word of ['unirme', 'vincular', 'acuso', 'mesa']) expect(help).not.toContain(word)
  })
})

describe('a loosely read answer', () => {
  it('is said back: "medicamentso" is understood as the shortage of medicines', () => {
    const talk = chat({ flow: 'complaint' })
    talk.send('salud')
    const [understood, next] = talk.texts(talk.send('medicamentso'))
    expect(understood).toBe('Entendí: Falta de medicamentos o insumos')
    expect(next).toBe(talk.t('complaint.place.prompt'))
  })

  it('is not said back when the answer was a button, a number or the exact label', () => {
    for (const answer of [{ kind: 'choice', id: 'medicine_shortage' } as const, '1', 'Falta de medicamentos o insumos']) {
      const talk = chat({ flow: 'complaint' })
      talk.send('salud')
      expect(talk.texts(talk.send(answer))).toEqual([talk.t('complaint.place.prompt')])
    }
  })

  it('leaves no trace in the session', () => {
    const talk = chat({ flow: 'complaint' })
    talk.send('salud')
    talk.send('medicamentso')
    expect(Object.keys(talk.session.vars)).not.toContain('_understood')
  })
})
