import { randomBytes } from 'node:crypto'
import { TRACKING_ALPHABET } from '../cases/tracking-code.js'

const LENGTH = 4

/**
 * A per-case name for the citizen of a confidential case ("Ciudadano/a 7F3K"), so staff can say
 * "the citizen" in notes without learning who it is. Random, not derived from the contact: two
 * cases of one person get unrelated pseudonyms, so staff cannot link them. `random` is injectable.
 */
export function newPseudonym(random: (size: number) => Uint8Array = randomBytes): string {
  const symbols = [...random(LENGTH)].map((byte) => TRACKING_ALPHABET[byte % TRACKING_ALPHABET.length]).join('')
  return `Ciudadano/a ${symbols}`
}
