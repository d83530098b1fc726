import { describe, expect, it } from 'vitest'
import { TRACKING_ALPHABET, newTrackingCode, normalizeTrackingCode } from '../../src/cases/index.js'
import { OLD_TRACKING_ALPHABET, TRACKING_CODE_BITS, drawSymbols } from '../../src/cases/tracking-code.js'

const NEW_CODE = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/

describe('newTrackingCode', () => {
  it('carries at least 50 bits, counted from the alphabet and the number of symbols', () => {
    const symbols = newTrackingCode().replace('-', '').length
    const bits = symbols * Math.log2(new Set(TRACKING_ALPHABET).size)
    expect(bits).toBeGreaterThanOrEqual(50)
    expect(TRACKING_CODE_BITS).toBe(bits)
  })

  it('writes ten symbols as two groups of five, from Crockford base32 (no I, L, O or U)', () => {
    expect(TRACKING_ALPHABET).toHaveLength(32)
    expect(new Set(TRACKING_ALPHABET).size).toBe(32)
    expect(TRACKING_ALPHABET).not.toMatch(/[ILOU]/)
    for (let i = 0; i < 200; i++) expect(newTrackingCode()).toMatch(NEW_CODE)
  })

  it('maps each random byte to one symbol, byte modulo 32, with none dropped', () => {
    const bytes = [0, 31, 32, 255, 10, 42, 17, 200, 9, 1]
    const random = (size: number) => Uint8Array.from(bytes.splice(0, size))
    // 200 % 32 = 8; 42 % 32 = 10 (A); 255 % 32 = 31 (Z)
    expect(newTrackingCode(random)).toBe('0Z0ZA-AH891')
  })

  it('keeps drawing until it has ten symbols, whatever size of batch the source returns', () => {
    let calls = 0
    // a source that gives one byte per call: the loop must ask again instead of padding the code
    const random = () => Uint8Array.from([calls++ % 32])
    expect(newTrackingCode(random)).toBe('01234-56789')
    expect(calls).toBe(10)
  })
})

describe('drawSymbols', () => {
  it('drops the bytes that would bias a draw from an alphabet whose size does not divide 256', () => {
    // 31 symbols: 248 and above are dropped (248 = 8 x 31) and drawn again; 31 wraps to the first symbol.
    const batches = [
      [0, 1, 255, 30, 248, 31, 2, 3],
      [4, 5],
    ]
    const random = (size: number) => Uint8Array.from(batches.shift() ?? new Array<number>(size).fill(0))
    expect(drawSymbols(OLD_TRACKING_ALPHABET, 8, random)).toBe('23Z24567')
    expect(batches).toEqual([])
  })

  it('gives the same count to every symbol when fed every byte value once, once biased bytes are dropped', () => {
    const counts = new Map<string, number>()
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    for (const s of drawSymbols(OLD_TRACKING_ALPHABET, 248, () => all)) counts.set(s, (counts.get(s) ?? 0) + 1)
    expect([...counts.values()]).toEqual(new Array<number>(31).fill(8))
  })
})

describe('newTrackingCode distribution', () => {
  it('draws every symbol about equally often', () => {
    const counts = new Map<string, number>()
    const draws = 4000
    for (let i = 0; i < draws; i++) for (const s of newTrackingCode().replace('-', '')) counts.set(s, (counts.get(s) ?? 0) + 1)
    expect(counts.size).toBe(32)
    // 40,000 symbols: 1250 expected each, standard deviation ~35. Within ±20% rules out a symbol
    // drawn twice as often or never; the chi-square catches a subtler skew over all of them.
    for (const n of counts.values()) expect(Math.abs(n - 1250)).toBeLessThan(250)
    const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - 1250) ** 2 / 1250, 0)
    // 31 degrees of freedom: a fair draw exceeds 80 about once in 200,000 runs.
    expect(chiSquare).toBeLessThan(80)
  })
})

describe('normalizeTrackingCode', () => {
  it.each([
    ['K7QM3-XHA2P', 'K7QM3-XHA2P'],
    ['k7qm3-xha2p', 'K7QM3-XHA2P'],
    ['K7QM3XHA2P', 'K7QM3-XHA2P'],
    [' k7qm3 xha2p ', 'K7QM3-XHA2P'],
    ['k7 qm3 xh a2p', 'K7QM3-XHA2P'],
    ['K7QM3–XHA2P', 'K7QM3-XHA2P'],
    ['K7QM3—XHA2P', 'K7QM3-XHA2P'],
    ['K7QM3 - XHA2P', 'K7QM3-XHA2P'],
    ['Ｋ７ＱＭ３－ＸＨＡ２Ｐ', 'K7QM3-XHA2P'],
    // O read as zero, I and L as one
    ['K7QMO-XHA2P', 'K7QM0-XHA2P'],
    ['k7qmo-xha2p', 'K7QM0-XHA2P'],
    ['KIQML-XHA2P', 'K1QM1-XHA2P'],
    ['k1qmi-xhalp', 'K1QM1-XHA1P'],
  ])('reads the new code %j as %j', (input, expected) => {
    expect(normalizeTrackingCode(input)).toBe(expected)
  })

  it.each([
    ['K7QM-3XHA', 'K7QM-3XHA'],
    ['k7qm-3xha', 'K7QM-3XHA'],
    ['K7QM3XHA', 'K7QM-3XHA'],
    [' k7qm 3xha ', 'K7QM-3XHA'],
    ['K7QM–3XHA', 'K7QM-3XHA'],
    // U was in the old alphabet
    ['KUQM-3XHA', 'KUQM-3XHA'],
  ])('still reads the old eight-symbol code %j as %j', (input, expected) => {
    expect(normalizeTrackingCode(input)).toBe(expected)
  })

  it('reads back every code it issues, and every old code as it was stored', () => {
    for (let i = 0; i < 100; i++) {
      const code = newTrackingCode()
      expect(normalizeTrackingCode(code)).toBe(code)
      expect(normalizeTrackingCode(code.toLowerCase().replace('-', ' '))).toBe(code)
    }
    const old = [...'K7QM3XHA'].map((_, i) => OLD_TRACKING_ALPHABET[(i * 7) % OLD_TRACKING_ALPHABET.length]).join('')
    expect(normalizeTrackingCode(old)).toBe(`${old.slice(0, 4)}-${old.slice(4)}`)
  })

  it.each([
    // new length: U is not in Crockford base32
    'K7QMU-XHA2P',
    'K7QM3-XHA2',
    'K7QM3-XHA2PQ',
    'K7QM3-XHA2!',
    // old length: 0, O, 1, I and L were never in old codes, and nothing is read for them
    'K0QM-3XHA',
    'KOQM-3XHA',
    'K1QM-3XHA',
    'KIQM-3XHA',
    'KLQM-3XHA',
    'K7QM-3XH',
    '',
    'estado',
  ])('rejects %j, which is neither a new nor an old code', (input) => {
    expect(normalizeTrackingCode(input)).toBeNull()
  })
})
