import type { Translate } from '../bot/engine/index.js'
import type { QuestionResult } from './aggregate.js'
import type { PollResults } from './poll-results.js'

/** The results as one chat message in the participant's language (no free texts: they are for admins). */
export function resultsMessage(results: PollResults, t: Translate, locale: string): string {
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 })
  const lines = [t(locale, 'polls.results.heading', { title: results.title, respondents: results.respondents })]
  for (const question of results.questions) {
    lines.push('', question.text, ...questionLines(question, t, locale, percent, decimal))
  }
  return lines.join('\n')
}

function questionLines(q: QuestionResult, t: Translate, locale: string, percent: Intl.NumberFormat, decimal: Intl.NumberFormat): string[] {
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return [...(q.options ?? [])].sort((a, b) => b.count - a.count).map((o) => `• ${o.label}: ${percent.format(o.share)} (${o.count})`)
    case 'ranking':
      return (q.options ?? []).map((o, i) => `${i + 1}. ${o.label} ${t(locale, 'polls.results.points', { points: o.borda ?? 0 })}`)
    case 'scale': {
      const mean = q.scale?.mean
      return [mean === null || mean === undefined ? t(locale, 'polls.results.noAnswers') : t(locale, 'polls.results.mean', { mean: decimal.format(mean) })]
    }
    case 'text':
      return [t(locale, 'polls.results.texts', { n: q.responses })]
  }
}
