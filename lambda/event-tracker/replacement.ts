import { EventTrackerSummary } from '@aws-sdk/client-personalize';
import { deleteAndWaitUntilGone } from './delete-tracker';
import { DeploymentFailure } from './deployment-failure';
import { logStep, logWarning } from './log';
import { foreignTrackerInDatasetGroup, madeByAnotherRequest, nameTaken } from './messages';
import { isAdoptable, isOwn, madeMeanwhile, Owner, Ownership, ownershipOf } from './ownership';
import { DesiredTracker, PreviousTracker } from './properties';
import { Step, waitOrGiveUp } from './step';
import { describeTracker, findTrackerInDatasetGroup, findTrackerNamed, isDeleting, requestDeletion, Tracker, TrackerStatus } from './trackers';

/**
 * Before a replacement touches anything: looks at the trackers holding the new dataset group or the
 * new name. A foreign one fails the update while everything is untouched. One of our own that is
 * exactly the tracker asked for is returned, to be adopted (a rollback to the tracker a successful
 * update kept, or a second delivery of this update); other trackers of ours are deleted.
 */
export async function prepareTargetSlot(step: Step, owner: Owner, current: Tracker, desired: DesiredTracker): Promise<Tracker | undefined> {
  for (;;) {
    const prepared = await lookAtTargetSlot(step, owner, current, desired);
    if (prepared !== TAGS_UNKNOWN) {
      return prepared;
    }
    await waitOrGiveUp(step, TAGS_RETRY_MS, () => `Cannot replace event tracker ${current.arn}: a tracker in dataset group ${desired.datasetGroupArn} or named '${desired.name}' is listed, but Personalize kept answering ResourceNotFoundException for its tags, so this stack cannot tell whose it is. Nothing was changed. Deploy again.`);
  }
}

/** Personalize lists a tracker whose tags it does not show yet (read-after-write lag): look again. */
const TAGS_UNKNOWN = Symbol('tags unknown');
const TAGS_RETRY_MS = 2_000;

async function lookAtTargetSlot(
  step: Step,
  owner: Owner,
  current: Tracker,
  desired: DesiredTracker,
): Promise<Tracker | undefined | typeof TAGS_UNKNOWN> {
  const occupant = await findTrackerInDatasetGroup(step, desired.datasetGroupArn);
  const namesake = occupant?.name === desired.name ? undefined : await findTrackerNamed(step, desired.name);
  const inTheWay = [occupant, namesake].filter((summary): summary is EventTrackerSummary & { eventTrackerArn: string } =>
    summary?.eventTrackerArn !== undefined && summary.eventTrackerArn !== current.arn);

  const toDelete: string[] = [];
  for (const summary of inTheWay) {
    const arn = summary.eventTrackerArn;
    const ownership = await ownershipOf(step, owner, arn);
    if (ownership === undefined) {
      return TAGS_UNKNOWN;
    }
    // Which listing found it says little while Personalize's lists lag: its own description decides.
    const tracker = isAdoptable(ownership) ? await describeTracker(step, arn) : undefined;
    const asked = tracker?.name === desired.name && tracker.datasetGroupArn === desired.datasetGroupArn;
    if (tracker && asked && tracker.status !== TrackerStatus.CREATE_FAILED && !isDeleting(tracker.status)) {
      logStep({ requestType: step.requestType, step: 'adopted-own-tracker', eventTrackerArn: arn, status: tracker.status });
      return tracker;
    }
    if (ownership === Ownership.KEPT) {
      throw new DeploymentFailure(`Cannot replace event tracker ${current.arn}: ${arn} is in the way (it holds dataset group ${desired.datasetGroupArn} or the name '${desired.name}'), and this stack kept it earlier under removal policy RETAIN, so it does not delete it. Nothing was changed. Delete it yourself, or declare it as it is, then deploy again.`);
    }
    if (!isOwn(ownership)) {
      throw new DeploymentFailure(summary === occupant
        ? foreignTrackerInDatasetGroup(desired.datasetGroupArn, summary.name, arn)
        : nameTaken(desired.name, arn, (await describeTracker(step, arn))?.datasetGroupArn));
    }
    if (tracker && madeMeanwhile(step, tracker)) {
      throw new DeploymentFailure(madeByAnotherRequest(tracker.name, arn));
    }
    toDelete.push(arn);
  }
  for (const arn of toDelete) {
    logStep({ requestType: step.requestType, step: 'deleting-leftover', eventTrackerArn: arn });
    await deleteAndWaitUntilGone(step, arn);
  }
  return undefined;
}

/**
 * In a rollback, the old properties are those of the update that failed: a tracker of ours left
 * under them (one that ended CREATE FAILED, say) is deleted, so that only the tracker the template
 * describes remains. In a forward update the old properties are the current tracker's: nothing to do.
 */
export async function removeLeftoverOfFailedProperties(
  step: Step,
  owner: Owner,
  previous: PreviousTracker,
  desired: DesiredTracker,
  current: Tracker | undefined,
): Promise<void> {
  if (previous.name === undefined || previous.datasetGroupArn === undefined) {
    return;
  }
  const sameAsDesired = previous.name === desired.name && previous.datasetGroupArn === desired.datasetGroupArn;
  const sameAsCurrent = current !== undefined && previous.name === current.name && previous.datasetGroupArn === current.datasetGroupArn;
  if (sameAsDesired || sameAsCurrent) {
    return;
  }
  const occupant = await findTrackerInDatasetGroup(step, previous.datasetGroupArn);
  if (!occupant?.eventTrackerArn || occupant.name !== previous.name || occupant.eventTrackerArn === current?.arn) {
    return;
  }
  if ((await ownershipOf(step, owner, occupant.eventTrackerArn)) === Ownership.LEFTOVER) {
    const inTheWay = occupant.name === desired.name || previous.datasetGroupArn === desired.datasetGroupArn;
    if (madeMeanwhile(step, occupant)) {
      // The tracker under the old properties is younger than this request: not a leftover, but the
      // one CloudFormation's rollback made while this request is a late delivery of the failed update.
      if (inTheWay) {
        throw new DeploymentFailure(madeByAnotherRequest(occupant.name, occupant.eventTrackerArn));
      }
      logWarning({ requestType: step.requestType, step: 'not-deleting-tracker-made-meanwhile', eventTrackerArn: occupant.eventTrackerArn, reason: madeByAnotherRequest(occupant.name, occupant.eventTrackerArn) });
      return;
    }
    logStep({ requestType: step.requestType, step: 'deleting-leftover-of-failed-update', eventTrackerArn: occupant.eventTrackerArn, status: occupant.status });
    if (inTheWay) {
      await deleteAndWaitUntilGone(step, occupant.eventTrackerArn);
    } else {
      // Not in the way of the tracker asked for: a rollback need not wait for it, nor fail over it.
      await requestDeletion(step, occupant.eventTrackerArn).catch((error) => {
        logStep({ requestType: step.requestType, step: 'leftover-not-deleted', eventTrackerArn: occupant.eventTrackerArn, error: String((error as Error).message) });
      });
    }
  }
}
