import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { TrackerSpec } from './declared';
import type { Model, Modifier, StaleDelivery } from './model';
import type { ResourceRequestHooks, ResourceSlot } from './tracker-stack';
import type { World } from './world';
import type { InvocationEntry } from '../driver';

/** A modifier switched on for one resource's requests in one stack operation. */
export interface AppliedModifier {
  readonly hooks: ResourceRequestHooks;
  /** Switches it off after the operation, and hands over what it leaves for later (redeliveries, stragglers). */
  cleanup(): void;
  /** foreign-takes-old-slot: whether the foreign tracker could be created (the old slot was free). */
  foreignTookOldSlot(): boolean;
  /** function-timeout: whether Lambda ended an isComplete invocation at its timeout (rather than the handler stopping by itself). */
  functionTimedOut(): boolean;
}

const FOREIGN_TAGS = [{ tagKey: 'owner', tagValue: 'someone-else' }];

/**
 * Sets the modifier up. `newName` is the name of the tracker the operation creates (if any),
 * `old` the resource's spec before an update. Deliveries that may run a waiter of their own after
 * their request was answered are recorded in `model.stale` until the world settles (aws-cdk-lib
 * after 2.232.x runs a waiter per delivery; up to 2.232.x a delivery joins the one named after the RequestId).
 */
export function applyModifier(
  world: World,
  model: Model,
  modifier: Modifier,
  context: { newName?: string; old?: TrackerSpec },
): AppliedModifier {
  let took = false;
  const seen: Array<{ request: CloudFormationCustomResourceEvent; slot: ResourceSlot }> = [];
  const capture = (request: CloudFormationCustomResourceEvent, slot: ResourceSlot) => seen.push({ request, slot });
  const stale = (entry: StaleDelivery) => {
    if (model.waiterPerDelivery) model.stale.push(entry);
  };
  const applied = (hooks: ResourceRequestHooks, cleanup = () => {}, timedOut = () => false): AppliedModifier =>
    ({ hooks, cleanup, foreignTookOldSlot: () => took, functionTimedOut: timedOut });
  switch (modifier.kind) {
    case 'none':
      return applied({});
    case 'fail-stack-after':
      world.stats.fault('later resource fails (rollback of a successful operation)');
      return applied({ failStackAfter: true });
    case 'foreign-takes-old-slot': {
      world.stats.fault('later resource fails, a foreign tracker appears before the rollback');
      let firstSucceeded = false;
      return applied({
        failStackAfter: true,
        intercept: async (request, index, send) => {
          if (index === 1 && firstSucceeded && context.old) {
            const where = modifier.take === 'name' ? { name: context.old.name } : { group: context.old.group };
            took = world.createForeign(where, 0, FOREIGN_TAGS) !== undefined;
          }
          const sent = await send(request);
          if (index === 0) firstSucceeded = sent.response.Status === 'SUCCESS';
          return sent;
        },
      });
    }
    case 'create-fails': {
      // Only the operation's own request (the Create or Update) may meet it, not the rollback after it.
      const name = context.newName!;
      const off = () => world.emulator.injectCreateFailure(name, 0);
      world.stats.fault('new tracker ends CREATE FAILED');
      world.emulator.injectCreateFailure(name, 1);
      return applied({
        intercept: async (request, index, send) => {
          if (index !== 0) return send(request);
          try {
            return await send(request);
          } finally {
            off();
          }
        },
      }, off);
    }
    case 'duplicate': {
      world.stats.fault(`overlapping duplicate delivery${modifier.spill ? ' (not awaited before the next step)' : ''}`);
      let owner: string | undefined;
      let type: StaleDelivery['type'] | undefined;
      return applied({
        delivery: { duplicateDeliveryAfterMs: modifier.gapMs ?? 0, awaitStragglers: !modifier.spill },
        intercept: (request, index, send, slot) => {
          if (index === 0) {
            owner = slot.owner;
            type = request.RequestType;
          }
          return send(request);
        },
      }, () => {
        if (!modifier.spill) return;
        // Not awaited: the other delivery may still act during the next steps.
        world.spilled = true;
        if (owner && type) stale({ owner, type });
      });
    }
    case 'lost-response':
      world.stats.fault(`lost ${modifier.operation} response (applied, then 503)`, modifier.count);
      world.addBursts([{ operation: modifier.operation!, count: modifier.count ?? 1, afterApply: true }]);
      return applied({}, () => world.resetFaults());
    case 'provider-timeout':
      world.stats.fault('Provider total timeout window (clock stands still)');
      return applied({
        intercept: async (request, index, send) => {
          if (index !== 0) return send(request);
          world.clock.freeze();
          try {
            return await send(request);
          } finally {
            world.clock.unfreeze();
          }
        },
      });
    case 'redeliver':
      return redeliver(world, modifier, seen, capture, stale);
    case 'function-timeout': {
      world.stats.fault('a Personalize read hangs past the isComplete Lambda timeout');
      const invocations: InvocationEntry[] = [];
      let release: (() => void) | undefined;
      let releaseTimer: NodeJS.Timeout | undefined;
      return applied({
        intercept: async (request, index, send, slot) => {
          if (index !== 0) return send(request);
          // The next DescribeEventTracker (every request type reads a tracker early) is held until the
          // isComplete invocation that made it has passed its Lambda timeout; reads change nothing, so
          // letting it go afterwards has no effect of its own.
          const hold = world.emulator.holdCall('DescribeEventTracker');
          release = () => hold.release();
          const holdMs = slot.driver.provider.functions.isComplete!.timeoutMs + 500;
          void hold.reached.then(() => { releaseTimer = setTimeout(() => hold.release(), holdMs); });
          const sent = await send(request);
          invocations.push(...sent.invocations);
          return sent;
        },
      }, () => {
        // A hold never reached lets go at once (the request read nothing).
        if (releaseTimer === undefined) release?.();
      }, () => {
        const timedOut = invocations.some((invocation) => invocation.handler === 'isComplete' && invocation.timedOut);
        world.stats.count(timedOut ? 'function-timeout: Lambda ended the isComplete invocation' : 'function-timeout: the invocation ended before its Lambda timeout');
        return timedOut;
      });
    }
  }
}

/** Lambda's at-least-once delivery of the asynchronous invocation: the same request again, at a time chosen by the modifier. */
function redeliver(
  world: World,
  modifier: Modifier,
  seen: Array<{ request: CloudFormationCustomResourceEvent; slot: ResourceSlot }>,
  capture: (request: CloudFormationCustomResourceEvent, slot: ResourceSlot) => void,
  stale: (entry: StaleDelivery) => void,
): AppliedModifier {
  const when = modifier.when!;
  const gapMs = modifier.gapMs ?? 0;
  world.stats.fault(`redelivery ${when}${modifier.spill ? ' (not awaited before the next step)' : ''}`);
  const own = when === 'during' || when === 'after-answer';
  const hooks: ResourceRequestHooks = {
    delivery: { awaitStragglers: !modifier.spill },
    intercept: async (request, index, send, slot) => {
      capture(request, slot);
      if (index !== 0 || !own) return send(request);
      if (when === 'during') {
        void slot.driver.redeliver(request, gapMs).catch(() => undefined);
        return send(request);
      }
      const sent = await send(request);
      void slot.driver.redeliver(request, gapMs).catch(() => undefined);
      return sent;
    },
  };
  const cleanup = () => {
    if (seen.length === 0) return;
    if (modifier.spill) {
      // Not awaited: the other delivery may still act during the next steps.
      world.spilled = true;
      if (own) stale({ owner: seen[0].slot.owner, type: seen[0].request.RequestType });
    }
    if (own) return;
    // Which of the resource's requests in the operation: its own, the rollback's, the cleanup's.
    const { request, slot } = seen[(modifier.request ?? 0) % seen.length];
    if (when === 'idle') {
      void slot.driver.redeliver(request, gapMs).catch(() => undefined);
      return;
    }
    // The next operation delivers it (and tells the model, for the residual).
    world.pending.push({ slot, request, at: when, afterMs: gapMs });
  };
  return { hooks, cleanup, foreignTookOldSlot: () => false, functionTimedOut: () => false };
}
