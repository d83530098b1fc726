import { z } from 'zod'
import type { EffectHandlers } from '../bot/runtime.js'
import { JsonSchema } from '../bot/engine/index.js'
import { joinGroup } from './groups.js'
import { leavePolls, subscribe } from './membership.js'
import { recordAnswers } from './record-answers.js'

const AnswerArgsSchema = z.object({ poll: z.uuid() }).catchall(JsonSchema)
const JoinArgsSchema = z.object({ code: z.string() })
const SubscribeArgsSchema = z.object({ municipality: z.string().regex(/^\d{4}$/) })

/** The poll effects of the conversation flows: answering, joining a group, subscribing, leaving. */
export function pollEffectHandlers(): Pick<EffectHandlers, 'poll.answer' | 'poll.join' | 'poll.subscribe' | 'poll.leave'> {
  return {
    'poll.answer': async (tx, effect, context) => {
      const { poll, ...answers } = AnswerArgsSchema.parse(effect.args)
      return recordAnswers(tx, { pollId: poll, contactId: context.contactId, answers, locale: context.locale, now: context.now })
    },
    'poll.join': async (tx, effect, context) => joinGroup(tx, context.contactId, JoinArgsSchema.parse(effect.args).code, context.now),
    'poll.subscribe': async (tx, effect, context) =>
      subscribe(tx, context.contactId, SubscribeArgsSchema.parse(effect.args).municipality, context.now),
    'poll.leave': async (tx, _effect, context) => leavePolls(tx, context.contactId, context.now),
  }
}
