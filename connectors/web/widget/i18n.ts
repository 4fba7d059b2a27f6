/**
 * Every word the widget shows, in the languages it speaks. The loader holds the dictionaries and
 * hands the chosen one to the panel, so the panel's script carries none of them.
 */
export type Locale = 'en' | 'zh-CN' | 'zh-TW';
export const LOCALES: readonly Locale[] = ['en', 'zh-CN', 'zh-TW'];

const en = {
  title: 'Chat with us',
  unread: '{n} unread',
  close: 'Close chat',
  dialog: 'Chat',
  messages: 'Messages',
  placeholder: 'Write a message…',
  messageLabel: 'Your message',
  send: 'Send',
  attach: 'Attach a file',
  sending: 'Sending…',
  delivered: 'Delivered',
  read: 'Read',
  waiting: 'Waiting for an agent…',
  queue: 'You are number {n} in the queue',
  joined: '{name} joined',
  typing: 'Agent is typing…',
  closed: 'This conversation was closed',
  notSent: 'Not sent: check your connection',
  tooLarge: 'This file is too large',
  fileType: 'This kind of file cannot be sent here',
  invalid: '{field} is not valid',
  uploadFailed: 'Upload failed',
  offline: 'We are away right now. Leave a message and we will answer by e-mail.',
  closedHours: 'We are closed now. Leave a message and we will answer by e-mail.',
  thanks: 'Thank you, we will get back to you.',
  preChat: 'Before we start, tell us who you are',
  startChat: 'Start chat',
  skip: 'Skip',
  'field.name': 'Name',
  'field.email': 'E-mail',
  'field.phone': 'Phone',
  'field.text': 'Message',
  choose: 'Choose…',
  rate: 'How did we do?',
  star: '{n} of 5 stars',
  comment: 'Comment (optional)',
  rateSend: 'Send rating',
  rateThanks: 'Thank you for your rating',
  person: 'Talk to a person',
  personAsked: 'We are getting a person for you. Please wait.',
  sound: 'Sound for new messages',
  dismiss: 'Dismiss',
  unavailable: 'The chat is unavailable right now',
  newMessage: 'New message from {name}: {text}',
  agent: 'Agent',
  bot: 'Assistant (bot)',
  sources: 'From our help center',
  file: 'File',
  image: 'Image',
  'voice.record': 'Hold to record a voice message',
  'voice.recording': 'Recording {d}',
  'voice.slide': 'Slide away to cancel',
  'voice.release': 'Release to cancel',
  'voice.cancelled': 'Voice message cancelled',
  'voice.tooShort': 'Hold the button while you speak',
  'voice.tooLarge': 'This voice message is too large',
  'voice.noMic': 'The microphone is not available',
  'voice.failed': 'The voice message was not sent',
  'voice.play': 'Play voice message, {d}',
  'voice.pause': 'Pause voice message',
  'voice.limit': 'Voice messages stop at {d}',
  'voice.message': 'Voice message',
};

export type Key = keyof typeof en;
export type Dictionary = Record<Key, string>;

const zhCN: Dictionary = {
  title: '在线客服',
  unread: '{n} 条未读',
  close: '关闭聊天',
  dialog: '聊天',
  messages: '消息',
  placeholder: '请输入消息…',
  messageLabel: '您的消息',
  send: '发送',
  attach: '添加文件',
  sending: '发送中…',
  delivered: '已送达',
  read: '已读',
  waiting: '正在等待客服…',
  queue: '您前面还有 {n} 位',
  joined: '{name} 已加入',
  typing: '客服正在输入…',
  closed: '本次会话已结束',
  notSent: '未发送:请检查网络连接',
  tooLarge: '文件太大',
  fileType: '不支持发送此类文件',
  invalid: '{field}格式不正确',
  uploadFailed: '上传失败',
  offline: '我们暂时不在线。请留言,我们会通过邮件回复您。',
  closedHours: '现在是非工作时间。请留言,我们会通过邮件回复您。',
  thanks: '谢谢,我们会尽快回复您。',
  preChat: '开始之前,请告诉我们您是谁',
  startChat: '开始聊天',
  skip: '跳过',
  'field.name': '姓名',
  'field.email': '邮箱',
  'field.phone': '电话',
  'field.text': '留言',
  choose: '请选择…',
  rate: '您对本次服务满意吗?',
  star: '{n} 星(满分 5 星)',
  comment: '评价(选填)',
  rateSend: '提交评价',
  rateThanks: '感谢您的评价',
  person: '转人工',
  personAsked: '正在为您转接人工客服,请稍候。',
  sound: '新消息提示音',
  dismiss: '关闭',
  unavailable: '聊天暂时不可用',
  newMessage: '{name} 发来新消息:{text}',
  agent: '客服',
  bot: '智能助手（机器人）',
  sources: '来自帮助中心',
  file: '文件',
  image: '图片',
  'voice.record': '按住录制语音消息',
  'voice.recording': '正在录音 {d}',
  'voice.slide': '滑开取消',
  'voice.release': '松开取消',
  'voice.cancelled': '已取消语音消息',
  'voice.tooShort': '请按住按钮说话',
  'voice.tooLarge': '语音消息过大',
  'voice.noMic': '无法使用麦克风',
  'voice.failed': '语音消息未发送',
  'voice.play': '播放语音消息,{d}',
  'voice.pause': '暂停语音消息',
  'voice.limit': '语音消息最长 {d}',
  'voice.message': '语音消息',
};

const zhTW: Dictionary = {
  title: '線上客服',
  unread: '{n} 則未讀',
  close: '關閉聊天',
  dialog: '聊天',
  messages: '訊息',
  placeholder: '請輸入訊息…',
  messageLabel: '您的訊息',
  send: '傳送',
  attach: '附加檔案',
  sending: '傳送中…',
  delivered: '已送達',
  read: '已讀',
  waiting: '正在等候客服…',
  queue: '您前面還有 {n} 位',
  joined: '{name} 已加入',
  typing: '客服正在輸入…',
  closed: '本次對話已結束',
  notSent: '未傳送:請檢查網路連線',
  tooLarge: '檔案太大',
  fileType: '不支援傳送此類檔案',
  invalid: '{field}格式不正確',
  uploadFailed: '上傳失敗',
  offline: '我們暫時不在線上。請留言,我們會以電子郵件回覆您。',
  closedHours: '現在是非營業時間。請留言,我們會以電子郵件回覆您。',
  thanks: '謝謝,我們會盡快回覆您。',
  preChat: '開始之前,請告訴我們您是誰',
  startChat: '開始聊天',
  skip: '略過',
  'field.name': '姓名',
  'field.email': '電子郵件',
  'field.phone': '電話',
  'field.text': '留言',
  choose: '請選擇…',
  rate: '您對本次服務滿意嗎?',
  star: '{n} 星(滿分 5 星)',
  comment: '評語(選填)',
  rateSend: '送出評分',
  rateThanks: '感謝您的評分',
  person: '轉真人客服',
  personAsked: '正在為您轉接真人客服,請稍候。',
  sound: '新訊息提示音',
  dismiss: '關閉',
  unavailable: '聊天暫時無法使用',
  newMessage: '{name} 傳來新訊息:{text}',
  agent: '客服',
  bot: '智能助手（機器人）',
  sources: '來自幫助中心',
  file: '檔案',
  image: '圖片',
  'voice.record': '按住錄製語音訊息',
  'voice.recording': '正在錄音 {d}',
  'voice.slide': '滑開取消',
  'voice.release': '放開取消',
  'voice.cancelled': '已取消語音訊息',
  'voice.tooShort': '請按住按鈕說話',
  'voice.tooLarge': '語音訊息過大',
  'voice.noMic': '無法使用麥克風',
  'voice.failed': '語音訊息未傳送',
  'voice.play': '播放語音訊息,{d}',
  'voice.pause': '暫停語音訊息',
  'voice.limit': '語音訊息最長 {d}',
  'voice.message': '語音訊息',
};

export const dictionaries: Record<Locale, Dictionary> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

export type Translate = (key: Key, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const dictionary = dictionaries[locale];
  return (key, params) => dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}

/**
 * A language tag as the widget speaks it: zh-TW, zh-HK, zh-MO and zh-Hant are traditional Chinese,
 * every other Chinese is simplified, English is English; anything else is not spoken.
 */
export function supported(tag: string): Locale | undefined {
  const lower = tag.toLowerCase();
  if (lower.startsWith('zh')) return /^zh-(tw|hk|mo|hant)/.test(lower) ? 'zh-TW' : 'zh-CN';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return undefined;
}

/** The visitor's language: the first of the browser's languages the widget speaks, else the channel's default. */
export function pickLocale(browser: readonly string[], channelDefault: string): Locale {
  for (const tag of browser) {
    const found = supported(tag);
    if (found) return found;
  }
  return supported(channelDefault) ?? 'en';
}
