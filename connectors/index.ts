import type { AnyConnector } from '../core/connector/define.js';
import appApi from './app-api/connector.js';
import voiceAsterisk from './voice/asterisk/connector.js';
import voiceCti from './voice/cti/connector.js';
import voiceTwilio from './voice/twilio/connector.js';
import web from './web/connector.js';

/** The connectors that ship with Switchboard. Third-party ones are named in CONNECTORS. */
export const builtInConnectors: AnyConnector[] = [appApi, web, voiceAsterisk, voiceTwilio, voiceCti];
