import { z } from 'zod';
import { promptSchema, type Prompt } from '../core/domain/phone-prompts.js';
import { ValidationError } from '../core/errors.js';

/**
 * A phone menu (IVR) as data, written by admins in the console and walked by the call center for
 * every phone platform. A flow starts at a target; a menu plays a prompt and maps keys to targets.
 * Targets either lead to another menu or end the menu part of the call (a queue, an agent,
 * voicemail, hang up).
 */

const MENU_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export const targetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('menu'), menuId: z.string().regex(MENU_ID, 'menu ids are lower case letters, digits, _ and -') }),
  z.object({ type: z.literal('queue'), groupId: z.uuid(), priority: z.number().int().min(0).max(100).optional() }),
  z.object({ type: z.literal('agent'), agentId: z.uuid() }),
  z.object({ type: z.literal('voicemail'), prompt: promptSchema.optional() }),
  z.object({ type: z.literal('hangup'), prompt: promptSchema.optional() }),
]);
export type Target = z.infer<typeof targetSchema>;

export const DTMF_KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'] as const;
export type DtmfKey = (typeof DTMF_KEYS)[number];

export const menuSchema = z.object({
  id: z.string().regex(MENU_ID, 'menu ids are lower case letters, digits, _ and -'),
  prompt: promptSchema,
  options: z.partialRecord(z.enum(DTMF_KEYS), targetSchema),
  /** How long to wait for a key after the prompt. */
  timeoutSeconds: z.number().int().min(1).max(60).default(5),
  /** How many times a caller who pressed nothing or a wrong key hears the menu again. */
  maxRetries: z.number().int().min(0).max(5).default(2),
  invalidPrompt: promptSchema.optional(),
  /** Where a caller who pressed nothing goes at once; unset: the menu repeats. */
  onTimeout: targetSchema.optional(),
  /** Where a caller goes when the retries are used up; unset: hang up. */
  onExhausted: targetSchema.optional(),
});
export type Menu = z.infer<typeof menuSchema>;

export const flowSchema = z.object({
  start: targetSchema,
  /** Outside the calendar's hours callers go to `closed` instead of `start`. */
  businessHours: z.object({ calendarId: z.uuid(), closed: targetSchema }).optional(),
  menus: z.array(menuSchema).max(200).default([]),
});
export type Flow = z.infer<typeof flowSchema>;
export type FlowInput = z.input<typeof flowSchema>;

/**
 * Parses a flow and checks it as a whole: menu ids are unique, every target names a menu that
 * exists, and from every menu a caller can reach, some key (or waiting) leads out of the menus —
 * a loop of menus with no way out is refused. Throws ValidationError naming the field.
 */
export function parseFlow(input: unknown): Flow {
  const parsed = flowSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      'invalid phone menu',
      parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
    );
  }
  const flow = parsed.data;
  const issues: { field: string; message: string }[] = [];
  const menus = new Map<string, Menu>();
  flow.menus.forEach((menu, index) => {
    if (menus.has(menu.id)) issues.push({ field: `menus.${index}.id`, message: `menu "${menu.id}" is defined twice` });
    menus.set(menu.id, menu);
  });
  const checkTarget = (target: Target | undefined, field: string) => {
    if (target?.type === 'menu' && !menus.has(target.menuId)) issues.push({ field, message: `no menu "${target.menuId}"` });
  };
  checkTarget(flow.start, 'start');
  checkTarget(flow.businessHours?.closed, 'businessHours.closed');
  flow.menus.forEach((menu, index) => {
    if (Object.keys(menu.options).length === 0) issues.push({ field: `menus.${index}.options`, message: 'a menu needs at least one key' });
    for (const [key, target] of Object.entries(menu.options)) checkTarget(target, `menus.${index}.options.${key}`);
    checkTarget(menu.onTimeout, `menus.${index}.onTimeout`);
    checkTarget(menu.onExhausted, `menus.${index}.onExhausted`);
  });
  if (issues.length) throw new ValidationError('invalid phone menu', issues);

  // A menu has a way out when a key or its timeout leads out of the menus, or to a menu that has
  // one. Running out of retries does not count: a caller should not have to fail to leave.
  const exits = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const menu of menus.values()) {
      if (exits.has(menu.id)) continue;
      const ways = [...Object.values(menu.options), menu.onTimeout].filter((t): t is Target => t !== undefined);
      if (ways.some((t) => t.type !== 'menu' || exits.has(t.menuId))) {
        exits.add(menu.id);
        changed = true;
      }
    }
  }
  for (const menuId of reachableMenus(flow, menus)) {
    if (!exits.has(menuId)) {
      const index = flow.menus.findIndex((m) => m.id === menuId);
      issues.push({ field: `menus.${index}.options`, message: `menu "${menuId}" only leads to menus: a caller can never leave it` });
    }
  }
  if (issues.length) throw new ValidationError('invalid phone menu', issues);
  return flow;
}

function reachableMenus(flow: Flow, menus: Map<string, Menu>): Set<string> {
  const seen = new Set<string>();
  const visit = (target: Target | undefined) => {
    if (target?.type !== 'menu' || seen.has(target.menuId)) return;
    seen.add(target.menuId);
    const menu = menus.get(target.menuId)!;
    for (const next of [...Object.values(menu.options), menu.onTimeout, menu.onExhausted]) visit(next);
  };
  visit(flow.start);
  visit(flow.businessHours?.closed);
  return seen;
}

/** Where a caller is in a flow. */
export interface MenuPosition {
  menuId: string;
  retries: number;
}

/** What happens next: the caller hears a menu (again), or leaves the menus for a target. */
export type IvrStep =
  | { kind: 'menu'; menu: Menu; position: MenuPosition; notice?: Prompt }
  | { kind: 'exit'; target: Exclude<Target, { type: 'menu' }>; via: string };

function follow(flow: Flow, target: Target, via: string): IvrStep {
  if (target.type !== 'menu') return { kind: 'exit', target, via };
  const menu = flow.menus.find((m) => m.id === target.menuId);
  // parseFlow guarantees it; a flow edited under a live call ends the call cleanly.
  if (!menu) return { kind: 'exit', target: { type: 'hangup' }, via: `missing menu ${target.menuId}` };
  return { kind: 'menu', menu, position: { menuId: menu.id, retries: 0 } };
}

/** The first step of a call; `open` is whether the business-hours calendar is open now. */
export function enterFlow(flow: Flow, open: boolean | undefined): IvrStep {
  if (flow.businessHours && open === false) return follow(flow, flow.businessHours.closed, 'closed');
  return follow(flow, flow.start, 'start');
}

/** The caller pressed `key`, or nothing (`null`) before the menu's timeout. */
export function pressKey(flow: Flow, position: MenuPosition, key: string | null): IvrStep {
  const menu = flow.menus.find((m) => m.id === position.menuId);
  if (!menu) return { kind: 'exit', target: { type: 'hangup' }, via: `missing menu ${position.menuId}` };
  if (key !== null) {
    const target = menu.options[key as DtmfKey];
    if (target) return follow(flow, target, `key ${key}`);
  } else if (menu.onTimeout) {
    return follow(flow, menu.onTimeout, 'timeout');
  }
  if (position.retries >= menu.maxRetries) return follow(flow, menu.onExhausted ?? { type: 'hangup' }, key === null ? 'no key' : 'invalid keys');
  return {
    kind: 'menu',
    menu,
    position: { menuId: menu.id, retries: position.retries + 1 },
    ...(key !== null && menu.invalidPrompt ? { notice: menu.invalidPrompt } : {}),
  };
}
