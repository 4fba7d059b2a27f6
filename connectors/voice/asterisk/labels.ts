import type { SettingLabel } from '../../../core/connector/define.js';
import { callCenterLabels } from '../calls/labels.js';
import type { asteriskConfig } from './connector.js';

/** The Asterisk phone channel's form in the console's languages. */
export const asteriskLabels: Record<keyof typeof asteriskConfig.shape, SettingLabel> = {
  ariUrl: { en: 'ARI address', zh: 'ARI 地址', hintEn: "ARI's base address, e.g. http://pbx:8088/ari", hintZh: 'ARI 的基础地址，例如 http://pbx:8088/ari' },
  ariUser: { en: 'ARI user', zh: 'ARI 用户名' },
  ariPassword: { en: 'ARI password', zh: 'ARI 密码' },
  app: { en: 'Stasis application', zh: 'Stasis 应用名', hintEn: 'The Stasis application calls enter', hintZh: '来电进入的 Stasis 应用' },
  sipTechnology: { en: 'SIP driver', zh: 'SIP 驱动', hintEn: 'PJSIP or the older chan_sip (SIP)', hintZh: 'PJSIP，或旧版 chan_sip（SIP）' },
  mobileDial: {
    en: 'Mobile dial string',
    zh: '手机拨号串',
    hintEn: "How a mobile number is dialled; {number} is the agent's number",
    hintZh: '如何拨打手机号码；{number} 代表坐席的号码',
  },
  musicClass: {
    en: 'Hold music class',
    zh: '等待音乐类别',
    hintEn: 'A music-on-hold class of Asterisk; empty: the default',
    hintZh: 'Asterisk 的等待音乐类别；留空则使用默认',
  },
  ...callCenterLabels,
};
