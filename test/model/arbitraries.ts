import * as fc from 'fast-check';
import { SLOW_MODIFIERS, SpecChoice } from './command';
import { LOGICAL_IDS, REMOVAL_CHOICES, TAG_KEYS, TAG_VALUES } from './declared';
import type { Model, Modifier, ModifierKind, RedeliveryTime } from './model';
import { DeleteOutOfBand, ForeignTracker, TimePasses } from './outside-commands';
import { AddTracker, ChangeSet, CreateStack, DeleteStack, RemoveTracker, UpdateTracker } from './stack-commands';
import { HistoryConfig, NO_FAULTS } from './world';

export interface HistoryOptions {
  /** The Provider's total timeout and a hung read each cost 12 s of wall time: the short version leaves them out. */
  readonly withTimeouts: boolean;
  /** Modifier kinds (or redelivery times, as redeliver:<time>) never drawn (MODEL_EXCLUDE), to look past a known violation. */
  readonly exclude: readonly string[];
}

const tags = fc.dictionary(fc.constantFrom(...TAG_KEYS), fc.constantFrom(...TAG_VALUES), { maxKeys: TAG_KEYS.length, noNullPrototype: true });

/** A tracker of its own, or (one time in four) a take-over of a tracker made outside the stack. */
const specChoice: fc.Arbitrary<SpecChoice> = fc.record({
  name: fc.nat(20),
  group: fc.nat(20),
  tags,
  policy: fc.constantFrom(...REMOVAL_CHOICES),
  takeOver: fc.option(fc.nat(5), { freq: 3, nil: undefined }),
  wrongName: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const NONE: Modifier = { kind: 'none' };

const REDELIVERY_TIMES: readonly RedeliveryTime[] = ['during', 'after-answer', 'idle', 'next-op', 'after-next-op'];

function redelivery(exclude: ReadonlySet<string>): fc.Arbitrary<Modifier> {
  const times = REDELIVERY_TIMES.filter((time) => !exclude.has(`redeliver:${time}`));
  if (times.length === 0) return fc.constant(NONE);
  return fc.record({
    when: fc.constantFrom(...times),
    request: fc.nat(2),
    gapMs: fc.constantFrom(0, 20, 80, 250),
    spill: fc.boolean(),
  }).map((r): Modifier => ({ kind: 'redeliver', ...r, spill: (r.when === 'during' || r.when === 'after-answer') && r.spill }));
}

/** What may happen around one stack operation besides the operation itself, by kind and weight. */
function modifiers(exclude: ReadonlySet<string>): ReadonlyArray<{ kind: ModifierKind; weight: number; arbitrary: fc.Arbitrary<Modifier> }> {
  return [
    { kind: 'fail-stack-after', weight: 3, arbitrary: fc.constant({ kind: 'fail-stack-after' }) },
    {
      kind: 'foreign-takes-old-slot',
      weight: 1,
      arbitrary: fc.constantFrom<'name' | 'group'>('name', 'group').map((take): Modifier => ({ kind: 'foreign-takes-old-slot', take })),
    },
    { kind: 'create-fails', weight: 2, arbitrary: fc.constant({ kind: 'create-fails' }) },
    {
      kind: 'duplicate',
      weight: 2,
      arbitrary: fc.record({ gapMs: fc.constantFrom(0, 10, 40, 150, 400), spill: fc.boolean() }).map((d): Modifier => ({ kind: 'duplicate', ...d })),
    },
    {
      kind: 'lost-response',
      weight: 2,
      arbitrary: fc.record({
        operation: fc.constantFrom('CreateEventTracker', 'DeleteEventTracker', 'TagResource', 'UntagResource') as fc.Arbitrary<Modifier['operation']>,
        count: fc.integer({ min: 1, max: 2 }),
      }).map((lost): Modifier => ({ kind: 'lost-response', ...lost })),
    },
    { kind: 'provider-timeout', weight: 1, arbitrary: fc.constant({ kind: 'provider-timeout' }) },
    { kind: 'redeliver', weight: 4, arbitrary: redelivery(exclude) },
    { kind: 'function-timeout', weight: 1, arbitrary: fc.constant({ kind: 'function-timeout' }) },
  ];
}

/** Half the operations run plain; fc.option shrinks towards that, so a shrunk history keeps only the modifiers that matter. */
function modifier(options: HistoryOptions): fc.Arbitrary<Modifier> {
  const excluded = new Set<string>([...options.exclude, ...(options.withTimeouts ? [] : SLOW_MODIFIERS)]);
  const choices = modifiers(excluded).filter((choice) => !excluded.has(choice.kind));
  return choices.length === 0 ? fc.constant(NONE) : fc.option(fc.oneof(...choices), { freq: 2, nil: NONE });
}

function createStack(mod: fc.Arbitrary<Modifier>): fc.Arbitrary<CreateStack> {
  return fc.tuple(fc.array(specChoice, { minLength: 1, maxLength: LOGICAL_IDS.length }), mod, fc.nat(2))
    .map(([choices, m, target]) => new CreateStack(choices, m, target));
}

const foreignTracker = fc.tuple(fc.constantFrom<'group' | 'name' | 'both'>('group', 'name', 'both', 'both'), fc.nat(20), fc.boolean())
  .map(([where, index, longAgo]) => new ForeignTracker(where, index, longAgo));

/** Any of name, dataset group, tags and removal policy at once (at least one), and the take-over kept, dropped or (rarely) added. */
const changeSet: fc.Arbitrary<ChangeSet> = fc.record({
  name: fc.boolean(),
  group: fc.boolean(),
  tags: fc.boolean(),
  policy: fc.boolean(),
  takeOver: fc.oneof(
    { weight: 6, arbitrary: fc.constant<'keep'>('keep') },
    { weight: 3, arbitrary: fc.constant<'drop'>('drop') },
    { weight: 1, arbitrary: fc.constant<'add'>('add') },
  ),
}).filter((c) => c.name || c.group || c.tags || c.policy || c.takeOver !== 'keep');

/**
 * How every history begins: maybe trackers made outside the stack, then the stack is created. Drawn
 * apart from the commands so that no history spends its steps waiting for a stack to exist.
 */
export function historyStart(options: HistoryOptions): fc.Arbitrary<Array<fc.AsyncCommand<Model, any>>> {
  // A first create that fails on purpose would leave the rest of the history nothing to update: the
  // failures of a create come later (a create after a delete, a tracker added to the stack).
  const firstCreate = modifier({ ...options, exclude: [...options.exclude, 'fail-stack-after', 'create-fails', 'provider-timeout', 'function-timeout'] });
  return fc.tuple(fc.array(foreignTracker, { maxLength: 2 }), createStack(firstCreate))
    .map(([foreign, create]) => [...foreign, create]);
}

/** The commands the rest of a history is made of, with their weights. */
export function commandArbitraries(options: HistoryOptions): Array<fc.Arbitrary<fc.AsyncCommand<Model, any>>> {
  const mod = modifier(options);
  return [
    fc.oneof(
      { weight: 3, arbitrary: createStack(mod) },
      { weight: 3, arbitrary: fc.tuple(specChoice, mod).map(([choice, m]) => new AddTracker(choice, m)) },
      {
        weight: 12,
        arbitrary: fc.tuple(changeSet, fc.nat(2), specChoice, mod)
          .map(([changes, resource, choice, m]) => new UpdateTracker(changes, resource, choice, m)),
      },
      { weight: 1, arbitrary: fc.tuple(fc.nat(2), mod).map(([resource, m]) => new RemoveTracker(resource, m)) },
      { weight: 2, arbitrary: mod.map((m) => new DeleteStack(m)) },
      { weight: 1, arbitrary: foreignTracker },
      { weight: 1, arbitrary: fc.nat(2).map((resource) => new DeleteOutOfBand(resource)) },
      { weight: 1, arbitrary: fc.constantFrom(3, 30 * 24).map((hours) => new TimePasses(hours)) },
    ),
  ];
}

/**
 * Faults for a whole history. Rates stay low enough that eight attempts of one call (the handler's
 * SDK retries) all failing is rarer than once in a million calls: a history must not fail for that.
 */
export const historyConfig: fc.Arbitrary<HistoryConfig> = fc.record({
  emulatorSeed: fc.integer({ min: 1, max: 0x7fffffff }),
  // One history in four may spend 12 s on a Provider timeout or a hung read (once at most).
  slowSteps: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
  faults: fc.oneof(
    { weight: 2, arbitrary: fc.constant(NO_FAULTS) },
    {
      weight: 3,
      arbitrary: fc.record({
        throttleRate: fc.constantFrom(0, 0.05, 0.15),
        serverErrorRate: fc.constantFrom(0, 0.05),
        latencyMs: fc.constantFrom(0, 5, 15),
        readAfterWriteLagMs: fc.constantFrom(0, 30, 120),
      }),
    },
  ),
});
