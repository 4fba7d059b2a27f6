/** A small mark per channel type, so an agent sees at a glance where a customer writes from. */
const marks: Record<string, { color: string; glyph: string }> = {
  web: { color: '#2557d6', glyph: '◎' },
  'app-api': { color: '#6b4fd8', glyph: '⌘' },
  email: { color: '#b7791f', glyph: '@' },
  wechat: { color: '#07c160', glyph: '微' },
  'wechat-work': { color: '#2b7de9', glyph: '企' },
  wechaty: { color: '#07c160', glyph: '微' },
  weibo: { color: '#e6162d', glyph: '博' },
  x: { color: '#111111', glyph: '𝕏' },
  'x-dm': { color: '#111111', glyph: '𝕏' },
  telegram: { color: '#229ed9', glyph: '✈' },
  whatsapp: { color: '#25d366', glyph: 'W' },
  voice: { color: '#c2410c', glyph: '☎' },
};

export function ChannelIcon({ type, name }: { type: string; name: string }) {
  const mark = marks[type] ?? { color: '#5b6473', glyph: '•' };
  return (
    <span className="channel-icon" role="img" aria-label={name} title={name} data-channel-type={type} style={{ background: mark.color }}>
      {mark.glyph}
    </span>
  );
}
