import type { FlowDefinition } from './flow-definition.js'

/**
 * Choosing the language the bot writes in, among the locales offered (each named in its own
 * language, from its locale file), then the menu. `idioma` leads here.
 */
export const languageFlow = {
  id: 'language',
  title: 'language.title',
  role: 'language',
  start: 'choose',
  nodes: {
    choose: {
      kind: 'ask',
      var: 'language',
      prompt: 'language.prompt',
      input: { type: 'choice', source: { from: 'locales' } },
      next: 'apply',
    },
    apply: { kind: 'setLocale', var: 'language', next: 'changed' },
    // the chat goes on in the new language: the menu, so the citizen is not left at a full stop
    changed: { kind: 'say', text: 'language.changed', next: '@menu' },
  },
} satisfies FlowDefinition
