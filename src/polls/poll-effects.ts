import { z } from 'zod'
import type { EffectHandlers } from '../bot/runtime.js'
import { JsonSchema } from '../bot/engine/index.js'
import { joinGroup } from './groups.js'
import { leaveChosen, subscribe } from './membership.js'
import { recordAnswers } from './record-answers.js'
import { pollFlowId } from './poll-flow.js'
import { pendingPolls } from './poll-queue.js'
import { allowLookup } from '../privacy/lookup-limit.js'
import type { EffectContext } from '../bot/runtime.js'

const AnswerArgsSchema = z.object({ poll: z.uuid() }).catchall(JsonSchema)
const JoinArgsSchema = z.object({ code: z.string() })
const SubscribeArgsSchema = z.object({ municipality: z.string().regex(/^\d{4}$/) })
const LeaveArgsSchema = z.object({ which: z.string().nullish() })

export type PollLimits = {
  /** group joins per hour from one web chat client address */
  joinsPerHour?: number
  /** members starting one poll's ballot per hour from one web chat client address */
  ballotsPerHour?: number
}

const DEFAULT_JOINS_PER_HOUR = 20
const DEFAULT_BALLOTS_PER_HOUR = 20

/**
 * The keys a web chat action is counted under, or none. A web chat conversation costs nothing to
 * open, so one script could be a thousand members; the client address (a keyed hash) is what it
 * cannot change as cheaply. Telegram and WhatsApp accounts cost their owners a phone number.
 */
function clientKeys(context: EffectContext, action: string, scope = ''): string[] {
  return context.channel === 'webchat' && context.clientKey ? [`${action}:${scope}${context.clientKey}`] : []
}

/** The poll effects of the conversation flows: answering, joining a group, subscribing, leaving. */
export function pollEffectHandlers(
  limits: PollLimits = {},
): Pick<EffectHandlers, 'poll.answer' | 'poll.join' | 'poll.subscribe' | 'poll.leave' | 'poll.pending'> {
  const joinsPerHour = limits.joinsPerHour ?? DEFAULT_JOINS_PER_HOUR
  const ballotsPerHour = limits.ballotsPerHour ?? DEFAULT_BALLOTS_PER_HOUR
  return {
    'poll.answer': async (tx, effect, context) => {
      const { poll, ...answers } = AnswerArgsSchema.parse(effect.args)
      const keys = clientKeys(context, 'poll-ballot', `${poll}:`)
      return recordAnswers(tx, {
        pollId: poll,
        contactId: context.contactId,
        answers,
        locale: context.locale,
        now: context.now,
        ...(keys.length > 0 ? { allowBallot: () => allowLookup(tx, keys, context.now, ballotsPerHour) } : {}),
      })
    },
    'poll.join': async (tx, effect, context) => {
      const keys = clientKeys(context, 'poll-join')
      if (keys.length > 0 && !(await allowLookup(tx, keys, context.now, joinsPerHour))) return { joined: false, already: false, group: null, limited: true }
      return joinGroup(tx, context.contactId, JoinArgsSchema.parse(effect.args).code, context.now)
    },
    'poll.subscribe': async (tx, effect, context) =>
      subscribe(tx, context.contactId, SubscribeArgsSchema.parse(effect.args).municipality, context.now),
    'poll.leave': async (tx, effect, context) => leaveChosen(tx, context.contactId, LeaveArgsSchema.parse(effect.args).which ?? null, context.now),
    // "seguir consulta": the oldest poll the member was sent and has neither finished nor left
    'poll.pending': async (tx, _effect, context) => {
      const pending = await pendingPolls(tx, context.contactId, context.now)
      const [first] = pending
      return first ? { flow: pollFlowId(first), poll: first, count: pending.length } : { flow: null, poll: null, count: 0 }
    },
  }
}
