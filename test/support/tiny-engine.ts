import { buildVocabulary } from '../../src/bot/engine/index.js'
import type { Catalog, EngineContext, Flow, Json, Translate } from '../../src/bot/engine/types.js'
import { sharedLocales } from '../../src/i18n/index.js'
import { createLogger } from '../../src/log.js'

/** A two-question flow, enough to drive the runtime without the real complaint flow. */
export const tinyFlows: Record<string, Flow> = {
  menu: {
    id: 'menu',
    title: 'tiny.title',
    role: 'menu',
    start: 'what',
    nodes: {
      what: { kind: 'ask', var: 'what', prompt: 'tiny.ask', input: { type: 'text', min: 1, max: 200 }, next: 'create' },
      create: { kind: 'effect', effect: 'case.create', args: { what: 'what' }, resultVar: 'created', next: 'done' },
      done: { kind: 'say', text: 'tiny.done {{created.code}}', next: 'end' },
      end: { kind: 'end' },
    },
  },
}

function lookup(vars: Record<string, Json> | undefined, path: string): string {
  let value: Json | undefined = vars
  for (const part of path.split('.')) {
    value = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[part] : undefined
  }
  return String(value ?? '')
}

/** Echoes the key, with {{var.path}} filled in: tests read exactly what the engine asked to say. */
export const echoTranslate: Translate = (_locale, key, vars) => key.replace(/\{\{([\w.]+)\}\}/g, (_, path: string) => lookup(vars, path))

const emptyCatalog: Catalog = { sectors: [], categories: [], departments: [], municipalities: [], municipalityAliases: [] }

export function tinyEngine(): Omit<EngineContext, 'now'> {
  // the texts are echoed keys, the words (menu, cancelar, sí) the real locale files'
  const vocabulary = buildVocabulary({ flows: tinyFlows, locales: ['es', 'en'], text: sharedLocales().own })
  return { t: echoTranslate, catalog: emptyCatalog, flows: tinyFlows, locales: ['es', 'en'], vocabulary, sessionTtlMinutes: 60 }
}

export const silentLogger = createLogger('silent')
