import { describe, expect, it } from 'vitest'
import { readSession } from './read-session.js'
import { SessionSchema, SessionShapeSchema } from './types.js'

const session = {
  flowId: 'complaint',
  nodeId: 'what',
  waiting: 'input',
  vars: { sector: 'health', place: { latitude: 14.6, longitude: -90.5 }, picks: ['a', 'b'], lookup: { found: true, note: null, n: 3 } },
  locale: 'es',
  lastActivityAt: '2026-12-01T10:00:00.000Z',
  retries: 2,
}

/** SessionSchema must answer exactly as the zod object it stands for: the same data, or the same issues. */
function expectSameAsZod(value: unknown): void {
  const ours = SessionSchema.safeParse(value)
  const zod = SessionShapeSchema.safeParse(value)
  expect(ours.success).toBe(zod.success)
  if (ours.success && zod.success) {
    expect(ours.data).toStrictEqual(zod.data)
    // the same keys in the same order, so the stored JSON text is the same too
    expect(JSON.stringify(ours.data)).toBe(JSON.stringify(zod.data))
  } else {
    expect(ours.error?.issues).toStrictEqual(zod.error?.issues)
  }
}

function withField(field: string, value: unknown): Record<string, unknown> {
  return { ...session, [field]: value }
}

function withVar(value: unknown): Record<string, unknown> {
  return { ...session, vars: { ...session.vars, odd: value } }
}

/** [1, <hole>, 3] and so on: an array with nothing at 1 */
function holed(length: number): unknown[] {
  const array: unknown[] = new Array<unknown>(length)
  array[0] = 1
  array[length - 1] = length
  return array
}

class Point {
  constructor(readonly x: number) {}
}

describe('SessionSchema', () => {
  it('reads a well-formed session as zod does, without zod', () => {
    expect(readSession(JSON.parse(JSON.stringify(session)))).toStrictEqual(SessionShapeSchema.parse(session))
    expectSameAsZod(JSON.parse(JSON.stringify(session)))
  })

  it('gives fresh objects, not the stored ones', () => {
    const stored = JSON.parse(JSON.stringify(session)) as typeof session
    const read = SessionSchema.parse(stored)
    expect(read.vars).not.toBe(stored.vars)
    expect(read.vars.place).not.toBe(stored.vars.place)
  })

  it('counts no retries when the count is missing, and drops keys it does not know', () => {
    const withoutRetries: Record<string, unknown> = { ...session }
    delete withoutRetries.retries
    expectSameAsZod(withoutRetries)
    expect(SessionSchema.parse(withoutRetries).retries).toBe(0)
    expectSameAsZod({ ...session, stray: 1 })
    expect(SessionSchema.parse({ ...session, stray: 1 })).not.toHaveProperty('stray')
  })

  it('drops a variable named "__proto__" as zod does', () => {
    const stored: unknown = JSON.parse('{"flowId":null,"nodeId":null,"waiting":"none","vars":{"__proto__":{"x":1},"a":1},"locale":"es","lastActivityAt":null}')
    expectSameAsZod(stored)
    expect(Object.keys(SessionSchema.parse(stored).vars)).toEqual(['a'])
  })

  it('reads variables in an object without a prototype as zod does', () => {
    const vars: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    vars.a = 'x'
    expectSameAsZod(withField('vars', vars))
  })

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a string', '{"flowId":null}'],
    ['an array', [session]],
    ['an instance of a class', new Point(1)],
  ])('refuses %s as a session, with zod\'s issues', (_name, value) => {
    expectSameAsZod(value)
    expect(SessionSchema.safeParse(value).success).toBe(false)
  })

  it.each([
    ['flowId', 3],
    ['flowId', undefined],
    ['nodeId', false],
    ['waiting', 'nothing'],
    ['waiting', null],
    ['vars', null],
    ['vars', ['a']],
    ['vars', 'a'],
    ['vars', new Map([['a', 1]])],
    ['locale', null],
    ['locale', undefined],
    ['lastActivityAt', 0],
    ['lastActivityAt', undefined],
    ['retries', null],
    ['retries', -1],
    ['retries', 1.5],
    ['retries', '1'],
    ['retries', Number.MAX_SAFE_INTEGER + 1],
    ['retries', Number.NaN],
  ])('refuses a session whose %s is %o, with zod\'s issues', (field, value) => {
    expectSameAsZod(withField(field, value))
    expect(SessionSchema.safeParse(withField(field, value)).success).toBe(false)
  })

  it.each([
    ['undefined', undefined],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a bigint', 1n],
    ['a function', () => 1],
    ['a date', new Date(0)],
    ['an instance of a class', new Point(1)],
    ['a map', new Map()],
    ['an array with a hole', holed(3)],
    ['an array holding undefined', [1, undefined]],
    ['an object holding NaN', { a: { b: Number.NaN } }],
    ['an object with a symbol key', { [Symbol('s')]: 1 }],
  ])('refuses a variable holding %s, with zod\'s issues', (_name, value) => {
    expectSameAsZod(withVar(value))
    expect(SessionSchema.safeParse(withVar(value)).success).toBe(false)
  })

  it('answers as zod does for a thousand sessions made of good and bad parts', () => {
    const parts: Record<string, unknown[]> = {
      flowId: [null, 'menu', '', 1, undefined],
      nodeId: [null, 'q1', {}, undefined],
      waiting: ['input', 'effect', 'none', 'idle', undefined],
      vars: [{}, { a: 1 }, { a: [1, 'x', null, { b: true }] }, { a: Number.NaN }, { a: [undefined] }, [], null, { a: new Date(0) }],
      locale: ['es', 'kek', 2, undefined],
      lastActivityAt: [null, '2026-12-01T10:00:00.000Z', 5, undefined],
      retries: [0, 3, undefined, -2, 0.5, null, '0'],
    }
    // a fixed pseudo-random sequence, so a failure can be replayed
    let seed = 18
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed % n
    }
    for (let i = 0; i < 1000; i++) {
      const value: Record<string, unknown> = {}
      for (const [field, options] of Object.entries(parts)) {
        const option = options[next(options.length)]
        if (option !== undefined || next(2) === 0) value[field] = option
      }
      expectSameAsZod(value)
    }
  })
})
