import { describe, expect, it } from 'vitest'
import { validateFlows, type Json, type MessageContent } from '../../src/bot/engine/index.js'
import { flows } from '../../src/flows/index.js'
import { chat } from './chat.js'
import { testContext } from './context.js'

/** One question of each kind; each stores its answer and goes straight to the end, to look at it. */
const kinds = validateFlows({
  ...flows,
  ...Object.fromEntries(
    (
      [
        ['name', { type: 'text', min: 2, max: 10 }],
        ['age', { type: 'number', min: 0, max: 120 }],
        ['atLeast', { type: 'number', min: 1 }],
        ['atMost', { type: 'number', max: 10 }],
        ['agree', { type: 'yesno' }],
        ['where', { type: 'location', optional: true }],
        ['place', { type: 'location' }],
        ['photo', { type: 'media', optional: true }],
        ['evidence', { type: 'media', optional: false }],
        ['pick', { type: 'choice', source: { from: 'static', options: [{ id: 'a', label: 'Alfa' }, { id: 'b', label: 'Beta' }] } }],
      ] as const
    ).map(([name, input]) => [
      name,
      {
        id: name,
        title: `test.${name}`,
        start: 'ask',
        nodes: { ask: { kind: 'ask', var: 'answer', prompt: `test.${name}.prompt`, input, next: 'show' }, show: { kind: 'end' } },
      },
    ]),
  ),
})

/** Answers the one question of flow `name`; `stored` is what the session kept (read before the end clears it). */
function answer(name: string, input: MessageContent | string) {
  const ctx = testContext({ flows: kinds })
  const talk = chat({ ctx, flow: name })
  const result = talk.send(input)
  return { talk, result, texts: talk.texts(result), accepted: result.session.flowId === null }
}

/** The variables after answering, kept by a second question in place of the end that would clear them. */
function storedVars(name: string, input: MessageContent | string): Record<string, Json> {
  const ctx = testContext({
    flows: validateFlows({
      ...kinds,
      [name]: { ...kinds[name], nodes: { ...kinds[name]?.nodes, show: { kind: 'ask', var: 'x', prompt: 'hold', input: { type: 'yesno' }, next: 'end' }, end: { kind: 'end' } } },
    }),
  })
  const talk = chat({ ctx, flow: name })
  return talk.send(input).session.vars
}

/** The value a question stored. */
function stored(name: string, input: MessageContent | string): Json | undefined {
  return storedVars(name, input)['answer']
}

describe('text questions', () => {
  it('store the answer trimmed', () => {
    expect(stored('name', '  Rosa  ')).toBe('Rosa')
  })
  it('accept an answer exactly at the limits', () => {
    expect(answer('name', 'ab').accepted).toBe(true)
    expect(answer('name', 'abcdefghij').accepted).toBe(true)
  })
  it('say how short is too short, and ask again', () => {
    const { texts, result, talk } = answer('name', ' a ')
    expect(texts).toEqual([talk.t('engine.invalid.tooShort', { min: 2 }), talk.t('test.name.prompt')])
    expect(result.replies[1]?.expects).toBe('text')
    expect(result.session.retries).toBe(1)
    expect(result.session.nodeId).toBe('ask')
  })
  it('say how long is too long', () => {
    const { texts, talk } = answer('name', 'abcdefghijk')
    expect(texts[0]).toBe(talk.t('engine.invalid.tooLong', { max: 10, length: 11 }))
  })
  it('answer a voice note kindly and ask again', () => {
    const { texts, talk } = answer('name', { kind: 'media', media: 'voice', ref: 'v1' })
    expect(texts).toEqual([talk.t('engine.unexpected.voice'), talk.t('test.name.prompt')])
  })
  it.each(['image', 'audio', 'video', 'document'] as const)('answer a %s kindly', (media) => {
    const { texts, talk } = answer('name', { kind: 'media', media, ref: 'r' })
    expect(texts[0]).toBe(talk.t(`engine.unexpected.${media}`))
  })
  it('answer a location kindly', () => {
    expect(answer('name', { kind: 'location', latitude: 14.6, longitude: -90.5 }).texts[0]).toBe(
      chat().t('engine.unexpected.location'),
    )
  })
  it('answer a stale button kindly', () => {
    expect(answer('name', { kind: 'choice', id: 'complaint' }).texts[0]).toBe(chat().t('engine.unexpected.button'))
  })
})

describe('number questions', () => {
  it.each([
    ['42', 42],
    [' 7 ', 7],
    ['3,5', 3.5],
    ['0', 0],
  ])('store %j as %d', (text, value) => {
    expect(stored('age', text)).toBe(value)
  })
  it.each([['abc'], ['12 años'], ['']])('refuse %j as not a number', (text) => {
    const { texts, talk } = answer('age', text)
    expect(texts).toEqual([talk.t('engine.invalid.number'), talk.t('test.age.prompt')])
  })
  it('give both bounds when both exist', () => {
    const { texts, talk } = answer('age', '130')
    expect(texts[0]).toBe(talk.t('engine.invalid.numberBetween', { min: 0, max: 120 }))
  })
  it('give the lower bound alone', () => {
    expect(answer('atLeast', '0').texts[0]).toBe(chat().t('engine.invalid.numberAtLeast', { min: 1 }))
  })
  it('give the upper bound alone', () => {
    expect(answer('atMost', '11').texts[0]).toBe(chat().t('engine.invalid.numberAtMost', { max: 10 }))
  })
})

describe('yes/no questions', () => {
  it.each(['sí', 'si', 'Sí.', 'S', 'yes', 'y', '1', 'claro', 'ok', 'OK!', 'dale', 'de acuerdo', '👍', '✅ listo'])(
    'read %j as yes',
    (text) => {
      expect(stored('agree', text)).toBe(true)
    },
  )
  it.each(['no', 'No.', 'n', '2', 'nop', 'no gracias', '👎'])('read %j as no', (text) => {
    expect(stored('agree', text)).toBe(false)
  })
  it('take the yes and no buttons', () => {
    expect(stored('agree', { kind: 'choice', id: 'yes' })).toBe(true)
    expect(stored('agree', { kind: 'choice', id: 'no' })).toBe(false)
  })
  it.each(['tal vez', 'no sé', 'si no'])('ask again after %j', (text) => {
    const { texts, result, talk } = answer('agree', text)
    expect(texts).toEqual([talk.t('engine.invalid.yesno'), talk.t('test.agree.prompt')])
    expect(result.replies[1]?.choices).toEqual([
      { id: 'yes', label: 'Sí 👍' },
      { id: 'no', label: 'No 👎' },
    ])
    expect(result.replies[1]?.expects).toBe('yesno')
  })
})

describe('location questions', () => {
  it('store the shared point', () => {
    expect(stored('where', { kind: 'location', latitude: 14.64, longitude: -90.51 })).toEqual({ latitude: 14.64, longitude: -90.51 })
  })
  it.each(['no', 'saltar', 'Skip', 'omitir'])('let an optional one be skipped with %j', (text) => {
    expect(stored('where', text)).toBeNull()
  })
  it('explain how to share, or skip, an optional one', () => {
    const { texts, result, talk } = answer('where', 'en la esquina')
    expect(texts).toEqual([talk.t('engine.invalid.locationOrSkip'), talk.t('test.where.prompt')])
    expect(result.replies[1]?.expects).toBe('location')
  })
  it('do not let a required one be skipped', () => {
    const { texts, talk } = answer('place', 'no')
    expect(texts[0]).toBe(talk.t('engine.invalid.location'))
  })
  it('answer a photo kindly', () => {
    expect(answer('place', { kind: 'media', media: 'image', ref: 'p' }).texts[0]).toBe(chat().t('engine.unexpected.image'))
  })
})

describe('media questions', () => {
  it('store the file reference with its type and size', () => {
    expect(stored('photo', { kind: 'media', media: 'image', ref: 'file-1', mimeType: 'image/jpeg', size: 2048, caption: 'la fila' })).toEqual({
      media: 'image',
      ref: 'file-1',
      mimeType: 'image/jpeg',
      size: 2048,
    })
  })
  it('store null for what the channel did not tell', () => {
    expect(stored('photo', { kind: 'media', media: 'voice', ref: 'v' })).toEqual({ media: 'voice', ref: 'v', mimeType: null, size: null })
  })
  it.each(['saltar', 'no tengo', 'skip'])('let an optional one be skipped with %j', (text) => {
    expect(stored('photo', text)).toBeNull()
  })
  it('explain what to send, or how to skip', () => {
    const { texts, result, talk } = answer('photo', 'mañana la mando')
    expect(texts).toEqual([talk.t('engine.invalid.mediaOrSkip'), talk.t('test.photo.prompt')])
    expect(result.replies[1]?.expects).toBe('media')
  })
  it('do not let a required one be skipped', () => {
    expect(answer('evidence', 'saltar').texts[0]).toBe(chat().t('engine.invalid.media'))
  })
  it('answer a location kindly', () => {
    expect(answer('photo', { kind: 'location', latitude: 1, longitude: 2 }).texts[0]).toBe(chat().t('engine.unexpected.location'))
  })
})

describe('choice questions', () => {
  it('store the id and the label beside it', () => {
    expect(storedVars('pick', 'beta')).toEqual({ answer: 'b', answerLabel: 'Beta' })
  })
  it('take a button press', () => {
    expect(stored('pick', { kind: 'choice', id: 'b', label: 'Beta' })).toBe('b')
  })
  it('refuse a button of another question, showing the options again', () => {
    const { result, talk } = answer('pick', { kind: 'choice', id: 'health' })
    expect(result.replies).toEqual([
      { text: talk.t('engine.choice.staleButton'), choices: [{ id: 'a', label: 'Alfa' }, { id: 'b', label: 'Beta' }], expects: 'choice' },
    ])
  })
  it('answer a photo kindly and ask again', () => {
    const { texts, talk } = answer('pick', { kind: 'media', media: 'image', ref: 'x' })
    expect(texts).toEqual([talk.t('engine.unexpected.image'), talk.t('test.pick.prompt')])
  })
})

describe('unsupported messages', () => {
  it.each(['sticker', 'contact', 'poll', 'reaction'])('get their own kind answer (%s) and the question again', (what) => {
    const { texts, result, talk } = answer('agree', { kind: 'unsupported', what })
    expect(texts).toEqual([talk.t(`engine.unsupported.${what}`), talk.t('test.agree.prompt')])
    expect(result.session.nodeId).toBe('ask')
  })
  it('of an unknown kind get the general answer', () => {
    expect(answer('name', { kind: 'unsupported', what: 'hologram' }).texts[0]).toBe(chat().t('engine.unsupported.other'))
  })
})

describe('repeated unusable answers', () => {
  it('remind the way out every third time, above the question', () => {
    const talk = chat({ ctx: testContext({ flows: kinds }), flow: 'agree' })
    talk.send('quizás')
    talk.send('quizás')
    const third = talk.send('quizás')
    expect(talk.texts(third)).toEqual([talk.t('engine.invalid.yesno'), talk.t('engine.retryHint'), talk.t('test.agree.prompt')])
    expect(third.session.retries).toBe(3)
    expect(talk.texts(talk.send('quizás'))).not.toContain(talk.t('engine.retryHint'))
  })
  it('are forgotten once the question is answered', () => {
    const ctx = testContext()
    const talk = chat({ ctx, flow: 'complaint' })
    talk.send('zzz')
    expect(talk.session.retries).toBe(1)
    expect(talk.send('salud').session.retries).toBe(0)
  })
})
