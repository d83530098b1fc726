import { describe, expect, it } from 'vitest'
import { begin, newSession, recover, step, validateFlows, type Flow, type Session } from '../../src/bot/engine/index.js'
import { flows } from '../../src/flows/index.js'
import { chat, createdCase } from './chat.js'
import { testContext } from './context.js'

/** The real flows plus a few small ones that exercise one node kind each. */
const withTestFlows = (extra: Record<string, unknown>): Record<string, Flow> => validateFlows({ ...flows, ...extra })

describe('newSession', () => {
  it('is idle, in the given language, with nothing said yet', () => {
    expect(newSession('en')).toEqual({ flowId: null, nodeId: null, waiting: 'none', vars: {}, locale: 'en', lastActivityAt: null, retries: 0 })
  })
})

describe('step', () => {
  it('leaves the session it was given untouched', () => {
    const talk = chat({ flow: 'complaint' })
    const before: Session = structuredClone(talk.session)
    const given = talk.session
    step(given, { kind: 'text', text: 'salud' }, talk.ctx)
    expect(given).toEqual(before)
  })

  it('leaves nested variables of the given session untouched, and keeps a variable named __proto__ a variable', () => {
    const talk = chat({ flow: 'complaint' })
    const given: Session = { ...talk.session, vars: JSON.parse('{"place":{"codes":["0101",{"z":1}]},"__proto__":{"polluted":true}}') as Session['vars'] }
    const before: Session = structuredClone(given)
    const result = step(given, { kind: 'text', text: 'salud' }, talk.ctx)
    expect(given).toEqual(before)
    // the copy is the copy's own: changing it later does not reach the given session
    const copied = result.session.vars['place']
    if (copied !== null && typeof copied === 'object' && !Array.isArray(copied)) copied['codes'] = []
    expect(given).toEqual(before)
    expect(Object.getPrototypeOf(result.session.vars)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('runs say nodes until a question, interpolating variables', () => {
    const ctx = testContext({
      flows: withTestFlows({
        hello: {
          id: 'hello',
          title: 'hello',
          start: 'a',
          nodes: {
            a: { kind: 'say', text: 'uno {{who}}', next: 'b' },
            b: { kind: 'say', text: 'dos', next: 'q' },
            q: { kind: 'ask', var: 'x', prompt: 'tres', input: { type: 'text' }, next: 'end' },
            end: { kind: 'end' },
          },
        },
      }),
    })
    const result = begin(newSession('es'), 'hello', ctx, { who: 'Rosa' })
    expect(result.replies.map((r) => r.text)).toEqual(['uno Rosa', 'dos', 'tres'])
    expect(result.session).toMatchObject({ flowId: 'hello', nodeId: 'q', waiting: 'input', vars: { who: 'Rosa' } })
  })

  it('starts another flow with fresh variables on "@flow"', () => {
    const ctx = testContext({
      flows: withTestFlows({
        first: {
          id: 'first',
          title: 'first',
          start: 'q',
          nodes: { q: { kind: 'ask', var: 'secret', prompt: 'q', input: { type: 'text' }, next: '@complaint' } },
        },
      }),
    })
    const talk = chat({ ctx, flow: 'first' })
    const result = talk.send('mi dato')
    expect(result.session).toMatchObject({ flowId: 'complaint', nodeId: 'sector', vars: {} })
  })

  it('recovers from a failed effect at the question the citizen answered, or idle when there was none', () => {
    const ctx = testContext({
      flows: withTestFlows({
        ask: {
          id: 'ask',
          title: 'ask',
          start: 'q',
          nodes: {
            q: { kind: 'ask', var: 'a', prompt: 'Pregunta', input: { type: 'text', min: 1, max: 50 }, next: 'go' },
            go: { kind: 'effect', effect: 'case.lookup', args: { code: 'a' }, resultVar: 'r', next: 'end' },
            end: { kind: 'end' },
          },
        },
      }),
    })
    const asked = begin(newSession('es'), 'ask', ctx).session
    const atQuestion = recover(asked, ctx)
    expect(atQuestion.session).toEqual(asked)
    expect(atQuestion.replies).toHaveLength(2)
    expect(atQuestion.replies[0]?.text).toMatch(/envíela otra vez/)
    expect(atQuestion.replies[1]?.text).toBe('Pregunta')
    const idle = recover(newSession('es'), ctx)
    expect(idle.replies).toHaveLength(1)
    expect(idle.session.flowId).toBeNull()
  })

  it('builds effect arguments from dotted paths, sending null for unset ones', () => {
    const ctx = testContext({
      flows: withTestFlows({
        fx: {
          id: 'fx',
          title: 'fx',
          start: 'go',
          nodes: {
            go: { kind: 'effect', effect: 'case.lookup', args: { code: 'prior.code', missing: 'nothing.here' }, resultVar: 'r', next: 'end' },
            end: { kind: 'end', text: '{{r.code}}' },
          },
        },
      }),
    })
    const started = begin(newSession('es'), 'fx', ctx, { prior: { code: 'X1' } })
    expect(started.effects).toEqual([{ type: 'case.lookup', args: { code: 'X1', missing: null } }])
    expect(started.session.waiting).toBe('effect')
    const resumed = step(started.session, { kind: 'effect.result', effect: 'case.lookup', result: { code: 'Y2' } }, ctx)
    expect(resumed.replies).toEqual([{ text: 'Y2', ends: true }])
  })

  it('switches the language only to a locale it supports', () => {
    const setTo = (value: string) =>
      begin(
        newSession('es'),
        'lang',
        testContext({
          flows: withTestFlows({
            lang: { id: 'lang', title: 'lang', start: 's', nodes: { s: { kind: 'setLocale', var: 'to', next: 'e' }, e: { kind: 'end' } } },
          }),
        }),
        { to: value },
      ).session.locale
    expect(setTo('en')).toBe('en')
    expect(setTo('fr')).toBe('es')
  })

  it('throws on a flow that loops without ever waiting', () => {
    const ctx = testContext({
      flows: {
        ...flows,
        loop: {
          id: 'loop',
          title: 'loop',
          start: 'a',
          nodes: {
            a: { kind: 'say', text: 'a', next: 'b' },
            b: { kind: 'branch', cases: [{ when: { var: 'never', present: true }, next: 'end' }], default: 'a' },
            end: { kind: 'end' },
          },
        },
      },
    })
    expect(() => begin(newSession('es'), 'loop', ctx)).toThrow(/ran 100 nodes without waiting/)
  })

  it('throws when asked to start a flow it was not given', () => {
    expect(() => begin(newSession('es'), 'polls', testContext())).toThrow(/flow "polls"/)
  })

  it('throws on an effect result it is not waiting for', () => {
    const talk = chat({ flow: 'complaint' })
    expect(() => talk.feed('case.create', createdCase)).toThrow(/got a case.create result while the session waits for input/)
  })

  it('throws on the result of another effect than the one asked for', () => {
    const talk = chat({ flow: 'status' })
    talk.send('ABC123')
    expect(() => talk.feed('case.create', createdCase)).toThrow(/got a case.create result/)
  })

  it('throws on a message while an effect result is pending', () => {
    const talk = chat({ flow: 'status' })
    talk.send('ABC123')
    expect(() => talk.send('hola')).toThrow(/waits for an effect result/)
  })
})
