import { describe, expect, it } from 'vitest'
import { visibleSlices, withholdLinked } from '../../src/polls/withhold-linked.js'

describe('withholdLinked', () => {
  it('withholds a small count and the smallest other count of its row, never a zero', () => {
    // 9 + 0 + 1 = 10 responses, published: the 1 alone would be 10 - 9 - 0
    expect(withholdLinked([9, 0, 1], [{ parts: [0, 1, 2] }], 5)).toEqual(['complementary', 'shown', 'small'])
  })

  it('keeps withholding while the withheld counts of a row hold fewer than k together', () => {
    // 1 and 2 withheld would still be pinned to at most 3; the 6 goes too
    expect(withholdLinked([1, 2, 6, 20], [{ parts: [0, 1, 2, 3] }], 5)).toEqual(['small', 'small', 'complementary', 'shown'])
  })

  it('follows a withheld cell down its column to the total, and back along the rows', () => {
    // rows: total (10, 10), slice A (7, 6), slice B (3, 4); columns add up to the total row
    const values = [10, 10, 7, 6, 3, 4]
    const groups = [{ parts: [0, 1] }, { parts: [2, 3] }, { parts: [4, 5] }, { whole: 0, parts: [2, 4] }, { whole: 1, parts: [3, 5] }]
    expect(withholdLinked(values, groups, 5)).toEqual(['shown', 'shown', 'complementary', 'complementary', 'small', 'small'])
  })

  it('withholds the whole when every part is shown but it is small', () => {
    expect(withholdLinked([3, 3, 0], [{ whole: 0, parts: [1, 2] }], 5)).toEqual(['small', 'small', 'shown'])
    expect(withholdLinked([3, 0, 3], [{ whole: 0, parts: [1, 2] }, { parts: [0] }], 5)).toEqual(['small', 'shown', 'small'])
  })
})

describe('visibleSlices', () => {
  it('hides slices of 1 to k-1 respondents, and more while the hidden ones hold fewer than k', () => {
    expect(visibleSlices([7, 2, 2], 5)).toEqual(['complementary', 'small', 'small'])
    expect(visibleSlices([7, 6, 2], 5)).toEqual(['shown', 'complementary', 'small'])
    expect(visibleSlices([7, 6, 3, 2], 5)).toEqual(['shown', 'shown', 'small', 'small'])
  })

  it('shows slices where nobody answered, and hides those it is told to', () => {
    expect(visibleSlices([0, 8, 9], 5)).toEqual(['shown', 'shown', 'shown'])
    expect(visibleSlices([8, 9], 5, [true, false])).toEqual(['complementary', 'shown'])
  })
})
