import { createInboundPipeline, type InboundPipeline } from '../router/part.js';
import type { AnyRoute } from '../console/server/api/route.js';
import type { JobRegistry } from '../core/jobs/runner.js';
import type { Assembled, FeatureModule } from './module.js';
import { MODULES } from './modules.js';

/** The router's steps with the inbound features of `modules` installed, in the modules' order. */
export function assembleInboundPipeline(modules: readonly FeatureModule[] = MODULES): InboundPipeline {
  return createInboundPipeline(modules.flatMap((module) => module.inbound ?? []));
}

/** The pipeline every router runs (tests that feed the pipeline directly take this one). */
export const inboundPipeline: InboundPipeline = assembleInboundPipeline();

/** Every module's API routes, as the console serves them and the OpenAPI document lists them. */
export function assembleApiRoutes(modules: readonly FeatureModule[] = MODULES): AnyRoute[] {
  return modules.flatMap((module) => module.apiRoutes?.() ?? []);
}

/**
 * What every module's start is handed: the pipeline, the modules' API routes and the process's
 * job runner (`jobs`, app/jobs.ts). The route table is built on first use, by the console role: a
 * gateway or router process never builds it.
 */
export function assemble(jobs: JobRegistry, modules: readonly FeatureModule[] = MODULES): Assembled {
  let apiRoutes: readonly AnyRoute[] | undefined;
  return {
    inboundPipeline: modules === MODULES ? inboundPipeline : assembleInboundPipeline(modules),
    get apiRoutes() {
      apiRoutes ??= assembleApiRoutes(modules);
      return apiRoutes;
    },
    jobs,
  };
}
