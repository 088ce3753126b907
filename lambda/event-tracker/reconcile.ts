import { act } from './act';
import { Answer, decide, Step } from './decide';
import { isTransient } from './errors';
import { logStep, logWarning } from './log';
import { Observation } from './observation';
import { Io, observe, statusOf, withTracker } from './observe';
import type { Request } from './request';
import type { Deadline } from './timing';
import { scaled } from './timing';

/** isComplete's outcome: not yet (the Provider asks again), or done (a Delete answers without a tracker). */
export type Outcome = { readonly complete: false } | { readonly complete: true; readonly answer?: Answer };

/** A failure for the person deploying: CloudFormation shows the message as the status reason. */
export class DeploymentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentFailure';
    this.stack = `${this.name}: ${message}`;
  }
}

/** Looks and changes per invocation (waits aside): the longest path several times over, against a tight loop. */
const MAX_STEPS = 40;
/**
 * When this invocation looks again at a tracker it created itself: most trackers settle within
 * seconds, and the invocation knows the tracker is its own without reading its tags again. After the
 * early looks, every query interval of the Provider.
 */
const LOOKS_AFTER_CREATE_MS = [1_000, 3_500];
const QUERY_INTERVAL_MS = 5_000;
/** Between looks at a tracker this invocation asked Personalize to delete. */
const LOOK_AFTER_DELETE_MS = 2_000;
/**
 * How long an invocation follows a tracker it created or deleted before it leaves it to the Provider's
 * polls: long enough for most trackers, short enough that the Provider's 20 minutes stay its total.
 */
const FOLLOW_FOR_MS = 120_000;

/**
 * Observe, decide, act, until the request is done or must wait: the only code that changes
 * anything, and only ever the change the decision names.
 */
export async function reconcile(request: Request, io: Io, deadline: Deadline): Promise<Outcome> {
  let seen: Observation = {};
  const settling = new Map<string, Settling>();
  try {
    for (let steps = 0; steps < MAX_STEPS;) {
      const step = decide(request, seen);
      steps += step.kind === 'wait' ? 0 : 1;
      log(request, step);
      switch (step.kind) {
        case 'look':
          seen = await observe(step.look, request, seen, io);
          break;
        case 'change':
          seen = await act(step.change, request, seen, io);
          if (step.change.kind === 'create' && seen.inGroup) {
            settling.set(seen.inGroup.arn, { since: Date.now(), created: true, seen: false, looks: 0 });
          } else if (step.change.kind === 'delete') {
            settling.set(step.change.arn, { since: Date.now(), created: false, seen: true, looks: 0 });
          }
          if (step.change.kind === 'create' && request.type === 'Update' && seen.physical === null) {
            logWarning({
              requestType: request.type,
              step: 'recreating',
              physicalResourceId: request.physicalId,
              reason: 'The event tracker no longer exists (deleted outside CloudFormation?). Creating it again: its trackingId changes.',
            });
          }
          break;
        case 'done':
          return { complete: true, answer: step.answer };
        case 'fail':
          if (step.cleanup) {
            await act(step.cleanup, request, seen, io).catch((error) => logStep({ requestType: request.type, step: 'cleanup-failed', error: String(error) }));
          }
          throw new DeploymentFailure(step.reason);
        case 'wait': {
          // A tracker this invocation created or deleted is followed here for a while; anything else is
          // left to the Provider's next poll.
          const followed = step.arn === undefined ? undefined : settling.get(step.arn);
          const lookAt = followed && followed.since + scaled(lookAfter(followed));
          if (!followed || lookAt! > followed.since + scaled(FOLLOW_FOR_MS) || lookAt! >= Date.now() + deadline.remainingMs()) {
            return { complete: false };
          }
          await deadline.sleepUntil(lookAt!);
          followed.looks++;
          seen = await lookAgain(step.arn!, followed, seen, io);
          break;
        }
      }
    }
    return { complete: false };
  } catch (error) {
    if (isTransient(error)) {
      // Throttled, 5xx or unanswered: nothing is decided on what was not seen. The Provider asks again.
      logStep({ requestType: request.type, step: 'not-known-yet', error: String((error as Error).name) });
      return { complete: false };
    }
    throw error;
  }
}

/** A tracker this invocation created or deleted. */
interface Settling {
  readonly since: number;
  /** Created by this invocation: its tags are known, and "not found" means "not shown yet". */
  readonly created: boolean;
  seen: boolean;
  looks: number;
}

/** How long after the create or delete the next look is due. */
function lookAfter(tracker: Settling): number {
  if (!tracker.created) {
    return LOOK_AFTER_DELETE_MS * (tracker.looks + 1);
  }
  const early = LOOKS_AFTER_CREATE_MS[tracker.looks];
  return early ?? LOOKS_AFTER_CREATE_MS[LOOKS_AFTER_CREATE_MS.length - 1] + QUERY_INTERVAL_MS * (tracker.looks - LOOKS_AFTER_CREATE_MS.length + 1);
}

/** The status of the tracker waited for; what else is known of it stays. */
async function lookAgain(arn: string, settling: Settling, seen: Observation, io: Io): Promise<Observation> {
  const now = await statusOf(io, arn);
  if (!now) {
    // Right after CreateEventTracker, Personalize may not show the tracker yet (read-after-write lag).
    return settling.created && !settling.seen ? seen : withTracker(seen, arn, null);
  }
  settling.seen = true;
  const before = [seen.physical, seen.inGroup, seen.named, seen.takeOver].find((tracker) => tracker?.arn === arn);
  return before ? withTracker(seen, arn, { ...before, status: now.status }) : seen;
}

/** One line per step: what it looks at or changes, and why (never the event: it holds the ResponseURL). */
function log(request: Request, step: Step): void {
  const { kind, ...detail } = step;
  const mapsAsObjects = (_key: string, value: unknown) => (value instanceof Map ? Object.fromEntries(value) : value);
  logStep({ requestType: request.type, step: kind, detail: JSON.stringify(detail, mapsAsObjects) });
}
