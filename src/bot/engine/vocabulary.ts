import { bareEmoji, normalize } from './normalize.js'
import type { Flow, Trigger } from './types.js'

/**
 * The words the engine understands whatever the question: the commands (`engine.commands.*`), the
 * words that open flows (each flow's `triggers.words`), yes, no and skip. All of them live in the
 * locale files; this is them read once, at start-up, from every offered locale together (a
 * Guatemalan who switched to English still answers "simón" and still types "menú").
 */
export type Vocabulary = {
  /** a whole message, normalised, that is a command or opens a flow */
  alone: ReadonlyMap<string, VocabularyCommand>
  /** words that open a flow when a code follows them ("estado K7QM3-XHA2P"), longest first */
  withCode: readonly CodeLead[]
  /** the words of `idioma`, as leads for "idioma en" */
  languageLeads: readonly RegExp[]
  /**
   * the leads above (language first, then the flows' in their order) by the first word they start
   * with (leadKey): a message is tried only against the leads its own first word can begin, so an
   * answer that starts with no command word costs one lookup rather than a pattern per word
   */
  leadsByKey: ReadonlyMap<string, Leads>
  /** the offered languages as the language question lists them */
  languages: readonly Language[]
  /** a language's code, name or alias, normalised -> its code ("english" -> en) */
  languageNames: ReadonlyMap<string, string>
  yes: WordSet
  no: WordSet
  skip: WordSet
  /** "listo": the end of a list answer, also the label of its button */
  done: WordSet
  /** where an idle contact starts: the flow whose role is `menu` */
  menuFlow: string
  /** where `idioma` alone leads: the flow whose role is `language`, if there is one */
  languageFlow?: string
  /** the flow a tracking code sent alone opens (its trigger says `bareCode`) */
  codeFlow?: string
}

/** Normalised words, and the emoji among them ("👍"), which normalising would erase. */
export type WordSet = { words: ReadonlySet<string>; emoji: readonly string[] }

export type VocabularyCommand = { name: 'menu' } | { name: 'help' } | { name: 'cancel' } | { name: 'language' } | { name: 'flow'; flow: string }

/** `key`: the first letters and digits of the words (phraseKey) */
export type CodeLead = { flow: string; trigger: Trigger; lead: RegExp; key: string }

/** The leads that share a first word. */
export type Leads = { language: readonly RegExp[]; withCode: readonly CodeLead[] }

export type Language = { code: string; name: string; aliases: readonly string[] }

/** A locale's own text for a key, without falling back to another language; undefined when missing. */
export type OwnText = (locale: string, key: string) => string | undefined

export type VocabularyInput = {
  flows: Readonly<Record<string, Flow>>
  locales: readonly string[]
  text: OwnText
}

/** The locale keys of the commands every conversation understands. */
export const COMMAND_WORD_KEYS = {
  menu: 'engine.commands.menu',
  help: 'engine.commands.help',
  cancel: 'engine.commands.cancel',
  language: 'engine.commands.language',
} as const

/** The locale keys of the answers the engine itself reads. */
export const ANSWER_WORD_KEYS = { yes: 'engine.yesWords', no: 'engine.noWords', skip: 'engine.skipWords', done: 'engine.list.done' } as const

/** Every key holding words, the flows' trigger keys included: what a translation must not leave out. */
export function wordKeys(flows: Readonly<Record<string, Flow>>): string[] {
  const triggers = Object.values(flows).flatMap((flow) => (flow.triggers ? [flow.triggers.words] : []))
  return [...Object.values(COMMAND_WORD_KEYS), ...Object.values(ANSWER_WORD_KEYS), ...new Set(triggers)]
}

/**
 * Reads every word of the locale files into one table. Throws, naming the word, when two commands
 * or flows claim the same word, or when no flow has the `menu` role: a bad translation or flow
 * fails at start-up, not in front of a citizen.
 */
export function buildVocabulary({ flows, locales, text }: VocabularyInput): Vocabulary {
  const alone = new Map<string, VocabularyCommand>()
  const owners = new Map<string, string>()
  const problems: string[] = []
  const claim = (word: string, command: VocabularyCommand, owner: string) => {
    const earlier = owners.get(word)
    if (earlier !== undefined && earlier !== owner) problems.push(`"${word}" is a word of both ${earlier} and ${owner}`)
    if (earlier === undefined) {
      owners.set(word, owner)
      alone.set(word, command)
    }
  }
  const listOf = (key: string) => locales.flatMap((locale) => splitWords(text(locale, key)))

  for (const [name, key] of Object.entries(COMMAND_WORD_KEYS) as [keyof typeof COMMAND_WORD_KEYS, string][]) {
    for (const word of listOf(key).map(normalize).filter((w) => w !== '')) claim(word, { name }, `command "${name}" (${key})`)
  }
  const withCode: CodeLead[] = []
  for (const flow of Object.values(flows)) {
    const trigger = flow.triggers
    if (!trigger) continue
    const phrases = [...new Set(listOf(trigger.words).map(normalize).filter((w) => w !== ''))]
    for (const phrase of phrases) {
      if (trigger.code !== 'required') claim(phrase, { name: 'flow', flow: flow.id }, `flow "${flow.id}" (${trigger.words})`)
      if (trigger.code !== 'none') withCode.push({ flow: flow.id, trigger, lead: leadOf(phrase), key: phraseKey(phrase) })
    }
  }
  // "compartir mis datos CODE" is tried before any shorter lead that could begin it
  withCode.sort((a, b) => b.lead.source.length - a.lead.source.length)

  const roleFlow = (role: Flow['role']) => Object.values(flows).filter((flow) => flow.role === role).map((flow) => flow.id)
  const [menuFlow] = roleFlow('menu')
  const [languageFlow] = roleFlow('language')
  const codeFlows = Object.values(flows).filter((flow) => flow.triggers?.bareCode === true).map((flow) => flow.id)
  // two flows of one role, or two wanting a code sent alone, are validateFlows' to report
  if (menuFlow === undefined) problems.push('no flow has the role "menu" (where an idle contact starts)')
  if (problems.length > 0 || menuFlow === undefined) throw new Error(`invalid words:\n- ${problems.join('\n- ')}`)

  const languagePhrases = [...new Set(listOf(COMMAND_WORD_KEYS.language).map(normalize).filter((w) => w !== ''))]
  const languageLeads = languagePhrases.map(leadOf)
  const languages = languagesOf(locales, text)
  const languageNames = new Map<string, string>()
  for (const language of languages) {
    for (const name of [language.code, language.name, ...language.aliases].map(normalize)) {
      if (name !== '' && !languageNames.has(name)) languageNames.set(name, language.code)
    }
  }
  return {
    alone,
    withCode,
    languageLeads,
    leadsByKey: leadsByKey(languagePhrases.map((phrase) => ({ key: phraseKey(phrase), lead: leadOf(phrase) })), withCode),
    languages,
    languageNames,
    yes: wordSet(listOf(ANSWER_WORD_KEYS.yes)),
    no: wordSet(listOf(ANSWER_WORD_KEYS.no)),
    skip: wordSet(listOf(ANSWER_WORD_KEYS.skip)),
    done: wordSet(listOf(ANSWER_WORD_KEYS.done)),
    menuFlow,
    ...(languageFlow === undefined ? {} : { languageFlow }),
    ...(codeFlows[0] === undefined ? {} : { codeFlow: codeFlows[0] }),
  }
}

/**
 * The key a lead is filed under: the letters and digits its first word starts with. A lead matches
 * only a message (folded) that starts with that word, so the message's own key (leadKey in
 * global-commands.ts, the same run of letters and digits) is the same.
 */
export function phraseKey(phrase: string): string {
  return LEADING_LETTERS.exec(phrase)?.[0] ?? ''
}

const LEADING_LETTERS = /^[\p{L}\p{N}]*/u

function leadsByKey(language: readonly { key: string; lead: RegExp }[], withCode: readonly CodeLead[]): Map<string, Leads> {
  const byKey = new Map<string, { language: RegExp[]; withCode: CodeLead[] }>()
  const at = (key: string) => {
    let leads = byKey.get(key)
    if (leads === undefined) byKey.set(key, (leads = { language: [], withCode: [] }))
    return leads
  }
  for (const { key, lead } of language) at(key).language.push(lead)
  for (const lead of withCode) at(lead.key).withCode.push(lead)
  return byKey
}

/** The words of a comma-separated list ("sí pues, simón"). */
function splitWords(list: string | undefined): string[] {
  return (list ?? '').split(',').map((word) => word.trim()).filter((word) => word !== '')
}

function wordSet(list: readonly string[]): WordSet {
  const words = new Set(list.map(normalize).filter((word) => word !== ''))
  const emoji = [...new Set(list.filter((word) => normalize(word) === '').map(bareEmoji))].filter((e) => e !== '')
  return { words, emoji }
}

/**
 * A language named in itself ("Español", "English"); a locale file without its own name is shown
 * by its code rather than under the name of the language it falls back to.
 */
function languagesOf(locales: readonly string[], text: OwnText): Language[] {
  return locales.map((code) => ({
    code,
    name: text(code, 'language.name') ?? code,
    aliases: splitWords(text(code, 'language.aliases')),
  }))
}

/**
 * The start of a message that begins with the words of `phrase` (normalised words), then the
 * separators people put before a code ("estado: K7QM3", "/status K7QM3"); matched on the message
 * folded to lower case without accents (foldForLead).
 */
function leadOf(phrase: string): RegExp {
  const words = phrase.split(' ').map((word) => word.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'))
  return new RegExp(`^/?${words.join('[\\s\\p{P}\\p{S}]+')}(?![\\p{L}\\p{N}])[\\s:#.-]*`, 'u')
}
