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

export async function onEvent(event: OnEventRequest, context: Context): Promise<OnEventResponse> {
  const step: Step = { client: createPersonalizeClient(), deadline: Deadline.fromContext(context), requestType: event.RequestType };
  logStep({ requestType: event.RequestType, step: 'received', logicalResourceId: event.LogicalResourceId, physicalResourceId: physicalIdOf(event) });
  try {
    switch (event.RequestType) {
      case 'Create':
        return await onCreate(step, event);
      case 'Update':
        return await onUpdate(step, event as CloudFormationCustomResourceUpdateEvent);
      case 'Delete':
        return await onDelete(step, event.PhysicalResourceId);
    }
  } catch (error) {
    logStep({ requestType: event.RequestType, step: 'failed', physicalResourceId: physicalIdOf(event), error: (error as Error).message });
    throw error;
  }
}

export async function isComplete(event: IsCompleteRequest, _context: Context): Promise<IsCompleteResponse> {
  return checkCompletion(createPersonalizeClient(), event);
}

function physicalIdOf(event: OnEventRequest): string | undefined {
  return event.RequestType === 'Create' ? undefined : event.PhysicalResourceId;
}
