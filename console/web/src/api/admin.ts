import type { ApiClient } from './client.js';
import type {
  ApiTokenView,
  CalendarView,
  SsoView,
  ChannelTypeView,
  ChannelView,
  AuditEntry,
  CannedResponse,
  Macro,
  GroupStrategy,
  GroupView,
  RoleView,
  RoutingRuleView,
  RuleActions,
  RuleCondition,
  UserView,
  ChannelStateView,
  ConnectionTestView,
} from './types.js';

/** Which audit entries to show: by whom, about what kind of thing, between two instants. */
export interface AuditFilter {
  actorId?: string;
  kind?: string;
  from?: string;
  before?: string;
}

/** The company's people, groups and roles. */
export function adminApi(client: ApiClient) {
  return {
    users: () => client.get<{ users: UserView[] }>('/users'),
    invite: (body: { email: string; name: string; roleId: string; groupIds: string[] }) =>
      client.post<{ user: UserView; invitationSent: boolean; invitationLink: string }>('/users', body),
    updateUser: (id: string, body: { name?: string; roleId?: string; groupIds?: string[] }) => client.patch<UserView>(`/users/${encodeURIComponent(id)}`, body),
    deactivate: (id: string) => client.post<UserView>(`/users/${encodeURIComponent(id)}/deactivate`),
    reactivate: (id: string) => client.post<UserView>(`/users/${encodeURIComponent(id)}/reactivate`),
    resendInvitation: (id: string) => client.post<{ invitationSent: boolean; invitationLink: string }>(`/users/${encodeURIComponent(id)}/invitation`),
    resetPassword: (id: string) => client.post<{ mailSent: boolean; resetLink: string }>(`/users/${encodeURIComponent(id)}/password-reset`),
    status: () => client.get<{ mail: { configured: true } | { configured: false; folder: string } }>('/settings/status'),
    groups: () => client.get<{ groups: GroupView[] }>('/groups'),
    createGroup: (body: { name: string; strategy: GroupStrategy }) => client.post<GroupView>('/groups', body),
    updateGroup: (id: string, body: { name?: string; strategy?: GroupStrategy; calendarId?: string | null }) =>
      client.patch<GroupView>(`/groups/${encodeURIComponent(id)}`, body),
    deleteGroup: (id: string, moveTo?: string) =>
      client.delete<unknown>(`/groups/${encodeURIComponent(id)}${moveTo ? `?moveTo=${encodeURIComponent(moveTo)}` : ''}`),
    roles: () => client.get<{ roles: RoleView[] }>('/roles'),
    skills: () => client.get<{ skills: { id: string; name: string }[] }>('/skills'),
    createSkill: (body: { name: string }) => client.post<{ id: string; name: string }>('/skills', body),
    userSkills: (id: string) => client.get<{ skills: { skillId: string; level: number }[] }>(`/users/${encodeURIComponent(id)}/skills`),
    setUserSkills: (id: string, skills: { skillId: string; level: number }[]) => client.put<unknown>(`/users/${encodeURIComponent(id)}/skills`, { skills }),
    permissions: () => client.get<{ permissions: { name: string; description: string }[] }>('/permissions'),
    createRole: (body: { name: string; permissions: string[] }) => client.post<RoleView>('/roles', body),
    updateRole: (id: string, body: { name?: string; permissions?: string[] }) => client.patch<RoleView>(`/roles/${encodeURIComponent(id)}`, body),
    deleteRole: (id: string) => client.delete<unknown>(`/roles/${encodeURIComponent(id)}`),
    cannedResponses: () => client.get<{ cannedResponses: CannedResponse[] }>('/canned-responses'),
    createCannedResponse: (body: Omit<CannedResponse, 'id'>) => client.post<CannedResponse>('/canned-responses', body),
    routingRules: () => client.get<{ rules: RoutingRuleView[] }>('/routing-rules'),
    createRoutingRule: (body: { name: string; enabled: boolean; conditions: RuleCondition[]; actions: RuleActions }) =>
      client.post<RoutingRuleView>('/routing-rules', body),
    ruleChannelTypes: () => client.get<{ types: { type: string; displayName: string }[] }>('/routing-rules/channel-types'),
    updateRoutingRule: (id: string, body: { name?: string; enabled?: boolean; conditions?: RuleCondition[]; actions?: RuleActions }) =>
      client.patch<RoutingRuleView>(`/routing-rules/${encodeURIComponent(id)}`, body),
    orderRoutingRules: (ids: string[]) => client.put<{ ids: string[] }>('/routing-rules/order', { ids }),
    deleteRoutingRule: (id: string) => client.delete<unknown>(`/routing-rules/${encodeURIComponent(id)}`),
    apiTokens: () => client.get<{ tokens: ApiTokenView[] }>('/api-tokens'),
    createApiToken: (body: { name: string; scopes: string[] }) => client.post<ApiTokenView & { token: string }>('/api-tokens', body),
    revokeApiToken: (id: string) => client.delete<unknown>(`/api-tokens/${encodeURIComponent(id)}`),
    auditLog: (filter: AuditFilter, cursor?: string) =>
      client.get<{ entries: AuditEntry[]; names: Record<string, string>; nextCursor: string | null }>('/audit-log', { ...filter, cursor, limit: 50 }),
    channelTypes: () => client.get<{ types: ChannelTypeView[] }>('/channel-types'),
    channels: () => client.get<{ channels: ChannelView[] }>('/channels'),
    /** The CRM's custom contact fields (the web chat's pre-chat form may ask them). */
    customFields: () => client.get<{ fields: { key: string; label: string; type: string }[] }>('/custom-fields'),
    createChannel: (body: { type: string; name: string; config: Record<string, unknown> }) =>
      client.post<{ channel: ChannelView; apiKey?: string }>('/channels', body),
    updateChannel: (id: string, body: { name?: string; config?: Record<string, unknown> }) =>
      client.patch<ChannelView>(`/channels/${encodeURIComponent(id)}`, body),
    setChannelEnabled: (id: string, enabled: boolean) => client.post<ChannelView>(`/channels/${encodeURIComponent(id)}/${enabled ? 'enable' : 'disable'}`),
    testChannel: (id: string) => client.post<ConnectionTestView>(`/channels/${encodeURIComponent(id)}/test`),
    /** Tests settings not saved yet; nothing is stored. */
    testUnsavedChannel: (body: { type: string; config: Record<string, unknown> }) => client.post<ConnectionTestView>('/channels/test', body),
    channelState: (id: string) => client.get<ChannelStateView | { state: null }>(`/channels/${encodeURIComponent(id)}/state`),
    calendars: () => client.get<{ calendars: CalendarView[] }>('/business-hours'),
    createCalendar: (body: Omit<CalendarView, 'id' | 'holidays'>) => client.post<CalendarView>('/business-hours', body),
    updateCalendar: (id: string, body: Partial<Omit<CalendarView, 'id' | 'holidays'>>) =>
      client.patch<CalendarView>(`/business-hours/${encodeURIComponent(id)}`, body),
    setHolidays: (id: string, holidays: { day: string; name: string }[]) =>
      client.put<unknown>(`/business-hours/${encodeURIComponent(id)}/holidays`, { holidays }),
    deleteCalendar: (id: string) => client.delete<unknown>(`/business-hours/${encodeURIComponent(id)}`),
    sso: () => client.get<SsoView>('/sso'),
    signInSettings: () => client.get<SignInSettings>('/sign-in-settings'),
    setSignInSettings: (body: Partial<SignInSettings>) => client.put<SignInSettings>('/sign-in-settings', body),
    resetTwoFactor: (userId: string) => client.delete<{ reset: boolean; sessionsEnded: number }>(`/users/${userId}/two-factor`),
    setSso: (body: { enabled: boolean; loginUrl: string | null; logoutUrl: string | null; secret?: string }) => client.put<unknown>('/sso', body),
    setOidc: (body: { enabled: boolean; issuer: string | null; clientId: string | null; clientSecret?: string }) => client.put<unknown>('/sso/oidc', body),
    setCapacity: (id: string, capacity: { chat?: number; email?: number; voice?: number }) =>
      client.put<unknown>(`/users/${encodeURIComponent(id)}/capacity`, { capacity }),
    updateCannedResponse: (id: string, body: Partial<Omit<CannedResponse, 'id'>>) =>
      client.patch<CannedResponse>(`/canned-responses/${encodeURIComponent(id)}`, body),
    deleteCannedResponse: (id: string) => client.delete<unknown>(`/canned-responses/${encodeURIComponent(id)}`),
    macros: () => client.get<{ macros: Macro[] }>('/macros'),
    createMacro: (body: Omit<Macro, 'id'>) => client.post<Macro>('/macros', body),
    updateMacro: (id: string, body: Partial<Omit<Macro, 'id'>>) => client.patch<Macro>(`/macros/${encodeURIComponent(id)}`, body),
    deleteMacro: (id: string) => client.delete<unknown>(`/macros/${encodeURIComponent(id)}`),
  };
}
export type AdminApi = ReturnType<typeof adminApi>;

/** The status agents start a sign-in with: the last one they had, online, or away. */
export const SIGN_IN_STATUS_POLICIES = ['keep', 'online', 'away'] as const;
export type SignInStatusPolicy = (typeof SIGN_IN_STATUS_POLICIES)[number];

export interface SignInSettings {
  twoFactorRequired: boolean;
  agentStatusOnSignIn: SignInStatusPolicy;
}
