import { describe, expect, it } from 'vitest'
import { safeMessageLine, serializeError } from '../src/serialize-error.js'

describe('safeMessageLine', () => {
  it.each([
    ['keeps the names PostgreSQL quotes', 'new row for relation "cases" violates check constraint "cases_code_check"', 'new row for relation "cases" violates check constraint "cases_code_check"'],
    ['masks the values it quotes', 'invalid input syntax for type uuid: "Rosa 5512 3456"', 'invalid input syntax for type uuid: "…"'],
    ['masks a value quoted after a word that is not a name', 'value "55123456789" is out of range for type integer', 'value "…" is out of range for type integer'],
    ['keeps only the first line', 'Failed query: select 1\nparams: Rosa,5512 3456', 'Failed query: select 1'],
    ['cuts the path of a URL, where a bot token may be', 'fetch https://api.telegram.org/file/bot123:AAH-secret/photos/1.jpg failed', 'fetch https://api.telegram.org/… failed'],
  ])('%s', (_name, message, expected) => {
    expect(safeMessageLine(message)).toBe(expected)
  })
})

describe('serializeError', () => {
  it('keeps the class, the code and the first line, and nothing else the error carries', () => {
    const error = Object.assign(new TypeError('bad thing\nsecond line with Rosa'), { code: 'E_BAD', parameters: ['Rosa'], detail: 'Rosa' })
    expect(serializeError(error)).toEqual({ type: 'TypeError', code: 'E_BAD', message: 'bad thing' })
  })

  it('describes a value that is not an error by its type only', () => {
    expect(serializeError({ text: 'Rosa' })).toEqual({ type: 'object', message: '' })
    expect(serializeError('timeout after 5 s\nRosa')).toEqual({ type: 'string', message: 'timeout after 5 s' })
  })
})
