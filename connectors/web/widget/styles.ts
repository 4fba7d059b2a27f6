/** The widget's styles, inside its shadow root so the host page and the widget never touch. */
export const styles = (color: string) => `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Microsoft YaHei", sans-serif; }
.launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%; border: 0;
  background: ${color}; color: #fff; font-size: 26px; cursor: pointer; display: flex; align-items: center; justify-content: center; box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 2147483000; }
.panel { position: fixed; right: 20px; bottom: 88px; width: 360px; height: 540px; max-height: calc(100vh - 110px); background: #fff;
  border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); display: none; flex-direction: column; overflow: hidden; z-index: 2147483000; }
.panel.open { display: flex; }
header { background: ${color}; color: #fff; padding: 14px 16px; font-size: 16px; font-weight: 600; display: flex; justify-content: space-between; }
header button { background: none; border: 0; color: #fff; font-size: 20px; cursor: pointer; }
.log { flex: 1; overflow-y: auto; padding: 12px; background: #f6f7f9; }
.msg { max-width: 80%; margin: 6px 0; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; font-size: 14px; line-height: 1.4; }
.msg.in { margin-left: auto; background: ${color}; color: #fff; border-bottom-right-radius: 4px; }
.msg.out { margin-right: auto; background: #fff; color: #111; border: 1px solid #e3e5e8; border-bottom-left-radius: 4px; }
.msg.pending { opacity: .6; }
.msg img { max-width: 100%; border-radius: 8px; display: block; }
.msg a { color: inherit; }
.meta { font-size: 11px; color: #6b7280; margin: 2px 4px; }
.status { font-size: 12px; color: #6b7280; padding: 4px 12px; min-height: 20px; }
form.compose { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #e3e5e8; align-items: flex-end; }
textarea { flex: 1; resize: none; border: 1px solid #d1d5db; border-radius: 8px; padding: 8px; font-size: 14px; height: 40px; }
.btn { background: ${color}; color: #fff; border: 0; border-radius: 8px; padding: 0 12px; height: 40px; cursor: pointer; font-size: 14px; }
.attach { background: #eef0f3; color: #111; }
.form { padding: 16px; display: flex; flex-direction: column; gap: 10px; overflow-y: auto; }
.form label { font-size: 13px; color: #374151; display: flex; flex-direction: column; gap: 4px; }
.form input, .form textarea { border: 1px solid #d1d5db; border-radius: 8px; padding: 8px; font-size: 14px; height: auto; }
.error { color: #b91c1c; font-size: 12px; }
.survey .stars { display: flex; gap: 4px; margin-top: 6px; }
.survey .star { background: none; border: 0; font-size: 22px; color: #f59e0b; cursor: pointer; padding: 0 2px; }
@media (max-width: 480px) { .panel { right: 0; bottom: 0; width: 100vw; height: 100%; max-height: 100%; border-radius: 0; } }
`;
