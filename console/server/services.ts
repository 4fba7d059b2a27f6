import type { Mailer } from './mail/mailer.js';

/** What the console's routes share besides the process context. */
export interface ConsoleServices {
  mailer: Mailer;
}
