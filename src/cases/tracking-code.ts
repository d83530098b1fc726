import { randomBytes } from 'node:crypto'

/**
 * The symbols of a tracking code: Crockford's base32 (digits and capitals without I, L, O, U).
 * 32 symbols, 10 per code, written as two groups of five (`K7QM3-XHA2P`): 32^10 = 2^50 codes.
 * With 31 symbols ten would give only 49.5 bits, and eleven no longer split into two groups.
 *
 * Why this alphabet: a code must survive being read aloud and copied from a phone screen. The
 * letters people confuse with digits are not in it, and reading accepts them for the digit they
 * look like (O as 0, I and L as 1), so a misread code still finds its case. U is left out so that
 * random codes do not spell the usual insults.
 *
 * At 50 bits and a million cases, one guess in ~1.1e9 hits some case: at the ~95 lookups a second
 * one server answers, about four months of its whole capacity instead of hours (the old codes had
 * ~40 bits), before any per-client limit on lookups.
 */
export const TRACKING_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const CODE_LENGTH = 10
const GROUP_LENGTH = 5

/**
 * The alphabet of the first codes (`K7QM-3XHA`: 8 symbols without 0, 1, I, L, O, ~40 bits). They
 * are no longer issued but still read, so a citizen holding one can still ask for its status.
 */
export const OLD_TRACKING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
const OLD_CODE_LENGTH = 8

/** Bits of a fresh code: what a guesser must search, as the alphabet and length give it. */
export const TRACKING_CODE_BITS = CODE_LENGTH * Math.log2(TRACKING_ALPHABET.length)

// What people type for a symbol that is not in the alphabet but looks like one that is.
const LOOKALIKES: Readonly<Record<string, string>> = { O: '0', I: '1', L: '1' }

/** A fresh tracking code such as `K7QM3-XHA2P`. `random` is injectable for tests. */
export function newTrackingCode(random: (size: number) => Uint8Array = randomBytes): string {
  return format(drawSymbols(TRACKING_ALPHABET, CODE_LENGTH, random), GROUP_LENGTH)
}

/**
 * `count` symbols drawn uniformly from `alphabet` (at most 256 symbols). Bytes at or above the
 * largest multiple of the alphabet's size that fits in a byte are dropped and drawn again: plain
 * `byte % 31` would favour the first 8 symbols. With 32 symbols nothing is dropped; the check stays
 * so that a change of alphabet cannot quietly bias the draw.
 */
export function drawSymbols(alphabet: string, count: number, random: (size: number) => Uint8Array = randomBytes): string {
  const limit = 256 - (256 % alphabet.length)
  let symbols = ''
  while (symbols.length < count) {
    for (const byte of random(count - symbols.length)) {
      if (byte >= limit) continue
      symbols += alphabet[byte % alphabet.length]
      if (symbols.length === count) break
    }
  }
  return symbols
}

function format(symbols: string, group: number): string {
  return `${symbols.slice(0, group)}-${symbols.slice(group)}`
}

/**
 * Turns what a citizen typed (`k7qm3 xha2p`, `K7QM3XHA2P`, `k7qm3–xha2p`, `K7QMO-XHA2P` with O typed for
 * 0) into the stored form (`K7QM3-XHA2P`, `K7QM0-XHA2P`); an old eight-symbol code (`k7qm 3xha`) into `K7QM-3XHA`.
 * Null when it is neither. The length tells the two apart.
 */
export function normalizeTrackingCode(input: string): string | null {
  // NFKC turns full-width letters and digits into plain ones; phones turn a typed hyphen into an
  // en or em dash; people add spaces when reading a code aloud.
  const symbols = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\p{Pd}\u2212]/gu, '')
  if (symbols.length === OLD_CODE_LENGTH) {
    return [...symbols].every((symbol) => OLD_TRACKING_ALPHABET.includes(symbol)) ? format(symbols, 4) : null
  }
  if (symbols.length !== CODE_LENGTH) return null
  const read = [...symbols].map((symbol) => LOOKALIKES[symbol] ?? symbol).join('')
  return [...read].every((symbol) => TRACKING_ALPHABET.includes(symbol)) ? format(read, GROUP_LENGTH) : null
}
