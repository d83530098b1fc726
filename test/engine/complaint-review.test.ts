import { describe, expect, it } from 'vitest'
import { chat, type Chat } from './chat.js'

/** A complaint told to the end, at the review's "¿Enviamos su queja así?". */
function atReview(): Chat {
  const talk = chat({ flow: 'complaint' })
  for (const answer of ['salud', 'medicamentos', 'Guatemala', 'Mixco', 'Centro de Salud de Mixco', 'no',
    'Fui el lunes y no había amoxicilina para mi hijo.', 'no', 'confidencial', 'sí']) talk.send(answer)
  expect(talk.session.nodeId).toBe('confirm')
  return talk
}

describe('complaint review', () => {
  it('answers "no" with the list of answers to change, not by throwing the complaint away', () => {
    const talk = atReview()
    const result = talk.send('no')
    expect(result.effects).toEqual([])
    expect(result.replies.at(-1)).toMatchObject({ text: talk.t('complaint.change.prompt'), expects: 'choice' })
    expect(result.replies.at(-1)?.choices?.map((c) => c.id)).toEqual(['what', 'place', 'facility', 'description', 'evidence', 'identity', 'discard'])
  })

  it('changes only the facility and comes back to the review with everything else kept', () => {
    const talk = atReview()
    talk.send('no')
    expect(talk.texts(talk.send('establecimiento'))).toEqual([talk.t('complaint.facility.prompt')])
    const review = talk.send('Hospital Roosevelt')
    const [summary, confirm] = talk.texts(review)
    expect(summary).toContain('• Establecimiento: Hospital Roosevelt')
    expect(summary).toContain('• Qué pasó: Falta de medicamentos o insumos')
    expect(summary).toContain('• Su relato: Fui el lunes y no había amoxicilina para mi hijo.')
    expect(confirm).toBe(talk.t('complaint.confirm.prompt'))
    const create = talk.send('sí')
    expect(create.effects[0]).toMatchObject({ type: 'case.create', args: { facility: 'Hospital Roosevelt', municipality: '0108', identity: 'confidential' } })
  })

  it('changes the place: department and municipality, then straight back to the review', () => {
    const talk = atReview()
    talk.send('no')
    talk.send({ kind: 'choice', id: 'place' })
    talk.send('Quetzaltenango')
    const review = talk.send('Quetzaltenango')
    expect(talk.texts(review)[0]).toContain('• Lugar: Quetzaltenango, Quetzaltenango')
    expect(talk.texts(review)[0]).toContain('• Establecimiento: Centro de Salud de Mixco')
    expect(talk.session.nodeId).toBe('confirm')
  })

  it('changes the service and what happened, asking the category of the new service', () => {
    const talk = atReview()
    talk.send('no')
    talk.send({ kind: 'choice', id: 'what' })
    const categories = talk.send('educación')
    expect(categories.replies.at(-1)?.choices?.map((c) => c.id)).toContain('school_meals')
    const review = talk.send({ kind: 'choice', id: 'school_meals' })
    expect(talk.texts(review)[0]).toContain('• Servicio: Educación')
    expect(talk.texts(review)[0]).toContain('• Lugar: Mixco, Guatemala')
    expect(talk.session.nodeId).toBe('confirm')
  })
})
