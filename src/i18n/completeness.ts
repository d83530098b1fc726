import type { LocaleTree } from './locale-files.js'

/** Every text key of a locale tree, as dotted paths. */
export function leafKeys(tree: LocaleTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`
    return typeof value === 'string' ? [path] : leafKeys(value, path)
  })
}

/** The text a tree holds for a dotted key, if it holds one (no fallback). */
export function textAt(tree: LocaleTree | undefined, key: string): string | undefined {
  let node: string | LocaleTree | undefined = tree
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined
    node = node[part]
  }
  return typeof node === 'string' && node.trim() !== '' ? node : undefined
}

export type Completeness = {
  /** keys of the reference (Spanish) this locale has its own text for */
  present: number
  total: number
  /** present / total, 0 to 100 */
  percent: number
  missing: string[]
}

/** How much of the reference (Spanish) a locale translates; a key it lacks is read in Spanish. */
export function completeness(tree: LocaleTree | undefined, reference: LocaleTree): Completeness {
  const keys = leafKeys(reference)
  const missing = keys.filter((key) => textAt(tree, key) === undefined)
  const present = keys.length - missing.length
  return { present, total: keys.length, percent: keys.length === 0 ? 100 : (100 * present) / keys.length, missing }
}

/** Deep-merges `extra` over `base` (an operator's file may add to or change a built-in locale). */
export function mergeTrees(base: LocaleTree | undefined, extra: LocaleTree): LocaleTree {
  const merged: LocaleTree = { ...base }
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key]
    merged[key] = typeof value === 'string' || typeof current !== 'object' ? value : mergeTrees(current, value)
  }
  return merged
}
