import { useEffect, useState } from 'react';
import type { GroupView, UserView } from '../api/types.js';
import { useApi } from '../app/api-context.js';

/**
 * The company's active agents and its groups, for pickers. Either list stays empty for someone
 * who may not read it (the form then leaves that choice out).
 */
export function useTeam(): { agents: UserView[]; groups: GroupView[] } {
  const { client } = useApi();
  const [agents, setAgents] = useState<UserView[]>([]);
  const [groups, setGroups] = useState<GroupView[]>([]);
  useEffect(() => {
    let current = true;
    client.get<{ users: UserView[] }>('/users').then((a) => current && setAgents(a.users.filter((u) => u.accountStatus === 'active')), () => {});
    client.get<{ groups: GroupView[] }>('/groups').then((g) => current && setGroups(g.groups), () => {});
    return () => {
      current = false;
    };
  }, [client]);
  return { agents, groups };
}
