import { useEffect, useState } from 'react';
import type { GroupView, UserView } from '../api/types.js';
import { useApi } from '../app/api-context.js';

/**
 * The company's users (`agents`: the active ones, for pickers; `users`: everyone, for names) and
 * its groups. A list stays empty for someone who may not read it (the form leaves that choice out).
 */
export function useTeam(): { users: UserView[]; agents: UserView[]; groups: GroupView[] } {
  const { client } = useApi();
  const [users, setUsers] = useState<UserView[]>([]);
  const [groups, setGroups] = useState<GroupView[]>([]);
  useEffect(() => {
    let current = true;
    client.get<{ users: UserView[] }>('/users').then(
      (a) => current && setUsers(a.users),
      () => {},
    );
    client.get<{ groups: GroupView[] }>('/groups').then(
      (g) => current && setGroups(g.groups),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client]);
  return { users, agents: users.filter((u) => u.accountStatus === 'active'), groups };
}
