/** The environment variable that carries the event tracker's trackingId to the function. */
export const TRACKING_ID_VARIABLE = 'TRACKING_ID';

/** One thing a user did: the event the RecordInteraction function is invoked with. */
export interface Interaction {
  /** Who: your application's user id. */
  readonly userId: string;
  /** The user's session (for anonymous users, the session ties their events together). */
  readonly sessionId: string;
  /** Which item. */
  readonly itemId: string;
  /** What happened, e.g. `click`, `view`, `purchase`. */
  readonly eventType: string;
  /** When, as an ISO 8601 date. @default - now */
  readonly occurredAt?: string;
}

/** Checks an incoming event, naming every field that is missing or wrong. */
export function parseInteraction(event: unknown): Interaction {
  const input = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const text = (key: keyof Interaction, optional = false): string | undefined => {
    const value = input[key];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
      problems.push(`${key} must be a string of 1 to 256 characters (got ${JSON.stringify(value)})`);
    }
    return value as string;
  };
  const interaction = {
    userId: text('userId')!,
    sessionId: text('sessionId')!,
    itemId: text('itemId')!,
    eventType: text('eventType')!,
    occurredAt: text('occurredAt', true),
  };
  if (interaction.occurredAt !== undefined && Number.isNaN(Date.parse(interaction.occurredAt))) {
    problems.push(`occurredAt must be an ISO 8601 date (got ${JSON.stringify(interaction.occurredAt)})`);
  }
  if (problems.length > 0) {
    throw new Error(`Invalid interaction: ${problems.join('; ')}`);
  }
  return interaction;
}
