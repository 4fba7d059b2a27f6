import type { Migration } from 'kysely';
import { migration as core } from './0001_core.js';
import { migration as router } from './0002_router.js';
import { migration as consoleTables } from './0003_console.js';
import { migration as consoleOidc } from './0003_console_oidc.js';
import { migration as consolePresence } from './0003_console_presence.js';
import { migration as connectors } from './0004_connectors.js';
import { migration as email } from './0005_email.js';
import { migration as wechat } from './0006_wechat.js';
import { migration as voice } from './0008_voice.js';
import { migration as perfAgentLoad } from './0009_perf_agent_load.js';
import { migration as web } from './0010_web.js';
import { migration as crm } from './0012_crm.js';
import { migration as reports } from './0013_reports.js';
import { migration as channelStates } from './0016_channel_states.js';
import { migration as search } from './0017_search.js';
import { migration as reportTotals } from './0018_report_totals.js';
import { migration as twoFactor } from './0019_two_factor.js';
import { migration as outbound } from './0020_outbound.js';
import { migration as companyAddress } from './0021_company_address.js';
import { migration as channelHealth } from './0022_channel_health.js';
import { migration as contactVerified } from './0023_contact_verified.js';
import { migration as visitorNamesStatusPolicy } from './0024_visitor_names_status_policy.js';
import { migration as voiceMessages } from './0026_voice_messages.js';
import { migration as channelData } from './0027_channel_data.js';
import { migration as companyWebhooks } from './0029_company_webhooks.js';
import { migration as dataRights } from './0030_data_rights.js';
import { migration as macros } from './0031_macros.js';
import { migration as transcriptSends } from './0032_transcript_sends.js';
import { migration as keyLookups } from './0035_key_lookups.js';
import { migration as reportIncrements } from './0042_report_increments.js';
import { migration as routingConfigVersion } from './0043_routing_config_version.js';

/** Every migration, in order. A new one is a new file here and a new line below. */
export const migrations: Record<string, Migration> = {
  '0001_core': core,
  '0002_router': router,
  '0003_console': consoleTables,
  '0003_console_oidc': consoleOidc,
  '0003_console_presence': consolePresence,
  '0004_connectors': connectors,
  '0005_email': email,
  '0006_wechat': wechat,
  '0008_voice': voice,
  '0009_perf_agent_load': perfAgentLoad,
  '0010_web': web,
  '0012_crm': crm,
  '0013_reports': reports,
  '0016_channel_states': channelStates,
  '0017_search': search,
  '0018_report_totals': reportTotals,
  '0019_two_factor': twoFactor,
  '0020_outbound': outbound,
  '0021_company_address': companyAddress,
  '0022_channel_health': channelHealth,
  '0023_contact_verified': contactVerified,
  '0024_visitor_names_status_policy': visitorNamesStatusPolicy,
  '0026_voice_messages': voiceMessages,
  '0027_channel_data': channelData,
  '0029_company_webhooks': companyWebhooks,
  '0030_data_rights': dataRights,
  '0031_macros': macros,
  '0032_transcript_sends': transcriptSends,
  '0035_key_lookups': keyLookups,
  '0042_report_increments': reportIncrements,
  '0043_routing_config_version': routingConfigVersion,
};
