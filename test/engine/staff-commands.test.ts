import { describe, expect, it } from 'vitest'
import { parseGlobalCommand } from '../../src/bot/engine/index.js'
import { testContext } from './context.js'

const { vocabulary } = testContext()

describe('parseGlobalCommand for staff', () => {
  it.each([
    ['vincular k7qm-3xha', 'staffLink'],
    ['/link K7QM 3XHA', 'staffLink'],
    ['acuso K7QM-3XHA', 'staffAck'],
    ['ack k7qm3xha', 'staffAck'],
    ['caso K7QM-3XHA', 'staffCase'],
  ])('reads "%s" as the %s command with the code upper-cased', (text, flow) => {
    expect(parseGlobalCommand(text, vocabulary)).toEqual({ name: 'flow', flow, code: expect.stringMatching(/^K7QM-?3XHA$/) })
  })

  it('leaves a sentence that merely starts with the word alone', () => {
    expect(parseGlobalCommand('Caso de la escuela sin maestros desde enero', vocabulary)).toBeNull()
    expect(parseGlobalCommand('vincular', vocabulary)).toBeNull()
  })
})
