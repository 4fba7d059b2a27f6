/** The widget's styles, inside its shadow root so the host page and the widget never touch. */

/** Relative luminance of `#rrggbb` (WCAG 2.2). */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** White on the company's colour where it is readable (4.5:1), else near-black: a pale brand colour stays legible. */
export function textOn(color: string): string {
  return 1.05 / (luminance(color) + 0.05) >= 4.5 ? '#ffffff' : '#111111';
}

/** The launcher, its unread badge and the proactive greeting: in the loader, on every page. */
export const launcherStyles = (color: string) => `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Microsoft YaHei", sans-serif; }
.launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%; border: 0;
  background: ${color}; color: ${textOn(color)}; cursor: pointer; display: flex; align-items: center; justify-content: center; box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 2147483000; }
.launcher:focus-visible, button:focus-visible, a:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible, .log:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.badge { position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px; background: #b91c1c; color: #fff;
  font-size: 12px; font-weight: 700; line-height: 22px; text-align: center; }
.badge[hidden] { display: none; }
.nudge { position: fixed; right: 20px; bottom: 88px; max-width: 280px; background: #fff; color: #111; border: 1px solid #d1d5db; border-radius: 12px;
  box-shadow: 0 6px 20px rgba(0,0,0,.18); padding: 12px 36px 12px 14px; z-index: 2147483000; font-size: 15px; line-height: 1.4; animation: rise .2s ease-out; }
.nudge .open-chat { all: unset; cursor: pointer; color: #111; display: block; }
.nudge .dismiss { position: absolute; top: 4px; right: 4px; width: 28px; height: 28px; border: 0; background: none; color: #374151; font-size: 18px; cursor: pointer; border-radius: 6px; }
@keyframes rise { from { transform: translateY(8px); opacity: 0; } to { transform: none; opacity: 1; } }
@media (prefers-reduced-motion: reduce) { *, *::before, *::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; } }
`;

/** The open chat: in the panel's script, loaded on open. */
export const panelStyles = (color: string) => {
  const ink = textOn(color);
  return `
.panel { position: fixed; right: 20px; bottom: 88px; width: 370px; height: 560px; max-height: calc(100vh - 110px); background: #fff; color: #111;
  border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); display: none; flex-direction: column; overflow: hidden; z-index: 2147483001; }
.panel.open { display: flex; animation: rise .18s ease-out; }
header { background: ${color}; color: ${ink}; padding: 10px 8px 10px 16px; display: flex; align-items: center; gap: 4px; }
header h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 600; }
header button { background: none; border: 0; color: ${ink}; cursor: pointer; width: 40px; height: 40px; border-radius: 8px; font-size: 22px; display: flex; align-items: center; justify-content: center; }
header button[aria-pressed="false"] svg { opacity: .75; }
header button:focus-visible { outline-color: ${ink}; }
.log { flex: 1; overflow-y: auto; padding: 12px; background: #f6f7f9; }
.msg { width: fit-content; max-width: 80%; margin: 6px 0; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; font-size: 15px; line-height: 1.45; }
.msg.in { margin-left: auto; background: ${color}; color: ${ink}; border-bottom-right-radius: 4px; }
.msg.out { margin-right: auto; background: #fff; color: #111; border: 1px solid #d1d5db; border-bottom-left-radius: 4px; }
.msg img { max-width: 100%; border-radius: 8px; display: block; }
.msg a { color: inherit; }
.who { display: block; font-size: 12px; color: #4b5563; margin-bottom: 2px; }
.msg.out.bot { background: #eef2ff; border-color: #a5b4fc; }
.msg.bot .who { color: #3730a3; }
.sources { margin-top: 6px; padding-top: 6px; border-top: 1px solid #c7d2fe; display: flex; flex-direction: column; gap: 2px; font-size: 13px; }
.sources-title { font-size: 12px; color: #4b5563; }
.sources a { color: #3730a3; }
.suggestions { padding: 6px 8px 0; display: flex; flex-direction: column; gap: 2px; font-size: 13px; border-top: 1px solid #e5e7eb; }
.suggestions[hidden] { display: none; }
.suggestions-title { font-size: 12px; color: #4b5563; }
.suggestions a { color: #3730a3; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.receipt { text-align: right; font-size: 12px; color: #4b5563; margin: -2px 2px 6px; }
.status { font-size: 13px; color: #4b5563; padding: 4px 12px; min-height: 22px; }
.person { align-self: flex-start; margin: 0 12px 6px; background: none; border: 1px solid #9ca3af; color: #111; border-radius: 16px; padding: 4px 12px; font-size: 13px; cursor: pointer; min-height: 32px; }
form.compose { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #e5e7eb; align-items: flex-end; }
.tools { display: flex; gap: 6px; }
textarea, input, select { font-size: 16px; color: #111; background: #fff; }
.compose textarea { flex: 1; resize: none; border: 1px solid #6b7280; border-radius: 8px; padding: 8px; height: 44px; line-height: 1.5; }
.btn { background: ${color}; color: ${ink}; border: 0; border-radius: 8px; padding: 0 14px; min-width: 44px; height: 44px; cursor: pointer; font-size: 15px; }
.btn.secondary { background: #eef0f3; color: #111; }
.form { padding: 16px; display: flex; flex-direction: column; gap: 12px; overflow-y: auto; flex: 1; }
.form p { margin: 0; font-size: 15px; line-height: 1.45; }
.form label { font-size: 14px; color: #374151; display: flex; flex-direction: column; gap: 4px; }
.form input, .form textarea, .form select { border: 1px solid #6b7280; border-radius: 8px; padding: 9px; min-height: 44px; }
.form .actions { display: flex; gap: 8px; }
.error { color: #b91c1c; font-size: 14px; }
.error:empty { display: none; }
.survey { display: flex; flex-direction: column; gap: 6px; }
.survey .stars { display: flex; gap: 2px; }
.survey .star { background: none; border: 0; font-size: 26px; color: #9ca3af; cursor: pointer; padding: 0 2px; min-width: 36px; min-height: 36px; }
.survey .star[aria-pressed="true"] { color: #b45309; }
.survey form { display: flex; flex-direction: column; gap: 6px; }
.survey form[hidden] { display: none; }
.survey label { display: flex; flex-direction: column; gap: 4px; font-size: 14px; }
.survey textarea { border: 1px solid #6b7280; border-radius: 8px; padding: 8px; min-height: 60px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
@media (max-width: 480px) { .panel { right: 0; bottom: 0; width: 100vw; height: 100%; max-height: 100%; border-radius: 0; } }
`;
};
