import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';

/** A channel type as its connector declares it: an icon (a data: URL) and its name in each language. */
export interface ChannelAppearance {
  type: string;
  icon: string | null;
  names: { en: string; zh: string };
}

// Asked once per page: the installed connectors do not change while it is open.
const loaded = new WeakMap<ApiClient, Promise<Map<string, ChannelAppearance>>>();

function appearances(client: ApiClient): Promise<Map<string, ChannelAppearance>> {
  let promise = loaded.get(client);
  if (!promise) {
    promise = client.get<{ types: ChannelAppearance[] }>('/channel-types/appearance').then(
      (answer) => new Map(answer.types.map((t) => [t.type, t])),
      () => new Map(),
    );
    loaded.set(client, promise);
  }
  return promise;
}

/** The declared look of every installed channel type, once loaded. */
export function useChannelAppearances(): Map<string, ChannelAppearance> | undefined {
  const { client } = useApi();
  const [known, setKnown] = useState<Map<string, ChannelAppearance>>();
  useEffect(() => {
    let current = true;
    void appearances(client).then((map) => current && setKnown(map));
    return () => {
      current = false;
    };
  }, [client]);
  return known;
}

/** A small mark per channel, the icon its connector declares, so an agent sees at a glance where a customer writes from. */
export function ChannelIcon({ type, name }: { type: string; name?: string }) {
  const { language } = useI18n();
  const appearance = useChannelAppearances()?.get(type);
  const typeName = appearance ? appearance.names[language] : type;
  const label = name && name !== type ? name : typeName;
  const title = name && name !== type && appearance ? `${name} · ${typeName}` : label;
  if (appearance?.icon) {
    return <img className="channel-icon" src={appearance.icon} alt={label} title={title} data-channel-type={type} width={20} height={20} />;
  }
  return (
    <span className="channel-icon" role="img" aria-label={label} title={title} data-channel-type={type}>
      •
    </span>
  );
}
