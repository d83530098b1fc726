import type { FlowDefinition } from './flow-definition.js'

/** Choosing the language the bot writes in (each option named in its own language), then the menu. */
export const languageFlow = {
  id: 'language',
  title: 'language.title',
  start: 'choose',
  nodes: {
    choose: {
      kind: 'ask',
      var: 'language',
      prompt: 'language.prompt',
      input: {
        type: 'choice',
        source: {
          from: 'static',
          options: [
            { id: 'es', label: 'language.option.es', aliases: ['espanol', 'castellano', 'spanish'] },
            { id: 'en', label: 'language.option.en', aliases: ['ingles', 'english'] },
          ],
        },
      },
      next: 'apply',
    },
    apply: { kind: 'setLocale', var: 'language', next: 'changed' },
    // the chat goes on in the new language: the menu, so the citizen is not left at a full stop
    changed: { kind: 'say', text: 'language.changed', next: '@menu' },
  },
} satisfies FlowDefinition
