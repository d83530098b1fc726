import { describe, expect, it } from 'vitest'
import { TRACKING_ALPHABET, newTrackingCode, normalizeTrackingCode } from '../../src/cases/index.js'

describe('newTrackingCode', () => {
  it('writes eight symbols as two groups of four, from an alphabet without 0, O, 1, I or L', () => {
    expect(TRACKING_ALPHABET).toHaveLength(31)
    expect(TRACKING_ALPHABET).not.toMatch(/[01OIL]/)
    for (let i = 0; i < 200; i++) expect(newTrackingCode()).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/)
  })

  it('maps random bytes to symbols and drops the bytes that would bias the draw', () => {
    // 248 and above are dropped (248 = 8 x 31); 31 wraps to the first symbol.
    const batches = [
      [0, 1, 255, 30, 248, 31, 2, 3],
      [4, 5, 6, 7, 8, 9, 10, 11],
    ]
    const random = (size: number) => Uint8Array.from(batches.shift() ?? new Array<number>(size).fill(0))
    expect(newTrackingCode(random)).toBe('23Z2-4567')
  })

  it('draws every symbol about equally often', () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 4000; i++) for (const s of newTrackingCode().replace('-', '')) counts.set(s, (counts.get(s) ?? 0) + 1)
    expect(counts.size).toBe(31)
    // 32,000 symbols: ~1032 each; a biased draw would push the first symbols ~3% higher at most, so
    // this only guards against gross mistakes (a symbol never drawn, or drawn twice as often).
    for (const n of counts.values()) expect(n).toBeGreaterThan(800)
  })
})

describe('normalizeTrackingCode', () => {
  it.each([
    ['K7QM-3XHA', 'K7QM-3XHA'],
    ['k7qm-3xha', 'K7QM-3XHA'],
    ['K7QM3XHA', 'K7QM-3XHA'],
    [' k7qm 3xha ', 'K7QM-3XHA'],
    ['K7QM–3XHA', 'K7QM-3XHA'],
  ])('reads %j as %j', (input, expected) => {
    expect(normalizeTrackingCode(input)).toBe(expected)
  })

  it.each(['K7QM-3XH', 'K7QM-3XHAB', 'K0QM-3XHA', 'KOQM-3XHA', 'K1QM-3XHA', 'KIQM-3XHA', 'KLQM-3XHA', '', 'estado'])(
    'rejects %j, which is not eight symbols of the alphabet',
    (input) => {
      expect(normalizeTrackingCode(input)).toBeNull()
    },
  )
})
