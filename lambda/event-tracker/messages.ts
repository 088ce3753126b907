/** Failure messages used in more than one place: each names the values, the rule and the way out. */

export function foreignTrackerInDatasetGroup(datasetGroupArn: string, trackerName: string | undefined, trackerArn: string): string {
  return `Dataset group ${datasetGroupArn} already has event tracker '${trackerName}' (${trackerArn}), and Personalize allows one event tracker per dataset group. This stack did not create it (it does not carry this stack's ownership tag) and leaves it untouched. To send events to it, import it instead of creating one: EventTracker.fromEventTrackerArn(this, 'Tracker', '${trackerArn}'). Or delete it yourself, then deploy again.`;
}

export function nameTaken(name: string, trackerArn: string, datasetGroupArn: string | undefined): string {
  return `The event tracker name '${name}' is already used by ${trackerArn}${datasetGroupArn ? ` in dataset group ${datasetGroupArn}` : ''}, which this stack did not create (it does not carry this stack's ownership tag); names are unique per account and region. Set another eventTrackerName, or omit it to get a generated one.`;
}

export function managedElsewhere(trackerArn: string, proof: string | undefined): string {
  const stack = proof?.split('/')[0];
  return `Event tracker ${trackerArn} carries the ownership tag of another resource${stack ? ` (of stack '${stack}')` : ''}, so this stack leaves it untouched. Remove it from this stack, or from the other one first.`;
}
