import type { ConnectorDeps } from '../../../core/connector/channel-context.js';
import { ValidationError } from '../../../core/errors.js';

/**
 * Refuses channel types no installed connector declares, each issue naming its field
 * (`${field}.N`): a free-text type ("Web chat") would be saved and never match.
 */
export async function checkChannelTypes(
  connectorDeps: (() => Promise<ConnectorDeps>) | undefined,
  lists: { field: string; types: readonly string[] | undefined }[],
): Promise<void> {
  if (!connectorDeps || lists.every((list) => !list.types?.length)) return;
  const known = new Set((await connectorDeps()).registry.list().map((connector) => connector.type));
  const issues = lists.flatMap(({ field, types }) =>
    (types ?? []).flatMap((type, at) =>
      known.has(type) ? [] : [{ field: `${field}.${at}`, message: `no channel type "${type}"; one of ${[...known].join(', ')}` }],
    ),
  );
  if (issues.length) throw new ValidationError('unknown channel type', issues);
}
