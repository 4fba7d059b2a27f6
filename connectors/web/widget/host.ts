/**
 * What the loader (widget.ts) hands the panel (panel.ts) when the visitor opens the chat, and what
 * the panel answers. The two are separate scripts: the panel is fetched on open.
 */
import type { ChatMessage, WidgetApi, WidgetSettings } from './api.js';
import type { Locale, Translate } from './i18n.js';

/** What the browser keeps between visits (localStorage). */
export interface Saved {
  token?: string;
  cursor?: string;
  profiled?: boolean;
  /** The panel was open when the visitor left the page: it opens again on the next one. */
  open?: boolean;
  unread?: number;
  sound?: boolean;
}

export interface Identity {
  userId: string;
  hash: string;
  email?: string;
  name?: string;
}

export interface PanelHost {
  root: ShadowRoot;
  api: WidgetApi;
  origin: string;
  settings: WidgetSettings;
  locale: Locale;
  t: Translate;
  saved: Saved;
  save(): void;
  identity: Identity | undefined;
  /** Closes the panel (the close button, Escape); focus goes back to the launcher. */
  close(): void;
  /** A reply arrived live: the loader counts it unread and sounds if the panel is not being read. */
  incoming(message: ChatMessage): void;
  /** The visitor asked for a person: the loader tells the page (the `switchboard:handoff` event). */
  handoff(): void;
}

export interface PanelHandle {
  open(): void;
  close(): void;
  talkToPerson(): Promise<void>;
  /** Stops the live feed and removes the panel (a language change draws it again). */
  destroy(): void;
}

export type MountPanel = (host: PanelHost) => PanelHandle;

/** The panel's script calls this, set by the loader, when it has run. */
export const PANEL_READY = '__switchboardPanelReady';
