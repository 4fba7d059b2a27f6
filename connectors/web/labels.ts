import type { SettingLabel } from '../../core/connector/define.js';
import type { webConfig } from './connector.js';

/** The web chat's form in the console's languages. */
export const webLabels: Record<keyof typeof webConfig.shape, SettingLabel> = {
  title: { en: 'Chat window title', zh: '聊天窗口标题', hintEn: 'Shown at the top of the chat on your site', hintZh: '显示在网站聊天窗口顶部' },
  color: { en: 'Colour', zh: '主题颜色', hintEn: 'The button and header colour, e.g. #2563eb', hintZh: '按钮和标题栏的颜色，例如 #2563eb' },
  greeting: {
    en: 'Greeting (any language)',
    zh: '欢迎语（所有语言）',
    hintEn: 'The first line a visitor sees, unless a text for their language is set',
    hintZh: '访客看到的第一句话；如已为访客的语言设置文字，则显示该文字',
  },
  locale: {
    en: 'Default language',
    zh: '默认语言',
    hintEn: "The widget speaks the visitor's browser language (en, zh-CN, zh-TW); this one when the browser asks for none of them",
    hintZh: '挂件使用访客浏览器的语言（en、zh-CN、zh-TW）；浏览器语言都不支持时使用此语言',
  },
  texts: {
    en: 'Texts per language',
    zh: '各语言文字',
    hintEn: 'Title, greeting, leave-a-message and closed texts for each language',
    hintZh: '每种语言的标题、欢迎语、留言和会话结束文字',
  },
  preChatMode: {
    en: 'Pre-chat form',
    zh: '咨询前表单',
    hintEn: 'off, optional (may be skipped) or required',
    hintZh: 'off 关闭、optional 可跳过、required 必填',
  },
  sendTranscript: {
    en: 'E-mail the transcript',
    zh: '发送聊天记录邮件',
    hintEn: 'to the e-mail given in the pre-chat form, when the conversation is resolved',
    hintZh: '会话解决后发送到咨询前表单填写的邮箱',
  },
  hours: {
    en: 'Opening hours',
    zh: '服务时间',
    hintEn: 'The groups whose business hours decide when visitors are asked to leave a message',
    hintZh: '由这些组的服务时间决定何时请访客留言',
  },
  proactive: {
    en: 'Proactive greeting',
    zh: '主动问候',
    hintEn: 'A greeting shown after some seconds on pages that match',
    hintZh: '访客在匹配的页面停留一定秒数后显示的问候',
  },
  preChatFields: { en: 'Pre-chat questions', zh: '咨询前问题', hintEn: 'What a visitor is asked before the chat starts', hintZh: '开始聊天前请访客填写的内容' },
  identitySecret: {
    en: 'Identity secret',
    zh: '身份验证密钥',
    hintEn: 'HMAC-SHA256 key your backend signs user ids with',
    hintZh: '您的后端用来签名用户 ID 的 HMAC-SHA256 密钥',
  },
  identityMode: {
    en: 'Identified visitors',
    zh: '访客身份验证',
    hintEn: 'optional: anyone may chat; mandatory: only identified visitors may chat',
    hintZh: 'optional：任何人都可聊天；mandatory：只有已验证身份的访客可以聊天',
  },
  allowedOrigins: {
    en: 'Allowed sites',
    zh: '允许嵌入的网站',
    hintEn: 'Sites allowed to embed the chat, one per line; empty allows any',
    hintZh: '允许嵌入聊天的网站，每行一个；留空则允许所有网站',
  },
  maxUploadBytes: { en: 'Largest upload (bytes)', zh: '上传大小上限（字节）' },
  allowedMimeTypes: {
    en: 'Allowed file types',
    zh: '允许的文件类型',
    hintEn: 'MIME types visitors may send, one per line',
    hintZh: '访客可发送的 MIME 类型，每行一个',
  },
  voiceMessages: {
    en: 'Voice messages',
    zh: '语音消息',
    hintEn: 'Visitors may hold a button to record a voice message (up to 60 s)',
    hintZh: '访客可按住按钮录制语音消息（最长 60 秒）',
  },
};
