import { describe, expect, it } from 'vitest'
import { chat } from './chat.js'

/** A complaint chat at its place question ("¿Dónde pasó? … escriba o elija el departamento"). */
function atPlace() {
  const talk = chat({ locale: 'es', flow: 'complaint' })
  talk.send('salud')
  talk.send('medicamentos')
  expect(talk.session.nodeId).toBe('place')
  return talk
}

describe('the place question of a complaint', () => {
  it('takes a municipality named instead of a department, and asks to confirm both', () => {
    for (const [typed, municipality, department] of [
      ['Mixco', 'Mixco', 'Guatemala'],
      ['xela', 'Quetzaltenango', 'Quetzaltenango'],
    ] as const) {
      const talk = atPlace()
      const confirm = talk.send(typed)
      expect(talk.session.nodeId, typed).toBe('placeConfirm')
      expect(talk.texts(confirm).join('\n')).toContain(`¿Es en ${municipality}, ${department}?`)
      talk.send('sí')
      expect(talk.session.vars['municipalityLabel']).toBe(municipality)
      expect(talk.session.nodeId).not.toBe('municipality')
    }
  })

  it('still reads a department as a department, and asks its municipality next', () => {
    const talk = atPlace()
    talk.send('Petén')
    expect(talk.session.nodeId).toBe('municipality')
  })
})
