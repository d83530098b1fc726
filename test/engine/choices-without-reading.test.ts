import { describe, expect, it } from 'vitest'
import { matchChoice, normalize } from '../../src/bot/engine/index.js'
import { chat } from './chat.js'

/** A complaint at its first question (which service). */
function atSector() {
  return chat({ flow: 'complaint' })
}

describe('choices that need no reading', () => {
  it('show each service with its picture after the name', () => {
    const [question] = atSector().send('ayuda').replies.slice(-1)
    expect(question?.choices).toEqual([
      { id: 'health', label: 'Salud 🏥' },
      { id: 'education', label: 'Educación 📚' },
      { id: 'cash_transfer', label: 'Bono MIFAPRO 💵' },
    ])
  })

  it.each([
    ['🏥', 'health'],
    ['📚', 'education'],
    ['💵', 'cash_transfer'],
    [' 🏥 ', 'health'],
  ])('take the picture %j alone for %s', (answer, sector) => {
    const talk = atSector()
    const result = talk.send(answer)
    expect(result.session.vars).toMatchObject({ sector, sectorLabel: expect.not.stringMatching(/\p{Extended_Pictographic}/u) })
    // not a guess: nothing is said back before the next question
    expect(talk.texts(result)).toEqual([talk.t('complaint.category.prompt')])
  })

  it('take a picture with or without the variation selector some keyboards add', () => {
    const plain = atSector()
    plain.send('🏥')
    plain.send('🚫')
    expect(plain.session.vars['category']).toBe('care_refused')
    const selector = atSector()
    selector.send('🏥')
    selector.send('😠\u{FE0F}')
    expect(selector.session.vars['category']).toBe('mistreatment')
  })

  it('take a label sent back with its picture, as a platform echoes a button', () => {
    const talk = atSector()
    expect(talk.send('Educación 📚').session.vars['sector']).toBe('education')
  })

  it.each([
    ['2', 'education'],
    ['dos', 'education'],
    ['3.', 'cash_transfer'],
  ])('take the number %j for %s', (answer, sector) => {
    expect(atSector().send(answer).session.vars['sector']).toBe(sector)
  })

  it('picture the kinds of problem too, and take one alone: 💊 is the shortage of medicines', () => {
    const talk = atSector()
    const [category] = talk.send('🏥').replies
    expect(category?.choices?.[0]).toEqual({ id: 'medicine_shortage', label: 'Falta de medicamentos o insumos 💊' })
    expect(talk.send('💊').session.vars).toMatchObject({ category: 'medicine_shortage', categoryLabel: 'Falta de medicamentos o insumos' })
  })

  it('picture how much of the identity to share, from the flow’s own options', () => {
    const talk = chat({ flow: 'complaint' })
    for (const answer of ['salud', 'medicamentos', 'Guatemala', 'Mixco', 'Centro de Salud de Mixco', 'no', 'No había medicina para la presión en todo el mes.', 'no']) talk.send(answer)
    expect(talk.session.nodeId).toBe('identity')
    expect(talk.send('🔒').session.vars).toMatchObject({ identity: 'confidential', identityLabel: talk.t('complaint.identity.confidential') })
  })

  it('answer a yes/no question with a thumb or a number alone', () => {
    for (const [answer, value] of [['👍', true], ['👎', false], ['1', true], ['2', false], ['✔️', true]] as const) {
      const talk = chat({ flow: 'forget' })
      const result = talk.send(answer)
      expect(result.effects.length > 0).toBe(value)
    }
  })
})

describe('matchChoice with pictures', () => {
  const options = [
    { id: 'water', label: 'Agua', emoji: '💧' },
    { id: 'roads', label: 'Caminos', emoji: '🛣️' },
  ]

  it('matches a picture alone, with or without the variation selector', () => {
    expect(matchChoice('💧', options)).toEqual({ kind: 'match', id: 'water' })
    expect(matchChoice('🛣', options)).toEqual({ kind: 'match', id: 'roads' })
    expect(matchChoice('🛣️', options)).toEqual({ kind: 'match', id: 'roads' })
  })

  it('does not take an unknown picture for anything (normalising erases it)', () => {
    expect(normalize('🚜')).toBe('')
    expect(matchChoice('🚜', options)).toEqual({ kind: 'none' })
  })
})
