import { SmallWorld, WorldTracker } from './small-world';
import { Change, decide, Look } from '../../lambda/event-tracker/decide';
import { Observation, Tracker } from '../../lambda/event-tracker/observation';
import { known, withTracker } from '../../lambda/event-tracker/observe';
import { claimOf, Flag, originOf, Owner, proofValue } from '../../lambda/event-tracker/proof';
import type { Declared, Lenient, Removal, Request } from '../../lambda/event-tracker/request';
import { isAwaited } from '../../lambda/event-tracker/stack-phase';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';

/**
 * The exhaustive check of the decision function: every request type and property change, over every
 * observation of up to three trackers (the physical id's, the dataset group's, the name's; this
 * resource's proof with each flag, with the origin of the update a rollback undoes or of an earlier
 * request, another resource's, released, none; every status), each run to
 * its end against Personalize's rules (small-world.ts). After each run: the invariants below.
 */

const THIS: Owner = { stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Shop/11111111-1111-1111-1111-111111111111', logicalResourceId: 'Clicks' };
const OTHER: Owner = { stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/22222222-2222-2222-2222-222222222222', logicalResourceId: 'Clicks' };
const group = (name: string) => `arn:aws:personalize:us-east-1:123456789012:dataset-group/${name}`;
const arnOf = (id: string) => `arn:aws:personalize:us-east-1:123456789012:event-tracker/${id}`;
const WANT = { name: 'n1', datasetGroupArn: group('g1') };
const OLD_TAGS = [['team', 'old'], ['dropped', 'y']] as const;
const OUT_OF_BAND = ['extra', 'oob'] as const;
const WANT_TAGS = new Map([['team', 'new']]);

// this+u: made by the request whose properties before and after are the request's after and before
// (in a rollback, by the update it undoes); this+x: made by an earlier request (a Create). Plain
// `this` is a tracker made before trackers carried their origin.
type ClaimKind = 'this' | 'this+u' | 'this+x' | 'this-t' | 'this-a' | 'this-k' | 'this-d' | 'this-r' | 'other' | 'other-r' | 'nobody';
const PHYSICAL_CLAIMS: readonly ClaimKind[] = ['this', 'this+u', 'this+x', 'this-t', 'this-a', 'this-k', 'this-d', 'this-r', 'other', 'other-r', 'nobody'];
const OTHER_CLAIMS: readonly ClaimKind[] = ['this', 'this-r', 'other', 'nobody'];
const STATUSES = ['ACTIVE', 'CREATE PENDING', 'CREATE FAILED', 'DELETE PENDING'] as const;
const REMOVALS: readonly Removal[] = [
  { policy: 'destroy', explicit: false }, { policy: 'destroy', explicit: true },
  { policy: 'retain', explicit: true }, { policy: 'retain-except-on-create', explicit: true },
];

interface Spec {
  readonly arn: string;
  readonly name: string;
  readonly group: string;
  readonly status: string;
  readonly claim: ClaimKind;
}

function tagsOf(claim: ClaimKind, request: Request): Map<string, string> {
  const tags = new Map<string, string>([...OLD_TAGS, OUT_OF_BAND]);
  const [who, flag] = claim.split('-');
  const owner = who.startsWith('this') ? THIS : who === 'other' ? OTHER : undefined;
  const origin = who === 'this+u' ? undoneOrigin(request) : who === 'this+x' ? originOf(undefined, { ...WANT, tags: WANT_TAGS, removal: REMOVALS[0] }) : undefined;
  if (owner) tags.set(OWNERSHIP_TAG_KEY, proofValue(owner, flag ? [flag as Flag] : [], origin));
  return tags;
}

/** The origin of a tracker made by the update a rollback with this request undoes. */
function undoneOrigin(request: Request): string {
  return originOf(request.declared, request.previous ?? { tags: new Map(), removal: REMOVALS[0] });
}

/** The trackers of a world: the physical id's (or none), the dataset group's occupant, the name's holder. */
function* worlds(withPhysical: boolean | 'anywhere', physicalClaims: readonly ClaimKind[]): Generator<Spec[]> {
  const physicals: Array<Spec | undefined> = [undefined];
  if (withPhysical) {
    // For a Delete, where the physical id's tracker is does not matter: only that it is there.
    const places = withPhysical === 'anywhere' ? [['n2', 'g2']] : [['n1', 'g1'], ['n2', 'g1'], ['n1', 'g2'], ['n2', 'g2']];
    for (const [name, g] of places) {
      for (const status of STATUSES) {
        for (const claim of physicalClaims) physicals.push({ arn: arnOf('p'), name, group: group(g), status, claim });
      }
    }
  }
  for (const physical of physicals) {
    const occupants: Array<Spec | undefined> = physical?.group === group('g1') ? [undefined] : [undefined, ...variants('o', ['n1', 'n3'].filter((n) => n !== physical?.name), 'g1')];
    for (const occupant of occupants) {
      const named = [physical, occupant].some((t) => t?.name === 'n1');
      for (const namesake of named ? [undefined] : [undefined, ...variants('s', ['n1'], 'g3')]) {
        yield [physical, occupant, namesake].filter((t): t is Spec => t !== undefined);
      }
    }
  }
}

/** The physical id's tracker where the template wants it (or none), and a tracker at the failed update's name and group (or none). */
function* leftBehindWorlds(): Generator<Spec[]> {
  const physicals: Array<Spec | undefined> = [undefined, ...STATUSES.flatMap((status) => PHYSICAL_CLAIMS.map((claim) => ({ arn: arnOf('p'), name: 'n1', group: group('g1'), status, claim })))];
  const left: Array<Spec | undefined> = [undefined, ...STATUSES.flatMap((status) => PHYSICAL_CLAIMS.map((claim) => ({ arn: arnOf('l'), name: 'n3', group: group('g3'), status, claim })))];
  for (const physical of physicals) for (const leftover of left) yield [physical, leftover].filter((t): t is Spec => t !== undefined);
}

/** A Delete of a tracker ARN looks at nothing but that tracker. */
function* onlyPhysical(all: Generator<Spec[]>): Generator<Spec[]> {
  for (const specs of all) if (specs.every((s) => s.arn === arnOf('p'))) yield specs;
}

function variants(id: string, names: readonly string[], g: string): Spec[] {
  return names.flatMap((name) => STATUSES.flatMap((status) => OTHER_CLAIMS.map((claim) => (
    { arn: arnOf(id), name, group: group(g), status, claim }))));
}

export interface Case {
  readonly request: Request;
  readonly specs: readonly Spec[];
  /** What CloudFormation says while the request runs: the resource's status for a Create, the stack's otherwise. */
  readonly status: string | null;
}

export function* cases(type: Request['type']): Generator<Case> {
  const base = { requestId: 'request-1', owner: THIS };
  const withoutPhysical = [...worlds(false, [])];
  const withPhysical = [...worlds(true, PHYSICAL_CLAIMS)];
  const physicalOnly = [...onlyPhysical(worlds('anywhere', PHYSICAL_CLAIMS))];
  // An unreadable status (null) acts as the forward one (stack-phase.test.ts); here: forward, rollback, not awaited.
  // A Create is awaited only while its resource is CREATE_IN_PROGRESS (it arrives again during a later update: UPDATE_IN_PROGRESS).
  for (const status of type === 'Create' ? ['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'CREATE_COMPLETE'] : []) {
    for (const removal of REMOVALS) {
      for (const specs of withoutPhysical) {
        for (const takeOverArn of [undefined, ...specs.map((s) => s.arn), arnOf('missing')]) {
          const declared: Declared = { ...WANT, tags: WANT_TAGS, removal, takeOverArn };
          yield { request: { ...base, type: 'Create', declared }, specs, status };
        }
      }
    }
  }
  for (const status of type === 'Update' ? ['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_COMPLETE'] : []) {
    for (const removal of REMOVALS) {
      for (const [wantTakeOver, previousTakeOver] of [[false, false], [true, true], [true, false], [false, true]]) {
        for (const specs of withPhysical) {
          const physical = specs.find((s) => s.arn === arnOf('p'));
          const takeOverArn = wantTakeOver ? (previousTakeOver ? arnOf('p') : specs.find((s) => s.arn !== arnOf('p'))?.arn ?? arnOf('missing')) : undefined;
          const previous: Lenient = { name: physical?.name ?? 'n2', datasetGroupArn: physical?.group ?? group('g2'), tags: new Map(OLD_TAGS), removal, takeOverArn: previousTakeOver ? arnOf('p') : undefined };
          const declared: Declared = { ...WANT, tags: WANT_TAGS, removal, takeOverArn };
          yield { request: { ...base, type: 'Update', physicalId: arnOf('p'), declared, previous }, specs, status };
        }
      }
    }
  }
  // An update that changed name and dataset group (to n3 in g3), rolled back (or, for contrast, not):
  // what it made under its own properties, with no physical id CloudFormation could clean up.
  for (const status of type === 'Update' ? ['UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_IN_PROGRESS'] : []) {
    for (const removal of REMOVALS) {
      for (const specs of leftBehindWorlds()) {
        const previous: Lenient = { name: 'n3', datasetGroupArn: group('g3'), tags: new Map(OLD_TAGS), removal };
        const declared: Declared = { ...WANT, tags: WANT_TAGS, removal };
        yield { request: { ...base, type: 'Update', physicalId: arnOf('p'), declared, previous }, specs, status };
      }
    }
  }
  const deleteStatuses = type !== 'Delete' ? [] : ['DELETE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'UPDATE_IN_PROGRESS'];
  for (const status of deleteStatuses) {
    for (const removal of REMOVALS) {
      for (const physicalId of [arnOf('p'), 'request-0']) {
        for (const specs of physicalId === arnOf('p') ? physicalOnly : withoutPhysical) {
          const previous: Lenient = { ...WANT, tags: WANT_TAGS, removal };
          yield { request: { ...base, type: 'Delete', physicalId, previous }, specs, status };
        }
      }
    }
  }
}

interface Run {
  readonly outcome: 'done' | 'fail' | 'stuck';
  readonly reason?: string;
  readonly answer?: string;
  /** The changes Personalize carried out (a refused create changes nothing), with the target's claim before. */
  readonly changes: Array<{ change: Change; claimBefore?: ReturnType<typeof claimOf> }>;
}

const MAX_STEPS = 80;

/**
 * The decision function run to its end in the world. Looks are answered from the world as the
 * handler's observe would; after each change the handler looks again (a new look is always a valid
 * observation). A wait lets time pass, and starts over as the Provider's next poll would.
 */
export function run(request: Request, world: SmallWorld): Run {
  const changes: Run['changes'] = [];
  let seen: Observation = {};
  for (let i = 0; i < MAX_STEPS; i++) {
    const step = decide(request, seen);
    switch (step.kind) {
      case 'look':
        seen = lookInto(world, request, seen, step.look);
        break;
      case 'change':
        seen = { stackStatus: seen.stackStatus, resourceStatus: seen.resourceStatus, createRefused: carryOut(world, step.change, changes) };
        break;
      case 'wait':
        if (!world.advance()) return { outcome: 'stuck', reason: `waits for nothing: ${step.why}`, changes };
        seen = {};
        break;
      case 'done':
        return { outcome: 'done', answer: step.answer?.arn, changes };
      case 'fail':
        if (step.cleanup) carryOut(world, step.cleanup, changes);
        return { outcome: 'fail', reason: step.reason, changes };
    }
  }
  return { outcome: 'stuck', reason: `no end after ${MAX_STEPS} steps`, changes };
}

function lookInto(world: SmallWorld, request: Request, seen: Observation, look: Look): Observation {
  const describe = (arn: string): Tracker | null => {
    const t = world.trackers.get(arn);
    if (!t) return null;
    const details = { datasetGroupArn: t.datasetGroupArn, trackingId: t.trackingId, claim: claimOf(THIS, t.tags), tags: new Map(t.tags) };
    return { arn, name: t.name, status: t.status, details };
  };
  const listed = (matches: (t: WorldTracker) => boolean) => {
    const t = [...world.trackers.values()].find(matches);
    return known(seen, t && { eventTrackerArn: t.arn, name: t.name, status: t.status });
  };
  switch (look.at) {
    case 'physical': return { ...seen, physical: describe(request.physicalId!) };
    case 'take-over': return { ...seen, takeOver: describe(request.declared!.takeOverArn!) };
    case 'details': return withTracker(seen, look.arn, describe(look.arn));
    case 'group': {
      const datasetGroupArn = request.declared?.datasetGroupArn ?? request.previous!.datasetGroupArn;
      return { ...seen, inGroup: listed((t) => t.datasetGroupArn === datasetGroupArn) };
    }
    case 'name': return { ...seen, named: listed((t) => t.name === request.declared!.name) };
    case 'stack': return { ...seen, stackStatus: world.stackStatus };
    case 'resource': return { ...seen, resourceStatus: world.resourceStatus };
    case 'left-behind': return { ...seen, leftBehind: listed((t) => t.datasetGroupArn === request.previous!.datasetGroupArn) };
  }
}

/** Personalize's answer to the change; what a refused create tells. */
function carryOut(world: SmallWorld, change: Change, changes: Run['changes']): Observation['createRefused'] {
  const target = 'arn' in change ? world.trackers.get(change.arn) : undefined;
  const claimBefore = target && claimOf(THIS, target.tags);
  try {
    switch (change.kind) {
      case 'create':
        world.call('CreateEventTrackerCommand', { name: change.name, datasetGroupArn: change.datasetGroupArn, tags: [...change.tags].map(([tagKey, tagValue]) => ({ tagKey, tagValue })) });
        break;
      case 'delete':
        world.call('DeleteEventTrackerCommand', { eventTrackerArn: change.arn });
        break;
      case 'tag':
        world.call('TagResourceCommand', { resourceArn: change.arn, tags: [...change.tags].map(([tagKey, tagValue]) => ({ tagKey, tagValue })) });
        break;
      case 'untag':
        world.call('UntagResourceCommand', { resourceArn: change.arn, tagKeys: change.keys });
        break;
    }
  } catch (error) {
    const name = (error as Error).name;
    return change.kind === 'create' && name === 'ResourceAlreadyExistsException' ? 'exists' : undefined;
  }
  changes.push({ change, claimBefore });
  return undefined;
}

export function buildWorld(c: Case, newTrackersEndIn: WorldTracker['createEndsIn']): SmallWorld {
  const world = new SmallWorld(c.request.type === 'Create' ? 'CREATE_IN_PROGRESS' : c.status, newTrackersEndIn, c.request.type === 'Create' ? c.status : 'UPDATE_COMPLETE');
  for (const spec of c.specs) {
    world.add({ arn: spec.arn, name: spec.name, datasetGroupArn: spec.group, status: spec.status, tags: tagsOf(spec.claim, c.request) });
  }
  return world;
}

/** The invariants; returns what is wrong, if anything. */
export function violations(c: Case, after: SmallWorld, result: Run): string[] {
  const problems: string[] = [];
  const { request } = c;
  // 1. Never touch a tracker without this resource's proof, unless the user named it for a take-over.
  for (const { change, claimBefore } of result.changes) {
    if (change.kind === 'create') continue;
    const named = change.kind === 'tag' && change.arn === request.declared?.takeOverArn && request.type === 'Create';
    if (claimBefore?.by !== 'this' && !named && claimBefore !== undefined) problems.push(`${change.kind} of ${change.arn}, which is not this resource's`);
    if (change.kind === 'delete' && claimBefore?.by === 'this' && claimBefore.flags.has(Flag.RELEASED)) problems.push(`deleted ${change.arn}, which this resource released (kept)`);
    const failed = c.specs.find((spec) => spec.arn === (change as { arn?: string }).arn)?.status === 'CREATE FAILED';
    if (change.kind === 'delete' && claimBefore?.by === 'this' && claimBefore.flags.has(Flag.KEEP) && !failed) problems.push(`deleted ${change.arn}, which is to be kept`);
    if (change.kind === 'delete' && change.arn === request.physicalId && !failed && keptByPolicy(c, claimBefore)) problems.push(`deleted ${change.arn}, which the removal policy keeps`);
  }
  // A rollback deletes, or marks for deletion, the physical id's tracker only if the update it undoes
  // made it, or it cannot tell (no origin): a twin of that update takes itself for the rollback.
  const rollback = request.type === 'Update' && c.status === 'UPDATE_ROLLBACK_IN_PROGRESS';
  for (const { change, claimBefore } of result.changes) {
    const discards = change.kind === 'delete' || (change.kind === 'tag' && claimOf(THIS, change.tags).by === 'this' && (claimOf(THIS, change.tags) as { flags: ReadonlySet<Flag> }).flags.has(Flag.DISCARD));
    // (A tracker Personalize failed to create is dead: deleting it is always allowed.)
    const existed = c.specs.some((spec) => spec.arn === arnOf('p') && spec.arn === (change as { arn?: string }).arn && spec.status !== 'CREATE FAILED');
    if (rollback && discards && existed && claimBefore?.by === 'this' && claimBefore.origin !== undefined && claimBefore.origin !== undoneOrigin(request)) {
      problems.push(`${change.kind === 'delete' ? 'deleted' : 'discarded'} ${change.arn}, which an earlier request made, in a rollback`);
    }
  }
  // A rollback returns to what the update it undoes replaced, also when a removal policy kept trackers
  // (then the update could only have made the tracker in the way because the one before was gone).
  const physical = c.specs.find((spec) => spec.arn === arnOf('p'));
  if (rollback && c.specs.length === 1 && physical?.claim === 'this+u' && physical.status === 'ACTIVE' && result.outcome !== 'done'
    && !/CREATE FAILED/.test(result.reason ?? '')) {
    problems.push(`a rollback from a tracker the update made ended ${result.outcome}: ${result.reason}`);
  }
  // A user's update leaves alone what only a rollback cleans up (the contrast in leftBehindWorlds).
  const forwardUpdate = request.type === 'Update' && c.status !== 'UPDATE_ROLLBACK_IN_PROGRESS';
  if (forwardUpdate && result.changes.some(({ change }) => change.kind !== 'create' && change.arn === arnOf('l'))) {
    problems.push(`changed ${arnOf('l')}, which only a rollback cleans up`);
  }
  // A request CloudFormation no longer waits for changes nothing.
  if (c.status !== null && !isAwaited(request.type, c.status) && result.changes.length > 0) {
    problems.push(`changed ${result.changes.length} thing(s) in status ${c.status}`);
  }
  // 2. Converge, or fail having changed nothing (but the cleanup of a tracker Personalize failed to create).
  if (result.outcome === 'stuck') problems.push(`stuck: ${result.reason}`);
  if (result.outcome === 'fail' && !/CREATE FAILED/.test(result.reason ?? '') && result.changes.length > 0) {
    problems.push(`failed after changes (${result.changes.map((x) => x.change.kind).join(', ')}): ${result.reason}`);
  }
  if (result.outcome === 'done' && request.declared) {
    const tracker = after.trackers.get(result.answer ?? '');
    const claim = tracker && claimOf(THIS, tracker.tags);
    if (!tracker || tracker.status !== 'ACTIVE' || tracker.name !== WANT.name || tracker.datasetGroupArn !== WANT.datasetGroupArn) {
      problems.push(`answered ${result.answer}, which is not the declared tracker, ACTIVE`);
    } else if (claim?.by !== 'this' || claim.flags.has(Flag.RELEASED) || claim.flags.has(Flag.KEEP) || claim.flags.has(Flag.DISCARD)) {
      problems.push(`answered ${result.answer} without this resource's plain proof`);
    } else if (tracker.tags.get('team') !== 'new' || (request.type === 'Update' && tracker.tags.has('dropped') && c.specs.some((spec) => spec.arn === tracker.arn))) {
      problems.push(`answered ${result.answer} with tags ${JSON.stringify([...tracker.tags])}`);
    }
    // 3. Never leave two of ours: besides the answer, only a replaced tracker whose fate is written, or
    //    one that failed to create (every Delete deletes it).
    for (const other of after.trackers.values()) {
      const otherClaim = claimOf(THIS, other.tags);
      if (other.arn !== result.answer && !(forwardUpdate && other.arn === arnOf('l')) && otherClaim.by === 'this' && !otherClaim.flags.has(Flag.RELEASED)
        && !otherClaim.flags.has(Flag.KEEP) && !otherClaim.flags.has(Flag.DISCARD) && !other.status.startsWith('DELETE') && other.status !== 'CREATE FAILED') {
        problems.push(`left ${other.arn} of this resource's besides the answer`);
      }
    }
  }
  return problems;
}

export function describeCase(c: Case): string {
  const r = c.request;
  return `${r.type} ${JSON.stringify({ physical: r.physicalId, removal: (r.declared ?? r.previous)?.removal, takeOver: r.declared?.takeOverArn, previousTakeOver: r.previous?.takeOverArn, status: c.status })} `
    + `world ${JSON.stringify(c.specs.map((s) => `${s.arn.split('/')[1]}:${s.name}/${s.group.split('/')[1]}/${s.status}/${s.claim}`))}`;
}

/** Removal policy RETAIN keeps the physical id's tracker in a forward Update and in a Delete, unless a fate says otherwise. */
function keptByPolicy(c: Case, claim: ReturnType<typeof claimOf> | undefined): boolean {
  const removal = (c.request.declared ?? c.request.previous)?.removal;
  const fated = claim?.by === 'this' && (claim.flags.has(Flag.DISCARD) || claim.flags.has(Flag.KEEP));
  const forward = c.request.type === 'Delete' || c.status !== 'UPDATE_ROLLBACK_IN_PROGRESS';
  return removal?.policy === 'retain' && forward && !fated;
}

export interface CheckResult {
  readonly situations: number;
  readonly runs: number;
  readonly outcomes: Record<Run['outcome'], number>;
  /** Violations by kind, and the first few in full. */
  readonly kinds: Record<string, number>;
  readonly examples: string[];
}

/**
 * Runs every situation of the request type (twice when it creates: new trackers end ACTIVE, or
 * CREATE FAILED); `shard` splits them between test files, which jest runs side by side.
 */
export function check(type: Request['type'], shard = { index: 0, of: 1 }): CheckResult {
  // Personalize's errors are thrown by the thousand here: without stack traces they cost nothing.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let situations = 0;
  let runs = 0;
  const outcomes = { done: 0, fail: 0, stuck: 0 };
  const examples: string[] = [];
  const kinds: Record<string, number> = {};
  try {
    let index = 0;
    for (const c of cases(type)) {
      if (index++ % shard.of !== shard.index) continue;
      situations++;
      for (const endsIn of ['ACTIVE', 'CREATE FAILED'] as const) {
        const world = buildWorld(c, endsIn);
        const result = run(c.request, world);
        runs++;
        outcomes[result.outcome]++;
        for (const problem of violations(c, world, result)) {
          const kind = problem.replace(/arn:\S+/g, '<arn>').slice(0, 80);
          kinds[kind] = (kinds[kind] ?? 0) + 1;
          if (examples.length < 10) examples.push(`${problem}\n    in ${describeCase(c)} (new trackers end ${endsIn})`);
        }
        if (!result.changes.some((x) => x.change.kind === 'create')) break;
      }
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { situations, runs, outcomes, kinds, examples };
}

/**
 * The exhaustive check of one request type (or one shard of it) as a test's body: prints the count,
 * and expects no violation and a world that is not trivially small.
 */
export function expectEveryInvariantKept(type: Request['type'], shard = { index: 0, of: 1 }): void {
  const result = check(type, shard);
  const { done, fail, stuck } = result.outcomes;
  const part = shard.of > 1 ? `, half ${shard.index + 1} of ${shard.of}` : '';
  console.log(`exhaustive check of ${type}${part}: ${result.situations} situations, ${result.runs} runs (${done} done, ${fail} failed, ${stuck} stuck)`);
  expect({ kinds: result.kinds, examples: result.examples }).toEqual({ kinds: {}, examples: [] });
  expect(result.situations).toBeGreaterThan(1_000);
}
