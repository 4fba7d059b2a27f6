import { describe, expect, it } from 'vitest';
import { BUILTIN_ROLE_PERMISSIONS, PERMISSION_NAMES, canSeeConversation, lacking, visibilityOf, type Permission, type Principal } from './permissions.js';

const principal = (permissions: Permission[], groupIds: string[] = ['g-sales']): Principal => ({
  tenantId: 't',
  userId: 'me',
  roleId: 'r',
  roleName: 'custom',
  permissions: new Set(permissions),
  groupIds,
});

describe('permissions', () => {
  it('gives the built-in admin every permission and the built-in agent group visibility without admin rights', () => {
    expect([...BUILTIN_ROLE_PERMISSIONS.admin].sort()).toEqual([...PERMISSION_NAMES].sort());
    expect(BUILTIN_ROLE_PERMISSIONS.agent.some((p) => p.startsWith('admin.'))).toBe(false);
    expect(visibilityOf(principal([...BUILTIN_ROLE_PERMISSIONS.agent]))).toBe('group');
  });

  it('finds what a caller would hand on without holding it, counting what a wider visibility includes', () => {
    const manager = principal(['admin.agents', 'conversations.view.group', 'reports.view']);
    expect(lacking(manager, ['conversations.view.own', 'reports.view.own', 'admin.agents'])).toEqual([]);
    expect(lacking(manager, ['conversations.view.all', 'admin.roles', 'admin.agents', 'admin.roles'])).toEqual(['conversations.view.all', 'admin.roles']);
    expect(lacking(principal(['conversations.view.own']), ['conversations.view.group'])).toEqual(['conversations.view.group']);
  });

  it('takes the widest visibility a role grants', () => {
    expect(visibilityOf(principal(['conversations.view.own', 'conversations.view.all']))).toBe('all');
    expect(visibilityOf(principal(['conversations.view.own']))).toBe('own');
    expect(visibilityOf(principal(['contacts.view']))).toBe('none');
  });

  it("lets group visibility see its groups' and its own conversations, and own visibility only its own", () => {
    const group = principal(['conversations.view.group']);
    expect(canSeeConversation(group, { groupId: 'g-sales', assigneeId: null })).toBe(true);
    expect(canSeeConversation(group, { groupId: 'g-support', assigneeId: 'me' })).toBe(true);
    expect(canSeeConversation(group, { groupId: 'g-support', assigneeId: 'someone' })).toBe(false);
    expect(canSeeConversation(group, { groupId: null, assigneeId: null })).toBe(false);
    const own = principal(['conversations.view.own']);
    expect(canSeeConversation(own, { groupId: 'g-sales', assigneeId: null })).toBe(false);
    expect(canSeeConversation(own, { groupId: null, assigneeId: 'me' })).toBe(true);
    expect(canSeeConversation(principal([]), { groupId: 'g-sales', assigneeId: 'me' })).toBe(false);
  });
});
