import type { Transaction } from 'kysely';
import type { Conversation, Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import type { InboundBatch } from './batch.js';

/**
 * One step of the inbound pipeline: a small unit that reads what the steps before it left on the
 * batch and adds its own part, in the batch's transaction.
 */
export interface InboundStep {
  /** Stable, unique; other steps are placed before or after it by this name. */
  name: string;
  run(batch: InboundBatch): Promise<void>;
}

/**
 * A module's say in threading: a message with no open conversation may belong to another one (a
 * reply that rates the survey of a resolved conversation is stored there, which stays resolved).
 * Asked by the thread step, in registration order, before it reopens or starts a conversation.
 */
export interface ThreadClaim {
  name: string;
  /** Whether the message may be claimed, from the message alone (no query): cheap, asked often. */
  mayClaim(envelope: InboundEnvelope, channelType: string): boolean;
  /** The conversation the message belongs to, locked for this transaction, or nothing. */
  claim(trx: Transaction<Database>, envelope: InboundEnvelope, contactId: string): Promise<Conversation | undefined>;
}

/** Where a module's step goes: before or after a step already in the pipeline. */
export type StepPlace = { after: string } | { before: string };

/** What a feature adds to the inbound pipeline. */
export interface InboundFeature {
  name: string;
  steps?: readonly { step: InboundStep; place: StepPlace }[];
  threadClaims?: readonly ThreadClaim[];
}

/**
 * The inbound pipeline as a declared list of steps. The router's own steps are fixed; features
 * add theirs with `use` (a step placed before or after a named one) and `claimThreads`, never by
 * editing another step. `names()` is the order `run` follows.
 */
export class InboundPipeline {
  private readonly steps: InboundStep[];
  private readonly claims: ThreadClaim[] = [];

  constructor(steps: readonly InboundStep[]) {
    this.steps = [...steps];
    this.checkUnique();
  }

  /** Adds a step before or after a step already in the list. */
  use(step: InboundStep, place: StepPlace): this {
    const anchor = 'after' in place ? place.after : place.before;
    const at = this.steps.findIndex((s) => s.name === anchor);
    if (at < 0) throw new Error(`inbound pipeline: no step "${anchor}" to place "${step.name}" ${'after' in place ? 'after' : 'before'}`);
    this.steps.splice('after' in place ? at + 1 : at, 0, step);
    this.checkUnique();
    return this;
  }

  /** Registers a thread claim (see ThreadClaim). */
  claimThreads(claim: ThreadClaim): this {
    this.claims.push(claim);
    return this;
  }

  /** Adds a feature's steps and thread claims. */
  install(feature: InboundFeature): this {
    for (const { step, place } of feature.steps ?? []) this.use(step, place);
    for (const claim of feature.threadClaims ?? []) this.claimThreads(claim);
    return this;
  }

  names(): string[] {
    return this.steps.map((s) => s.name);
  }

  get threadClaims(): readonly ThreadClaim[] {
    return this.claims;
  }

  async run(batch: InboundBatch): Promise<void> {
    batch.threadClaims = this.claims;
    for (const step of this.steps) await step.run(batch);
  }

  private checkUnique(): void {
    const names = this.names();
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    if (twice) throw new Error(`inbound pipeline: step "${twice}" is in the list twice`);
  }
}
