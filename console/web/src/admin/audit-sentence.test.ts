import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api/types.js';
import { translate, type Language } from '../i18n/translate.js';
import { auditSentence } from './audit-sentence.js';

const entry = (
  action: string,
  target: { type: string; id: string | null },
  details: Record<string, unknown> = {},
  actor: AuditEntry['actor'] = { type: 'user', id: 'u1' },
): AuditEntry => ({
  id: '1',
  actor,
  action,
  target,
  details,
  at: '2026-12-07T09:00:00.000Z',
});
const names = { 'user:u1': 'Alice', 'user:u2': 'Bob', 'role:r1': 'Supervisor', 'group:g1': 'Billing', 'group:g2': 'Sales', 'api_token:t1': 'CRM sync' };
const say = (language: Language, e: AuditEntry) =>
  auditSentence(
    e,
    names,
    (key, params) => translate(language, key, params),
    (name) => name,
  );

describe('the audit log in words', () => {
  it('says who did what to what, by name, in English and Chinese', () => {
    expect(say('en', entry('user.updated', { type: 'user', id: 'u2' }, { roleId: 'r1' }))).toBe('Alice changed Bob’s role to Supervisor');
    expect(say('zh', entry('user.updated', { type: 'user', id: 'u2' }, { roleId: 'r1' }))).toBe('Alice 把 Bob 的角色改为Supervisor');
    expect(say('en', entry('user.updated', { type: 'user', id: 'u2' }, { groupIds: ['g1', 'g2'] }))).toBe('Alice put Bob in the groups Billing, Sales');
    expect(say('zh', entry('user.updated', { type: 'user', id: 'u2' }, { groupIds: ['g1', 'g2'] }))).toBe('Alice 把 Bob 加入分组：Billing、Sales');
    expect(say('en', entry('api_token.created', { type: 'api_token', id: 't1' }))).toBe('Alice created the API token “CRM sync”');
  });

  it('uses the recorded name of something deleted, and names a token that acted', () => {
    expect(say('en', entry('group.deleted', { type: 'group', id: 'gone' }, { name: 'Night shift' }))).toBe('Alice deleted the group “Night shift”');
    expect(say('en', entry('group.created', { type: 'group', id: 'g1' }, {}, { type: 'api_token', id: 't1' }))).toBe(
      'The API token “CRM sync” created the group “Billing”',
    );
    expect(say('zh', entry('skill.deleted', { type: 'skill', id: 'gone' }))).toBe('Alice 删除了技能「（已删除）」');
    expect(say('en', entry('sign_in.settings_updated', { type: 'tenant', id: 't' }, { agentStatusOnSignIn: 'online' }))).toBe(
      'Alice changed the sign-in settings',
    );
    expect(say('zh', entry('sign_in.settings_updated', { type: 'tenant', id: 't' }))).toBe('Alice 修改了登录设置');
  });
});
