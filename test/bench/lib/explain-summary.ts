// Sums the plans auto_explain wrote to PostgreSQL's server log for one database (a run of the
// end-to-end bench with BENCH_EXPLAIN): per statement, how often it ran and the rows its scans
// read (rows returned plus rows a filter removed, times loops), the largest first.
// Usage: node --import tsx test/bench/lib/explain-summary.ts <log file> <database> [top]
import { readFileSync } from 'node:fs';

const [file, database, top = '25'] = process.argv.slice(2);
if (!file || !database) {
  process.stderr.write('usage: explain-summary.ts <postgresql log> <database> [top]\n');
  process.exit(2);
}
type Plan = { 'Node Type': string; 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number; Plans?: Plan[] };
const read = (plan: Plan): number =>
  (/Scan/.test(plan['Node Type']) && plan['Node Type'] !== 'Bitmap Index Scan'
    ? ((plan['Actual Rows'] ?? 0) + (plan['Rows Removed by Filter'] ?? 0)) * (plan['Actual Loops'] ?? 1)
    : 0) + (plan.Plans ?? []).reduce((n, p) => n + read(p), 0);

const entries = readFileSync(file, 'utf8').split(/\n(?=\d{4}-\d\d-\d\d )/);
const byStatement = new Map<string, { calls: number; rows: number; max: number }>();
for (const entry of entries) {
  if (!entry.includes(`@${database} LOG:  duration:`)) continue;
  const json = entry.slice(entry.indexOf('{'));
  try {
    const explained = JSON.parse(json) as { 'Query Text': string; Plan: Plan };
    const text = explained['Query Text']
      .replace(/\s+/g, ' ')
      .replace(/\$\d+(, \$\d+)*/g, '$n')
      .slice(0, 160);
    const rows = read(explained.Plan);
    const s = byStatement.get(text) ?? { calls: 0, rows: 0, max: 0 };
    s.calls++;
    s.rows += rows;
    s.max = Math.max(s.max, rows);
    byStatement.set(text, s);
  } catch {
    /* a plan cut short */
  }
}
for (const [text, s] of [...byStatement].sort((a, b) => b[1].rows - a[1].rows).slice(0, Number(top)))
  process.stdout.write(`${String(s.rows).padStart(9)} rows ${String(s.calls).padStart(6)} calls max ${String(s.max).padStart(6)}  ${text}\n`);
