import { describe, expect, it } from 'vitest'
import { createTranslate } from '../../src/i18n/index.js'
import type { PublishedResults } from '../../src/polls/poll-publication.js'
import { resultsMessage } from '../../src/polls/results-message.js'

const t = createTranslate()

function rankingResults(options: { label: string; borda: number; rank: number; tied: boolean }[]): PublishedResults {
  return {
    pollId: '00000000-0000-4000-8000-000000000000',
    title: 'Obras 2027',
    status: 'closed',
    resultsVisibility: 'group',
    closesAt: new Date('2026-12-08T18:00:00-06:00'),
    minCell: 5,
    publishedAt: new Date('2026-12-09T00:00:00Z'),
    invited: 12,
    respondents: 10,
    withheld: false,
    questions: [
      {
        id: 'rank',
        kind: 'ranking',
        text: 'Ordene las obras',
        responses: 10,
        withheld: false,
        options: options.map((o, i) => ({ id: `o${i}`, count: 10, ...o })),
      },
    ],
  }
}

describe('resultsMessage', () => {
  it('writes points in the singular for one and marks tied options with their shared rank', () => {
    const text = resultsMessage(
      rankingResults([
        { label: 'Puente', borda: 1, rank: 1, tied: true },
        { label: 'Mercado', borda: 1, rank: 1, tied: true },
        { label: 'Cancha', borda: 0, rank: 3, tied: false },
      ]),
      t,
      'es',
    )
    expect(text).toContain('1. Puente (1 punto) (empate)')
    expect(text).toContain('1. Mercado (1 punto) (empate)')
    expect(text).toContain('3. Cancha (0 puntos)')
    const english = resultsMessage(rankingResults([{ label: 'Bridge', borda: 20, rank: 1, tied: false }]), t, 'en')
    expect(english).toContain('1. Bridge (20 points)')
    expect(english).not.toContain('(tie)')
  })

  it('counts written answers in the singular for one, and writes a withheld count as it is', () => {
    const withText = (responses: number | string): PublishedResults => ({
      ...rankingResults([]),
      questions: [{ id: 'comment', kind: 'text', text: '¿Algo más?', responses, withheld: false }],
    })
    expect(resultsMessage(withText(1), t, 'es')).toContain('1 respuesta escrita, que la mesa revisará.')
    expect(resultsMessage(withText(7), t, 'en')).toContain('7 written answers')
    expect(resultsMessage(withText('<5'), t, 'es')).toContain('<5 respuestas escritas')
  })
})
