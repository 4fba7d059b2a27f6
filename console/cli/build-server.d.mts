/** Bundles a TypeScript entry point the way the server is bundled; returns `outfile`. */
export function bundleForNode(entry: string, outfile: string): Promise<string>;
/** Writes the server bundle (default dist/switchboard.mjs) and returns its path. */
export function buildServer(outfile?: string): Promise<string>;
