import { describe, expect, it } from 'vitest'
import { escapeMarkdownV2, MAX_MESSAGE_LENGTH, renderReply } from '../../../src/bot/channels/telegram/render-reply.js'

const labels = { shareLocation: '📍 Compartir mi ubicación' }
const choices = (n: number, label = (i: number) => `Opción ${i}`) => Array.from({ length: n }, (_, i) => ({ id: `o${i}`, label: label(i) }))

describe('escapeMarkdownV2', () => {
  it('escapes every reserved character, so user text shows as typed', () => {
    expect(escapeMarkdownV2('_*[]()~`>#+-=|{}.!\\ ok')).toBe('\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\ ok')
  })
})

describe('renderReply', () => {
  it('shows a few choices as inline buttons carrying their ids, two to a row when short', () => {
    const [message] = renderReply({ text: '¿Enviamos?', choices: [{ id: 'yes', label: 'Sí' }, { id: 'no', label: 'No' }], expects: 'yesno' }, labels)
    expect(message).toEqual({
      text: '¿Enviamos?',
      reply_markup: { inline_keyboard: [[{ text: 'Sí', callback_data: 'yes' }, { text: 'No', callback_data: 'no' }]] },
    })
  })

  it('gives long labels a row each', () => {
    const [message] = renderReply({ text: 'q', choices: choices(3, (i) => `Una opción bastante larga número ${i}`) }, labels)
    expect(message?.reply_markup).toMatchObject({ inline_keyboard: [[expect.anything()], [expect.anything()], [expect.anything()]] })
  })

  it('turns a long list into a reply keyboard of labels', () => {
    const [message] = renderReply({ text: '¿Municipio?', choices: choices(17), expects: 'choice' }, labels)
    expect(message?.reply_markup).toMatchObject({ one_time_keyboard: true, resize_keyboard: true })
    expect(message?.reply_markup && 'keyboard' in message.reply_markup ? message.reply_markup.keyboard.flat() : []).toHaveLength(17)
  })

  it('puts a location button above the choices of a question that takes a location', () => {
    const [message] = renderReply({ text: '¿Dónde?', choices: choices(4), expects: 'location' }, labels)
    const keyboard = message?.reply_markup && 'keyboard' in message.reply_markup ? message.reply_markup.keyboard : []
    expect(keyboard[0]).toEqual([{ text: '📍 Compartir mi ubicación', request_location: true }])
    expect(keyboard.flat()).toHaveLength(5)
  })

  it('clears an open reply keyboard after a plain message', () => {
    expect(renderReply({ text: 'Gracias.' }, labels)).toEqual([{ text: 'Gracias\\.', reply_markup: { remove_keyboard: true } }])
  })

  it('splits a text over Telegram’s limit, keeping the buttons on the last part and every escape whole', () => {
    const parts = renderReply({ text: 'a.'.repeat(3000), choices: choices(2) }, labels)
    expect(parts.length).toBe(3)
    expect(parts.every((part) => part.text.length <= MAX_MESSAGE_LENGTH && !part.text.endsWith('\\'))).toBe(true)
    expect(parts.map((part) => part.text).join('')).toBe(escapeMarkdownV2('a.'.repeat(3000)))
    expect(parts[2]?.reply_markup).toHaveProperty('inline_keyboard')
    expect(parts[0]?.reply_markup).toEqual({ remove_keyboard: true })
  })
})
