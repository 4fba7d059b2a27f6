import type { BuildOptions } from 'esbuild';

/** The esbuild options of the web chat's browser script (without its entry point). */
export const widgetBuildOptions: BuildOptions;

/** Writes the web chat's browser script to `outfile`; resolves with it. */
export function buildWidget(outfile: string): Promise<string>;
