import * as path from 'path';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { QUERY_INTERVAL, TOTAL_TIMEOUT } from '../../src/private/event-tracker-provider';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';
import { CloudFormationStack, CloudFormationStackOptions, eventTrackerTemplate, loadFramework, RequestEntry, ResponseEntry } from '../driver';
import { EmulatorOptions, PersonalizeEmulator, Tag, TrackerSnapshot } from '../emulator/personalize-emulator';

/** The handler as the npm package ships it (built by `projen bundle:handler`, which `projen test` runs first). */
export const HANDLER = process.env.CONTRACT_HANDLER_BUNDLE
  // Another build of the handler, e.g. an older release's, to see which scenarios it fails.
  ? path.resolve(process.env.CONTRACT_HANDLER_BUNDLE)
  : path.join(__dirname, '..', '..', 'assets', 'event-tracker', 'index.js');

/**
 * Time runs 100 times faster than in AWS: the handler's own waits (EVENT_TRACKER_TIME_SCALE), the
 * Provider's 5 s poll interval and 20 min total timeout, the Lambda timeouts and ServiceTimeout
 * (each with the driver's allowance for what does not shrink), and the emulator's status durations
 * all shrink alike, so every scenario keeps the real proportions.
 */
export const TIME_SCALE = 0.01;
export const QUERY_INTERVAL_MS = QUERY_INTERVAL.toMilliseconds() * TIME_SCALE;
export const TOTAL_TIMEOUT_MS = TOTAL_TIMEOUT.toMilliseconds() * TIME_SCALE;
/**
 * A take-over creates nothing: DescribeEventTracker and ListTagsForResource of the tracker, one
 * TagResource with the declared tags and the proof, and two to spare.
 */
export const TAKE_OVER_CALLS = 5;

/**
 * The provider as the construct deploys it (the template the library synthesizes, run by aws-cdk-lib's
 * framework code), time-compressed, running the bundled handler.
 */
export function handlerStackOptions(): Pick<CloudFormationStackOptions, 'template' | 'userCode' | 'timeScale'> {
  return { template: eventTrackerTemplate(), userCode: () => HANDLER, timeScale: TIME_SCALE };
}

/** The handler, in this process, reaches Personalize at the emulator, with compressed waits. */
export function pointHandlerAt(emulator: PersonalizeEmulator): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_PERSONALIZE: emulator.endpoint,
    AWS_REGION: emulator.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    EVENT_TRACKER_TIME_SCALE: String(TIME_SCALE),
  });
}

/** Properties as the EventTracker construct renders them. */
// A type, not an interface, so that it fits the driver's index-signature property type.
export type TrackerProperties = {
  readonly EventTrackerName?: string;
  readonly DatasetGroupArn?: string;
  readonly Tags?: Array<{ Key: string; Value: string }>;
  readonly RemovalPolicy?: 'Retain' | 'Destroy';
  readonly TakeOverEventTrackerArn?: string;
  /** Written by older versions instead of RemovalPolicy. */
  readonly RetainOnReplacement?: string;
};

/** One scenario: a fresh emulator, the handler pointed at it, and the stacks driven against it. */
export class Scenario {
  public static async start(options: EmulatorOptions = {}): Promise<Scenario> {
    // Synthesized and loaded before the clock starts (the first time takes seconds).
    eventTrackerTemplate();
    loadFramework();
    // The emulator's default timings: a tracker turns ACTIVE after 70 ms, i.e. 7 s in AWS time.
    const emulator = await PersonalizeEmulator.start({ seed: 7, ...options });
    return new Scenario(emulator, options.faults !== undefined);
  }

  public readonly client: PersonalizeClient;
  public readonly groupArn: string;
  public readonly stacks: CloudFormationStack[] = [];
  private readonly savedEnv = { ...process.env };
  private expectedArns: string[] = [];
  private foreignAtStart: TrackerSnapshot[] = [];
  private withFaults: boolean;

  private constructor(public readonly emulator: PersonalizeEmulator, withFaults: boolean) {
    this.withFaults = withFaults;
    pointHandlerAt(emulator);
    this.client = new PersonalizeClient({ ...emulator.clientConfig(), maxAttempts: 10 });
    this.groupArn = emulator.createDatasetGroup('shop');
  }

  /** A CloudFormation stack holding one EventTracker custom resource, served by the bundled handler. */
  public newStack(options: Partial<CloudFormationStackOptions> = {}): CloudFormationStack {
    const stack = new CloudFormationStack({
      ...handlerStackOptions(),
      logicalResourceId: 'TrackerResource',
      stackName: `Scenario${this.stacks.length}`,
      ...options,
    });
    this.stacks.push(stack);
    return stack;
  }

  public props(overrides: TrackerProperties = {}): TrackerProperties {
    return { EventTrackerName: 'shop-clicks', DatasetGroupArn: this.groupArn, ...overrides };
  }

  /**
   * A tracker someone else owns, to prove the stack never touches it. Created 30 days ago unless
   * `createdAgoMs` says otherwise (e.g. 5_000: seconds ago).
   */
  public foreignTracker(name: string, datasetGroupArn: string, options: { createdAgoMs?: number; tags?: readonly Tag[] } = {}): TrackerSnapshot {
    const tracker = this.emulator.createForeignTracker({
      name,
      datasetGroupArn,
      tags: options.tags ?? [{ tagKey: 'owner', tagValue: 'someone-else' }],
      createdAgoMs: options.createdAgoMs,
    });
    this.foreignAtStart.push(tracker);
    return tracker;
  }

  /** The trackers the scenario expects to be left when it ends (besides foreign ones). */
  public expectRemaining(...arns: Array<string | undefined>): void {
    this.expectedArns = arns.filter((arn): arn is string => arn !== undefined);
  }

  public liveTrackers(): TrackerSnapshot[] {
    return this.emulator.trackers().filter((tracker) => !tracker.foreign);
  }

  public setFaults(...args: Parameters<PersonalizeEmulator['setFaults']>): void {
    this.withFaults = true;
    this.emulator.setFaults(...args);
  }

  /**
   * Waits (up to 200 s in AWS time) until no tracker of the stacks is DELETE PENDING or DELETE IN_PROGRESS:
   * a tracker whose deletion was requested and goes on is not leaked, only one that stays.
   */
  public async untilDeletionsFinish(): Promise<void> {
    const giveUpAt = Date.now() + 200_000 * TIME_SCALE;
    while (this.liveTrackers().some((tracker) => tracker.status.startsWith('DELETE')) && Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, QUERY_INTERVAL_MS / 5));
    }
  }

  /** The invariants every scenario must keep, then teardown. */
  public async finish(): Promise<void> {
    try {
      // Deliveries left running, and (in-process) a handler past its Lambda timeout go on: let them end before looking.
      for (const stack of this.stacks) {
        await stack.untilStragglersFinish();
        expect(await stack.provider.untilTimedOutHandlersReturn()).toBe(true);
      }
      await this.untilDeletionsFinish();
      // Nothing leaked: no tracker but the expected ones.
      expect(this.liveTrackers().map((tracker) => tracker.arn).sort()).toEqual([...this.expectedArns].sort());
      // No foreign tracker changed.
      for (const before of this.foreignAtStart) {
        expect(this.emulator.tracker(before.arn)).toEqual(before);
      }
      if (!this.withFaults) {
        this.expectCreateCallBudget();
      }
      // Logs never hold the pre-signed ResponseURL.
      for (const stack of this.stacks) {
        expect(stack.responseUrlLeaks()).toEqual([]);
        for (const response of stack.responses) {
          expect(response.tooLarge).toBe(false);
        }
      }
    } finally {
      this.stacks.forEach((stack) => stack.provider.remove());
      this.client.destroy();
      await this.emulator.stop();
      process.env = this.savedEnv;
    }
  }

  /**
   * API calls per successful create within createCallBudget; per take-over, 5.
   * The response that counts is the first for the request (the one CloudFormation takes). A request
   * delivered twice, or whose onEvent ran twice, does the work twice by nature, so the budget of one
   * does not apply to it.
   */
  private expectCreateCallBudget(): void {
    for (const stack of this.stacks) {
      const requests = stack.timeline.filter((entry): entry is RequestEntry => entry.kind === 'request');
      const responses = stack.timeline.filter((entry): entry is ResponseEntry => entry.kind === 'response');
      for (const request of requests) {
        const id = request.request.RequestId;
        const response = responses.find((entry) => entry.accepted && entry.response.RequestId === id);
        const deliveredTwice = requests.some((other) => other.request.RequestId === id && other.delivery > 1)
          // A lost Invoke answer makes the framework run onEvent again within one delivery.
          || stack.invocations.filter((invocation) => invocation.handler === 'onEvent' && invocation.requestId === id).length > 1;
        // With name-style ARNs, a later foreign tracker of the same name may hold the ARN now: its history is not the create's.
        const reused = response !== undefined && this.emulator.tracker(response.response.PhysicalResourceId)?.foreign === true;
        if (request.request.RequestType !== 'Create' || deliveredTwice || response?.response.Status !== 'SUCCESS' || reused) {
          continue;
        }
        // The driver's times are on the base clock; call times and status histories on the emulator's.
        const [from, to] = [this.emulator.toEmulatorTime(request.at), this.emulator.toEmulatorTime(response.at)];
        const history = this.emulator.statusHistory(response.response.PhysicalResourceId);
        if (!takeOverOf(request) && (history[0]?.at ?? Infinity) < from) {
          continue; // an adoption of a tracker made before the request: no create to hold to the budget
        }
        const activeAt = history.find((change) => change.status === 'ACTIVE')?.at ?? Infinity;
        const window = this.emulator.calls().filter((call) => call.at >= from && call.at <= to);
        const calls = window.length;
        const budget = takeOverOf(request) ? TAKE_OVER_CALLS : createCallBudget(from, activeAt);
        // Over budget, the failure lists the calls made.
        const made = calls > budget ? window.map((call) => `${call.operation}:${call.outcome}`) : undefined;
        expect({ request: id, calls, made }).toEqual({ request: id, calls: Math.min(calls, budget), made: undefined });
      }
    }
  }
}

/**
 * The API calls a create of a tracker may make, from the request (`from`) to its answer: the
 * CreateEventTracker, the creating invocation's looks at its tracker (1 s after the create, at 3.5 s,
 * then one per poll interval until ACTIVE, whether or not Personalize shows the tracker yet) and one
 * to spare: ceil(time to ACTIVE / poll interval) + 3. Times on the emulator clock.
 */
export function createCallBudget(from: number, activeAt: number): number {
  return Math.ceil((activeAt - from) / QUERY_INTERVAL_MS) + 3;
}

/** CloudFormation's failure reason as the stack shows it. */
export function failureReasons(stack: CloudFormationStack): string[] {
  return stack.responses.filter((entry) => entry.response.Status === 'FAILED').map((entry) => entry.response.Reason);
}

function takeOverOf(request: RequestEntry): boolean {
  return request.request.ResourceProperties.TakeOverEventTrackerArn !== undefined;
}

/** A tracker's tags without the handler's ownership proof. */
export function userTags(tracker: TrackerSnapshot | undefined): Record<string, string> | undefined {
  if (!tracker) return undefined;
  const { [OWNERSHIP_TAG_KEY]: _proof, ...rest } = tracker.tags;
  return rest;
}

/** Tags in the order the construct renders them. */
export function tags(record: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b)).map(([Key, Value]) => ({ Key, Value }));
}

/**
 * Whose the tracker is by its ownership tag: `released` when the stack that kept it let it go (the
 * tag's flags hold `r`), `<stack name>` when a stack holds it, undefined with no tag.
 */
export function holder(tracker: TrackerSnapshot | undefined): string | undefined {
  const proof = tracker?.tags[OWNERSHIP_TAG_KEY];
  if (proof === undefined) return undefined;
  const [stack, , flags = ''] = proof.split('/');
  return flags.includes('r') ? 'released' : stack;
}
