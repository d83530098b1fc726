import { validateFlows, type Flow } from '../bot/engine/index.js'
import { complaintFlow } from './complaint.js'
import { followupFlow } from './followup.js'
import { languageFlow } from './language.js'
import { menuFlow } from './menu.js'
import { pollJoinFlow, pollLeaveFlow, pollResumeFlow, pollSubscribeFlow } from './poll-membership.js'
import { staffAckFlow, staffCaseFlow, staffLinkFlow } from './staff.js'
import { staffOfficeFlow } from './staff-office.js'
import { statusFlow } from './status.js'
import { forgetFlow, myDataFlow, releaseFlow } from './privacy.js'

/** Every flow the bot runs, by id, checked once when this module loads (a broken flow stops start-up). */
export const flows: Readonly<Record<string, Flow>> = validateFlows({
  menu: menuFlow,
  complaint: complaintFlow,
  status: statusFlow,
  language: languageFlow,
  pollJoin: pollJoinFlow,
  pollSubscribe: pollSubscribeFlow,
  pollLeave: pollLeaveFlow,
  pollResume: pollResumeFlow,
  followup: followupFlow,
  staffLink: staffLinkFlow,
  staffAck: staffAckFlow,
  staffCase: staffCaseFlow,
  staffOffice: staffOfficeFlow,
  forget: forgetFlow,
  myData: myDataFlow,
  release: releaseFlow,
})
