import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  begin,
  EffectNameSchema,
  JsonSchema,
  MessageContentSchema,
  newSession,
  step,
  type Session,
  type StepResult,
} from '../../src/bot/engine/index.js'
import { testContext, testNow } from '../engine/context.js'

/**
 * Recorded conversations, replayed through step(): each input (a citizen's message, or the result
 * the runtime fed back for an effect) against what the engine said and asked for after it. With
 * `flow`, the conversation starts inside that flow and the first expected entry is what starting it
 * said. Each message comes one minute after the last. After changing texts or flows on purpose,
 * rewrite the expectations with `UPDATE_CONVERSATIONS=1 npx vitest run test/conversations` and
 * read the diff before committing it.
 */
const ConversationSchema = z.object({
  description: z.string(),
  locale: z.string(),
  flow: z.string().optional(),
  inputs: z.array(
    z.union([MessageContentSchema, z.object({ kind: z.literal('effect.result'), effect: EffectNameSchema, result: JsonSchema })]),
  ),
  expected: z.array(z.unknown()),
})

const here = dirname(fileURLToPath(import.meta.url))
const files = readdirSync(here).filter((name) => name.endsWith('.json')).sort()
const updating = process.env['UPDATE_CONVERSATIONS'] === '1'

/** What a step is compared on: where the session ended up, what was said, what was asked for. */
function record(result: StepResult) {
  const { session } = result
  const at = session.flowId === null ? 'idle' : `${session.flowId}/${session.nodeId}`
  return { at, ...(session.locale === 'es' ? {} : { locale: session.locale }), replies: result.replies, ...(result.effects.length > 0 ? { effects: result.effects } : {}) }
}

describe('recorded conversations', () => {
  it('are there to replay', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  it.each(files)('%s', (file) => {
    const path = join(here, file)
    const raw: unknown = JSON.parse(readFileSync(path, 'utf8'))
    const conversation = ConversationSchema.parse(raw)
    const actual: unknown[] = []
    let session: Session = newSession(conversation.locale)
    if (conversation.flow !== undefined) {
      const started = begin(session, conversation.flow, testContext())
      actual.push(record(started))
      session = started.session
    }
    conversation.inputs.forEach((input, i) => {
      const result = step(session, input, testContext({ now: new Date(testNow.getTime() + (i + 1) * 60_000) }))
      actual.push(record(result))
      session = result.session
    })
    if (updating) {
      writeFileSync(path, `${JSON.stringify({ ...conversation, expected: actual }, null, 2)}\n`)
      return
    }
    expect(actual).toEqual(conversation.expected)
  })
})
