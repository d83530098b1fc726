import type { FlowDefinition } from './flow-definition.js'

/** Where every conversation starts: a greeting and the three things a citizen can do. */
export const menuFlow = {
  id: 'menu',
  title: 'menu.title',
  role: 'menu',
  start: 'welcome',
  nodes: {
    welcome: { kind: 'say', text: 'menu.welcome', next: 'action' },
    action: {
      kind: 'ask',
      var: 'action',
      prompt: 'menu.prompt',
      input: {
        type: 'choice',
        source: {
          from: 'static',
          options: [
            { id: 'complaint', label: 'menu.option.complaint', emoji: '📝', aliases: ['queja', 'denuncia', 'reclamo', 'reportar', 'denunciar', 'quejarme'] },
            { id: 'status', label: 'menu.option.status', emoji: '🔎', aliases: ['consultar', 'codigo', 'seguimiento', 'mi caso'] },
            { id: 'language', label: 'menu.option.language', emoji: '🌐', aliases: ['idioma', 'language', 'ingles', 'english', 'espanol'] },
          ],
        },
      },
      next: 'route',
    },
    route: {
      kind: 'branch',
      cases: [
        { when: { var: 'action', in: ['complaint'] }, next: '@complaint' },
        { when: { var: 'action', in: ['status'] }, next: '@status' },
        { when: { var: 'action', in: ['language'] }, next: '@language' },
      ],
      default: 'action',
    },
  },
} satisfies FlowDefinition
