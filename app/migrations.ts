import type { Migrations } from '../core/db/migrate.js';
import { migrations as kernel } from '../migrations/index.js';
import type { FeatureModule } from './module.js';
import { MODULES } from './modules.js';

/**
 * The kernel's migrations (migrations/) and every feature module's own, as one list. A module
 * brings its tables with it: adding one is an entry in app/modules.ts, not a line in another
 * module's list. Names are global (a number, then a word) because they sort in the order they run
 * and because a database records them: two modules may not use the same one.
 */
export function collectMigrations(modules: readonly FeatureModule[] = MODULES): Migrations {
  const all: Record<string, Migrations[string]> = { ...kernel };
  const owner = new Map<string, string>(Object.keys(kernel).map((name) => [name, 'the kernel']));
  for (const module of modules) {
    for (const [name, migration] of Object.entries(module.migrations ?? {})) {
      const taken = owner.get(name);
      if (taken) throw new Error(`migration ${name} of module ${module.name} is already ${taken}'s`);
      owner.set(name, module.name);
      all[name] = migration;
    }
  }
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What every process of this build applies at start. */
export const allMigrations: Migrations = collectMigrations();
