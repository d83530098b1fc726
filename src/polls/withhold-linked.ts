/** How a published figure of poll results is shown: as is, as "<k" (too small), or withheld to protect a small one. */
export type Mark = 'shown' | 'small' | 'complementary'

/**
 * One published (or derivable) linear relation between cells: the `parts` add up to the `whole`,
 * a cell index, or to a figure that is published anyway (a slice's responses) when `whole` is left out.
 */
export type LinkedGroup = { parts: readonly number[]; whole?: number }

/**
 * Small-cell suppression over linked tables, the statistics rule made a little stronger. Every count
 * from 1 to k-1 is marked small. Then, wherever a relation has exactly one withheld cell (it could
 * be solved for), or its withheld parts hold fewer than k answers together while the whole is known
 * (each of them would be pinned inside a range narrower than k), the smallest non-zero shown part
 * is withheld too, or the whole when no such part is left. Repeats until nothing changes; marks only
 * grow, so it ends. Pure.
 */
export function withholdLinked(values: readonly number[], groups: readonly LinkedGroup[], k: number): Mark[] {
  const marks: Mark[] = values.map((value) => (value > 0 && value < k ? 'small' : 'shown'))
  const value = (i: number) => values[i] ?? 0
  let changed = true
  while (changed) {
    changed = false
    for (const group of groups) {
      const members = group.whole === undefined ? group.parts : [...group.parts, group.whole]
      const withheld = members.filter((i) => marks[i] !== 'shown')
      if (withheld.length === 0) continue
      const wholeKnown = group.whole === undefined || marks[group.whole] === 'shown'
      const withheldParts = group.parts.filter((i) => marks[i] !== 'shown').reduce((sum, i) => sum + value(i), 0)
      if (withheld.length > 1 && !(wholeKnown && withheldParts < k)) continue
      const pick = smallestShown(group.parts, marks, values) ?? (group.whole !== undefined && marks[group.whole] === 'shown' ? group.whole : undefined) ?? wholeElsewhere(withheld, group, groups, marks)
      if (pick === undefined) continue
      marks[pick] = 'complementary'
      changed = true
    }
  }
  return marks
}

/** The shown part with the smallest count above zero: withholding a zero hides nothing. */
function smallestShown(parts: readonly number[], marks: readonly Mark[], values: readonly number[]): number | undefined {
  let best: number | undefined
  for (const i of parts) {
    const v = values[i] ?? 0
    if (marks[i] !== 'shown' || v === 0) continue
    if (best === undefined || v < (values[best] ?? 0)) best = i
  }
  return best
}

/**
 * A relation with nothing left to withhold (the rest of its parts are zeros) still gives its
 * withheld cell away; withholding the whole of another relation that cell is part of (a slice's
 * cell: the total's) breaks the chain there instead.
 */
function wholeElsewhere(withheld: readonly number[], group: LinkedGroup, groups: readonly LinkedGroup[], marks: readonly Mark[]): number | undefined {
  for (const cell of withheld) {
    const other = groups.find((g) => g !== group && g.whole !== undefined && marks[g.whole] === 'shown' && g.parts.includes(cell))
    if (other?.whole !== undefined) return other.whole
  }
  return undefined
}

/**
 * Whether subtraction still gives a small count away: solving every relation that has one unknown
 * left, again and again, as an attacker would, reaches a count from 1 to k-1, or leaves a known
 * whole whose unknown parts hold fewer than k together. A withheld count that can be worked out but
 * is k or more is harmless once the chain stops before a small one.
 */
export function unresolved(values: readonly number[], groups: readonly LinkedGroup[], marks: readonly Mark[], k: number): boolean {
  const known = marks.map((mark) => mark === 'shown')
  let solved = true
  while (solved) {
    solved = false
    for (const group of groups) {
      const members = group.whole === undefined ? group.parts : [...group.parts, group.whole]
      const unknown = members.filter((i) => !known[i])
      if (unknown.length !== 1 || unknown[0] === undefined) continue
      known[unknown[0]] = true
      solved = true
    }
  }
  if (marks.some((mark, i) => mark === 'small' && known[i])) return true
  return groups.some((group) => {
    if (group.whole !== undefined && !known[group.whole]) return false
    const sum = group.parts.filter((i) => !known[i]).reduce((total, i) => total + (values[i] ?? 0), 0)
    return sum > 0 && sum < k
  })
}

/**
 * Which slices of an audience (municipalities) may be shown: none with 1 to k-1 respondents, none
 * `forced` hidden, and the hidden ones together hold none or at least k, since the total minus the
 * shown slices is their sum (more of the smallest shown are hidden until it is). Pure.
 */
export function visibleSlices(sizes: readonly number[], k: number, forced: readonly boolean[] = []): Mark[] {
  const marks: Mark[] = sizes.map((n, i) => (n > 0 && n < k ? 'small' : forced[i] ? 'complementary' : 'shown'))
  for (;;) {
    const hidden = sizes.reduce((sum, n, i) => (marks[i] === 'shown' ? sum : sum + n), 0)
    if (hidden === 0 || hidden >= k) return marks
    const pick = smallestShown(sizes.map((_, i) => i), marks, sizes)
    if (pick === undefined) return marks
    marks[pick] = 'complementary'
  }
}
