// A gateway process (pull loops, outbound workers) for the e-mail tests, so a test can kill it
// with SIGKILL in the middle of a mailbox and start another. CHILD_ROLES=gateway,router gives it
// the router too (for the in-process bus, which does not reach other processes).
import { startProcess } from '../../app/start.js';
import { loadConfig, ROLES, type Role } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';

const config = loadConfig(process.env);
const roles = (process.env.CHILD_ROLES ?? 'gateway').split(',').filter((r): r is Role => (ROLES as readonly string[]).includes(r));
const running = await startProcess(config, roles, createLogger('info', process.stdout));
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void running.stop().finally(() => process.exit(0));
});
