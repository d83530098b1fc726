import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Flow, FlowNode } from '../bot/engine/types.js'
import { defaultLocale, leafKeys, textAt, type Locales } from './index.js'

/**
 * A literal key handed to a translate function: `t('engine.help')`, `ctx.t(session.locale,
 * 'menu.prompt')`, `translate(locale, 'caseUpdate.note', …)`. Keys built at run time
 * (`engine.unexpected.${kind}`) cannot be read here; the flows' keys come from the flows themselves.
 */
const KEY_IN_CALL = /\b(?:t|translate|\w+Translate)\(\s*(?:[^'"`()]{0,60},\s*)?['"]([a-zA-Z][\w-]*(?:\.[\w-]+)+)['"]/gu

/** Where each key is used: `file:line`. */
export type KeyUses = Map<string, string[]>

/** The literal keys the TypeScript under `dir` passes to a translate function. */
export function keysInCode(dir: string, root = dir): KeyUses {
  const uses: KeyUses = new Map()
  for (const file of typeScriptFiles(dir)) {
    const lines = readFileSync(file, 'utf8').split('\n')
    lines.forEach((line, i) => {
      for (const match of line.matchAll(KEY_IN_CALL)) {
        const key = match[1]
        if (key !== undefined) uses.set(key, [...(uses.get(key) ?? []), `${relative(root, file)}:${i + 1}`])
      }
    })
  }
  return uses
}

/** The keys a flow names: its title, trigger words, prompts, texts and option labels. */
export function keysInFlows(flows: Readonly<Record<string, Flow>>): KeyUses {
  const uses: KeyUses = new Map()
  const add = (key: string, where: string) => uses.set(key, [...(uses.get(key) ?? []), where])
  for (const flow of Object.values(flows)) {
    add(flow.title, `flow ${flow.id}`)
    if (flow.triggers) add(flow.triggers.words, `flow ${flow.id} (triggers)`)
    for (const [nodeId, node] of Object.entries(flow.nodes)) for (const key of keysOfNode(node)) add(key, `flow ${flow.id} node ${nodeId}`)
  }
  return uses
}

function keysOfNode(node: FlowNode): string[] {
  switch (node.kind) {
    case 'say':
      return [node.text]
    case 'ask':
      return [node.prompt, ...('source' in node.input && node.input.source.from === 'static' ? node.input.source.options.map((option) => option.label) : [])]
    case 'end':
      return node.text === undefined ? [] : [node.text]
    case 'branch':
    case 'effect':
    case 'setLocale':
    case 'enter':
      return []
  }
}

export type LocaleRow = {
  locale: string
  /** the language's own name, from its file */
  name: string
  present: number
  total: number
  percent: number
  /** how many of the word keys (commands, triggers, yes/no/skip) the locale has its own words for */
  words: number
  wordTotal: number
  offered: boolean
  /** keys Spanish does not have: never read (a typo, or a key renamed since) */
  unknown: string[]
}

export type LocaleReport = {
  rows: LocaleRow[]
  /** keys the code or the flows use that Spanish (the fallback of every locale) does not have */
  missingInSpanish: { key: string; where: string[] }[]
  used: number
}

/** Measures every locale against Spanish and finds the keys used that Spanish lacks. */
export function checkLocales(input: { locales: Locales; used: KeyUses; wordKeys: readonly string[]; minPercent: number }): LocaleReport {
  const { locales, used, wordKeys, minPercent } = input
  const offered = new Set(locales.offered({ minPercent, defaultLocale }))
  const rows = locales.codes().map((locale): LocaleRow => {
    const { present, total, percent } = locales.completeness(locale)
    return {
      locale,
      name: locales.own(locale, 'language.name') ?? '?',
      present,
      total,
      percent,
      words: wordKeys.filter((key) => locales.own(locale, key) !== undefined).length,
      wordTotal: wordKeys.length,
      offered: offered.has(locale),
      unknown: leafKeys(locales.tree(locale) ?? {}).filter((key) => !key.startsWith('_') && textAt(locales.tree(defaultLocale), key) === undefined),
    }
  })
  const spanish = locales.tree(defaultLocale)
  const missingInSpanish = [...used.entries()]
    .filter(([key]) => textAt(spanish, key) === undefined)
    .map(([key, where]) => ({ key, where }))
    .sort((a, b) => a.key.localeCompare(b.key))
  return { rows, missingInSpanish, used: used.size }
}

/** The report as the terminal shows it. */
export function formatReport(report: LocaleReport, minPercent: number): string {
  const table = [
    ['locale', 'name', 'texts', '', 'words', `offered (≥ ${minPercent}%)`],
    ...report.rows.map((row) => [
      row.locale,
      row.name,
      `${row.present}/${row.total}`,
      `${(Math.floor(row.percent * 10) / 10).toFixed(1)}%`,
      `${row.words}/${row.wordTotal}`,
      row.offered ? 'yes' : 'no',
    ]),
  ]
  const widths = table[0]?.map((_, column) => Math.max(...table.map((cells) => [...(cells[column] ?? '')].length))) ?? []
  const lines = table.map((cells) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd())
  for (const row of report.rows.filter((r) => r.unknown.length > 0)) {
    lines.push(`  ${row.locale}: ${row.unknown.length} key(s) Spanish does not have, never read: ${row.unknown.slice(0, 5).join(', ')}${row.unknown.length > 5 ? ', …' : ''}`)
  }
  lines.push('', `keys used in code and flows: ${report.used}; missing in Spanish: ${report.missingInSpanish.length}`)
  for (const { key, where } of report.missingInSpanish) lines.push(`  missing in ${defaultLocale}: ${key}  (${where.slice(0, 3).join(', ')}${where.length > 3 ? ', …' : ''})`)
  return lines.join('\n')
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : typeScriptFiles(path)
      return name.endsWith('.ts') ? [path] : []
    })
}
