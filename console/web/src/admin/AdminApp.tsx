import { useMemo } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { adminApi } from '../api/admin.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { AgentsPage } from './AgentsPage.js';
import { AiModelPage } from './AiModelPage.js';
import { AnswerBotPage } from './AnswerBotPage.js';
import { ApiTokensPage } from './ApiTokensPage.js';
import { AuditLogPage } from './AuditLogPage.js';
import { CannedResponsesPage } from './CannedResponsesPage.js';
import { MacrosPage } from './MacrosPage.js';
import { BusinessHoursPage } from './BusinessHoursPage.js';
import { ChannelsPage } from './ChannelsPage.js';
import { CompanyAddressPage } from './CompanyAddressPage.js';
import { GroupsPage } from './GroupsPage.js';
import { RolesPage } from './RolesPage.js';
import { RetentionPage } from './RetentionPage.js';
import { RoutingRulesPage } from './RoutingRulesPage.js';
import { SsoPage } from './SsoPage.js';
import { WebhooksPage } from './WebhooksPage.js';
import { AutomationsPage } from '../tickets/AutomationsPage.js';
import { SlaPoliciesPage } from '../tickets/SlaPoliciesPage.js';
import { TicketSettingsPage } from '../tickets/TicketSettingsPage.js';

/** The admins' settings, loaded only when opened. Paths here are below /admin. */
export default function AdminApp() {
  const { t } = useI18n();
  const { client } = useApi();
  const session = useSignedIn();
  const [location] = useLocation();
  const api = useMemo(() => adminApi(client), [client]);
  const sections = [
    { path: '/channels', label: t('admin.channels'), allowed: hasPermission(session, 'admin.channels') },
    { path: '/answer-bot', label: t('admin.answerBot'), allowed: hasPermission(session, 'admin.channels') },
    { path: '/company', label: t('admin.company'), allowed: hasPermission(session, 'admin.channels') },
    { path: '/agents', label: t('admin.agents'), allowed: hasPermission(session, 'admin.agents') },
    { path: '/groups', label: t('admin.groups'), allowed: hasPermission(session, 'admin.routing') },
    { path: '/routing', label: t('admin.routing'), allowed: hasPermission(session, 'admin.routing') },
    { path: '/business-hours', label: t('admin.hours'), allowed: hasPermission(session, 'admin.routing') },
    { path: '/roles', label: t('admin.roles'), allowed: hasPermission(session, 'admin.roles') },
    { path: '/sso', label: t('admin.sso'), allowed: hasPermission(session, 'admin.sso') },
    { path: '/canned-responses', label: t('admin.canned'), allowed: hasPermission(session, 'admin.canned_responses') },
    { path: '/macros', label: t('admin.macros'), allowed: hasPermission(session, 'admin.macros') },
    { path: '/sla-policies', label: t('admin.sla'), allowed: hasPermission(session, 'admin.tickets') },
    { path: '/ticket-settings', label: t('admin.ticketSettings'), allowed: hasPermission(session, 'admin.tickets') },
    { path: '/automations', label: t('admin.automations'), allowed: hasPermission(session, 'admin.tickets') },
    { path: '/api-tokens', label: t('admin.apiTokens'), allowed: hasPermission(session, 'admin.api_tokens') },
    { path: '/retention', label: t('admin.retention'), allowed: hasPermission(session, 'admin.retention') },
    { path: '/webhooks', label: t('admin.webhooks'), allowed: hasPermission(session, 'admin.webhooks') },
    { path: '/ai-model', label: t('admin.aiModel'), allowed: hasPermission(session, 'assistant.manage') },
    { path: '/audit-log', label: t('admin.audit'), allowed: hasPermission(session, 'admin.audit') },
  ].filter((section) => section.allowed);
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t('nav.admin')}>
        {sections.map((section) => (
          <Link key={section.path} href={section.path} aria-current={location.startsWith(section.path) ? 'page' : undefined}>
            {section.label}
          </Link>
        ))}
      </nav>
      <main className="page">
        <Switch>
          <Route path="/channels">{() => <ChannelsPage api={api} />}</Route>
          <Route path="/answer-bot">{() => <AnswerBotPage />}</Route>
          <Route path="/company">{() => <CompanyAddressPage />}</Route>
          <Route path="/agents">{() => <AgentsPage api={api} />}</Route>
          <Route path="/groups">{() => <GroupsPage api={api} />}</Route>
          <Route path="/routing">{() => <RoutingRulesPage api={api} />}</Route>
          <Route path="/business-hours">{() => <BusinessHoursPage api={api} />}</Route>
          <Route path="/roles">{() => <RolesPage api={api} />}</Route>
          <Route path="/sso">{() => <SsoPage api={api} />}</Route>
          <Route path="/canned-responses">{() => <CannedResponsesPage api={api} />}</Route>
          <Route path="/macros">{() => <MacrosPage api={api} />}</Route>
          <Route path="/sla-policies">{() => <SlaPoliciesPage />}</Route>
          <Route path="/ticket-settings">{() => <TicketSettingsPage />}</Route>
          <Route path="/automations">{() => <AutomationsPage />}</Route>
          <Route path="/api-tokens">{() => <ApiTokensPage api={api} />}</Route>
          <Route path="/retention">{() => <RetentionPage />}</Route>
          <Route path="/webhooks">{() => <WebhooksPage />}</Route>
          <Route path="/ai-model">{() => <AiModelPage />}</Route>
          <Route path="/audit-log">{() => <AuditLogPage api={api} />}</Route>
          <Route>{() => (sections[0] ? <Redirect to={sections[0].path} replace /> : <h1>{t('nav.admin')}</h1>)}</Route>
        </Switch>
      </main>
    </div>
  );
}
