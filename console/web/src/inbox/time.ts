/** A message time as an agent wants it: the hour today, the date otherwise. */
export function formatTime(iso: string, language: 'zh' | 'en', now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const locale = language === 'zh' ? 'zh-CN' : 'en-GB';
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(locale, { month: 'short', day: 'numeric' });
}
