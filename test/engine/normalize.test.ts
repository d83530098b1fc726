import { describe, expect, it } from 'vitest'
import { normalize } from '../../src/bot/engine/normalize.js'

describe('normalize', () => {
  it.each([
    ['Petén', 'peten'],
    ['SALCAJÁ', 'salcaja'],
    ['Ñandú', 'nandu'],
    ['San José del Golfo', 'san jose del golfo'],
  ])('folds case and accents: %s', (input, expected) => {
    expect(normalize(input)).toBe(expected)
  })

  it.each([
    ['Salud 🏥', 'salud'],
    ['👍🏽', ''],
    ['❤️ educación', 'educacion'],
    ['2️⃣', '2'],
    ['🇬🇹 Guatemala', 'guatemala'],
  ])('drops emoji but keeps digits: %s', (input, expected) => {
    expect(normalize(input)).toBe(expected)
  })

  it.each([
    ['¡Hola,   buenos días!', 'hola buenos dias'],
    ['2.', '2'],
    ['life_at_risk', 'life at risk'],
    ['  no / sí  ', 'no si'],
    ['\n\tmenu\n', 'menu'],
  ])('turns punctuation into spaces and collapses them: %j', (input, expected) => {
    expect(normalize(input)).toBe(expected)
  })
})
