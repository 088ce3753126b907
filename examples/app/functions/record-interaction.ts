import { PersonalizeEventsClient, PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { Interaction, parseInteraction, TRACKING_ID_VARIABLE } from './interaction';

// Created once per Lambda instance and reused by every invocation.
const client = new PersonalizeEventsClient({});

export interface RecordInteractionResult {
  readonly recorded: number;
}

/** Lambda handler: records one interaction with the event tracker's trackingId (PutEvents). */
export async function handler(event: Interaction): Promise<RecordInteractionResult> {
  const trackingId = process.env[TRACKING_ID_VARIABLE];
  if (!trackingId) {
    throw new Error(`${TRACKING_ID_VARIABLE} is not set: deploy this function with the event tracker's trackingId in its environment.`);
  }
  const interaction = parseInteraction(event);
  await client.send(new PutEventsCommand({
    trackingId,
    userId: interaction.userId,
    sessionId: interaction.sessionId,
    eventList: [{
      eventType: interaction.eventType,
      itemId: interaction.itemId,
      sentAt: interaction.occurredAt ? new Date(interaction.occurredAt) : new Date(),
    }],
  }));
  return { recorded: 1 };
}
