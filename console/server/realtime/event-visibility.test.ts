import { describe, expect, it } from 'vitest';
import type { Permission, Principal } from '../../../core/auth/permissions.js';
import { mayReceive } from './event-visibility.js';

const agent = (permissions: Permission[]): Principal => ({
  tenantId: 'acme',
  userId: 'me',
  roleId: 'r',
  roleName: 'agent',
  permissions: new Set(permissions),
  groupIds: ['sales'],
});
const conversation = (groupId: string | null, assigneeId: string | null) => ({
  id: 'c',
  channelId: 'ch',
  contactId: 'ct',
  status: 'queued',
  groupId,
  assigneeId,
  priority: 0,
});

describe('which events an agent may receive', () => {
  const sales = agent(['conversations.view.group']);

  it('sends conversation events by the snapshot they carry', () => {
    expect(mayReceive(sales, { tenantId: 'acme', kind: 'message.created', payload: { conversation: conversation('sales', null) } })).toBe(true);
    expect(mayReceive(sales, { tenantId: 'acme', kind: 'message.created', payload: { conversation: conversation('support', null) } })).toBe(false);
    expect(mayReceive(sales, { tenantId: 'acme', kind: 'conversation.transferred', payload: { conversation: conversation('support', 'me') } })).toBe(true);
  });

  it('tells an agent once when a conversation leaves her view, so her list drops it without a reload', () => {
    const away = { conversation: conversation('support', null), from: { assigneeId: 'me', groupId: 'sales' } };
    expect(mayReceive(sales, { tenantId: 'acme', kind: 'conversation.transferred', payload: away })).toBe(true);
    expect(
      mayReceive(sales, {
        tenantId: 'acme',
        kind: 'conversation.assigned',
        payload: { conversation: conversation('support', 'other'), previousAssigneeId: 'me' },
      }),
    ).toBe(true);
    // What happens to it afterwards is no longer hers.
    expect(mayReceive(sales, { tenantId: 'acme', kind: 'message.created', payload: { conversation: conversation('support', 'other') } })).toBe(false);
    const elsewhere = { conversation: conversation('support', null), from: { assigneeId: null, groupId: 'billing' } };
    expect(mayReceive(sales, { tenantId: 'acme', kind: 'conversation.transferred', payload: elsewhere })).toBe(false);
  });

  it("never sends another company's events, installation events or unknown shapes", () => {
    expect(mayReceive(sales, { tenantId: 'globex', kind: 'message.created', payload: { conversation: conversation('sales', null) } })).toBe(false);
    expect(mayReceive(sales, { tenantId: null, kind: 'agent.status', payload: {} })).toBe(false);
    expect(mayReceive(agent(['conversations.view.all']), { tenantId: 'acme', kind: 'channel.secret_rotated', payload: { secret: 'x' } })).toBe(false);
  });

  it("sends colleagues' status to everyone in the company", () => {
    expect(mayReceive(agent([]), { tenantId: 'acme', kind: 'agent.status', payload: { userId: 'other', status: 'away' } })).toBe(true);
  });

  it("sends a customer's changed record to those who may see one of the customer's conversations", () => {
    const holders = [
      { groupId: 'support', assigneeId: null },
      { groupId: 'sales', assigneeId: 'other' },
    ];
    expect(mayReceive(sales, { tenantId: 'acme', kind: 'contact.updated', payload: { contact: { id: 'ct' }, holders } })).toBe(true);
    expect(mayReceive(sales, { tenantId: 'acme', kind: 'contact.updated', payload: { contact: { id: 'ct' }, holders: [holders[0]] } })).toBe(false);
    expect(mayReceive(sales, { tenantId: 'acme', kind: 'contact.updated', payload: { contact: { id: 'ct' }, holders: [] } })).toBe(false);
    expect(mayReceive(agent(['conversations.view.all']), { tenantId: 'acme', kind: 'contact.updated', payload: { contact: { id: 'ct' }, holders: [] } })).toBe(
      true,
    );
    expect(
      mayReceive(agent(['conversations.view.all']), { tenantId: 'globex', kind: 'contact.updated', payload: { contact: { id: 'ct' }, holders: [] } }),
    ).toBe(false);
  });
});
