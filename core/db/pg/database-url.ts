// DATABASE_URL with one host or several (libpq's form), read without loading the pg driver.

export type TargetSessionAttrs = 'any' | 'read-write' | 'primary';

export interface ParsedDatabaseUrl {
  /** One single-host URL per host, in the order given, without target_session_attrs. */
  urls: string[];
  targetSessionAttrs: TargetSessionAttrs;
}

const TARGETS: TargetSessionAttrs[] = ['any', 'read-write', 'primary'];

/** Splits a libpq-style multi-host URL into one URL per host. Throws on what it cannot read. */
export function parseDatabaseUrl(value: string): ParsedDatabaseUrl {
  const match = /^(postgres(?:ql)?:\/\/)(?:([^@/?#]*)@)?([^/?#]*)(.*)$/.exec(value);
  if (!match) throw new Error('must be a URL starting with postgres:// or postgresql://');
  const [, scheme, userinfo, hostList, rest] = match as unknown as [string, string, string | undefined, string, string];
  const hosts = hostList.split(',').map((h) => h.trim());
  // One host (or none: a Unix socket given as ?host=…): node-postgres reads it as it is.
  if (hosts.length === 1 && !/[?&]target_session_attrs=/.test(rest)) {
    new URL(value);
    return { urls: [value], targetSessionAttrs: 'any' };
  }
  if (hosts.some((h) => h === '')) throw new Error('names an empty host');
  // The query string, without target_session_attrs (read here, not by node-postgres).
  const tail = new URL(`http://h${rest}`);
  const target = (tail.searchParams.get('target_session_attrs') ?? (hosts.length > 1 ? 'read-write' : 'any')) as TargetSessionAttrs;
  if (!TARGETS.includes(target)) throw new Error(`target_session_attrs must be one of ${TARGETS.join(', ')}`);
  tail.searchParams.delete('target_session_attrs');
  const suffix = `${tail.pathname === '/' && !rest.startsWith('/') ? '' : tail.pathname}${tail.search}`;
  const urls = hosts.map((host) => {
    const url = `${scheme}${userinfo !== undefined ? `${userinfo}@` : ''}${host}${suffix}`;
    new URL(url); // throws on a malformed host or port
    return url;
  });
  return { urls, targetSessionAttrs: target };
}
