import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { matchChoice } from '../../src/bot/engine/match-choice.js'
import table from './testdata/match-choice.json' with { type: 'json' }

const OptionSchema = z.object({ id: z.string(), label: z.string(), aliases: z.array(z.string()).optional() })
const TableSchema = z.object({
  optionSets: z.record(z.string(), z.array(OptionSchema)),
  cases: z.array(
    z.object({
      name: z.string(),
      input: z.string(),
      options: z.union([z.string(), z.array(OptionSchema)]),
      numbered: z.array(z.string()).optional(),
      expected: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('match'), id: z.string(), loose: z.literal(true).optional() }),
        z.object({ kind: z.literal('ambiguous'), candidates: z.array(z.string()) }),
        z.object({ kind: z.literal('none') }),
      ]),
    }),
  ),
})

const { optionSets, cases } = TableSchema.parse(table)

describe('matchChoice', () => {
  it.each(cases)('$name: $input', ({ input, options, numbered, expected }) => {
    const list = typeof options === 'string' ? optionSets[options] : options
    if (list === undefined) throw new Error(`no option set "${String(options)}" in match-choice.json`)
    expect(matchChoice(input, list, numbered ? { numbered } : {})).toEqual(expected)
  })
})
