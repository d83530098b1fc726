import type { Translate } from '../bot/engine/index.js'
import type { PublishedQuestion, PublishedResults } from './poll-publication.js'

/**
 * The published results as one chat message in the participant's language. It says so when too
 * few took part: in a mesa of three, two counts and your own ballot give away the third.
 */
export function resultsMessage(results: PublishedResults, t: Translate, locale: string): string {
  const k = results.minCell
  if (results.withheld || typeof results.respondents !== 'number') return t(locale, 'polls.results.withheld', { title: results.title, k })
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 })
  const lines = [t(locale, 'polls.results.heading', { title: results.title, respondents: results.respondents })]
  for (const question of results.questions) {
    lines.push('', question.text, ...questionLines(question, t, locale, k, percent, decimal))
  }
  if (results.quorum && results.quorum.reached !== null) {
    lines.push('', t(locale, results.quorum.reached ? 'polls.results.quorumReached' : 'polls.results.quorumMissed', { required: results.quorum.required }))
  }
  if (results.questions.some((q) => q.withheld || (q.options ?? []).some((o) => typeof o.count !== 'number'))) lines.push('', t(locale, 'polls.results.withheldNote', { k }))
  return lines.join('\n')
}

function questionLines(q: PublishedQuestion, t: Translate, locale: string, k: number, percent: Intl.NumberFormat, decimal: Intl.NumberFormat): string[] {
  if (q.withheld) return [t(locale, 'polls.results.questionWithheld', { k })]
  const sortable = (count: number | string) => (typeof count === 'number' ? count : -1)
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return [...(q.options ?? [])]
        .sort((a, b) => sortable(b.count) - sortable(a.count))
        .map((o) => (typeof o.count === 'number' && o.share !== undefined ? `• ${o.label}: ${percent.format(o.share)} (${o.count})` : `• ${o.label}: ${o.count}`))
    case 'ranking':
      return (q.options ?? []).map((o, i) => {
        const points = t(locale, 'polls.results.points', { points: o.borda ?? 0 })
        return `${o.rank ?? i + 1}. ${o.label} ${points}${o.tied === true ? ` ${t(locale, 'polls.results.tied')}` : ''}`
      })
    case 'scale': {
      const mean = q.scale?.mean
      if (mean !== null && mean !== undefined) return [t(locale, 'polls.results.mean', { mean: decimal.format(mean) })]
      return [q.responses === 0 ? t(locale, 'polls.results.noAnswers') : t(locale, 'polls.results.meanWithheld')]
    }
    case 'text':
      // a count gets its plural; a withheld one ("<5") reads as written
      return [typeof q.responses === 'number' ? t(locale, 'polls.results.textsCount', { n: q.responses }) : t(locale, 'polls.results.texts', { n: q.responses })]
  }
}
