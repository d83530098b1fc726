import { describe, expect, it } from 'vitest'
import type { MessageContent } from '../../src/bot/engine/index.js'
import { chat, createdCase, type Chat } from './chat.js'

const VOICE: MessageContent = { kind: 'media', media: 'voice', ref: 'b3f1c1de-0a3e-4c11-9a51-4c2f2b7e9d10', mimeType: 'audio/ogg', size: 1325 }

/** A complaint answered up to its description question. */
function atDescription(locale = 'es'): Chat {
  const talk = chat({ locale, flow: 'complaint' })
  for (const answer of ['salud', 'medicamentos', 'Guatemala', 'Mixco', 'Centro de Salud de Mixco', 'no']) talk.send(answer)
  expect(talk.session.nodeId).toBe('description')
  return talk
}

describe('complaint flow: a voice note as the account', () => {
  it('takes a voice note at the description question, says it was received, and goes on to the evidence', () => {
    const talk = atDescription()
    const result = talk.send(VOICE)
    expect(talk.texts(result)).toEqual([talk.t('complaint.description.voiceReceived'), talk.t('complaint.evidence.prompt')])
    expect(talk.texts(result)[0]).toContain('nota de voz')
    expect(talk.session.vars['description']).toEqual({ media: 'voice', ref: VOICE.ref, mimeType: 'audio/ogg', size: 1325 })
    expect(talk.session.retries).toBe(0)
  })

  it('takes a recording sent as an audio file too', () => {
    const talk = atDescription()
    talk.send({ ...VOICE, media: 'audio', mimeType: 'audio/mpeg' })
    expect(talk.session.nodeId).toBe('evidence')
  })

  it('still refuses a photo where the account is asked, and keeps the question', () => {
    const talk = atDescription()
    const result = talk.send({ kind: 'media', media: 'image', ref: 'p-1', mimeType: 'image/jpeg' })
    expect(talk.texts(result).at(-1)).toBe(talk.t('complaint.description.prompt'))
    expect(talk.session.nodeId).toBe('description')
  })

  it('shows the account as a voice note at the review and files it for listening, with the photo as well', () => {
    const talk = atDescription()
    talk.send(VOICE)
    talk.send({ kind: 'media', media: 'image', ref: 'c0a8012e-7d3b-4f6a-8e2b-1a2b3c4d5e6f', mimeType: 'image/jpeg' })
    talk.send('confidencial')
    // "sí" to news in this chat: then the review
    const texts = talk.texts(talk.send('sí'))
    const summary = texts.find((text) => text.startsWith('Revisemos su queja'))
    expect(summary).toContain('• Su relato: 🎤 nota de voz')
    expect(summary).toContain('• Adjunto: foto')
    expect(summary).not.toContain('[object Object]')
    const created = talk.send('sí')
    expect(created.effects).toEqual([
      {
        type: 'case.create',
        args: expect.objectContaining({
          description: { media: 'voice', ref: VOICE.ref, mimeType: 'audio/ogg', size: 1325 },
          descriptionVoice: VOICE.ref,
          evidence: 'c0a8012e-7d3b-4f6a-8e2b-1a2b3c4d5e6f',
        }),
      },
    ])
    expect(talk.texts(talk.feed('case.create', createdCase))[0]).toContain(createdCase.code)
  })

  it('says the same in English', () => {
    const talk = atDescription('en')
    const result = talk.send(VOICE)
    expect(talk.texts(result)[0]).toBe('🎤 I received your voice note: it is your account, and the institution\'s staff will listen to it carefully. It counts just like a written message.')
  })

  it('sends no voice note for a written account', () => {
    const talk = atDescription()
    talk.send('Fui el lunes y no había amoxicilina para mi hijo.')
    talk.send('no')
    talk.send('confidencial')
    talk.send('sí')
    const created = talk.send('sí')
    expect(created.effects[0]?.args).toMatchObject({ description: 'Fui el lunes y no había amoxicilina para mi hijo.', descriptionVoice: null })
  })
})
