import type { FlowDefinition } from './flow-definition.js'

/** Choosing the language the bot writes in; each option is named in its own language. */
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
    changed: { kind: 'end', text: 'language.changed' },
  },
} satisfies FlowDefinition
