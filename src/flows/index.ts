import { validateFlows, type Flow } from '../bot/engine/index.js'
import { complaintFlow } from './complaint.js'
import { languageFlow } from './language.js'
import { menuFlow } from './menu.js'
import { statusFlow } from './status.js'

/** Every flow the bot runs, by id, checked once when this module loads (a broken flow stops start-up). */
export const flows: Readonly<Record<string, Flow>> = validateFlows({
  menu: menuFlow,
  complaint: complaintFlow,
  status: statusFlow,
  language: languageFlow,
})
