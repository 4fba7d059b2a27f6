import type { ConnectorDeps } from '../../core/connector/channel-context.js';
import type { Mailer } from './mail/mailer.js';
import type { RealtimeHub } from './realtime/hub.js';

/** What the console's routes share besides the process context. */
export interface ConsoleServices {
  mailer: Mailer;
  hub: RealtimeHub;
  /** The connector machinery, for channel management; absent where no connectors are loaded. */
  connectorDeps?: () => Promise<ConnectorDeps>;
}
