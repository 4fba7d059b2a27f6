// One gateway process's pull loops, for the failover test: runs the ticker connector's loops
// with the advisory lock until it is killed.
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import { openPgDatabase } from '../../core/db/pg/pg-database.js';
import { startPullLoops } from '../../core/connector/pull.js';
import { testDeps } from './connectors.js';
import { ticker } from './ticker-connector.js';

const [url, name] = process.argv.slice(2);
const database = openPgDatabase(url!, 4);
const deps = testDeps(database.db, new MemoryBus(), [ticker]);
startPullLoops(deps, { exclusive: true, rescanMs: 150, holder: name });
process.stdout.write('ready\n');
