import type { ApiClient } from './client.js';
import type { Answer, Body, Schemas } from './schema.js';
import type {
  ApiTokenView,
  CalendarView,
  SsoView,
  ChannelTypeView,
  ChannelView,
  CannedResponse,
  Macro,
  GroupView,
  RoleView,
  RoutingRuleView,
  UserView,
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
    invite: (body: Body<'/api/users', 'post'>) => client.post<Answer<'/api/users', 'post'>>('/users', body),
    updateUser: (id: string, body: Body<'/api/users/{id}', 'patch'>) => client.patch<UserView>(`/users/${encodeURIComponent(id)}`, body),
    deactivate: (id: string) => client.post<UserView>(`/users/${encodeURIComponent(id)}/deactivate`),
    reactivate: (id: string) => client.post<UserView>(`/users/${encodeURIComponent(id)}/reactivate`),
    resendInvitation: (id: string) => client.post<Answer<'/api/users/{id}/invitation', 'post'>>(`/users/${encodeURIComponent(id)}/invitation`),
    resetPassword: (id: string) => client.post<Answer<'/api/users/{id}/password-reset', 'post'>>(`/users/${encodeURIComponent(id)}/password-reset`),
    status: () => client.get<Answer<'/api/settings/status', 'get'>>('/settings/status'),
    groups: () => client.get<{ groups: GroupView[] }>('/groups'),
    createGroup: (body: Body<'/api/groups', 'post'>) => client.post<GroupView>('/groups', body),
    updateGroup: (id: string, body: Body<'/api/groups/{id}', 'patch'>) => client.patch<GroupView>(`/groups/${encodeURIComponent(id)}`, body),
    deleteGroup: (id: string, moveTo?: string) =>
      client.delete<Answer<'/api/groups/{id}', 'delete'>>(`/groups/${encodeURIComponent(id)}${moveTo ? `?moveTo=${encodeURIComponent(moveTo)}` : ''}`),
    roles: () => client.get<{ roles: RoleView[] }>('/roles'),
    skills: () => client.get<Answer<'/api/skills', 'get'>>('/skills'),
    createSkill: (body: Body<'/api/skills', 'post'>) => client.post<Answer<'/api/skills', 'post'>>('/skills', body),
    userSkills: (id: string) => client.get<Answer<'/api/users/{id}/skills', 'get'>>(`/users/${encodeURIComponent(id)}/skills`),
    setUserSkills: (id: string, skills: { skillId: string; level: number }[]) => client.put<unknown>(`/users/${encodeURIComponent(id)}/skills`, { skills }),
    permissions: () => client.get<Answer<'/api/permissions', 'get'>>('/permissions'),
    createRole: (body: Body<'/api/roles', 'post'>) => client.post<RoleView>('/roles', body),
    updateRole: (id: string, body: Body<'/api/roles/{id}', 'patch'>) => client.patch<RoleView>(`/roles/${encodeURIComponent(id)}`, body),
    deleteRole: (id: string) => client.delete<unknown>(`/roles/${encodeURIComponent(id)}`),
    cannedResponses: () => client.get<{ cannedResponses: CannedResponse[] }>('/canned-responses'),
    createCannedResponse: (body: Body<'/api/canned-responses', 'post'>) => client.post<CannedResponse>('/canned-responses', body),
    routingRules: () => client.get<{ rules: RoutingRuleView[] }>('/routing-rules'),
    createRoutingRule: (body: Body<'/api/routing-rules', 'post'>) => client.post<RoutingRuleView>('/routing-rules', body),
    ruleChannelTypes: () => client.get<Answer<'/api/routing-rules/channel-types', 'get'>>('/routing-rules/channel-types'),
    updateRoutingRule: (id: string, body: Body<'/api/routing-rules/{id}', 'patch'>) =>
      client.patch<RoutingRuleView>(`/routing-rules/${encodeURIComponent(id)}`, body),
    orderRoutingRules: (ids: string[]) => client.put<Answer<'/api/routing-rules/order', 'put'>>('/routing-rules/order', { ids }),
    deleteRoutingRule: (id: string) => client.delete<unknown>(`/routing-rules/${encodeURIComponent(id)}`),
    apiTokens: () => client.get<{ tokens: ApiTokenView[] }>('/api-tokens'),
    createApiToken: (body: Body<'/api/api-tokens', 'post'>) => client.post<Answer<'/api/api-tokens', 'post'>>('/api-tokens', body),
    revokeApiToken: (id: string) => client.delete<unknown>(`/api-tokens/${encodeURIComponent(id)}`),
    auditLog: (filter: AuditFilter, cursor?: string) => client.get<Answer<'/api/audit-log', 'get'>>('/audit-log', { ...filter, cursor, limit: 50 }),
    channelTypes: () => client.get<{ types: ChannelTypeView[] }>('/channel-types'),
    channels: () => client.get<{ channels: ChannelView[] }>('/channels'),
    /** The CRM's custom contact fields (the web chat's pre-chat form may ask them). */
    customFields: () => client.get<Answer<'/api/custom-fields', 'get'>>('/custom-fields'),
    createChannel: (body: Body<'/api/channels', 'post'>) => client.post<Answer<'/api/channels', 'post'>>('/channels', body),
    updateChannel: (id: string, body: Body<'/api/channels/{id}', 'patch'>) => client.patch<ChannelView>(`/channels/${encodeURIComponent(id)}`, body),
    setChannelEnabled: (id: string, enabled: boolean) => client.post<ChannelView>(`/channels/${encodeURIComponent(id)}/${enabled ? 'enable' : 'disable'}`),
    testChannel: (id: string) => client.post<ConnectionTestView>(`/channels/${encodeURIComponent(id)}/test`),
    /** Tests settings not saved yet; nothing is stored. */
    testUnsavedChannel: (body: Body<'/api/channels/test', 'post'>) => client.post<ConnectionTestView>('/channels/test', body),
    channelState: (id: string) => client.get<Schemas['ChannelStateView']>(`/channels/${encodeURIComponent(id)}/state`),
    calendars: () => client.get<{ calendars: CalendarView[] }>('/business-hours'),
    createCalendar: (body: Body<'/api/business-hours', 'post'>) => client.post<CalendarView>('/business-hours', body),
    updateCalendar: (id: string, body: Body<'/api/business-hours/{id}', 'patch'>) =>
      client.patch<CalendarView>(`/business-hours/${encodeURIComponent(id)}`, body),
    setHolidays: (id: string, holidays: { day: string; name: string }[]) =>
      client.put<unknown>(`/business-hours/${encodeURIComponent(id)}/holidays`, { holidays }),
    deleteCalendar: (id: string) => client.delete<unknown>(`/business-hours/${encodeURIComponent(id)}`),
    sso: () => client.get<SsoView>('/sso'),
    signInSettings: () => client.get<SignInSettings>('/sign-in-settings'),
    setSignInSettings: (body: Body<'/api/sign-in-settings', 'put'>) => client.put<SignInSettings>('/sign-in-settings', body),
    resetTwoFactor: (userId: string) => client.delete<Answer<'/api/users/{id}/two-factor', 'delete'>>(`/users/${userId}/two-factor`),
    setSso: (body: Body<'/api/sso', 'put'>) => client.put<Answer<'/api/sso', 'put'>>('/sso', body),
    setOidc: (body: Body<'/api/sso/oidc', 'put'>) => client.put<Answer<'/api/sso/oidc', 'put'>>('/sso/oidc', body),
    setCapacity: (id: string, capacity: Body<'/api/users/{id}/capacity', 'put'>['capacity']) =>
      client.put<unknown>(`/users/${encodeURIComponent(id)}/capacity`, { capacity }),
    updateCannedResponse: (id: string, body: Body<'/api/canned-responses/{id}', 'patch'>) =>
      client.patch<CannedResponse>(`/canned-responses/${encodeURIComponent(id)}`, body),
    deleteCannedResponse: (id: string) => client.delete<unknown>(`/canned-responses/${encodeURIComponent(id)}`),
    macros: () => client.get<{ macros: Macro[] }>('/macros'),
    createMacro: (body: Body<'/api/macros', 'post'>) => client.post<Macro>('/macros', body),
    updateMacro: (id: string, body: Body<'/api/macros/{id}', 'patch'>) => client.patch<Macro>(`/macros/${encodeURIComponent(id)}`, body),
    deleteMacro: (id: string) => client.delete<unknown>(`/macros/${encodeURIComponent(id)}`),
  };
}
export type AdminApi = ReturnType<typeof adminApi>;

/** The status agents start a sign-in with: the last one they had, online, or away. */
export const SIGN_IN_STATUS_POLICIES = ['keep', 'online', 'away'] as const;
export type SignInStatusPolicy = (typeof SIGN_IN_STATUS_POLICIES)[number];

export type SignInSettings = Schemas['SignInSettings'];
