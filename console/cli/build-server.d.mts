/** Writes the server bundle (default dist/switchboard.mjs) and returns its path. */
export function buildServer(outfile?: string): Promise<string>;
