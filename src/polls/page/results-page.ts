import { readFileSync } from 'node:fs'
import type { PublishedOption, PublishedQuestion, PublishedResults } from '../poll-publication.js'

/** The page's stylesheet, served beside it (the CSP allows no inline style). */
export const RESULTS_CSS = readFileSync(new URL('./results.css', import.meta.url), 'utf8')

/** Where the stylesheet is served; the page links it. */
export const RESULTS_CSS_PATH = '/api/v1/polls/results.css'

const WORDS = {
  es: {
    respondents: 'participantes', invited: 'invitados', option: 'Opción', answers: 'Respuestas', share: 'Parte', points: 'Puntos', rank: 'Puesto',
    tie: 'empate', mean: 'Promedio', step: 'Valor', texts: 'respuestas escritas (no se publican)', withheldQuestion: 'Menos de {k} respuestas: no se muestran.',
    withheldAll: 'Participaron menos de {k} personas: para que nadie pueda deducir lo que respondió otra, no se publican cifras.',
    note: '«<{k}»: menos de {k}. «x»: cifra ocultada para que no se pueda calcular otra pequeña.', closed: 'Cerró el', csv: 'Descargar CSV', json: 'Datos (JSON)',
    quorumReached: 'Se alcanzó el quórum de {n} participantes.', quorumMissed: 'No se alcanzó el quórum de {n} participantes.', byPoints: 'Ordenadas por puntos (Borda truncado: m−1 por un primer lugar de m opciones, 0 sin lugar).',
  },
  en: {
    respondents: 'participants', invited: 'invited', option: 'Option', answers: 'Answers', share: 'Share', points: 'Points', rank: 'Rank',
    tie: 'tie', mean: 'Average', step: 'Value', texts: 'written answers (not published)', withheldQuestion: 'Fewer than {k} answers: not shown.',
    withheldAll: 'Fewer than {k} people took part: so that nobody can work out what another answered, no figures are published.',
    note: '"<{k}": fewer than {k}. "x": withheld so that another small count cannot be worked out.', closed: 'Closed on', csv: 'Download CSV', json: 'Data (JSON)',
    quorumReached: 'The quorum of {n} participants was reached.', quorumMissed: 'The quorum of {n} participants was not reached.', byPoints: 'Ordered by points (truncated Borda: m−1 for a first place of m options, 0 when unranked).',
  },
} as const

type Words = (typeof WORDS)[keyof typeof WORDS]

/** HTML-escapes text for element content and attribute values. */
function esc(text: string | number): string {
  return String(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')
}

const fill = (text: string, vars: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''))

/**
 * The published results of a closed public poll as a page a phone shows well: one table per
 * question with a <meter> bar per shown count, withheld counts written as such (never as 0 or an
 * empty bar), and links to the same figures as CSV and JSON. No script; only what the stored
 * publication holds, so nothing here is finer than the JSON.
 */
export function resultsPage(results: PublishedResults, locale: string, links: { csv: string; json: string }): string {
  const w: Words = locale === 'en' ? WORDS.en : WORDS.es
  const k = results.minCell
  const closed = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Guatemala', hourCycle: 'h23' }).format(results.closesAt)
  const parts = [
    `<h1>${esc(results.title)}</h1>`,
    `<p class="meta">${esc(w.closed)} ${esc(closed)} · ${esc(results.respondents)} ${esc(w.respondents)} · ${esc(results.invited)} ${esc(w.invited)}</p>`,
  ]
  if (results.quorum && results.quorum.reached !== null) parts.push(`<p class="meta">${esc(fill(results.quorum.reached ? w.quorumReached : w.quorumMissed, { n: results.quorum.required }))}</p>`)
  if (results.withheld) parts.push(`<p class="withheld">${esc(fill(w.withheldAll, { k }))}</p>`)
  else for (const question of results.questions) parts.push(questionSection(question, w, k))
  parts.push(`<p class="note">${esc(fill(w.note, { k }))}</p>`)
  parts.push(`<nav><a href="${esc(links.csv)}">${esc(w.csv)}</a><a href="${esc(links.json)}">${esc(w.json)}</a></nav>`)
  return `<!doctype html>
<html lang="${esc(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(results.title)}</title>
<link rel="stylesheet" href="${RESULTS_CSS_PATH}">
</head>
<body><main>
${parts.join('\n')}
</main></body>
</html>
`
}

function questionSection(q: PublishedQuestion, w: Words, k: number): string {
  const heading = `<h2>${esc(q.text)}</h2>`
  if (q.withheld) return `<section>${heading}<p class="withheld">${esc(fill(w.withheldQuestion, { k }))}</p></section>`
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return `<section>${heading}${optionsTable(q.options ?? [], w, false)}</section>`
    case 'ranking':
      return `<section>${heading}<p class="note">${esc(w.byPoints)}</p>${optionsTable(q.options ?? [], w, true)}</section>`
    case 'scale': {
      const mean = q.scale?.mean
      const rows = (q.scale?.distribution ?? []).map((step) => figureRow(String(step.value), step.count, step.share))
      const meanLine = mean === null || mean === undefined ? '' : `<p class="meta">${esc(w.mean)}: ${esc(Math.round(mean * 10) / 10)}</p>`
      return `<section>${heading}${meanLine}<table><thead><tr><th scope="col">${esc(w.step)}</th><th scope="col">${esc(w.answers)}</th><th scope="col">${esc(w.share)}</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
    }
    case 'text':
      return `<section>${heading}<p class="meta">${esc(q.responses)} ${esc(w.texts)}</p></section>`
  }
}

function optionsTable(options: readonly PublishedOption[], w: Words, ranking: boolean): string {
  const head = ranking
    ? `<tr><th scope="col">${esc(w.rank)}</th><th scope="col">${esc(w.option)}</th><th scope="col">${esc(w.points)}</th><th scope="col">${esc(w.answers)}</th></tr>`
    : `<tr><th scope="col">${esc(w.option)}</th><th scope="col">${esc(w.answers)}</th><th scope="col">${esc(w.share)}</th></tr>`
  const rows = options.map((o) =>
    ranking
      ? `<tr><td>${esc(o.rank ?? '')}${o.tied === true ? ` (${esc(w.tie)})` : ''}</td><td>${esc(o.label)}</td><td class="figure">${esc(o.borda ?? 0)}</td><td class="figure">${countCell(o.count)}</td></tr>`
      : figureRow(o.label, o.count, o.share),
  )
  return `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`
}

/** A label, its count (or the withheld mark) and a bar for its share; a withheld count gets no bar. */
function figureRow(label: string, count: number | string, share: number | undefined): string {
  const bar = typeof count === 'number' && share !== undefined ? `<meter min="0" max="1" value="${esc(share)}">${esc(Math.round(share * 100))}%</meter>` : ''
  const percent = typeof count === 'number' && share !== undefined ? ` (${esc(Math.round(share * 100))}%)` : ''
  return `<tr><td>${esc(label)}</td><td class="figure">${countCell(count)}${percent}</td><td class="bar">${bar}</td></tr>`
}

function countCell(count: number | string): string {
  return typeof count === 'number' ? esc(count) : `<span class="withheld">${esc(count)}</span>`
}
