import type { SettingLabel } from '../../../core/connector/define.js';
import type { ctiConfig } from './connector.js';

/** The CTI phone channel's form in the console's languages. */
export const ctiLabels: Record<keyof typeof ctiConfig.shape, SettingLabel> = {
  token: { en: 'Token', zh: '令牌', hintEn: 'The PBX sends it as ?token= or the X-CTI-Token header', hintZh: '电话交换机以 ?token= 或 X-CTI-Token 请求头发送' },
};
