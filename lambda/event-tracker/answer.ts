import { CreatedTracker } from './create-tracker';
import { observeBriefly } from './observe';
import { OBSERVATION_KEY, OnEventResponse } from './provider-types';
import { Step } from './step';
import { isCreating, TrackerStatus } from './trackers';
import { AttributeKey } from '../../src/private/handler-contract';

/** The attributes read with Fn::GetAtt. */
export function attributesOf(tracker: CreatedTracker): Record<string, string> {
  return {
    [AttributeKey.TRACKING_ID]: tracker.trackingId,
    [AttributeKey.EVENT_TRACKER_ARN]: tracker.arn,
    [AttributeKey.EVENT_TRACKER_NAME]: tracker.name,
  };
}

/** onEvent's answer for a tracker that should become ACTIVE; isComplete waits for it. */
export async function answerWhenActive(step: Step, tracker: CreatedTracker): Promise<OnEventResponse> {
  const observation = await observeBriefly(step, tracker.arn, (seen) => !isCreating(seen?.status ?? TrackerStatus.ACTIVE));
  return { PhysicalResourceId: tracker.arn, Data: attributesOf(tracker), [OBSERVATION_KEY]: observation };
}
