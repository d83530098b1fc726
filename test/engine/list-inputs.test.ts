import { describe, expect, it } from 'vitest'
import { begin, literal, newSession, validateFlows, type InputSpec, type Json, type MessageContent } from '../../src/bot/engine/index.js'
import { flows } from '../../src/flows/index.js'
import { chat } from './chat.js'
import { testContext } from './context.js'

const options = [
  { id: 'water', label: literal('Agua potable'), aliases: ['water'] },
  { id: 'roads', label: literal('Caminos'), aliases: [] },
  { id: 'school', label: literal('Escuela'), aliases: [] },
  { id: 'clinic', label: literal('Puesto de salud'), aliases: [] },
]
const source = { from: 'static' as const, options }

/** A one-question flow with a second question holding the answer, so the test can read it. */
function ask(input: InputSpec) {
  const ctx = testContext({
    flows: validateFlows({
      ...flows,
      q: {
        id: 'q',
        title: literal('Prueba'),
        start: 'ask',
        nodes: {
          ask: { kind: 'ask', var: 'answer', prompt: literal('¿Qué prefiere?'), input, next: 'hold' },
          hold: { kind: 'ask', var: 'x', prompt: literal('¿Algo más?'), input: { type: 'yesno' }, next: 'end' },
          end: { kind: 'end' },
        },
      },
    }),
  })
  const talk = chat({ ctx, flow: 'q' })
  return {
    talk,
    send(answer: MessageContent | string): { stored: Json | undefined; texts: string[] } {
      const result = talk.send(answer)
      return { stored: result.session.nodeId === 'hold' ? result.session.vars['answer'] : undefined, texts: talk.texts(result) }
    },
  }
}

describe('multiple choice with a maximum', () => {
  const multi: InputSpec = { type: 'multi', source, max: 2 }

  it('asks with the options as buttons and says how many may be chosen', () => {
    const { talk } = ask(multi)
    const [question] = begin(newSession('es'), 'q', talk.ctx).replies
    expect(question?.text).toBe(`¿Qué prefiere?\n${talk.t('engine.list.multiHint', { max: 2 })}`)
    expect(question?.choices?.map((c) => c.label)).toEqual(['Agua potable', 'Caminos', 'Escuela', 'Puesto de salud', 'Listo'])
  })

  it.each([
    ['1, 3', ['water', 'school']],
    ['agua potable y caminos', ['water', 'roads']],
    ['2 4', ['roads', 'clinic']],
    ['escuela', ['school']],
    ['1, 1', ['water']],
  ])('reads %j as %j', (text, expected) => {
    expect(ask(multi).send(text).stored).toEqual(expected)
  })

  const press = (id: string): MessageContent => ({ kind: 'choice', id })

  it('toggles an option per press, ticks the chosen ones and ends with "Listo"', () => {
    const { send, talk } = ask(multi)
    const first = send(press('clinic'))
    expect(first.stored).toBeUndefined()
    expect(first.texts[0]).toContain('Elegidas: Puesto de salud.')
    const again = talk.send(press('water'))
    expect(again.replies[0]?.choices?.map((c) => c.label)).toEqual(['✅ Agua potable', 'Caminos', 'Escuela', '✅ Puesto de salud', 'Listo'])
    // a second press takes an option off again
    expect(send(press('clinic')).texts[0]).toContain('Elegidas: Agua potable.')
    expect(send(press('school')).stored).toBeUndefined()
    expect(send(press(':done')).stored).toEqual(['water', 'school'])
  })

  it('does not count presses as mistakes, so no "stuck" hint comes after three', () => {
    const { talk } = ask(multi)
    for (const id of ['water', 'roads', 'water']) talk.send(press(id))
    expect(talk.session.retries).toBe(0)
  })

  it('takes "listo" typed after presses, and refuses "Listo" with nothing chosen', () => {
    const nothing = ask(multi).send(press(':done'))
    expect(nothing.stored).toBeUndefined()
    expect(nothing.texts[0]).toBe('No recibí ninguna opción.')
    const { send } = ask(multi)
    send(press('roads'))
    expect(send('listo').stored).toEqual(['roads'])
  })

  it('refuses a press past the maximum and keeps what was chosen', () => {
    const { send, talk } = ask(multi)
    send(press('water'))
    send(press('roads'))
    expect(send(press('school')).texts[0]).toBe('Puede elegir 2 como máximo.')
    expect(send(press(':done')).stored).toEqual(['water', 'roads'])
    expect(talk.session.vars['answerLabels']).toEqual(['Agua potable', 'Caminos'])
  })

  it('takes one press as the whole answer when only one may be chosen', () => {
    expect(ask({ type: 'multi', source, max: 1 }).send(press('clinic')).stored).toEqual(['clinic'])
  })

  it('keeps an exclusive option ("Ninguno") alone, pressed or typed', () => {
    const withNone = { from: 'static' as const, options: [...options, { id: 'none', label: literal('Ninguno'), aliases: [], exclusive: true }] }
    const spec: InputSpec = { type: 'multi', source: withNone, max: 3 }
    const { send } = ask(spec)
    send(press('water'))
    expect(send(press('none')).texts[0]).toContain('Elegidas: Ninguno.')
    expect(send(press('roads')).texts[0]).toContain('Elegidas: Caminos.')
    expect(send(press(':done')).stored).toEqual(['roads'])
    const typed = ask(spec).send('1, 5')
    expect(typed.stored).toBeUndefined()
    expect(typed.texts[0]).toBe('«Ninguno» va sola: no se puede elegir junto con otras.')
    expect(ask(spec).send('ninguno').stored).toEqual(['none'])
  })

  it('refuses more than the maximum and asks again', () => {
    const { stored, texts } = ask(multi).send('1, 2, 3')
    expect(stored).toBeUndefined()
    expect(texts[0]).toBe('Puede elegir 2 como máximo.')
    expect(texts[1]).toMatch(/^¿Qué prefiere\?\nPuede elegir hasta 2/)
  })

  it('names the piece it could not find', () => {
    const { stored, texts } = ask(multi).send('1, pizza')
    expect(stored).toBeUndefined()
    expect(texts[0]).toBe('No encontré «pizza» entre las opciones.')
  })
})

describe('ranking', () => {
  it('stores all options in the order given', () => {
    expect(ask({ type: 'ranking', source }).send('3, 1, 4, 2').stored).toEqual(['school', 'water', 'clinic', 'roads'])
  })

  it('puts the one option left out last', () => {
    expect(ask({ type: 'ranking', source }).send('4 2 1').stored).toEqual(['clinic', 'roads', 'water', 'school'])
  })

  it('refuses an option named twice', () => {
    const { stored, texts } = ask({ type: 'ranking', source }).send('1, 1, 2, 3')
    expect(stored).toBeUndefined()
    expect(texts[0]).toMatch(/dos veces/)
  })

  it('refuses an incomplete order', () => {
    const { stored, texts } = ask({ type: 'ranking', source }).send('1, 2')
    expect(stored).toBeUndefined()
    expect(texts[0]).toBe('Necesito el orden de las 4 opciones.')
  })

  it('takes exactly the top N when asked for the top N', () => {
    const top2: InputSpec = { type: 'ranking', source, top: 2 }
    expect(ask(top2).send('caminos, agua potable').stored).toEqual(['roads', 'water'])
    expect(ask(top2).send('1, 2, 3').texts[0]).toBe('Necesito exactamente 2 opciones, en orden.')
  })

  it('takes presses in order of preference, with "Deshacer" for the last, and puts the one left last', () => {
    const { send, talk } = ask({ type: 'ranking', source })
    const first = send({ kind: 'choice', id: 'school' })
    expect(first.stored).toBeUndefined()
    expect(first.texts[0]).toContain('Su orden hasta ahora: 1. Escuela.')
    expect(talk.send({ kind: 'choice', id: 'roads' }).replies[0]?.choices?.map((c) => c.label)).toEqual(['Agua potable', 'Puesto de salud', 'Deshacer'])
    expect(send({ kind: 'choice', id: ':undo' }).texts[0]).toContain('Su orden hasta ahora: 1. Escuela.')
    send({ kind: 'choice', id: 'clinic' })
    expect(send({ kind: 'choice', id: 'water' }).stored).toEqual(['school', 'clinic', 'water', 'roads'])
  })

  it('ends a top-N ranking of presses at the Nth', () => {
    const { send } = ask({ type: 'ranking', source, top: 2 })
    expect(send({ kind: 'choice', id: 'roads' }).stored).toBeUndefined()
    expect(send({ kind: 'choice', id: 'water' }).stored).toEqual(['roads', 'water'])
  })

  it('offers no "Deshacer" before the first press', () => {
    const { talk } = ask({ type: 'ranking', source })
    const [question] = begin(newSession('es'), 'q', talk.ctx).replies
    expect(question?.choices?.map((c) => c.id)).toEqual(['water', 'roads', 'school', 'clinic'])
  })

  it('stores the labels beside the ids', () => {
    const { talk, send } = ask({ type: 'ranking', source, top: 1 })
    send({ kind: 'choice', id: 'roads' })
    expect(talk.session.vars['answerLabels']).toEqual(['Caminos'])
  })
})

describe('literal texts', () => {
  it('reach the citizen as written, braces and $t included', () => {
    const ctx = testContext({
      flows: validateFlows({
        ...flows,
        lit: { id: 'lit', title: literal('T'), start: 'a', nodes: { a: { kind: 'end', text: literal('Hola {{x}} $t(engine.yes): fin') } } },
      }),
    })
    const result = begin(newSession('es'), 'lit', ctx, { x: 'no' })
    expect(result.replies.map((reply) => reply.text)).toEqual(['Hola {{x}} $t(engine.yes): fin'])
  })
})
