import type { Mailer } from './mail/mailer.js';
import type { RealtimeHub } from './realtime/hub.js';

/** What the console's routes share besides the process context. */
export interface ConsoleServices {
  mailer: Mailer;
  hub: RealtimeHub;
}
