import { isDeepStrictEqual } from 'util';
import { describeSpec, LogicalId, sameTags, specOf } from './declared';
import type { Model, Prediction } from './model';
import { PROOF_TAG_KEY, proofValue, userTags } from './ownership-proof';
import type { StackOutcome } from './tracker-stack';
import { emulatorTime } from './upcoming-api';
import { World } from './world';
import { createCallBudget } from '../contract/harness';
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
  'no-leak',
  'create-call-budget',
  'responses-clean',
] as const;
export type InvariantName = typeof INVARIANTS[number];

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
  /** No fault and no modifier in this step: API calls per create must be within the budget. */
  readonly budget: boolean;
}

const STUCK = ['ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED'];
const MUTATING_CALLS = ['DeleteEventTracker', 'TagResource', 'UntagResource'];

/** Checks every invariant that is not skipped; throws the first violation, with the world around it. */
export function checkInvariants(world: World, model: Model, step: StepRecord, skip: ReadonlySet<string>): void {
  for (const [name, check] of CHECKS) {
    if (skip.has(name)) continue;
    world.stats.check(name);
    const problem = check(world, model, step);
    if (problem) throw new InvariantViolation(name, `${problem}\n${describeWorld(world)}`);
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
      const expected = resource.spec;
      const same = spec && spec.name === expected.name && spec.group === expected.group
        && sameTags(spec.tags, expected.tags) && spec.retain === expected.retain;
      if (!same) {
        return `${logicalId}: CloudFormation holds ${spec ? describeSpec(spec) : 'no properties'}, the model expects ${describeSpec(expected)}`;
      }
    }
    return undefined;
  }],

  ['declared-trackers', (world, model) => {
    for (const [logicalId, resource] of model.resources) {
      const arn = world.stack.resource(logicalId).driver.physicalResourceId;
      const tracker = world.emulator.trackers().find((t) => t.arn === arn);
      if (!tracker) {
        if (resource.missing) continue;
        return `${logicalId}'s tracker ${arn} does not exist`;
      }
      const spec = resource.spec;
      const expected = { name: spec.name, datasetGroupArn: world.groupArns[spec.group], status: 'ACTIVE', tags: { ...spec.tags } };
      const actual = { name: tracker.name, datasetGroupArn: tracker.datasetGroupArn, status: tracker.status, tags: userTags(tracker.tags) };
      if (!isDeepStrictEqual(actual, expected)) return `${logicalId}'s tracker ${arn} is ${JSON.stringify(actual)}, the template says ${JSON.stringify(expected)}`;
    }
    return undefined;
  }],

  ['attributes', (world, model) => {
    for (const [logicalId, resource] of model.resources) {
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
      if (arn !== adopted.arn) return `${step.resource} must have adopted its own tracker ${adopted.arn} ('${adopted.name}'), it holds ${arn}`;
    }
    if (!step.resource || !step.before || !step.outcome || !step.prediction?.keepsIdentity.includes(step.outcome)) return undefined;
    const arn = world.stack.resources.get(step.resource)?.driver.physicalResourceId;
    const tracker = world.emulator.trackers().find((t) => t.arn === arn);
    const now = { arn, trackingId: tracker?.trackingId };
    if (isDeepStrictEqual(now, step.before)) return undefined;
    return `${step.resource} must still be tracker ${JSON.stringify(step.before)} after '${step.outcome}' (${step.prediction.because}), it is ${JSON.stringify(now)}`;
  }],

  ['ownership-proof', (world) => {
    for (const [logicalId, slot] of world.stack.resources) {
      const tracker = world.emulator.trackers().find((t) => t.arn === slot.driver.physicalResourceId);
      // The proof, with at most the flags that stay on a held tracker: taken over, adopted again.
      const expected = proofValue(world.stack.stackId, logicalId);
      const [stack, hash, flags = ''] = (tracker?.tags[PROOF_TAG_KEY] ?? '').split('/');
      if (tracker && (`${stack}/${hash}` !== expected || !/^[at]*$/.test(flags))) {
        return `${logicalId}'s tracker ${tracker.arn} carries ${PROOF_TAG_KEY}=${JSON.stringify(tracker.tags[PROOF_TAG_KEY])}, expected ${JSON.stringify(expected)}`;
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

  ['no-leak', (world) => {
    const held = new Set([...world.stack.resources.values()].map((slot) => slot.driver.physicalResourceId));
    const retained = world.retainedArns();
    const leaked = world.emulator.trackers().filter((t) => !t.foreign && !t.status.startsWith('DELETE') && !held.has(t.arn) && !retained.has(t.arn));
    if (leaked.length === 0) return undefined;
    const owners = world.owners();
    return `trackers nobody holds and CloudFormation did not retain: ${leaked.map((t) => `'${t.name}' (${t.arn}, ${t.status}, answered to ${owners.get(t.arn) ?? 'no request'})`).join(', ')}`;
  }],

  ['create-call-budget', (world, _model, step) => {
    if (!step.budget) return undefined;
    for (const slot of world.stack.everyResource) {
      const responses = slot.driver.responses;
      const creates = slot.driver.timeline.filter((e): e is RequestEntry => e.kind === 'request' && e.request.RequestType === 'Create' && e.at >= step.startedAt);
      for (const request of creates) {
        const response = responses.find((r: ResponseEntry) => r.response.RequestId === request.request.RequestId);
        if (response?.response.Status !== 'SUCCESS') continue;
        const history = world.emulator.statusHistory(response.response.PhysicalResourceId);
        const activeAt = history.find((change) => change.status === 'ACTIVE')?.at ?? Infinity;
        const [from, to] = [emulatorTime(world.emulator, request.at), emulatorTime(world.emulator, response.at)];
        const calls = world.emulator.calls().filter((call) => call.at >= from && call.at <= to);
        // The budget is for a plain create: adopting a tracker made earlier (a retained one), or waiting
        // for one in the way to be deleted, resolves a conflict and costs what it costs.
        if (history[0].at < from || calls.some((call) => call.outcome === 'ResourceAlreadyExistsException')) continue;
        const budget = createCallBudget(from, activeAt);
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
    .map((r) => `${slot.logicalId} ${r.response.RequestId.slice(0, 8)}: ${r.response.Reason.split('\n')[0].slice(0, 400)}`));
  return reasons.length > 0 ? reasons.join(' | ') : 'none';
}

/** Every tracker there is, for the reader of a violation. */
export function describeWorld(world: World): string {
  const owners = world.owners();
  const held = new Map([...world.stack.resources.values()].map((slot) => [slot.driver.physicalResourceId, slot.logicalId]));
  const retained = world.retainedArns();
  const lines = world.emulator.trackers().map((t) => {
    const who = t.foreign ? 'foreign' : `${owners.get(t.arn) ?? 'unknown owner'}${held.has(t.arn) ? `, held by ${held.get(t.arn)}` : ''}${retained.has(t.arn) ? ', retained' : ''}`;
    const group = t.datasetGroupArn.split('/').pop();
    return `    ${t.arn.split(':').pop()}  '${t.name}' in ${group}, ${t.status}, ${who}, tags ${JSON.stringify(t.tags)}`;
  });
  return [`  stack ${world.stack.status} (incarnation ${world.stack.incarnation}); live trackers:`, ...(lines.length > 0 ? lines : ['    none'])].join('\n');
}
