import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'

describe('loadConfig', () => {
  it('uses the embedded database in ./data on port 3000 when nothing is set', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', LOG_LEVEL: 'info' })
    expect(config.DATABASE_URL).toBeUndefined()
  })

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).PORT).toBe(3000)
  })

  it('names each bad variable and its value in one line', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(
      /^invalid configuration: PORT="eighty": .*; DATABASE_URL="mysql:\/\/x": must start with postgres/,
    )
  })
})
