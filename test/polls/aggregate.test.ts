import { describe, expect, it } from 'vitest'
import { aggregate, bordaPoints, type AnswerRow } from '../../src/polls/aggregate.js'
import { samplePoll } from './fixtures.js'

const answers = (questionId: string, values: unknown[]): AnswerRow[] =>
  values.map((value, i) => ({ questionId, contactId: `c${i}`, value, municipalityCode: '0108' }))

describe('bordaPoints', () => {
  it('gives m-1 points for a first place of m options down to 0 for the last, and 0 when unranked', () => {
    expect(['a', 'b', 'c'].map((id) => bordaPoints(['a', 'b', 'c'], id, 3))).toEqual([2, 1, 0])
    expect(bordaPoints(['a', 'b'], 'z', 3)).toBe(0)
  })

  it('counts from the number of options, not the ballot length, on a truncated ballot', () => {
    // a top-2 ballot of 4 options: 3 and 2 points, where counting from its length gave 1 and 0
    expect(['a', 'b', 'c', 'd'].map((id) => bordaPoints(['a', 'b'], id, 4))).toEqual([3, 2, 0, 0])
    // top 1 of 3: the single choice is worth 2, not 0
    expect(bordaPoints(['c'], 'c', 3)).toBe(2)
  })
})

const rankingPoll = (top: number | undefined, ids: string[]) =>
  samplePoll({
    questions: [
      {
        id: 'rank',
        kind: 'ranking',
        ...(top === undefined ? {} : { top }),
        text: { es: 'Prioridades' },
        options: ids.map((id) => ({ id, label: { es: id } })),
      },
    ],
  })
const ranked = (top: number | undefined, ids: string[], ballots: string[][]) => aggregate(rankingPoll(top, ids), answers('rank', ballots), 'es', false)[0]?.options

describe('ranking results (truncated Borda)', () => {
  it('ranks the bridge on nine top-2 ballots above the market with more first places (20 against 16)', () => {
    // m = 4: a first place is 3 points, a second 2.
    // puente: 2 firsts + 7 seconds = 6 + 14 = 20; mercado: 4 firsts + 2 seconds = 12 + 4 = 16;
    // escuela: 3 firsts + 1 second = 11; cancha: 1 first = 3
    const ballots = [
      ...Array.from({ length: 2 }, () => ['puente', 'mercado']),
      ...Array.from({ length: 4 }, () => ['mercado', 'puente']),
      ...Array.from({ length: 3 }, () => ['escuela', 'puente']),
      ['cancha', 'escuela'],
    ]
    expect(ranked(2, ['mercado', 'puente', 'escuela', 'cancha'], ballots)?.map((o) => [o.id, o.borda, o.rank, o.firstPlaces, o.count])).toEqual([
      ['puente', 20, 1, 2, 9],
      ['mercado', 16, 2, 4, 6],
      ['escuela', 11, 3, 3, 4],
      ['cancha', 3, 4, 1, 1],
    ])
  })

  it('gives the only choice of a top-1 ballot m-1 points', () => {
    // m = 3: a 2, a 2, b 2 -> a 4, b 2, c 0
    expect(ranked(1, ['a', 'b', 'c'], [['a'], ['a'], ['b']])?.map((o) => [o.id, o.borda, o.rank])).toEqual([
      ['a', 4, 1],
      ['b', 2, 2],
      ['c', 0, 3],
    ])
  })

  it('marks equal points as a tie with a shared rank, without breaking it by first places', () => {
    // m = 3, top 2: a 2+1 = 3 and b 1+2 = 3, one first place each; c 0
    const options = ranked(2, ['a', 'b', 'c'], [['a', 'b'], ['b', 'a']])
    expect(options?.map((o) => [o.id, o.borda, o.rank, o.tied])).toEqual([
      ['a', 3, 1, true],
      ['b', 3, 1, true],
      ['c', 0, 3, false],
    ])
    // b has two first places, a one, yet with equal points they stay tied:
    // a: 1 (second) + 1 (second) + 2 (first) = 4 ; b: 2 + 2 + 0 = 4 ; c: 0 + 0 + 1 = 1
    const skewed = ranked(2, ['a', 'b', 'c'], [['b', 'a'], ['b', 'a'], ['a', 'c']])
    expect(skewed?.map((o) => [o.id, o.borda, o.firstPlaces, o.rank, o.tied])).toEqual([
      ['a', 4, 1, 1, true],
      ['b', 4, 2, 1, true],
      ['c', 1, 0, 3, false],
    ])
  })
})

describe('aggregate', () => {
  const poll = samplePoll()

  it('ranks a full ranking by Borda count on a worked example where first places tie', () => {
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
    expect(result?.options?.map((o) => [o.id, o.borda, o.firstPlaces, o.share, o.rank, o.tied])).toEqual([
      ['roads', 6, 2, 1, 1, false],
      ['water', 5, 2, 1, 2, false],
      ['clinic', 4, 1, 1, 3, false],
    ])
  })

  it('scores a top-N ranking from the number of options: m-1 for a first, m-2 for a second, unranked 0', () => {
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
    // m = 4: a 3+3 = 6, b 2+3 = 5, c 2+2 = 4, d 0
    expect(result?.options?.map((o) => [o.id, o.borda, o.firstPlaces, o.count])).toEqual([
      ['a', 6, 2, 2],
      ['b', 5, 1, 2],
      ['c', 4, 0, 2],
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
