import { CreateEventTrackerCommand } from '@aws-sdk/client-personalize';
import { claim } from './claim';
import { DeploymentFailure } from './deployment-failure';
import { isAlreadyExists, isInUse, isTransient } from './errors';
import { logStep } from './log';
import { foreignTrackerInDatasetGroup, madeByAnotherRequest, nameTaken } from './messages';
import { isAdoptable, isOwn, madeMeanwhile, Owner, Ownership, ownershipOf, ownershipProof } from './ownership';
import { DesiredTracker } from './properties';
import { callOptions, Step, waitOrGiveUp } from './step';
import {
  describeTracker,
  findTrackerInDatasetGroup,
  findTrackerNamed,
  isDeleting,
  requestDeletion,
  Tracker,
  TrackerStatus,
} from './trackers';

/** Whether any CreateEventTracker call of this request may have created a tracker. */
export interface CreateAttempts {
  mayHaveCreated: boolean;
}

export interface CreatedTracker {
  readonly arn: string;
  readonly name: string;
  readonly trackingId: string;
}

/** CreateEventTracker answers ResourceInUseException while the dataset group is not ACTIVE yet. */
const DATASET_GROUP_RETRY_MS = 5_000;
/** Between looks at a tracker in the way that is being deleted, or that Personalize does not show yet. */
const CONFLICT_RETRY_MS = 2_000;

/**
 * Creates the tracker with the ownership proof, idempotently: the same request may arrive twice, or
 * an earlier attempt's answer may have been lost. A tracker in the way that carries this resource's
 * proof is adopted when it is the one asked for, and deleted otherwise; any other is never touched.
 */
export async function createTracker(
  step: Step,
  owner: Owner,
  desired: DesiredTracker,
  attempts: CreateAttempts = { mayHaveCreated: false },
): Promise<CreatedTracker> {
  const userTags = [...desired.tags].map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
  for (;;) {
    try {
      const created = await step.client.send(new CreateEventTrackerCommand({
        name: desired.name,
        datasetGroupArn: desired.datasetGroupArn,
        tags: [...userTags, ownershipProof(owner)],
      }), callOptions(step));
      attempts.mayHaveCreated = true;
      logStep({ requestType: step.requestType, step: 'created', eventTrackerArn: created.eventTrackerArn, name: desired.name });
      return { arn: created.eventTrackerArn ?? '', name: desired.name, trackingId: created.trackingId ?? '' };
    } catch (error) {
      // Only a refusal at the first attempt proves that this call created nothing: an earlier attempt
      // whose answer was lost may have, and so may a call that failed otherwise.
      const refused = (isInUse(error) || isAlreadyExists(error)) && sdkAttempts(error) <= 1;
      attempts.mayHaveCreated ||= !refused;
      if (isInUse(error)) {
        logStep({ requestType: step.requestType, step: 'dataset-group-not-active', datasetGroupArn: desired.datasetGroupArn });
        await waitOrGiveUp(step, DATASET_GROUP_RETRY_MS, () => datasetGroupNotActive(desired));
        continue;
      }
      if (!isAlreadyExists(error)) {
        throw error;
      }
    }
    const adopted = await resolveConflict(step, owner, desired).catch((error) => {
      if (isTransient(error)) {
        // Throttled or unanswered while looking at the tracker in the way: look again after the wait.
        return undefined;
      }
      throw error;
    });
    if (adopted) {
      return adopted;
    }
    await waitOrGiveUp(step, CONFLICT_RETRY_MS, () => `Gave up creating event tracker '${desired.name}' in dataset group ${desired.datasetGroupArn}: `
      + 'the trackers in the way were still being deleted when time ran out. Deploy again.');
  }
}

/**
 * After ResourceAlreadyExistsException: adopts our own tracker, clears our own leftover, or fails
 * naming the foreign tracker in the way. Undefined means "try again".
 */
async function resolveConflict(step: Step, owner: Owner, desired: DesiredTracker): Promise<CreatedTracker | undefined> {
  const occupant = await findTrackerInDatasetGroup(step, desired.datasetGroupArn);
  const namesake = occupant?.name === desired.name ? undefined : await findTrackerNamed(step, desired.name);
  if (!occupant?.eventTrackerArn && !namesake?.eventTrackerArn) {
    // The tracker in the way is gone, or Personalize does not list it yet: try again.
    return undefined;
  }
  for (const inTheWay of [occupant, namesake]) {
    if (!inTheWay?.eventTrackerArn) {
      continue;
    }
    const arn = inTheWay.eventTrackerArn;
    if (isDeleting(inTheWay.status ?? '')) {
      logStep({ requestType: step.requestType, step: 'waiting-for-deletion', eventTrackerArn: arn, status: inTheWay.status });
      return undefined;
    }
    const ownership = await ownershipOf(step, owner, arn);
    if (ownership === undefined) {
      return undefined;
    }
    // Which listing found it says little while Personalize's lists lag: its own description decides.
    const tracker = isAdoptable(ownership) ? await describeTracker(step, arn) : undefined;
    if (tracker && tracker.name === desired.name && tracker.datasetGroupArn === desired.datasetGroupArn) {
      return adoptOrClear(step, owner, tracker, desired);
    }
    if (!isOwn(ownership)) {
      throw new DeploymentFailure(inTheWay === occupant
        ? foreignTrackerInDatasetGroup(desired.datasetGroupArn, inTheWay.name, arn)
        : nameTaken(desired.name, arn, (await describeTracker(step, arn))?.datasetGroupArn));
    }
    if (!tracker) {
      return undefined;
    }
    if (ownership === Ownership.CURRENT) {
      // The tracker being replaced: only the update deletes it, and only when it may.
      return undefined;
    }
    if (madeMeanwhile(step, tracker)) {
      throw new DeploymentFailure(madeByAnotherRequest(tracker.name, arn));
    }
    logStep({ requestType: step.requestType, step: 'deleting-leftover', eventTrackerArn: arn, status: inTheWay.status });
    await requestDeletion(step, arn);
    return undefined;
  }
  return undefined;
}

/** Our own tracker with the requested name in the requested dataset group: a retry's or a rollback's. */
async function adoptOrClear(step: Step, owner: Owner, tracker: Tracker, desired: DesiredTracker): Promise<CreatedTracker | undefined> {
  const arn = tracker.arn;
  if (isDeleting(tracker.status)) {
    return undefined;
  }
  if (tracker.status === TrackerStatus.CREATE_FAILED) {
    logStep({ requestType: step.requestType, step: 'deleting-leftover', eventTrackerArn: arn, status: tracker.status });
    await requestDeletion(step, arn);
    return undefined;
  }
  await claim(step, owner, arn, desired);
  logStep({ requestType: step.requestType, step: 'adopted-own-tracker', eventTrackerArn: arn, status: tracker.status });
  return { arn, name: tracker.name, trackingId: tracker.trackingId };
}

/** Deletes, without waiting, a tracker of ours that a failed request may have left in the dataset group. */
export async function removeOwnTrackerLeftBehind(step: Step, owner: Owner, desired: Pick<DesiredTracker, 'name' | 'datasetGroupArn'>): Promise<void> {
  const occupant = await findTrackerInDatasetGroup(step, desired.datasetGroupArn);
  if (occupant?.eventTrackerArn && occupant.name === desired.name && isOwn(await ownershipOf(step, owner, occupant.eventTrackerArn))) {
    logStep({ requestType: step.requestType, step: 'deleting-after-failure', eventTrackerArn: occupant.eventTrackerArn });
    await requestDeletion(step, occupant.eventTrackerArn);
  }
}

function sdkAttempts(error: unknown): number {
  const metadata = (error as { $metadata?: { attempts?: number } }).$metadata;
  return metadata?.attempts ?? 1;
}

function datasetGroupNotActive(desired: DesiredTracker): string {
  return `Dataset group ${desired.datasetGroupArn} did not become ACTIVE in time: Personalize kept answering ResourceInUseException to CreateEventTracker for '${desired.name}'. Make sure the dataset group is ACTIVE (create it in the same stack, or wait for it), then deploy again.`;
}
