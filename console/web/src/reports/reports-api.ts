import type { ApiClient } from '../api/client.js';
import type { Schemas } from '../api/schema.js';

export type ReportName = 'overview' | 'channels' | 'agents' | 'groups' | 'tickets' | 'calls' | 'csat';

export interface ReportFilters {
  from: string;
  to: string;
  timeZone: string;
  channelId?: string;
  groupId?: string;
  agentId?: string;
  tag?: string;
}

export type Figures = Record<string, number | string | null>;

export interface ReportAnswer {
  report: ReportName;
  ownOnly: boolean;
  totals: Figures;
  series?: { step: 'day' | 'hour'; points: Figures[] };
  rows?: Figures[];
  distribution?: { rating: number; count: number }[];
  comments?: { conversationId: string; rating: number; comment: string; answeredAt: string }[];
}

export type Dimensions = Schemas['ReportDimensions'];

export type MonitorAnswer = Schemas['MonitorAnswer'];

const query = (filters: ReportFilters) => ({ ...filters }) as Record<string, string | undefined>;

export function reportsApi(client: ApiClient) {
  return {
    report: (name: ReportName, filters: ReportFilters) => client.get<ReportAnswer>(`/reports/${name}`, query(filters)),
    csvUrl(name: ReportName, filters: ReportFilters): string {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...query(filters), format: 'csv' })) if (v) search.set(k, v);
      return `${client.url(`/reports/${name}`)}?${search}`;
    },
    dimensions: () => client.get<Dimensions>('/reports/dimensions'),
    monitor: () => client.get<MonitorAnswer>('/reports/monitor'),
  };
}

export type ReportsApi = ReturnType<typeof reportsApi>;
