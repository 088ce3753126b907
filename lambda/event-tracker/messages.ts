/** Failure messages used in more than one place: each names the values, the rule and the way out. */

const NOT_OURS = 'It does not carry this resource\'s ownership tag (it was made outside this stack, by another stack or another EventTracker, or kept and released by a stack that was deleted), so this stack leaves it untouched.';

export function foreignTrackerInDatasetGroup(datasetGroupArn: string, trackerName: string | undefined, trackerArn: string): string {
  return `Dataset group ${datasetGroupArn} already has event tracker '${trackerName}' (${trackerArn}), and Personalize allows one event tracker per dataset group. ${NOT_OURS} `
    + `To manage it from this stack, take it over (if no other stack manages it): takeOverEventTrackerArn: '${trackerArn}' with eventTrackerName '${trackerName}'. `
    + `To only send events to it, import it: EventTracker.fromEventTrackerArn(this, 'Tracker', '${trackerArn}'). Or delete it yourself, then deploy again.`;
}

export function nameTaken(name: string, trackerArn: string, datasetGroupArn: string | undefined): string {
  return `The event tracker name '${name}' is already used by ${trackerArn}${datasetGroupArn ? ` in dataset group ${datasetGroupArn}` : ''}; names are unique per account and region. ${NOT_OURS} `
    + 'Set another eventTrackerName, or omit it to get a generated one.';
}

export function madeByAnotherRequest(trackerName: string | undefined, trackerArn: string): string {
  return `Event tracker '${trackerName}' (${trackerArn}) carries this resource's ownership tag, but another request for this resource created it while this one ran `
    + '(a second delivery of a request, or CloudFormation\'s rollback): CloudFormation may hold it, so this request stops here without deleting it. '
    + 'If the stack operation failed, deploy again.';
}

export function managedElsewhere(trackerArn: string, proof: string | undefined): string {
  const stack = proof?.split('/')[0];
  return `Event tracker ${trackerArn} carries the ownership tag of another resource${stack ? ` (of stack '${stack}')` : ''}, so this stack leaves it untouched. Remove it from this stack, or from the other one first.`;
}
