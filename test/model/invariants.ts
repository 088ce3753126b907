import { isDeepStrictEqual } from 'util';
import { describeSpec, LogicalId, sameSpec, shortArn, specOf } from './declared';
import { Fates, isDeleting, Model, Prediction, userTagsOf } from './model';
import { isClaimed, isReleased, PROOF_TAG_KEY, proofFlags, proofValue } from './ownership-proof';
import type { StackOutcome } from './tracker-stack';
import { World } from './world';
import { createCallBudget, TAKE_OVER_CALLS } from '../contract/harness';
import type { RequestEntry, ResponseEntry } from '../driver';

/** The names of the invariants, as the figures count them and MODEL_SKIP_INVARIANTS names them. */
export const INVARIANTS = [
  'stack-not-stuck',
  'outcome-as-modelled',
  'model-agrees',
  'declared-trackers',
  'attributes',
  'identity-kept',
  'ownership-proof',
  'foreign-untouched',
  'fates',
  'no-leak',
  'create-call-budget',
  'responses-clean',
] as const;
export type InvariantName = typeof INVARIANTS[number];

/**
 * Checked at the end of every step. The others look at the trackers, which deliveries still running
 * (an operation that did not wait for its stragglers) may change: they wait for a step after which
 * the world has settled, and then check the world against the model of that moment.
 */
const AT_ONCE: ReadonlySet<InvariantName> = new Set(['stack-not-stuck', 'outcome-as-modelled', 'model-agrees', 'identity-kept', 'responses-clean']);

export class InvariantViolation extends Error {
  constructor(public readonly invariant: InvariantName, message: string) {
    super(`${invariant}: ${message}`);
    this.name = 'InvariantViolation';
  }
}

/** What the command that just ran tells the invariants. */
export interface StepRecord {
  readonly prediction?: Prediction;
  readonly outcome?: StackOutcome;
  /** The resource whose tracker must (per prediction.keepsIdentity) still be the one it was. */
  readonly resource?: LogicalId;
  readonly before?: { readonly arn: string; readonly trackingId: string };
  /** Driver-timeline time the step started, for the call budget. */
  readonly startedAt: number;
  /** No fault, no modifier and no straggler in this step: API calls per create must be within the budget. */
  readonly budget: boolean;
}

const STUCK = ['ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED'];
const MUTATING_CALLS = ['DeleteEventTracker', 'TagResource', 'UntagResource'];

/** Checks every invariant that is not skipped; throws the first violation, with the world around it. */
export function checkInvariants(world: World, model: Model, step: StepRecord, skip: ReadonlySet<string>, settled: boolean): void {
  if (settled) settleOpenFates(world, model);
  for (const [name, check] of CHECKS) {
    if (skip.has(name) || (!settled && !AT_ONCE.has(name))) continue;
    world.stats.check(name);
    const problem = check(world, model, step);
    if (problem) throw new InvariantViolation(name, `${problem}\n${describeWorld(world, model)}`);
  }
  if (settled) model.expectGone.splice(0);
}

/**
 * The fates an open outcome left undecided, now that the world has settled: a tracker released is
 * kept from now on, one with no proof at all is outside the stack again, one gone is gone. One still
 * claimed that nobody holds stays unplaced: no-leak reports it.
 */
function settleOpenFates(world: World, model: Model): void {
  const held = world.held();
  for (const [arn, entry] of model.open) {
    const tracker = world.emulator.trackers().find((t) => t.arn === arn);
    if (!tracker || isDeleting(tracker.status) || held.has(arn)) {
      model.open.delete(arn);
    } else if (isReleased(tracker.tags)) {
      model.open.delete(arn);
      model.kept.set(arn, { arn, name: tracker.name, datasetGroupArn: tracker.datasetGroupArn, owner: entry.owner, takenOver: entry.takenOver });
    } else if (tracker.tags[PROOF_TAG_KEY] === undefined && tracker.foreign) {
      model.open.delete(arn);
      model.outside.set(arn, { arn, name: tracker.name, datasetGroupArn: tracker.datasetGroupArn });
      world.foreign.set(arn, tracker);
    }
  }
  model.stale.splice(0);
}

/** Records what an operation says of its trackers, and forgets the kept and open trackers the stack now holds. */
export function applyFates(world: World, model: Model, fates: Fates): void {
  for (const kept of fates.kept) {
    model.kept.set(kept.arn, kept);
    model.open.delete(kept.arn);
  }
  for (const gone of fates.gone) {
    model.expectGone.push(gone);
    model.kept.delete(gone.arn);
    model.open.delete(gone.arn);
  }
  for (const open of fates.open) {
    if (!model.open.has(open.arn)) model.open.set(open.arn, { owner: open.owner, takenOver: open.takenOver });
    model.kept.delete(open.arn);
  }
  for (const arn of world.held().keys()) {
    model.kept.delete(arn);
    model.open.delete(arn);
    model.outside.delete(arn);
  }
}

type Check = (world: World, model: Model, step: StepRecord) => string | undefined;

const CHECKS: ReadonlyArray<[InvariantName, Check]> = [
  ['stack-not-stuck', (world, _model, step) => {
    // Only a stack operation moves the status: a step without one finds what the last one left (and was judged on).
    if (!step.outcome || !STUCK.includes(world.stack.status) || step.prediction?.allowed.includes(step.outcome)) return undefined;
    return `the stack ended ${world.stack.status}, which CloudFormation cannot leave, and nothing made that operation impossible`
      + `${step.prediction ? ` (${step.prediction.because})` : ''}. Reasons: ${failureReasons(world, step.startedAt)}`;
  }],

  ['outcome-as-modelled', (world, _model, step) => {
    if (!step.prediction || !step.outcome || step.prediction.allowed.includes(step.outcome)) return undefined;
    return `the operation ended '${step.outcome}' (${world.stack.status}); the model allows ${step.prediction.allowed.map((o) => `'${o}'`).join(' or ')}`
      + ` because ${step.prediction.because}. Reasons: ${failureReasons(world, step.startedAt)}`;
  }],

  ['model-agrees', (world, model) => {
    const held = [...world.stack.resources.keys()].sort();
    const declared = [...model.resources.keys()].sort();
    if (!isDeepStrictEqual(held, declared)) return `CloudFormation holds [${held.join(', ')}], the model declares [${declared.join(', ')}]`;
    for (const [logicalId, resource] of model.resources) {
      const properties = world.stack.resource(logicalId).driver.properties;
      const spec = properties && specOf(properties, world.groupArns);
      if (!spec || !sameSpec(spec, resource.spec)) {
        return `${logicalId}: CloudFormation holds ${spec ? describeSpec(spec) : 'no properties'}, the model expects ${describeSpec(resource.spec)}`;
      }
    }
    return undefined;
  }],

  ['declared-trackers', (world, model) => {
    for (const [logicalId, resource] of model.resources) {
      if (resource.unsure) continue;
      const arn = world.stack.resource(logicalId).driver.physicalResourceId;
      const tracker = world.emulator.trackers().find((t) => t.arn === arn);
      if (!tracker) {
        if (resource.missing) continue;
        return `${logicalId}'s tracker ${arn} does not exist`;
      }
      const spec = resource.spec;
      // A taken-over tracker keeps the user tags it had that no template declared since.
      const expected = { name: spec.name, datasetGroupArn: world.groupArns[spec.group], status: 'ACTIVE', tags: { ...resource.extras, ...spec.tags } };
      const actual = { name: tracker.name, datasetGroupArn: tracker.datasetGroupArn, status: tracker.status, tags: userTagsOf(tracker.tags) };
      if (!isDeepStrictEqual(actual, expected)) return `${logicalId}'s tracker ${arn} is ${JSON.stringify(actual)}, the template says ${JSON.stringify(expected)}`;
    }
    return undefined;
  }],

  ['attributes', (world, model) => {
    for (const [logicalId, resource] of model.resources) {
      if (resource.unsure) continue;
      const driver = world.stack.resource(logicalId).driver;
      const tracker = world.emulator.trackers().find((t) => t.arn === driver.physicalResourceId);
      if (!tracker && resource.missing) continue;
      const expected = tracker && { TrackingId: tracker.trackingId, EventTrackerArn: tracker.arn, EventTrackerName: tracker.name };
      if (!isDeepStrictEqual(driver.attributes, expected)) {
        return `${logicalId}: Fn::GetAtt reads ${JSON.stringify(driver.attributes)}, the tracker is ${JSON.stringify(expected)}`;
      }
    }
    return undefined;
  }],

  ['identity-kept', (world, _model, step) => {
    const adopted = step.prediction?.adopts;
    if (step.resource && adopted && (step.outcome === 'updated' || step.outcome === 'created')) {
      const arn = world.stack.resources.get(step.resource)?.driver.physicalResourceId;
      const trackingId = world.stack.resources.get(step.resource)?.driver.attributes.TrackingId;
      if (arn !== adopted.arn || trackingId !== adopted.trackingId) {
        return `${step.resource} must hold the tracker that existed before, ${adopted.arn} ('${adopted.name}', trackingId ${adopted.trackingId}); it holds ${arn} (trackingId ${trackingId})`;
      }
    }
    if (!step.resource || !step.before || !step.outcome || !step.prediction?.keepsIdentity.includes(step.outcome)) return undefined;
    const arn = world.stack.resources.get(step.resource)?.driver.physicalResourceId;
    const tracker = world.emulator.trackers().find((t) => t.arn === arn);
    const now = { arn, trackingId: tracker?.trackingId };
    if (isDeepStrictEqual(now, step.before)) return undefined;
    return `${step.resource} must still be tracker ${JSON.stringify(step.before)} after '${step.outcome}' (${step.prediction.because}), it is ${JSON.stringify(now)}`;
  }],

  ['ownership-proof', (world, model) => {
    for (const [logicalId, slot] of world.stack.resources) {
      const resource = model.resources.get(logicalId);
      const tracker = world.emulator.trackers().find((t) => t.arn === slot.driver.physicalResourceId);
      if (!tracker || !resource || resource.unsure) continue;
      // The proof, with the flags that stay on a held tracker: t (taken over), a (adopted again after it
      // was kept); then, on one the handler created, its origin (8 hex: which request made it).
      const expected = proofValue(world.stack.stackId, logicalId);
      const flags = `${resource.adoptedAgain ? 'a' : ''}${resource.takenOver ? 't' : ''}`;
      const want = flags ? `${expected}/${flags}` : expected;
      const carried = tracker.tags[PROOF_TAG_KEY] ?? '';
      if (carried !== want && !(carried.startsWith(`${expected}/${flags}/`) && /^[0-9a-f]{8}$/.test(carried.slice(`${expected}/${flags}/`.length)))) {
        return `${logicalId}'s tracker ${tracker.arn} carries ${PROOF_TAG_KEY}=${JSON.stringify(tracker.tags[PROOF_TAG_KEY])}, expected ${JSON.stringify(want)}`
          + ` (${resource.takenOver ? 'taken over' : 'not taken over'}, ${resource.adoptedAgain ? 'adopted again' : 'not adopted again'})`;
      }
    }
    return undefined;
  }],

  ['foreign-untouched', (world) => {
    for (const [arn, before] of world.foreign) {
      const now = world.emulator.tracker(arn);
      if (!isDeepStrictEqual(now, before)) return `foreign tracker '${before.name}' (${arn}) changed: was ${JSON.stringify(before)}, now ${JSON.stringify(now)}`;
    }
    const touched = world.emulator.calls().filter((call) => MUTATING_CALLS.includes(call.operation)
      && world.foreign.has(String(call.input.eventTrackerArn ?? call.input.resourceArn)));
    if (touched.length > 0) return `the handler called ${touched.map((c) => `${c.operation}(${String(c.input.eventTrackerArn ?? c.input.resourceArn)}) -> ${c.outcome}`).join(', ')} on foreign trackers`;
    return undefined;
  }],

  ['fates', (world, model) => {
    const live = new Map(world.emulator.trackers().map((t) => [t.arn, t]));
    for (const { arn, why } of model.expectGone) {
      const tracker = live.get(arn);
      if (tracker && !isDeleting(tracker.status)) return `${shortArn(arn)} ('${tracker.name}') must be gone: ${why}; it is ${tracker.status} with ${JSON.stringify(tracker.tags)}`;
    }
    for (const [arn, kept] of model.kept) {
      const tracker = live.get(arn);
      if (!tracker || isDeleting(tracker.status)) return `${shortArn(arn)} ('${kept.name}', kept by ${kept.owner}) must have been kept, it is ${tracker?.status ?? 'gone'}`;
      if (!isReleased(tracker.tags)) return `${shortArn(arn)} ('${kept.name}', kept by ${kept.owner}) must be released (no stack holds it), it carries ${JSON.stringify(tracker.tags)}`;
    }
    return undefined;
  }],

  ['no-leak', (world, model) => {
    const held = world.held();
    // Open fates were settled just before: what is still open is claimed by nobody who holds it. A
    // stuck stack's open trackers wait for the user: a rollback that fails changes nothing, and
    // ContinueUpdateRollback sends it again once what was in its way is gone (docs/design.md).
    const leaked = world.emulator.trackers().filter((t) => !isDeleting(t.status) && !held.has(t.arn) && !model.kept.has(t.arn)
      && !model.outside.has(t.arn) && !(model.phase === 'stuck' && model.open.has(t.arn)));
    if (leaked.length === 0) return undefined;
    return `trackers nobody holds and the model does not keep: ${leaked.map((t) => `'${t.name}' (${shortArn(t.arn)}, ${t.status}, ${
      isClaimed(t.tags) ? `claimed: ${t.tags[PROOF_TAG_KEY]}` : t.foreign ? 'made outside the stack, changed' : 'no proof'})`).join(', ')}`;
  }],

  ['create-call-budget', (world, _model, step) => {
    if (!step.budget) return undefined;
    for (const slot of world.stack.everyResource) {
      const responses = slot.driver.responses;
      const creates = slot.driver.timeline.filter((e): e is RequestEntry => e.kind === 'request' && e.request.RequestType === 'Create' && e.at >= step.startedAt);
      for (const request of creates) {
        const response = responses.find((r: ResponseEntry) => r.accepted && r.response.RequestId === request.request.RequestId);
        if (response?.response.Status !== 'SUCCESS') continue;
        const history = world.emulator.statusHistory(response.response.PhysicalResourceId);
        const activeAt = history.find((change) => change.status === 'ACTIVE')?.at ?? Infinity;
        const [from, to] = [world.emulator.toEmulatorTime(request.at), world.emulator.toEmulatorTime(response.at)];
        const calls = world.emulator.calls().filter((call) => call.at >= from && call.at <= to);
        const takeOver = request.request.ResourceProperties.TakeOverEventTrackerArn !== undefined;
        // The budget is for a plain create: adopting a tracker made earlier (a kept one), or waiting for
        // one in the way to be deleted, resolves a conflict and costs what it costs. A take-over has its own.
        if (!takeOver && (history[0].at < from || calls.some((call) => call.outcome === 'ResourceAlreadyExistsException'))) continue;
        const budget = takeOver ? TAKE_OVER_CALLS : createCallBudget(from, activeAt);
        if (calls.length > budget) {
          return `${slot.logicalId}'s Create made ${calls.length} API calls (${calls.map((c) => c.operation).join(', ')}), budget ${budget}`;
        }
      }
    }
    return undefined;
  }],

  ['responses-clean', (world) => {
    for (const slot of world.stack.everyResource) {
      const leaks = slot.driver.responseUrlLeaks();
      if (leaks.length > 0) return `${slot.logicalId}'s logs hold the pre-signed ResponseURL: ${leaks[0].text.slice(0, 200)}`;
      const tooLarge = slot.driver.responses.find((r) => r.tooLarge);
      if (tooLarge) return `${slot.logicalId} answered ${tooLarge.bytes} bytes, over CloudFormation's 4096`;
    }
    return undefined;
  }],
];

/** The FAILED reasons CloudFormation received since `since`. */
function failureReasons(world: World, since: number): string {
  const reasons = world.stack.everyResource.flatMap((slot) => slot.driver.responses
    .filter((r) => r.at >= since && r.response.Status === 'FAILED')
    .map((r) => `${slot.logicalId} ${r.response.RequestId.slice(0, 8)}${r.accepted ? '' : ' (ignored)'}: ${r.response.Reason.split('\n')[0].slice(0, 400)}`));
  return reasons.length > 0 ? reasons.join(' | ') : 'none';
}

/** Every tracker there is, for the reader of a violation. */
export function describeWorld(world: World, model: Model): string {
  const view = world.view(model);
  const lines = view.map((t) => {
    const holder = t.holder;
    const who = holder.kind === 'held' ? `held by ${holder.owner}` : holder.kind === 'kept' ? `kept by ${holder.owner}`
      : holder.kind === 'outside' ? 'outside the stack' : model.open.has(t.arn) ? 'open (kept or gone)' : 'unplaced';
    return `    ${shortArn(t.arn)}  '${t.name}' in ${shortArn(t.datasetGroupArn)}, ${t.status}, ${who}, flags '${proofFlags(t.tags)}', tags ${JSON.stringify(t.tags)}`;
  });
  return [`  stack ${world.stack.status} (incarnation ${world.stack.incarnation}); live trackers:`, ...(lines.length > 0 ? lines : ['    none'])].join('\n');
}
