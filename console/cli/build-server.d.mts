/** Bundles a TypeScript entry point the way the server is bundled; returns `outfile`. */
export function bundleForNode(entry: string, outfile: string): Promise<string>;
/** Writes the web chat's browser script (read by a server bundle in the same folder); returns `outfile`. */
export function buildWidget(outfile: string): Promise<string>;
/** Writes the server bundle (default dist/switchboard.mjs) and the web chat's script beside it; returns the bundle's path. */
export function buildServer(outfile?: string): Promise<string>;
