import { describe, expect, it } from 'vitest'
import { aggregate, bordaPoints, type AnswerRow } from '../../src/polls/aggregate.js'
import { samplePoll } from './fixtures.js'

const answers = (questionId: string, values: unknown[]): AnswerRow[] =>
  values.map((value, i) => ({ questionId, contactId: `c${i}`, value, municipalityCode: '0108' }))

describe('bordaPoints', () => {
  it('gives N-1 points for a first place down to 0 for the last, and 0 when unranked', () => {
    expect(['a', 'b', 'c'].map((id) => bordaPoints(['a', 'b', 'c'], id))).toEqual([2, 1, 0])
    expect(bordaPoints(['a', 'b'], 'z')).toBe(0)
  })
})

describe('aggregate', () => {
  const poll = samplePoll()

  it('ranks by Borda count on a worked example where first places tie', () => {
    // water 2+2+0+0+1 = 5, roads 1+0+2+1+2 = 6, clinic 0+1+1+2+0 = 4; first places 2, 2, 1
    const ballots = [
      ['water', 'roads', 'clinic'],
      ['water', 'clinic', 'roads'],
      ['roads', 'clinic', 'water'],
      ['clinic', 'roads', 'water'],
      ['roads', 'water', 'clinic'],
    ]
    const [result] = aggregate(poll, answers('priorities', ballots), 'es', false).filter((q) => q.id === 'priorities')
    expect(result?.responses).toBe(5)
    expect(result?.options?.map((o) => [o.id, o.borda, o.firstPlaces, o.share])).toEqual([
      ['roads', 6, 2, 1],
      ['water', 5, 2, 1],
      ['clinic', 4, 1, 1],
    ])
  })

  it('counts only the picked in a top-N ranking: N-1 for the first, 0 for the rest', () => {
    const topTwo = samplePoll({
      questions: [
        {
          id: 'top',
          kind: 'ranking',
          top: 2,
          text: { es: 'Sus dos prioridades' },
          options: ['a', 'b', 'c', 'd'].map((id) => ({ id, label: { es: id.toUpperCase() } })),
        },
      ],
    })
    const [result] = aggregate(topTwo, answers('top', [['a', 'b'], ['b', 'c'], ['a', 'c']]), 'es', false)
    expect(result?.options?.map((o) => [o.id, o.borda, o.firstPlaces, o.count])).toEqual([
      ['a', 2, 2, 2],
      ['b', 1, 1, 2],
      ['c', 0, 0, 2],
      ['d', 0, 0, 0],
    ])
  })

  it('gives counts and shares per option, shares of multiple choice adding up past one', () => {
    const results = aggregate(poll, [...answers('service', ['health', 'health', 'school', 'health']), ...answers('problems', [['staff', 'medicine'], ['staff']])], 'en', false)
    expect(results[0]?.options).toEqual([
      { id: 'health', label: 'Health', count: 3, share: 0.75 },
      { id: 'school', label: 'School', count: 1, share: 0.25 },
    ])
    expect(results[1]?.options?.map((o) => o.share)).toEqual([1, 0.5, 0])
  })

  it('gives the mean and distribution of a scale', () => {
    const [, , trust] = aggregate(poll, answers('trust', [1, 4, 4, 5]), 'es', false)
    expect(trust?.scale?.mean).toBe(3.5)
    expect(trust?.scale?.distribution.map((d) => d.count)).toEqual([1, 0, 0, 2, 1])
  })

  it('lists free texts only when asked to (for admins)', () => {
    const rows = answers('comment', ['Más agua', 'Gracias'])
    expect(aggregate(poll, rows, 'es', true)[4]).toMatchObject({ responses: 2, texts: ['Más agua', 'Gracias'] })
    expect(aggregate(poll, rows, 'es', false)[4]).not.toHaveProperty('texts')
  })
})
