import { describe, expect, it } from 'vitest'
import { codePoints } from './read-answer.js'

describe('codePoints', () => {
  it.each([
    ['', 0],
    ['answer 1', 8],
    ['Petén', 5],
    ['🏥 Salud', 7],
    ['👍🏽', 2],
    ['\uD83D', 1],
    ['a\uDC00b', 3],
    ['\uDC00\uD83D', 2],
    ['x\uD83D\uD83D\uDE00', 3],
  ])('counts %o as [...text] does: %i', (text, count) => {
    expect(codePoints(text)).toBe(count)
    expect(codePoints(text)).toBe([...text].length)
  })
})
