import { CreatedTracker } from './create-tracker';
import { OnEventResponse } from './provider-types';
import { Step } from './step';
import { AttributeKey } from '../../src/private/handler-contract';

/**
 * How long onEvent waits after creating a tracker before it answers. isComplete's first call comes
 * right after the answer, and many trackers are ACTIVE by then: one DescribeEventTracker sees it.
 */
const FIRST_LOOK_AFTER_MS = 1_000;

/** The attributes read with Fn::GetAtt. */
export function attributesOf(tracker: CreatedTracker): Record<string, string> {
  return {
    [AttributeKey.TRACKING_ID]: tracker.trackingId,
    [AttributeKey.EVENT_TRACKER_ARN]: tracker.arn,
    [AttributeKey.EVENT_TRACKER_NAME]: tracker.name,
  };
}

/**
 * onEvent's answer for a tracker that should be ACTIVE: a function of the tracker alone (no time, no
 * status), so that a second delivery of the same request answers the same and joins the waiter the
 * Provider framework started for the first (Step Functions accepts a running execution's name again
 * only with the same input).
 */
export function answerFor(tracker: CreatedTracker): OnEventResponse {
  return { PhysicalResourceId: tracker.arn, Data: attributesOf(tracker) };
}

/** The answer for a tracker this request has just created, given after a short pause for it to settle. */
export async function answerForNewTracker(step: Step, tracker: CreatedTracker): Promise<OnEventResponse> {
  await step.deadline.sleep(FIRST_LOOK_AFTER_MS);
  return answerFor(tracker);
}
