import { randomBytes } from 'node:crypto'

/**
 * The symbols of a tracking code: digits and capitals without 0/O, 1/I/L, which people misread
 * when they copy a code from a phone screen or read it aloud. 31 symbols, 8 per code: ~8.5e11 codes.
 */
export const TRACKING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
const CODE_LENGTH = 8
// The largest multiple of 31 that fits in a byte: bytes above it are dropped, so that every
// symbol is equally likely (plain `byte % 31` would favour the first 8 symbols).
const LIMIT = 256 - (256 % TRACKING_ALPHABET.length)

/** A fresh tracking code such as `K7QM-3XHA`. `random` is injectable for tests. */
export function newTrackingCode(random: (size: number) => Uint8Array = randomBytes): string {
  let symbols = ''
  while (symbols.length < CODE_LENGTH) {
    for (const byte of random(CODE_LENGTH)) {
      if (byte >= LIMIT) continue
      symbols += TRACKING_ALPHABET[byte % TRACKING_ALPHABET.length]
      if (symbols.length === CODE_LENGTH) break
    }
  }
  return format(symbols)
}

function format(symbols: string): string {
  return `${symbols.slice(0, 4)}-${symbols.slice(4)}`
}

/**
 * Turns what a citizen typed (`k7qm 3xha`, `K7QM3XHA`, `k7qm–3xha`) into the stored form
 * `K7QM-3XHA`, or null when it is not eight valid symbols.
 */
export function normalizeTrackingCode(input: string): string | null {
  // Phones turn a typed hyphen into an en or em dash; people add spaces when reading a code aloud.
  const symbols = input.toUpperCase().replace(/[\s\-\u2010-\u2015]/g, '')
  if (symbols.length !== CODE_LENGTH) return null
  for (const symbol of symbols) if (!TRACKING_ALPHABET.includes(symbol)) return null
  return format(symbols)
}
