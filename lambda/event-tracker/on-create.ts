import { answerWhenActive } from './answer';
import { createTracker } from './create-tracker';
import { parseDesiredTracker } from './properties';
import { OnEventRequest, OnEventResponse } from './provider-types';
import { Step } from './step';

export async function onCreate(step: Step, event: OnEventRequest): Promise<OnEventResponse> {
  const desired = parseDesiredTracker(event.ResourceProperties);
  const tracker = await createTracker(step, desired);
  return answerWhenActive(step, tracker);
}
