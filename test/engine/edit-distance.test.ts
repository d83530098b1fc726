import { describe, expect, it } from 'vitest'
import { editDistance, editRatio } from '../../src/bot/engine/edit-distance.js'

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['salud', 'salud', 0],
    ['', 'abc', 3],
    ['misco', 'mixco', 1],
    ['eduacion', 'educacion', 1],
    ['ab', 'ba', 1],
    ['kitten', 'sitting', 3],
    ['quesaltenango', 'quetzaltenango', 2],
    ['ñandú', 'nandu', 2],
  ])('counts the edits from %j to %j as %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected)
    expect(editDistance(b, a)).toBe(expected)
  })
})

describe('editRatio', () => {
  it('is relative to the longer text', () => {
    expect(editRatio('misco', 'mixco')).toBeCloseTo(0.2)
    expect(editRatio('', '')).toBe(0)
    expect(editRatio('abc', 'xyz')).toBe(1)
  })
})
