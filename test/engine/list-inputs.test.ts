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
    expect(question?.choices?.map((c) => c.label)).toEqual(['Agua potable', 'Caminos', 'Escuela', 'Puesto de salud'])
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

  it('takes one button press as a list of one', () => {
    expect(ask(multi).send({ kind: 'choice', id: 'clinic' }).stored).toEqual(['clinic'])
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
