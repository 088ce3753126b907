import type { CloudFormationCustomResourceUpdateEvent, Context } from 'aws-lambda';
import { checkCompletion } from './is-complete';
import { logStep } from './log';
import { onCreate } from './on-create';
import { onDelete } from './on-delete';
import { onUpdate } from './on-update';
import { createPersonalizeClient } from './personalize-client';
import { IsCompleteRequest, IsCompleteResponse, OnEventRequest, OnEventResponse } from './provider-types';
import { Step } from './step';
import { Deadline } from './timing';

/** onEvent has minutes: enough attempts that a throttled account still gets its tracker. */
const ON_EVENT_MAX_ATTEMPTS = 8;
/**
 * isComplete has one minute, and the Provider calls it again 5 s later anyway: few attempts, so
 * that even unanswered requests end in "not complete yet" rather than in a Lambda timeout.
 */
const IS_COMPLETE_MAX_ATTEMPTS = 3;

export async function onEvent(event: OnEventRequest, context: Context): Promise<OnEventResponse> {
  const step = stepFor(event, context, ON_EVENT_MAX_ATTEMPTS);
  logStep({ requestType: event.RequestType, step: 'received', logicalResourceId: event.LogicalResourceId, physicalResourceId: physicalIdOf(event) });
  try {
    switch (event.RequestType) {
      case 'Create':
        return await onCreate(step, event);
      case 'Update':
        return await onUpdate(step, event as CloudFormationCustomResourceUpdateEvent);
      case 'Delete':
        return await onDelete(step, event);
    }
  } catch (error) {
    logStep({ requestType: event.RequestType, step: 'failed', physicalResourceId: physicalIdOf(event), error: (error as Error).message });
    throw error;
  } finally {
    step.client.destroy();
  }
}

export async function isComplete(event: IsCompleteRequest, context: Context): Promise<IsCompleteResponse> {
  const step = stepFor(event, context, IS_COMPLETE_MAX_ATTEMPTS);
  try {
    return await checkCompletion(step, event);
  } finally {
    step.client.destroy();
  }
}

/** The client's retries and every call are bounded by the invocation's deadline. */
function stepFor(event: OnEventRequest, context: Context, maxAttempts: number): Step {
  const deadline = Deadline.fromContext(context);
  return { client: createPersonalizeClient(maxAttempts, deadline), deadline, requestType: event.RequestType, startedAt: Date.now() };
}

function physicalIdOf(event: OnEventRequest): string | undefined {
  return event.RequestType === 'Create' ? undefined : event.PhysicalResourceId;
}
