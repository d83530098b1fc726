import { describe, expect, it } from 'vitest'
import { step } from '../../src/bot/engine/index.js'
import { chat, type Chat } from './chat.js'
import { testContext, testNow } from './context.js'

const minutes = (n: number) => new Date(testNow.getTime() + n * 60_000)

/** A chat left at the municipality question of a complaint (answered at testNow). */
function leftAtMunicipality(): Chat {
  const talk = chat({ flow: 'complaint' })
  for (const answer of ['educación', 'alimentación escolar', 'Quetzaltenango']) talk.send(answer)
  expect(talk.session).toMatchObject({ nodeId: 'municipality', lastActivityAt: testNow.toISOString() })
  return talk
}

describe('session expiry', () => {
  it('tells where the citizen was, forgets the complaint and shows the menu, spending the message', () => {
    const talk = leftAtMunicipality()
    const ctx = testContext({ now: minutes(31) })
    const result = step(talk.session, { kind: 'text', text: 'Salcajá' }, ctx)
    const texts = result.replies.map((r) => r.text)
    expect(texts).toEqual([
      '' +
        'Su conversación anterior («Presentar una queja») se cerró porque pasó un buen rato sin respuesta. ' +
        'Íbamos en esta pregunta: «¿En qué municipio de Quetzaltenango? (Si fue en otro departamento, escriba el nombre del municipio.)». ' +
        'Puede empezar de nuevo cuando quiera.',
      talk.t('menu.welcome'),
      talk.t('menu.prompt'),
    ])
    expect(result.session).toMatchObject({ flowId: 'menu', nodeId: 'action', vars: {}, lastActivityAt: minutes(31).toISOString() })
  })

  it('tells it in the citizen’s language', () => {
    const talk = chat({ locale: 'en', flow: 'status' })
    const result = step(talk.session, { kind: 'text', text: 'ABC123' }, testContext({ now: minutes(45) }))
    expect(result.replies[0]?.text).toBe(
      'Your previous conversation (“Checking a case”) was closed because it was quiet for a while. ' +
        'We were at this question: “Write your case code (we gave it to you when your complaint was registered).”. ' +
        'You can start again whenever you like.',
    )
  })

  it('takes the answer when the session is still within its time', () => {
    const talk = leftAtMunicipality()
    const result = step(talk.session, { kind: 'text', text: 'Salcajá' }, testContext({ now: minutes(30) }))
    expect(result.session).toMatchObject({ nodeId: 'facility', vars: { municipality: '0902' } })
  })

  it('still carries out a command sent to an expired session, after the notice', () => {
    const talk = leftAtMunicipality()
    const result = step(talk.session, { kind: 'text', text: 'estado ABC123' }, testContext({ now: minutes(90) }))
    expect(result.replies.map((r) => r.text)).toEqual([expect.stringContaining('«Presentar una queja»')])
    expect(result.effects).toEqual([{ type: 'case.lookup', args: { code: 'ABC123' } }])
  })

  it('never expires an idle session: it just greets', () => {
    const talk = chat()
    const result = step({ ...talk.session, lastActivityAt: '2020-01-01T00:00:00.000Z' }, { kind: 'text', text: 'hola' }, testContext())
    expect(result.replies.map((r) => r.text)).toEqual([talk.t('menu.welcome'), talk.t('menu.prompt')])
  })

  it('counts from the citizen’s last message, not from effect results', () => {
    const talk = chat({ flow: 'status' })
    const asked = step(talk.session, { kind: 'text', text: 'ABC123' }, testContext({ now: minutes(5) }))
    expect(asked.session.lastActivityAt).toBe(minutes(5).toISOString())
    const answered = step(
      asked.session,
      { kind: 'effect.result', effect: 'case.lookup', result: { found: false } },
      testContext({ now: minutes(6) }),
    )
    expect(answered.session.lastActivityAt).toBe(minutes(5).toISOString())
  })

  it('stamps every message with the context’s time', () => {
    const talk = chat()
    expect(step(talk.session, { kind: 'text', text: 'hola' }, testContext({ now: minutes(3) })).session.lastActivityAt).toBe(
      minutes(3).toISOString(),
    )
    expect(
      step(talk.session, { kind: 'unsupported', what: 'sticker' }, testContext({ now: minutes(4) })).session.lastActivityAt,
    ).toBe(minutes(4).toISOString())
  })
})
