import { describe, expect, it } from 'vitest'
import { enrichLocation } from '../../src/bot/channels/enrich-location.js'

describe('enrichLocation', () => {
  it('adds the municipality a shared point falls in', () => {
    expect(enrichLocation({ kind: 'location', latitude: 14.630563, longitude: -90.607104 })).toEqual({
      kind: 'location',
      latitude: 14.630563,
      longitude: -90.607104,
      municipalityCode: '0108',
    })
  })

  it('leaves a point outside Guatemala without one', () => {
    expect(enrichLocation({ kind: 'location', latitude: 19.43, longitude: -99.13 })).toEqual({ kind: 'location', latitude: 19.43, longitude: -99.13 })
  })

  it('passes other messages through unchanged', () => {
    expect(enrichLocation({ kind: 'text', text: 'hola' })).toEqual({ kind: 'text', text: 'hola' })
  })
})
