/**
 * Optimal-string-alignment distance (Damerau-Levenshtein without repeated edits of one
 * substring): insertions, deletions, substitutions and swaps of two neighbours each cost 1, so
 * "eduacion" is one slip away from "educacion", as a thumb on a phone keyboard makes it.
 */
export function editDistance(a: string, b: string): number {
  const s = [...a]
  const t = [...b]
  // three rolling rows: the swap looks two rows back
  let before = new Array<number>(t.length + 1).fill(0)
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j)
  let current = new Array<number>(t.length + 1).fill(0)
  for (let i = 1; i <= s.length; i++) {
    current[0] = i
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost)
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, (before[j - 2] ?? 0) + 1)
      }
      current[j] = best
    }
    ;[before, previous, current] = [previous, current, before]
  }
  return previous[t.length] ?? 0
}

/** Edit distance relative to the longer text: 0 is equal, 1 is nothing in common. */
export function editRatio(a: string, b: string): number {
  const longest = Math.max([...a].length, [...b].length)
  return longest === 0 ? 0 : editDistance(a, b) / longest
}
