import { CreateEventTrackerCommand } from '@aws-sdk/client-personalize';
import { DeploymentFailure } from './deployment-failure';
import { isAlreadyExists, isInUse } from './errors';
import { logStep } from './log';
import { foreignTrackerInDatasetGroup, nameTaken } from './messages';
import { DesiredTracker } from './properties';
import { Step, waitOrGiveUp } from './step';
import {
  describeTracker,
  findTrackerInDatasetGroup,
  findTrackerNamed,
  isDeleting,
  requestDeletion,
} from './trackers';

export interface CreatedTracker {
  readonly arn: string;
  readonly name: string;
  readonly trackingId: string;
}

/** CreateEventTracker answers ResourceInUseException while the dataset group is not ACTIVE yet. */
const DATASET_GROUP_RETRY_MS = 5_000;
const CONFLICT_RETRY_MS = 2_000;
/**
 * A same-named tracker in the same dataset group is taken as this request's own earlier attempt
 * only if it is younger than this: CloudFormation gives up on a custom resource after one hour.
 */
const ADOPTION_WINDOW_MS = 2 * 60 * 60 * 1000;

/**
 * Creates the tracker, idempotently: the same request may arrive twice. `ownedNames` are names this
 * stack's own earlier properties asked for; a tracker with such a name left in the dataset group by
 * a failed update is the stack's and is deleted to make room. Any other tracker is never touched.
 */
export async function createTracker(
  step: Step,
  desired: DesiredTracker,
  ownedNames: ReadonlyArray<string | undefined> = [],
): Promise<CreatedTracker> {
  for (;;) {
    try {
      const created = await step.client.send(new CreateEventTrackerCommand({
        name: desired.name,
        datasetGroupArn: desired.datasetGroupArn,
        tags: desired.tags.size > 0 ? [...desired.tags].map(([tagKey, tagValue]) => ({ tagKey, tagValue })) : undefined,
      }));
      logStep({ requestType: step.requestType, step: 'created', eventTrackerArn: created.eventTrackerArn, name: desired.name });
      return { arn: created.eventTrackerArn ?? '', name: desired.name, trackingId: created.trackingId ?? '' };
    } catch (error) {
      if (isInUse(error)) {
        logStep({ requestType: step.requestType, step: 'dataset-group-not-active', datasetGroupArn: desired.datasetGroupArn });
        await waitOrGiveUp(step, DATASET_GROUP_RETRY_MS, () => datasetGroupNotActive(desired));
        continue;
      }
      if (!isAlreadyExists(error)) {
        throw error;
      }
    }
    const adopted = await resolveConflict(step, desired, ownedNames);
    if (adopted) {
      return adopted;
    }
    await waitOrGiveUp(step, CONFLICT_RETRY_MS, () => `Gave up creating event tracker '${desired.name}' in dataset group ${desired.datasetGroupArn}: `
      + 'the trackers in the way were still being deleted when time ran out. Deploy again.');
  }
}

/** After ResourceAlreadyExistsException: adopt our own tracker, wait, or fail naming the one in the way. */
async function resolveConflict(
  step: Step,
  desired: DesiredTracker,
  ownedNames: ReadonlyArray<string | undefined>,
): Promise<CreatedTracker | undefined> {
  const occupant = await findTrackerInDatasetGroup(step.client, desired.datasetGroupArn);
  if (occupant?.eventTrackerArn) {
    const occupantArn = occupant.eventTrackerArn;
    if (isDeleting(occupant.status ?? '')) {
      logStep({ requestType: step.requestType, step: 'waiting-for-deletion', eventTrackerArn: occupantArn, status: occupant.status });
      return undefined;
    }
    if (occupant.name === desired.name) {
      const tracker = await describeTracker(step.client, occupantArn);
      if (!tracker) {
        return undefined;
      }
      if (tracker.creationDateTime && Date.now() - tracker.creationDateTime.getTime() > ADOPTION_WINDOW_MS) {
        throw new DeploymentFailure(`Dataset group ${desired.datasetGroupArn} already has an event tracker named '${desired.name}' (${occupantArn}), created ${tracker.creationDateTime.toISOString()}, before this deployment. This stack only takes over a tracker it created itself, and leaves this one untouched. To use it, import it: EventTracker.fromEventTrackerArn(this, 'Tracker', '${occupantArn}'); or choose another eventTrackerName.`);
      }
      logStep({ requestType: step.requestType, step: 'adopted-earlier-attempt', eventTrackerArn: occupantArn, status: tracker.status });
      return { arn: occupantArn, name: desired.name, trackingId: tracker.trackingId };
    }
    if (ownedNames.includes(occupant.name)) {
      logStep({ requestType: step.requestType, step: 'deleting-leftover', eventTrackerArn: occupantArn, status: occupant.status });
      await requestDeletion(step.client, occupantArn);
      return undefined;
    }
    throw new DeploymentFailure(foreignTrackerInDatasetGroup(desired.datasetGroupArn, occupant.name, occupantArn));
  }

  const namesake = await findTrackerNamed(step.client, desired.name);
  if (namesake?.eventTrackerArn) {
    if (isDeleting(namesake.status ?? '')) {
      logStep({ requestType: step.requestType, step: 'waiting-for-deletion', eventTrackerArn: namesake.eventTrackerArn, status: namesake.status });
      return undefined;
    }
    const other = await describeTracker(step.client, namesake.eventTrackerArn);
    throw new DeploymentFailure(nameTaken(desired.name, namesake.eventTrackerArn, other?.datasetGroupArn));
  }
  // The tracker in the way disappeared between the calls: try again.
  return undefined;
}

function datasetGroupNotActive(desired: DesiredTracker): string {
  return `Dataset group ${desired.datasetGroupArn} did not become ACTIVE in time: Personalize kept answering ResourceInUseException to CreateEventTracker for '${desired.name}'. Make sure the dataset group is ACTIVE (create it in the same stack, or wait for it), then deploy again.`;
}
