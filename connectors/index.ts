import type { AnyConnector } from '../core/connector/define.js';
import appApi from './app-api/connector.js';
import email from './email/connector.js';
import web from './web/connector.js';

/** The connectors that ship with Switchboard. Third-party ones are named in CONNECTORS. */
export const builtInConnectors: AnyConnector[] = [appApi, web, email];
