import type { SettingLabel } from '../../core/connector/define.js';
import type { whatsappConfig } from './connector.js';

/** The WhatsApp Business form in the console's languages. */
export const whatsappLabels: Record<keyof typeof whatsappConfig.shape, SettingLabel> = {
  phoneNumberId: {
    en: 'Phone number ID',
    zh: '电话号码 ID',
    hintEn: 'The business phone number id (WhatsApp Manager → API setup)',
    hintZh: '企业电话号码 ID（WhatsApp Manager → API 设置）',
  },
  businessAccountId: {
    en: 'Business account ID',
    zh: '企业账户 ID',
    hintEn: 'The WhatsApp Business Account id, to list approved templates',
    hintZh: 'WhatsApp 企业账户 ID，用于列出已审核的消息模板',
  },
  accessToken: {
    en: 'Access token',
    zh: '访问令牌',
    hintEn: 'A system user access token with whatsapp_business_messaging',
    hintZh: '具有 whatsapp_business_messaging 权限的系统用户访问令牌',
  },
  appSecret: {
    en: 'App secret',
    zh: '应用密钥',
    hintEn: 'The Meta app secret: every webhook is checked against it (X-Hub-Signature-256)',
    hintZh: 'Meta 应用密钥：每个回调都用它校验（X-Hub-Signature-256）',
  },
  verifyToken: {
    en: 'Verify token',
    zh: '验证令牌',
    hintEn: 'Any string: type the same one into the webhook settings of the Meta app',
    hintZh: '任意字符串：在 Meta 应用的回调设置中填写相同的值',
  },
  apiBaseUrl: { en: 'Graph API address', zh: 'Graph API 地址', hintEn: 'Change only for a proxy', hintZh: '仅在使用代理时修改' },
  apiVersion: { en: 'Graph API version', zh: 'Graph API 版本', hintEn: 'For example v21.0', hintZh: '例如 v21.0' },
  maxFileBytes: { en: 'Largest file (bytes)', zh: '文件大小上限（字节）', hintEn: 'Larger media stay at WhatsApp', hintZh: '更大的媒体留在 WhatsApp' },
};
