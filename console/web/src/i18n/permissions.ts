import type { Permission } from '../api/types.js';
import type { Language } from './translate.js';

/**
 * The permission catalog's names in both languages: one for each permission the API describes (the
 * compiler checks). The server's description is the fallback for a newer server's permission.
 */
const names: Record<Permission, Record<Language, string>> = {
  'conversations.view.all': { en: 'See every conversation', zh: '查看全部会话' },
  'conversations.view.group': { en: "See their groups' conversations", zh: '查看所在客服组的会话' },
  'conversations.view.own': { en: 'See conversations assigned to them', zh: '查看分配给自己的会话' },
  'conversations.reply': { en: 'Reply and write notes', zh: '回复及写内部备注' },
  'conversations.assign': { en: 'Assign conversations', zh: '分配会话' },
  'conversations.transfer': { en: 'Transfer conversations', zh: '转接会话' },
  'conversations.resolve': { en: 'Resolve and reopen', zh: '解决及重新打开会话' },
  'tickets.view': { en: 'See tickets', zh: '查看工单' },
  'tickets.edit': { en: 'Create and edit tickets', zh: '创建及编辑工单' },
  'contacts.view': { en: 'See customers', zh: '查看客户' },
  'contacts.edit': { en: 'Edit customers', zh: '编辑客户' },
  'contacts.merge': { en: 'Merge customers', zh: '合并客户' },
  'contacts.export': { en: 'Export customers', zh: '导出客户' },
  'contacts.import': { en: 'Import customers', zh: '导入客户' },
  'contacts.erase': { en: 'Erase customers and their data', zh: '彻底删除客户及其数据' },
  'reports.view': { en: 'See reports', zh: '查看报表' },
  'reports.view.own': { en: 'See reports of their own work', zh: '查看本人工作的报表' },
  'reports.monitor': { en: 'Watch the live monitor', zh: '查看实时监控' },
  'admin.channels': { en: 'Manage channels', zh: '管理渠道' },
  'admin.agents': { en: 'Manage agents', zh: '管理客服' },
  'admin.roles': { en: 'Manage roles', zh: '管理角色' },
  'admin.routing': { en: 'Manage groups and routing', zh: '管理客服组及路由' },
  'admin.sso': { en: 'Manage single sign-on', zh: '管理单点登录' },
  'admin.api_tokens': { en: 'Manage API tokens', zh: '管理 API 令牌' },
  'admin.webhooks': { en: 'Manage webhooks', zh: '管理 Webhook' },
  'admin.canned_responses': { en: 'Manage canned responses', zh: '管理快捷回复' },
  'admin.macros': { en: 'Manage macros', zh: '管理宏' },
  'admin.custom_fields': { en: 'Manage customer fields', zh: '管理客户字段' },
  'admin.audit': { en: 'Read the audit log', zh: '查看操作日志' },
  'admin.voice': { en: "Manage phone menus and agents' phones", zh: '管理语音导航及坐席电话' },
  'calls.listen': { en: 'Play call recordings', zh: '收听通话录音' },
  'calls.dial': { en: 'Place outbound calls', zh: '拨打外呼电话' },
  'admin.tickets': { en: 'Manage ticket fields, SLA policies and automations', zh: '管理工单字段、SLA 策略及自动化' },
  'admin.retention': { en: 'Manage data retention', zh: '管理数据保留期限' },
  'knowledge.manage': { en: 'Write and publish knowledge base articles', zh: '编写及发布知识库文章' },
  'assistant.manage': { en: 'Set up the AI model and see its usage', zh: '设置智能模型及查看用量' },
};

export function permissionLabel(name: string, language: Language, fallback: string): string {
  return (names as Record<string, Record<Language, string> | undefined>)[name]?.[language] ?? fallback;
}
