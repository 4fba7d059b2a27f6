import type { SettingLabel } from '../../../core/connector/define.js';
import type { callCenterSettings } from '../../../core/connector/call-center-settings.js';

/** The call-center settings every phone channel shares, in the console's languages. */
export const callCenterLabels: Record<keyof typeof callCenterSettings, SettingLabel> = {
  ivrFlowId: { en: 'Phone menu', zh: '语音导航', hintEn: 'The phone menu callers hear first', hintZh: '来电者首先听到的语音菜单' },
  defaultGroupId: {
    en: 'Default queue',
    zh: '默认队列',
    hintEn: 'The queue callers go to when there is no phone menu',
    hintZh: '没有语音菜单时来电进入的队列',
  },
  ringSeconds: { en: 'Ring time (seconds)', zh: '振铃时长（秒）', hintEn: "How long an agent's phone rings", hintZh: '坐席电话振铃多久' },
  recordCalls: { en: 'Record calls', zh: '通话录音', hintEn: 'Record answered calls', hintZh: '为已接通的通话录音' },
  voicemailSeconds: { en: 'Longest voicemail (seconds)', zh: '留言最长时长（秒）' },
  outboundCallerId: { en: 'Outbound caller ID', zh: '外呼主叫号码', hintEn: 'The number customers see on outbound calls', hintZh: '外呼时客户看到的号码' },
  announcePositionSeconds: {
    en: 'Announce position every (seconds)',
    zh: '播报排队位置间隔（秒）',
    hintEn: 'Tell a waiting caller their place in line this often',
    hintZh: '每隔多久告诉等待的来电者其排队位置',
  },
  maxWaitSeconds: {
    en: 'Longest wait (seconds)',
    zh: '最长等待时间（秒）',
    hintEn: 'The longest a caller waits in a queue before being offered the way out',
    hintZh: '来电者在队列中等待多久后为其提供其他选择',
  },
  maxWaitAction: {
    en: 'After the longest wait',
    zh: '超过最长等待后',
    hintEn: 'voicemail: leave a message; callback: press 1 to be called back',
    hintZh: 'voicemail：留言；callback：按 1 预约回拨',
  },
  callbackOfferPrompt: {
    en: 'Callback offer prompt',
    zh: '回拨提示音',
    hintEn: 'What a caller hears when offered a callback (press 1)',
    hintZh: '提供回拨（按 1）时来电者听到的内容',
  },
  satisfactionSurvey: {
    en: 'Satisfaction survey',
    zh: '满意度评价',
    hintEn: 'After the agent hangs up, ask the caller to rate the call on the keypad (1 to 5)',
    hintZh: '坐席挂机后请来电者用按键为通话评分（1 到 5）',
  },
  surveyPrompt: {
    en: 'Survey prompt',
    zh: '评价提示音',
    hintEn: 'The rating question the caller hears (Asterisk plays sounds only: give a sound there)',
    hintZh: '来电者听到的评分问题（Asterisk 只能播放声音文件，请提供声音）',
  },
};
