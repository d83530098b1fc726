import { describe, expect, it } from 'vitest'
import { validateFlows } from '../../src/bot/engine/index.js'
import { flows } from '../../src/flows/index.js'

const end = { kind: 'end' }

describe('validateFlows', () => {
  it('accepts the bot’s own flows', () => {
    expect(Object.keys(validateFlows(flows)).sort()).toEqual([
      'complaint',
      'followup',
      'forget',
      'language',
      'menu',
      'myData',
      'pollJoin',
      'pollLeave',
      'pollResume',
      'pollSubscribe',
      'release',
      'staffAck',
      'staffCase',
      'staffLink',
      'staffOffice',
      'status',
    ])
  })

  it('fills defaults in: option aliases and text limits', () => {
    const parsed = validateFlows([
      {
        id: 'd',
        title: 't',
        start: 'q',
        nodes: {
          q: { kind: 'ask', var: 'v', prompt: 'p', input: { type: 'choice', source: { from: 'static', options: [{ id: 'a', label: 'A' }] } }, next: 'r' },
          r: { kind: 'ask', var: 'w', prompt: 'p', input: { type: 'text' }, next: 'e' },
          e: end,
        },
      },
    ])
    expect(parsed['d']?.nodes['q']).toMatchObject({ input: { source: { options: [{ id: 'a', label: 'A', aliases: [] }] } } })
    expect(parsed['d']?.nodes['r']).toMatchObject({ input: { type: 'text', min: 1, max: 2000 } })
  })

  it('lists every problem of a broken flow in one error', () => {
    const broken = {
      id: 'broken',
      title: 'broken.title',
      start: 'first',
      nodes: {
        first: { kind: 'say', text: 'hi', next: 'secnd' },
        second: { kind: 'say', text: 'lost', next: 'first' },
        jump: { kind: 'branch', cases: [{ when: { var: 'x', in: [1] }, next: '@nowhere' }], default: 'first' },
      },
    }
    let message = ''
    try {
      validateFlows({ broken })
    } catch (error) {
      message = error instanceof Error ? error.message : String(error)
    }
    expect(message).toContain('flow "broken" node "first": next "secnd" does not exist')
    expect(message).toContain('flow "broken" node "jump": next "@nowhere" does not exist')
  })

  it('rejects nodes that cannot be reached and loops that never end', () => {
    const loop = {
      id: 'loop',
      title: 't',
      start: 'a',
      nodes: {
        a: { kind: 'ask', var: 'x', prompt: 'p', input: { type: 'yesno' }, next: 'b' },
        b: { kind: 'branch', cases: [], default: 'a' },
        island: end,
      },
    }
    expect(() => validateFlows({ loop })).toThrow(/node "island": cannot be reached from "a"/)
    expect(() => validateFlows({ loop })).toThrow(/node "a": no end can be reached from it/)
  })

  it('counts a jump to another flow as a way out', () => {
    const hop = { id: 'hop', title: 't', start: 'a', nodes: { a: { kind: 'say', text: 'x', next: '@other' } } }
    const other = { id: 'other', title: 't', start: 'e', nodes: { e: end } }
    expect(() => validateFlows({ hop, other })).not.toThrow()
  })

  it('rejects a missing start node', () => {
    expect(() => validateFlows({ s: { id: 's', title: 't', start: 'nope', nodes: { e: end } } })).toThrow(/start node "nope" does not exist/)
  })

  it('rejects flows that do not match the schema, naming the place', () => {
    expect(() => validateFlows({ bad: { id: 'bad', title: 't', start: 'a', nodes: { a: { kind: 'shout', next: 'a' } } } })).toThrow(
      /flow bad: .*nodes\.a/,
    )
  })

  it('rejects an id used twice and a key that is not the id', () => {
    const one = { id: 'one', title: 't', start: 'e', nodes: { e: end } }
    expect(() => validateFlows([one, one])).toThrow(/flow id "one" is used twice/)
    expect(() => validateFlows({ two: one })).toThrow(/flow under key "two" has id "one"/)
  })

  it('rejects repeated option ids in a choice', () => {
    const dup = {
      id: 'dup',
      title: 't',
      start: 'q',
      nodes: {
        q: {
          kind: 'ask',
          var: 'v',
          prompt: 'p',
          input: { type: 'choice', source: { from: 'static', options: [{ id: 'a', label: 'A' }, { id: 'a', label: 'B' }] } },
          next: 'e',
        },
        e: end,
      },
    }
    expect(() => validateFlows({ dup })).toThrow(/option ids repeated: a/)
  })
})
