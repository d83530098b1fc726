import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { newTrackingCode } from '../../src/cases/tracking-code.js'
import { containsPii, redactForStaff, redactPii, redactPiiAndNames } from '../../src/privacy/redact-pii.js'

const ExampleSchema = z.object({ input: z.string().min(1), expected: z.string() })
const TableSchema = z.object({
  description: z.string(),
  masked: z.array(ExampleSchema),
  kept: z.array(z.string().min(1)),
  names: z.array(ExampleSchema),
  namesKept: z.array(z.string().min(1)),
})
const table = TableSchema.parse(JSON.parse(readFileSync(new URL('./testdata/redact-pii.json', import.meta.url), 'utf8')))

describe('the redaction table', () => {
  it('holds at least 100 examples, both of what is masked and of what stays', () => {
    const masked = table.masked.length + table.names.length
    const kept = table.kept.length + table.namesKept.length
    expect(masked + kept).toBeGreaterThanOrEqual(100)
    expect(masked).toBeGreaterThanOrEqual(40)
    expect(kept).toBeGreaterThanOrEqual(40)
  })
})

describe('redactPii', () => {
  it.each(table.masked)('masks $input', ({ input, expected }) => {
    expect(redactPii(input)).toBe(expected)
    expect(containsPii(input)).toBe(true)
  })

  it.each(table.kept)('leaves %j as it is', (input) => {
    expect(redactPii(input)).toBe(input)
    expect(containsPii(input)).toBe(false)
  })

  it.each(table.names)('leaves the name a citizen gives in $input (a named case agreed to it)', ({ input }) => {
    expect(redactPii(input)).not.toContain('[nombre]')
  })

  it('leaves every tracking code it could issue', () => {
    for (let i = 0; i < 300; i++) {
      const text = `Mi caso ${newTrackingCode()} sigue sin respuesta.`
      // a code made only of digits would read as a number; one in 32^10 / 10^10 ≈ 110,000 codes
      if (/\d{5}-\d{5}/.test(text)) continue
      expect(redactPii(text)).toBe(text)
    }
  })

  it('keeps the text around a mask exactly as written: accents, emoji, line breaks, other digits', () => {
    const input = 'Buenos días 🙏\nLlámeme al ５５１２－３４５６ (mañana).\n\nSomos ３ familias.'
    expect(redactPii(input)).toBe('Buenos días 🙏\nLlámeme al [teléfono] (mañana).\n\nSomos ３ familias.')
  })

  it('reads a 4,000-character text of digit groups in well under a second', () => {
    const started = performance.now()
    const masked = redactPii('5 5 1 2 '.repeat(500))
    expect(performance.now() - started).toBeLessThan(1000)
    // 2,000 digits: 153 DPI numbers, one phone, and three digits too few to be anything
    expect(masked.replace(/\D/g, '')).toBe('512')
  })
})

describe('redactPiiAndNames', () => {
  it.each(table.masked)('masks $input', ({ input, expected }) => {
    expect(redactPiiAndNames(input)).toBe(expected)
  })

  it.each(table.names)('masks the self-introduction in $input', ({ input, expected }) => {
    expect(redactPiiAndNames(input)).toBe(expected)
  })

  it.each([...table.kept, ...table.namesKept])('leaves %j as it is', (input) => {
    expect(redactPiiAndNames(input)).toBe(input)
  })
})

describe('redactForStaff', () => {
  const text = 'Me llamo Rosa Xiloj, mi número es 5512 3456.'

  it('keeps the name of a named citizen, who agreed to be known, and masks their phone', () => {
    expect(redactForStaff(text, 'named')).toBe('Me llamo Rosa Xiloj, mi número es [teléfono].')
  })

  it.each(['confidential', 'anonymous'] as const)('masks the name and the phone of a %s citizen', (mode) => {
    expect(redactForStaff(text, mode)).toBe('Me llamo [nombre], mi número es [teléfono].')
  })
})
