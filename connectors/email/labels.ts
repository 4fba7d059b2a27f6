import type { SettingLabel } from '../../core/connector/define.js';
import type { EmailConfig } from './config.js';

const securityHintEn =
  'tls: encrypted from the first byte (IMAP 993, SMTP 465); starttls: upgraded after connecting (IMAP 143, SMTP 587); none: only for a server on this machine';
const securityHintZh = 'tls：从第一个字节起加密（IMAP 993，SMTP 465）；starttls：连接后升级加密（IMAP 143，SMTP 587）；none：仅用于本机上的服务器';
const tokenHintEn = 'OAuth 2.0 access token (XOAUTH2), instead of a password';
const tokenHintZh = 'OAuth 2.0 访问令牌（XOAUTH2），代替密码';

/** The mailbox form in the console's languages. */
export const emailLabels: Record<keyof EmailConfig, SettingLabel> = {
  fromAddress: {
    en: 'Support address',
    zh: '客服邮箱地址',
    hintEn: 'The address customers write to and replies come from',
    hintZh: '客户来信的地址，回复也从这里发出',
  },
  fromName: {
    en: 'Sender name',
    zh: '发件人名称',
    hintEn: 'Shown as the sender of replies, e.g. "Acme Support"',
    hintZh: '回复邮件显示的发件人，例如“Acme 客服”',
  },
  imapHost: { en: 'IMAP host', zh: 'IMAP 服务器' },
  imapPort: { en: 'IMAP port', zh: 'IMAP 端口' },
  imapSecurity: { en: 'IMAP security', zh: 'IMAP 加密方式', hintEn: securityHintEn, hintZh: securityHintZh },
  imapUser: { en: 'IMAP user', zh: 'IMAP 用户名' },
  imapPassword: { en: 'IMAP password', zh: 'IMAP 密码', hintEn: 'Password or app password', hintZh: '密码或应用专用密码' },
  imapAccessToken: { en: 'IMAP access token', zh: 'IMAP 访问令牌', hintEn: tokenHintEn, hintZh: tokenHintZh },
  folder: { en: 'Folder', zh: '收件文件夹', hintEn: 'The folder new mail is read from', hintZh: '从哪个文件夹读取新邮件' },
  sentFolder: {
    en: 'Sent folder',
    zh: '已发送文件夹',
    hintEn: 'Where a copy of each reply is put; empty: no copy',
    hintZh: '每封回复的副本存放位置；留空则不存副本',
  },
  pollSeconds: {
    en: 'Check every (seconds)',
    zh: '检查间隔（秒）',
    hintEn: 'How often to look for mail when the server has no IDLE; with IDLE, how often the folder is selected afresh',
    hintZh: '服务器不支持 IDLE 时多久检查一次新邮件；支持 IDLE 时多久重新选择一次文件夹',
  },
  smtpHost: { en: 'SMTP host', zh: 'SMTP 服务器' },
  smtpPort: { en: 'SMTP port', zh: 'SMTP 端口' },
  smtpSecurity: { en: 'SMTP security', zh: 'SMTP 加密方式', hintEn: securityHintEn, hintZh: securityHintZh },
  smtpUser: { en: 'SMTP user', zh: 'SMTP 用户名', hintEn: 'Empty: send without logging in', hintZh: '留空则不登录直接发送' },
  smtpPassword: { en: 'SMTP password', zh: 'SMTP 密码' },
  smtpAccessToken: { en: 'SMTP access token', zh: 'SMTP 访问令牌', hintEn: tokenHintEn, hintZh: tokenHintZh },
  maxAttachmentBytes: { en: 'Largest attachment (bytes)', zh: '附件大小上限（字节）' },
  maxMailsPerSenderPerHour: {
    en: 'Mails per sender per hour',
    zh: '每个发件人每小时邮件上限',
    hintEn: 'More mail than this from one address in an hour is left in the mailbox, not opened as conversations',
    hintZh: '同一地址一小时内超过此数量的邮件留在邮箱中，不创建会话',
  },
};
