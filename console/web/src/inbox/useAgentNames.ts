import { useCallback, useEffect, useState } from 'react';
import type { UserView } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';

/** Names of the company's agents for message authors; the signed-in user is always known. */
export function useAgentNames(me: Pick<UserView, 'id' | 'name'>) {
  const { t } = useI18n();
  const { client } = useApi();
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    let current = true;
    client.get<{ users: UserView[] }>('/users').then(
      (answer) => current && setNames(Object.fromEntries(answer.users.map((user) => [user.id, user.name]))),
      // Agents who may not list users see "Agent" for colleagues.
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client]);
  return useCallback((id: string | null) => (id === me.id ? me.name : id ? (names[id] ?? t('sender.agent')) : t('sender.agent')), [me.id, me.name, names, t]);
}
