import { describe, expect, it } from 'vitest'
import { chat } from './chat.js'

describe('"estado" with a code that is not one', () => {
  it('says the code is malformed before asking for it again', () => {
    const talk = chat()
    const replies = talk.texts(talk.send('estado 123'))
    expect(replies[0]).toBe('«123» no es un código de caso: los códigos tienen diez letras y números en dos grupos, como K7QM3-XHA2P.')
    expect(replies[1]).toBe(talk.t('status.code.prompt'))
    expect(talk.session.flowId).toBe('status')
  })

  it('still takes a well-formed code, and leaves a sentence that starts with "estado" alone', () => {
    const talk = chat()
    talk.send('estado K7QM3-XHA2P')
    expect(talk.session.vars['code']).toBe('K7QM3-XHA2P')
    const other = chat({ flow: 'complaint' })
    other.send('salud')
    other.send('medicamentos')
    other.send('Estado deplorable del puesto')
    expect(other.session.flowId).toBe('complaint')
  })
})
