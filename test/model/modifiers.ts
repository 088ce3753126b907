import type { TrackerSpec } from './declared';
import type { Modifier } from './model';
import type { ResourceRequestHooks } from './tracker-stack';
import { deliverTwiceOverlapping } from './upcoming-api';
import type { World } from './world';

/** A modifier switched on for one resource's requests in one stack operation. */
export interface AppliedModifier {
  readonly hooks: ResourceRequestHooks;
  /** Switches it off after the operation. */
  cleanup(): void;
  /** foreign-takes-old-slot: whether the foreign tracker could be created (the old slot was free). */
  foreignTookOldSlot(): boolean;
}

/**
 * Sets the modifier up. `newName` is the name of the tracker the operation creates (if any),
 * `old` the resource's spec before an update.
 */
export function applyModifier(world: World, modifier: Modifier, context: { newName?: string; old?: TrackerSpec }): AppliedModifier {
  let took = false;
  const applied = (hooks: ResourceRequestHooks, cleanup = () => {}): AppliedModifier => ({ hooks, cleanup, foreignTookOldSlot: () => took });
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
            took = world.createForeign(where, 0) !== undefined;
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
    case 'duplicate':
      world.stats.fault('overlapping duplicate delivery');
      return applied({
        intercept: (request, index, send) => (index === 0
          ? deliverTwiceOverlapping(send, request, modifier.gapMs ?? 0, world.background)
          : send(request)),
      });
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
  }
}
