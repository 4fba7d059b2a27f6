import type { ReportName } from './reports-api.js';

/** The figures each report's table and cards show, in order. */
export const TABLE_COLUMNS: Record<ReportName, string[]> = {
  overview: [
    'key',
    'created',
    'resolved',
    'reopened',
    'avgFirstResponseSeconds',
    'avgResolutionSeconds',
    'messagesIn',
    'messagesOut',
    'callsOffered',
    'csatAverage',
  ],
  channels: ['name', 'created', 'resolved', 'avgFirstResponseSeconds', 'avgResolutionSeconds', 'messagesIn', 'messagesOut', 'csatAverage'],
  groups: ['name', 'created', 'queued', 'avgQueueWaitSeconds', 'abandoned', 'resolved', 'avgFirstResponseSeconds', 'csatAverage'],
  agents: [
    'name',
    'handled',
    'resolved',
    'avgFirstResponseSeconds',
    'avgResolutionSeconds',
    'messagesOut',
    'onlineSeconds',
    'busySeconds',
    'awaySeconds',
    'callsAnswered',
    'avgHandleSeconds',
    'csatAverage',
  ],
  tickets: ['name', 'ticketsCreated', 'ticketsSolved', 'slaAchieved', 'slaBreached', 'slaAchievedPercent'],
  calls: ['name', 'callsOffered', 'callsAnswered', 'callsAbandoned', 'avgCallWaitSeconds', 'serviceLevelPercent', 'avgHandleSeconds'],
  csat: ['key', 'csatResponses', 'csatAverage', 'csatPercent'],
};

export const CARDS: Record<ReportName, string[]> = {
  overview: [
    'created',
    'resolved',
    'reopened',
    'avgFirstResponseSeconds',
    'avgFirstResponseBusinessSeconds',
    'avgResolutionSeconds',
    'avgResolutionBusinessSeconds',
    'avgQueueWaitSeconds',
    'abandoned',
    'messagesIn',
    'messagesOut',
    'callsOffered',
    'serviceLevelPercent',
    'csatAverage',
  ],
  channels: ['created', 'resolved', 'messagesIn', 'messagesOut'],
  groups: ['created', 'queued', 'avgQueueWaitSeconds', 'abandoned'],
  agents: ['handled', 'resolved', 'avgFirstResponseSeconds', 'messagesOut'],
  tickets: ['ticketsCreated', 'ticketsSolved', 'slaAchieved', 'slaBreached', 'slaAchievedPercent'],
  calls: ['callsOffered', 'callsAnswered', 'callsAbandoned', 'avgCallWaitSeconds', 'serviceLevelPercent', 'avgHandleSeconds'],
  csat: ['csatResponses', 'csatAverage', 'csatPercent'],
};

/** What each report charts: over time (line) or per row (bar). */
export const CHARTS: Record<ReportName, { kind: 'line' | 'bar'; from: 'series' | 'rows'; figures: string[] }> = {
  overview: { kind: 'line', from: 'series', figures: ['created', 'resolved', 'messagesIn'] },
  channels: { kind: 'bar', from: 'rows', figures: ['created', 'resolved'] },
  groups: { kind: 'bar', from: 'rows', figures: ['created', 'abandoned'] },
  agents: { kind: 'bar', from: 'rows', figures: ['handled', 'resolved'] },
  tickets: { kind: 'line', from: 'series', figures: ['ticketsCreated', 'ticketsSolved', 'slaBreached'] },
  calls: { kind: 'line', from: 'series', figures: ['callsOffered', 'callsAnswered', 'callsAbandoned'] },
  csat: { kind: 'line', from: 'series', figures: ['csatAverage'] },
};

/** 75 → "1m 15s"; nulls show as a dash. */
export function formatFigure(field: string, value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value !== 'number') return String(value);
  if (field.endsWith('Seconds')) {
    const s = Math.round(value);
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
    return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  }
  if (field.endsWith('Percent')) return `${value}%`;
  return String(value);
}
