// A gateway process (pull loops, outbound workers) for the e-mail tests, so a test can kill it
// with SIGKILL in the middle of a mailbox and start another.
import { startProcess } from '../../console/cli/start.js';
import { loadConfig } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';

const config = loadConfig(process.env);
const running = await startProcess(config, ['gateway'], createLogger('info', process.stdout));
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void running.stop().finally(() => process.exit(0));
});
