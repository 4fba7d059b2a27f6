import type { Hono } from 'hono';
import type { Role } from '../core/config/config.js';
import type { AnyRoute } from '../console/server/api/route.js';
import type { Context } from '../core/context.js';
import type { Migrations } from '../core/db/migrate.js';
import type { JobRegistry } from '../core/jobs/runner.js';
import type { InboundFeature, InboundPipeline } from '../router/pipeline/pipeline.js';

/** A part of the product that a role runs in a process. */
export interface Part {
  name: string;
  /** Routes this part serves, if any. */
  mount?(app: Hono): void;
  stop(): Promise<void>;
}

/** What the root has assembled from every module, handed to each module's start. */
export interface Assembled {
  /** The router's steps with every module's inbound steps and thread claims installed. */
  inboundPipeline: InboundPipeline;
  /** Every module's API routes, which the console role serves under /api. */
  apiRoutes: readonly AnyRoute[];
  /**
   * The process's one job runner (app/jobs.ts): a module registers the handlers of its job kinds
   * and its periodic tasks here in its start, and never builds a runner of its own. It polls once
   * every module of the process has started.
   */
  jobs: JobRegistry;
}

/**
 * A feature module as the composition root sees it. Everything but the name is optional: a
 * module that only adds pipeline steps has no start, one that only answers API calls no roles.
 */
export interface FeatureModule {
  name: string;
  /** The tables it owns: its migrations, merged with the kernel's by app/migrations.ts (names are global). */
  migrations?: Migrations;
  /** The roles whose processes run `start`. */
  roles: readonly Role[];
  /** What it adds to the inbound pipeline; the router role runs it, whichever module brings it. */
  inbound?: readonly InboundFeature[];
  /** Its route table in the console's API (access checks, validation, OpenAPI), served by the console role. */
  apiRoutes?(): readonly AnyRoute[];
  /** Its part in a process of one of `roles`: consumers, workers, job handlers (on `assembled.jobs`), routes outside /api. */
  start?(ctx: Context, assembled: Assembled): Promise<Part>;
}
