import { describe, expect, it } from 'vitest';
import type { TicketHistoryLine, TicketStatus } from '../api/tickets.js';
import type { MessageKey } from '../i18n/en.js';
import { translate, type Language, type Params } from '../i18n/translate.js';
import { historyActorKey, historyKind, historySentence } from './history-sentence.js';

const names = {
  'user:u1': 'Li Na',
  'user:u2': 'Wang Wei',
  'group:g1': 'VIP',
  'automation:a1': 'Escalate urgent',
  'ticket_field:order_no': 'Order number',
};
const words = (language: Language) => ({
  t: (key: MessageKey, params?: Params) => translate(language, key, params),
  names,
  statusName: (status: TicketStatus) => translate(language, `ticketStatus.${status}` as MessageKey),
  time: (iso: string) => iso.slice(0, 10),
});
let n = 0;
const line = (field: string, from: unknown, to: unknown, actor: Partial<TicketHistoryLine> = {}): TicketHistoryLine => ({
  id: String(++n),
  actorType: 'user',
  actorId: 'u1',
  field,
  from,
  to,
  at: '2026-12-07T10:00:00Z',
  ...actor,
});

describe('ticket history as sentences', () => {
  it('says who did what by name, in English and Chinese', () => {
    const priority = line('priority', 'normal', 'high');
    expect(historySentence(priority, words('en'))).toBe('Li Na changed the priority from Normal to High');
    expect(historySentence(priority, words('zh'))).toBe('Li Na 将优先级从「普通」改为「高」');
    expect(historySentence(line('assignee_id', null, 'u2'), words('en'))).toBe('Li Na assigned the ticket to Wang Wei');
    expect(historySentence(line('assignee_id', 'u2', 'u9'), words('en'))).toBe('Li Na reassigned the ticket from Wang Wei to (removed)');
    expect(historySentence(line('group_id', null, 'g1'), words('zh'))).toBe('Li Na 将工单分到客服组「VIP」');
    expect(historySentence(line('status', 'new', 'open', { actorType: 'automation', actorId: 'a1' }), words('en'))).toBe(
      'The automation “Escalate urgent” changed the status from New to Open',
    );
    expect(historySentence(line('tags', ['a'], ['a', 'b', 'c']), words('en'))).toBe('Li Na added the tags b, c');
    expect(historySentence(line('followers', [], ['u2']), words('zh'))).toBe('Li Na 添加了关注人 Wang Wei');
    expect(historySentence(line('fields', { order_no: '1' }, { order_no: '2' }), words('en'))).toBe('Li Na changed Order number from 1 to 2');
    expect(historySentence(line('created', null, { number: 7 }, { actorType: 'system', actorId: null }), words('en'))).toBe('System created the ticket');
    expect(historySentence(line('merged_into', null, 12), words('en'))).toBe('Li Na merged this ticket into #12');
  });

  it('never shows an id, a field key or JSON', () => {
    const lines = [
      line('assignee_id', 'u1', 'u2'),
      line('group_id', 'g1', null),
      line('fields', {}, { order_no: 'A-1' }),
      line('due_at', null, '2026-12-24T00:00:00Z'),
      line('followers', ['u1'], []),
    ];
    for (const shown of lines.map((l) => historySentence(l, words('en')))) {
      expect(shown).not.toMatch(/u1|u2|g1|order_no|assignee_id|group_id|[{}[\]"]/);
    }
  });

  it('sorts each line by kind of change and by person for the filters', () => {
    expect(historyKind(line('assignee_id', null, 'u1'))).toBe('assignee');
    expect(historyKind(line('due_at', null, null))).toBe('details');
    expect(historyActorKey(line('status', 'new', 'open'))).toBe('user:u1');
    expect(historyActorKey(line('status', 'new', 'open', { actorType: 'system', actorId: null }))).toBe('system');
  });
});
