import { describe, expect, it } from 'vitest'
import { containsPii, redactPii } from '../../src/privacy/redact-pii.js'

describe('redactPii', () => {
  it.each([
    [
      'Me pueden llamar al 5512-3456 o al +502 4123 4567, soy la mamá de Josué.',
      'Me pueden llamar al [teléfono] o al [teléfono], soy la mamá de Josué.',
    ],
    ['mi número es 55123456 por favor', 'mi número es [teléfono] por favor'],
    ['Tel. (502) 7765-4321 en Xela', 'Tel. [teléfono] en Xela'],
    ['Mi DPI es 2456 78901 0101 y no me quisieron atender', 'Mi DPI es [DPI] y no me quisieron atender'],
    ['CUI 2456789010101.', 'CUI [DPI].'],
    ['escríbanme a maria.lopez@correo.com.gt', 'escríbanme a [correo]'],
    ['la cuenta del banco 3001234567890123 no tiene el depósito', 'la cuenta del banco [número] no tiene el depósito'],
  ])('masks %j', (input, expected) => {
    expect(redactPii(input)).toBe(expected)
  })

  it.each([
    'Desde hace 2 semanas no hay amoxicilina; somos 45 familias en la aldea.',
    'El 15 de noviembre de 2026 cerraron el puesto a las 10:30.',
    'Nos cobraron Q150.00 por la inscripción del año 2026.',
    'La escuela 0108-45 de la zona 7 no tiene maestro.',
    'Código de caso KXWM-PQRT',
  ])('leaves %j as it is', (input) => {
    expect(redactPii(input)).toBe(input)
    expect(containsPii(input)).toBe(false)
  })

  it('says when a text holds personal data', () => {
    expect(containsPii('llámeme al 4455 6677')).toBe(true)
  })
})
