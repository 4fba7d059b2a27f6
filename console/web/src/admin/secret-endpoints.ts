/**
 * The stored secrets a settings change would send to a new address, which the server refuses
 * without them: a setting that says where secrets go (a host, a port, a base URL) changed, and
 * the secret it carries is set but left empty in the form. Settings left out of the change keep
 * their value, as on the server.
 */
export function secretsToRepeat(
  endpoints: Readonly<Record<string, readonly string[]>>,
  stored: Readonly<Record<string, unknown>>,
  secretsSet: Readonly<Record<string, boolean>>,
  change: Readonly<Record<string, unknown>>,
): string[] {
  const repeat = new Set<string>();
  for (const [field, secrets] of Object.entries(endpoints)) {
    if (!(field in change) || JSON.stringify(change[field]) === JSON.stringify(stored[field])) continue;
    for (const secret of secrets) if (secretsSet[secret] && change[secret] === undefined) repeat.add(secret);
  }
  return [...repeat];
}
