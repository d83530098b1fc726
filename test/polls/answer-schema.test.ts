import { describe, expect, it } from 'vitest'
import { answerSchema } from '../../src/polls/answer-schema.js'
import { PollDefinitionSchema } from '../../src/polls/poll-definition.js'
import { samplePoll, samplePollInput } from './fixtures.js'

const withNone = () =>
  samplePoll({
    questions: [
      {
        id: 'problems',
        kind: 'multiple',
        max: 3,
        text: { es: '¿Qué problemas ha visto?' },
        options: [
          { id: 'staff', label: { es: 'Falta de personal' } },
          { id: 'medicine', label: { es: 'Falta de medicinas' } },
          { id: 'none', label: { es: 'Ninguno' }, exclusive: true },
        ],
      },
    ],
  })

describe('answerSchema', () => {
  it('takes an exclusive option alone in a multiple choice and refuses it beside another', () => {
    const [question] = withNone().questions
    if (!question) throw new Error('no question')
    expect(answerSchema(question).safeParse(['none']).success).toBe(true)
    expect(answerSchema(question).safeParse(['staff', 'medicine']).success).toBe(true)
    expect(answerSchema(question).safeParse(['staff', 'none']).success).toBe(false)
  })

  it('stores a pressed scale step (its option id) as the number, inside the range only', () => {
    const trust = samplePoll().questions.find((q) => q.id === 'trust')
    if (!trust) throw new Error('no scale')
    expect(answerSchema(trust).parse('4')).toBe(4)
    expect(answerSchema(trust).parse(5)).toBe(5)
    expect(answerSchema(trust).safeParse('9').success).toBe(false)
  })

  it('refuses an exclusive option on a question that is not a multiple choice', () => {
    const input = samplePollInput({
      questions: [{ id: 's', kind: 'single', text: { es: '¿?' }, options: [{ id: 'a', label: { es: 'A' }, exclusive: true }, { id: 'b', label: { es: 'B' } }] }],
    })
    expect(PollDefinitionSchema.safeParse(input).success).toBe(false)
  })
})
