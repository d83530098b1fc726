import { describe, expect, it } from 'vitest'
import { begin, newSession, step, validateFlows, type Json, type StepResult } from '../../src/bot/engine/index.js'
import { flows } from '../../src/flows/index.js'
import { pollFlow, pollFlowId } from '../../src/polls/poll-flow.js'
import type { PollState } from '../../src/polls/record-answers.js'
import { testContext, testNow } from '../engine/context.js'
import { samplePoll } from './fixtures.js'

const POLL = '7d3c1f0e-5b8a-4c2d-9e6f-0a1b2c3d4e5f'
const state = (overrides: Partial<PollState> = {}): PollState & { [key: string]: Json } => ({
  closed: false, rejected: false, limited: false, next: 'service', total: 5, remaining: 5, title: 'Prioridades', closesOn: '2026-12-08',
  closesAtText: '8 de diciembre de 2026, 18:00', pending: 0, morePending: false, ...overrides,
})

function setup(locale = 'es', definition = samplePoll()) {
  const flow = pollFlow({ id: POLL, definition }, locale)
  const ctx = testContext({ flows: validateFlows({ ...flows, [flow.id]: flow }) })
  const texts = (result: StepResult) => result.replies.map((reply) => reply.text)
  const feed = (result: StepResult, value: PollState) => step(result.session, { kind: 'effect.result', effect: 'poll.answer', result: value }, ctx)
  const say = (result: StepResult, text: string) => step(result.session, { kind: 'text', text }, ctx)
  return { flow, ctx, texts, feed, say, invite: (vars: Record<string, Json> = { poll: POLL }) => begin(newSession(locale), flow.id, ctx, vars) }
}

describe('pollFlow', () => {
  it('is a valid flow with one question per poll question', () => {
    const { flow } = setup()
    expect(flow.id).toBe(pollFlowId(POLL))
    expect(Object.values(flow.nodes).filter((node) => node.kind === 'ask')).toHaveLength(5)
    expect(flow.optOut).toBe(true)
  })

  it('opens by asking where the member stands, then greets and asks the first unanswered question', () => {
    const { invite, feed, texts, ctx } = setup()
    const opened = invite()
    expect(opened.effects).toEqual([{ type: 'poll.answer', args: { poll: POLL } }])
    const greeted = feed(opened, state())
    expect(texts(greeted)).toEqual([
      '📋 Prioridades de inversión 2027\nLa mesa de diálogo de Mixco quiere saber su opinión.',
      ctx.t('es', 'polls.invitation.group', { state: state() }),
      '¿Qué servicio usa más?',
    ])
    expect(greeted.replies[2]?.choices?.map((c) => c.label)).toEqual(['Salud', 'Escuela'])
  })

  it('speaks the member’s language', () => {
    const { invite, feed, texts } = setup('en')
    expect(texts(feed(invite(), state()))[2]).toBe('Which service do you use most?')
  })

  it('saves each answer as it is given, under its question id', () => {
    const { invite, feed, say } = setup()
    const atService = feed(invite(), state())
    const saved = say(atService, 'escuela')
    expect(saved.effects).toEqual([{ type: 'poll.answer', args: { poll: POLL, service: 'school' } }])
    const atProblems = feed(saved, state({ next: 'problems' }))
    expect(atProblems.replies.at(-1)?.text).toMatch(/^¿Qué problemas ha visto\?\n/)
    expect(say(atProblems, '1, 3').effects).toEqual([{ type: 'poll.answer', args: { poll: POLL, problems: ['staff', 'waiting'] } }])
  })

  it('asks a scale with its range and a button per step, and takes the step pressed, typed or in words', () => {
    const { invite, feed, say, texts, ctx } = setup()
    const atTrust = feed(invite(), state({ next: 'trust' }))
    expect(texts(atTrust).at(-1)).toBe('¿Cuánto confía en la municipalidad? (1–5)')
    expect(atTrust.replies.at(-1)?.choices?.map((c) => c.label)).toEqual(['1', '2', '3', '4', '5'])
    const pressed = step(atTrust.session, { kind: 'choice', id: '4' }, ctx)
    expect(pressed.effects).toEqual([{ type: 'poll.answer', args: { poll: POLL, trust: '4' } }])
    expect(say(atTrust, '4').effects).toEqual([{ type: 'poll.answer', args: { poll: POLL, trust: '4' } }])
    expect(say(atTrust, 'cinco').effects).toEqual([{ type: 'poll.answer', args: { poll: POLL, trust: '5' } }])
    expect(say(atTrust, '9').effects).toEqual([])
  })

  it('reads "cinco" as the step 5 on a scale from 0, not as its fifth button', () => {
    const fromZero = samplePoll({ questions: [{ id: 'score', kind: 'scale', min: 0, max: 10, text: { es: 'Nota' } }] })
    const { invite, feed, say } = setup('es', fromZero)
    const atScore = feed(invite(), state({ next: 'score' }))
    expect(say(atScore, 'cinco').effects).toEqual([{ type: 'poll.answer', args: { poll: POLL, score: '5' } }])
    expect(say(atScore, '0').effects).toEqual([{ type: 'poll.answer', args: { poll: POLL, score: '0' } }])
  })

  it('asks the same question again when the answer was refused where it is stored', () => {
    const { invite, feed, say, texts, ctx } = setup()
    const atTrust = feed(invite(), state({ next: 'trust' }))
    const again = feed(say(atTrust, '3'), state({ next: 'trust', rejected: true }))
    expect(texts(again)).toEqual([ctx.t('es', 'polls.rejected'), '¿Cuánto confía en la municipalidad? (1–5)'])
  })

  it('says politely that the poll has closed when an answer comes too late', () => {
    const { invite, feed, say, texts, ctx } = setup()
    const atComment = feed(invite(), state({ next: 'comment' }))
    const late = feed(say(atComment, 'Que arreglen el camino'), state({ closed: true, next: 'comment' }))
    expect(texts(late)).toEqual([ctx.t('es', 'polls.closed')])
    expect(late.session.flowId).toBeNull()
  })

  it('thanks and promises the results when the last answer is saved', () => {
    const { invite, feed, say, texts, ctx } = setup()
    const done = feed(say(feed(invite(), state({ next: 'comment' })), 'Nada más'), state({ next: null, remaining: 0 }))
    expect(texts(done)).toEqual([ctx.t('es', 'polls.doneWithResults')])
  })

  it('says that another poll follows when the member finishes this one with more waiting', () => {
    const { invite, feed, say, texts, ctx } = setup()
    const waiting = state({ next: null, remaining: 0, pending: 2, morePending: true })
    const done = feed(say(feed(invite(), state({ next: 'comment' })), 'Nada más'), waiting)
    expect(texts(done)).toEqual([ctx.t('es', 'polls.doneWithResults'), 'Tiene 2 consultas pendientes más: le enviamos la siguiente en un momento.'])
    expect(done.session.flowId).toBeNull()
  })

  it('tells a member at the start that another poll waits behind this one, in the singular for one', () => {
    const { invite, feed, texts } = setup()
    const greeted = feed(invite(), state({ pending: 1, morePending: true }))
    expect(texts(greeted)[2]).toBe('Tiene además 1 consulta pendiente: le llegará al terminar esta.')
    expect(texts(greeted).at(-1)).toBe('¿Qué servicio usa más?')
  })

  it('says in the invitation that nobody sees who answered what, and who will see the results', () => {
    const publicPoll = setup('es', samplePoll({ resultsVisibility: 'public' }))
    const text = publicPoll.texts(publicPoll.feed(publicPoll.invite(), state()))[1]
    expect(text).toContain('Nadie, tampoco la mesa, ve quién respondió qué')
    expect(text).toContain('Los resultados se publican para todos')
    const forAdmins = setup('en', samplePoll({ resultsVisibility: 'admins' }))
    expect(forAdmins.texts(forAdmins.feed(forAdmins.invite(), state()))[1]).toContain('Only the team running the poll sees the results')
  })

  it('writes one question in the singular and the closing day with its hour', () => {
    const { invite, feed, texts } = setup()
    expect(texts(feed(invite(), state({ total: 1 })))[1]).toMatch(/^Es 1 pregunta y la consulta cierra el 8 de diciembre de 2026, 18:00\./)
  })

  it('greets a reminder as a reminder and picks up where the member stopped', () => {
    const { invite, feed, texts, ctx } = setup()
    const reminded = feed(invite({ poll: POLL, reminder: true }), state({ next: 'priorities', remaining: 2 }))
    expect(texts(reminded)[0]).toBe(ctx.t('es', 'polls.reminder', { state: state({ next: 'priorities', remaining: 2 }) }))
    expect(texts(reminded)[1]).toMatch(/^Ordene estas inversiones\n/)
  })

  it('waits for an answer until the poll closes, not the usual half hour', () => {
    const { invite, feed, say, ctx } = setup()
    const atService = feed(invite(), state())
    const threeDaysLater = step(atService.session, { kind: 'text', text: 'salud' }, { ...ctx, now: new Date(testNow.getTime() + 3 * 86_400_000) })
    expect(threeDaysLater.effects).toEqual([{ type: 'poll.answer', args: { poll: POLL, service: 'health' } }])
    expect(say(atService, 'salud').effects).toHaveLength(1)
  })

  it('lets "salir" inside a poll mean leaving the polls', () => {
    const { invite, feed, say } = setup()
    const left = say(feed(invite(), state()), 'salir')
    expect(left.effects).toEqual([{ type: 'poll.leave', args: { which: null } }])
  })
})
