import type { Declared, Request } from './request';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';

/** Why a request fails: each message names the values, the rule and the way out. */

const NOT_OURS = 'It does not carry this resource\'s ownership tag (it was made outside this stack, by another stack or another EventTracker, or kept and released by a stack that was deleted), so this stack leaves it untouched.';
const UNCHANGED = 'Nothing was changed.';

export function foreignInDatasetGroup(datasetGroupArn: string, name: string, arn: string): string {
  return `Dataset group ${datasetGroupArn} already has event tracker '${name}' (${arn}), and Personalize allows one event tracker per dataset group. ${NOT_OURS} `
    + `To manage it from this stack, take it over (if no other stack manages it): takeOverEventTrackerArn: '${arn}' with eventTrackerName '${name}'. `
    + `To only send events to it, import it: EventTracker.fromEventTrackerArn(this, 'Tracker', '${arn}'). Or delete it yourself, then deploy again.`;
}

export function nameTaken(name: string, arn: string, datasetGroupArn: string | undefined): string {
  return `The event tracker name '${name}' is already used by ${arn}${datasetGroupArn ? ` in dataset group ${datasetGroupArn}` : ''}; names are unique per account and region. ${NOT_OURS} `
    + 'Set another eventTrackerName, or omit it to get a generated one.';
}

export function managedElsewhere(arn: string, stack: string): string {
  return `Event tracker ${arn} carries the ownership tag of another resource (of stack '${stack}'), so this stack leaves it untouched. ${UNCHANGED} Remove it from this stack, or from the other one first.`;
}

export function keptInTheWay(arn: string, want: Declared): string {
  return `Event tracker ${arn} is in the way of '${want.name}' in dataset group ${want.datasetGroupArn} (Personalize allows one tracker per dataset group and each name once), `
    + `and this stack kept it earlier (removal policy RETAIN), so it does not delete it. ${UNCHANGED} Delete it yourself, or declare it as it is, then deploy again.`;
}

export function keptFromRollback(current: { arn: string; name: string }, want: Declared, provenOlder: boolean): string {
  const why = provenOlder ? 'its ownership tag says an earlier request made it, not the update being rolled back'
    : 'the update being rolled back kept trackers (its removal policy), so it cannot have made this one';
  return `Cannot return to '${want.name}' in dataset group ${want.datasetGroupArn}: event tracker '${current.name}' (${current.arn}) is in its way, and `
    + `${why}: it is not this rollback's to delete. ${UNCHANGED} Delete it yourself if it should go, then continue the rollback.`;
}

export function notMadeByRolledBackUpdate(current: { arn: string; name: string }, want: Declared): string {
  return `Cannot return to '${want.name}' in dataset group ${want.datasetGroupArn}: event tracker '${current.name}' (${current.arn}) is this resource's, `
    + 'but its ownership tag says an earlier request made it, not the update being rolled back (a late or repeated delivery of that update takes itself '
    + `for the rollback). ${UNCHANGED}`;
}

export function cannotReplaceKept(current: { arn: string; name: string }, want: Declared): string {
  return `Cannot replace event tracker '${current.name}' (${current.arn}) with '${want.name}' in dataset group ${want.datasetGroupArn}: it is kept (removal policy RETAIN, `
    + `or taken over and no removalPolicy DESTROY chosen), so this stack does not delete it, and Personalize allows one tracker per dataset group and each name once. ${UNCHANGED} `
    + `Deploy this change with removalPolicy DESTROY${want.takeOverArn ? ' and without takeOverEventTrackerArn' : ''}, or delete the old tracker yourself first.`;
}

export function takeOverAdded(arn: string, physicalId: string | undefined): string {
  return `takeOverEventTrackerArn ${arn} was added to an EventTracker that already manages ${physicalId}: a tracker is taken over only when its EventTracker is created. ${UNCHANGED} `
    + 'Add a new EventTracker (a new construct id) with takeOverEventTrackerArn instead.';
}

export function noTrackerToTakeOver(arn: string): string {
  return `Cannot take over event tracker ${arn}: Personalize knows no tracker with this ARN in this account and region. ${UNCHANGED} Check takeOverEventTrackerArn (aws personalize list-event-trackers lists the ARNs).`;
}

export function takeOverDiffers(arn: string, differences: readonly string[]): string {
  return `Cannot take over event tracker ${arn}: ${differences.join('; ')}. ${UNCHANGED} Declare the tracker as it is (its name and dataset group), then deploy again.`;
}

export function takeOverManagedElsewhere(arn: string, stack: string): string {
  return `Cannot take over event tracker ${arn}: stack '${stack}' manages it (it carries that stack's ownership tag ${OWNERSHIP_TAG_KEY}). ${UNCHANGED} `
    + 'Remove the tracker from that stack first (kept trackers are released then), then deploy again. If that stack no longer exists, remove the tag yourself: '
    + `aws personalize untag-resource --resource-arn ${arn} --tag-keys ${OWNERSHIP_TAG_KEY}`;
}

export function createFailed(tracker: { arn: string; name: string }, datasetGroupArn: string): string {
  return `Event tracker '${tracker.name}' (${tracker.arn}) for dataset group ${datasetGroupArn} reached status CREATE FAILED instead of ACTIVE, so it cannot receive events; it is being deleted. `
    + 'Check the dataset group in the Personalize console (it must be ACTIVE), then deploy again.';
}

export function notAwaited(request: Request, status: string): string {
  const what = request.type === 'Create' ? 'the resource' : 'the stack';
  return `This ${request.type} request (${request.requestId}) arrived while ${what} is ${status}: CloudFormation no longer waits for it `
    + `(a late delivery), so it changes nothing. ${UNCHANGED}`;
}
