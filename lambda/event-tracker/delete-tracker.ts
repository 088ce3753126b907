import { logStep } from './log';
import { Step, waitOrGiveUp } from './step';
import { canBeDeleted, describeTracker, requestDeletion } from './trackers';

const DELETION_POLL_MS = 2_000;

/** Deletes one of the stack's own trackers and waits until Personalize no longer knows it. */
export async function deleteAndWaitUntilGone(step: Step, arn: string): Promise<void> {
  for (;;) {
    const tracker = await describeTracker(step, arn);
    if (!tracker) {
      logStep({ requestType: step.requestType, step: 'deleted', eventTrackerArn: arn });
      return;
    }
    if (canBeDeleted(tracker.status)) {
      await requestDeletion(step, arn);
    }
    logStep({ requestType: step.requestType, step: 'waiting-for-deletion', eventTrackerArn: arn, status: tracker.status });
    await waitOrGiveUp(step, DELETION_POLL_MS, () => `Event tracker ${arn} was still ${tracker.status} when time ran out waiting for its deletion, which must finish before its replacement can be created. Deploy again; the deletion goes on meanwhile.`);
  }
}
