import { lockCall, logCallEvent, updateCall } from './store.js';
import type { CallScope } from './scope.js';

type Ctx = CallScope;

/** A recording (of the talk, or a voicemail) is ready on the platform. */
export async function recordingReady(ctx: Ctx, providerCallId: string, reference: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, ctx.channel.id, providerCallId);
    if (!call || call.recording_ref === reference) return;
    await updateCall(trx, call, { recording_ref: reference });
    await logCallEvent(trx, call, 'recording', {});
  });
}

/**
 * A recording the platform made of a call is finished (Asterisk's RecordingFinished): the step
 * enters the call's history once, as Twilio's recording callback does.
 */
export async function recordingFinished(ctx: Ctx, reference: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('calls')
      .select('provider_call_id')
      .where('channel_id', '=', ctx.channel.id)
      .where('recording_ref', '=', reference)
      .executeTakeFirst();
    const call = found ? await lockCall(trx, ctx.channel.id, found.provider_call_id) : undefined;
    if (!call || call.recording_ref !== reference) return;
    const logged = await trx.selectFrom('call_events').select('id').where('call_id', '=', call.id).where('kind', '=', 'recording').executeTakeFirst();
    if (!logged) await logCallEvent(trx, call, 'recording', {});
  });
}

/** The platform records the call as `reference` (Asterisk: a talk's bridge, or a voicemail): the recording is the call's. */
export async function recordingStarted(ctx: Ctx, providerCallId: string, reference: string): Promise<void> {
  await ctx.db
    .updateTable('calls')
    .set({ recording_ref: reference })
    .where('channel_id', '=', ctx.channel.id)
    .where('provider_call_id', '=', providerCallId)
    .execute();
}

/** The platform joined the call's sides in a bridge of its own (Asterisk), which goes when the caller does. */
export async function bridgeOpened(ctx: Ctx, providerCallId: string, bridgeId: string): Promise<void> {
  await ctx.db
    .updateTable('calls')
    .set({ bridge_id: bridgeId })
    .where('channel_id', '=', ctx.channel.id)
    .where('provider_call_id', '=', providerCallId)
    .execute();
}
