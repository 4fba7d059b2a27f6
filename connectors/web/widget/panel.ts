// The web chat's panel, fetched by the loader (widget.ts) when the visitor opens the chat: the
// conversation, the pre-chat and leave-a-message forms, the composer and the rating card.
import { PANEL_READY } from './host.js';
import { mountPanel } from './panel/mount.js';

const ready = (window as unknown as Record<string, unknown>)[PANEL_READY];
if (typeof ready === 'function') ready(mountPanel);
