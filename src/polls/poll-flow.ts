import { literal, type Flow, type FlowNode, type InputSpec, type StaticOption } from '../bot/engine/index.js'
import { localized, type PollDefinition, type PollOption, type Question } from './poll-definition.js'

/** Flow ids of polls: `poll:<uuid>`, so the runtime knows to look them up in the database. */
export const POLL_FLOW_PREFIX = 'poll:'

/** The flow id of a poll. */
export function pollFlowId(pollId: string): string {
  return `${POLL_FLOW_PREFIX}${pollId}`
}

/** The poll id inside a flow id, or undefined for any other flow. */
export function pollIdOf(flowId: string): string | undefined {
  return flowId.startsWith(POLL_FLOW_PREFIX) ? flowId.slice(POLL_FLOW_PREFIX.length) : undefined
}

export type PollForFlow = { id: string; definition: PollDefinition }

/**
 * A poll as a conversation, in one language: one question after another, each answer saved as
 * soon as it is given (`poll.answer`), which also says which question is next. Started again (a
 * reminder), it picks up at the first unanswered question; after closing it says so politely.
 * Expects the variable `poll` (its id) and, for a reminder, `reminder: true`.
 */
export function pollFlow(poll: PollForFlow, locale: string): Flow {
  const { definition } = poll
  const text = (value: Parameters<typeof localized>[0]) => literal(localized(value, locale))
  const doneText = definition.resultsVisibility === 'admins' ? 'polls.done' : 'polls.doneWithResults'
  const introText = [localized(definition.title, locale), definition.intro ? localized(definition.intro, locale) : undefined]
  const nodes: Record<string, FlowNode> = {
    start: { kind: 'effect', effect: 'poll.answer', args: { poll: 'poll' }, resultVar: 'state', next: 'opening' },
    opening: {
      kind: 'branch',
      cases: [
        { when: { var: 'state.closed', in: [true] }, next: 'closed' },
        { when: { var: 'state.next', present: false }, next: 'already' },
        { when: { var: 'reminder', in: [true] }, next: 'reminder' },
      ],
      default: 'intro',
    },
    intro: { kind: 'say', text: literal(`📋 ${introText.filter((part) => part !== undefined).join('\n')}`), next: 'howTo' },
    // how it works and who will see the answers, in one message: invitations are paced by messages
    howTo: { kind: 'say', text: `polls.invitation.${definition.resultsVisibility}`, next: 'queue' },
    queue: { kind: 'branch', cases: [{ when: { var: 'state.morePending', in: [true] }, next: 'queued' }], default: 'route' },
    queued: { kind: 'say', text: 'polls.queued', next: 'route' },
    reminder: { kind: 'say', text: 'polls.reminder', next: 'route' },
    afterSave: {
      kind: 'branch',
      cases: [
        { when: { var: 'state.closed', in: [true] }, next: 'closed' },
        { when: { var: 'state.limited', in: [true] }, next: 'limited' },
        { when: { var: 'state.rejected', in: [true] }, next: 'rejected' },
      ],
      default: 'route',
    },
    rejected: { kind: 'say', text: 'polls.rejected', next: 'route' },
    route: {
      kind: 'branch',
      cases: definition.questions.map((q) => ({ when: { var: 'state.next', in: [q.id] }, next: `ask_${q.id}` })),
      default: 'finish',
    },
    // the next poll in the member's queue goes out on the jobs' next run, a minute at most
    finish: { kind: 'branch', cases: [{ when: { var: 'state.morePending', in: [true] }, next: 'thanks' }], default: 'done' },
    thanks: { kind: 'say', text: doneText, next: 'next' },
    next: { kind: 'end', text: 'polls.pending' },
    done: { kind: 'end', text: doneText },
    already: { kind: 'end', text: 'polls.already' },
    closed: { kind: 'end', text: 'polls.closed' },
    limited: { kind: 'end', text: 'polls.limited' },
  }
  for (const question of definition.questions) {
    nodes[`ask_${question.id}`] = {
      kind: 'ask',
      var: `answer_${question.id}`,
      prompt: literal(promptOf(question, locale)),
      input: inputOf(question, locale),
      next: `save_${question.id}`,
    }
    nodes[`save_${question.id}`] = {
      kind: 'effect',
      effect: 'poll.answer',
      args: { poll: 'poll', [question.id]: `answer_${question.id}` },
      resultVar: 'state',
      next: 'afterSave',
    }
  }
  // a poll waits for its answers until it closes, not for the minutes a complaint does
  const ttlMinutes = Math.ceil((definition.closesAt.getTime() - definition.opensAt.getTime()) / 60_000) + 1
  return { id: pollFlowId(poll.id), title: text(definition.title), start: 'start', nodes, ttlMinutes, optOut: true }
}

function promptOf(question: Question, locale: string): string {
  const prompt = localized(question.text, locale)
  return question.kind === 'scale' ? `${prompt} (${question.min}–${question.max})` : prompt
}

function inputOf(question: Question, locale: string): InputSpec {
  switch (question.kind) {
    case 'single':
      return { type: 'choice', source: { from: 'static', options: optionsOf(question.options, locale) } }
    case 'multiple':
      return { type: 'multi', source: { from: 'static', options: optionsOf(question.options, locale) }, max: question.max }
    case 'ranking': {
      const source = { from: 'static' as const, options: optionsOf(question.options, locale) }
      return question.top === undefined ? { type: 'ranking', source } : { type: 'ranking', source, top: question.top }
    }
    case 'scale':
      // a button per step, so a scale is answered by pressing as well as by typing "4" or "cuatro"
      return { type: 'choice', source: { from: 'static', options: scaleSteps(question.min, question.max) } }
    case 'text':
      return { type: 'text', min: 1, max: question.maxLength }
  }
}

// number words, so "cinco" is the step 5 and not the fifth button of a scale from 0
const NUMBER_WORDS: readonly (readonly string[])[] = [
  ['cero', 'zero'], ['uno', 'una', 'one'], ['dos', 'two'], ['tres', 'three'], ['cuatro', 'four'], ['cinco', 'five'],
  ['seis', 'six'], ['siete', 'seven'], ['ocho', 'eight'], ['nueve', 'nine'], ['diez', 'ten'],
]

/** The steps of a scale as options whose id is the number (stored as a number by `answerSchema`). */
function scaleSteps(min: number, max: number): StaticOption[] {
  return Array.from({ length: max - min + 1 }, (_, i) => {
    const value = min + i
    return { id: String(value), label: literal(String(value)), aliases: [...(NUMBER_WORDS[value] ?? [])] }
  })
}

/** Options labelled in the contact's language; the other languages' labels work when typed. */
function optionsOf(options: readonly PollOption[], locale: string): StaticOption[] {
  return options.map((option) => ({
    id: option.id,
    label: literal(localized(option.label, locale)),
    aliases: Object.entries(option.label).filter(([other]) => other !== locale).map(([, label]) => label),
    ...(option.exclusive === true ? { exclusive: true } : {}),
  }))
}
