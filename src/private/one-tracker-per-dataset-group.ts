import { IConstruct } from 'constructs';

/**
 * The trackers of each app, by dataset group ARN (a literal ARN, or the token string of the dataset
 * group's ARN attribute, which is the same string wherever that attribute is read). Keyed by the
 * app's root construct so apps never share entries; a WeakMap so a finished app is collected.
 */
const trackersByApp = new WeakMap<IConstruct, Map<string, IConstruct[]>>();

/** Personalize allows one tracker per dataset group: a second one in the app fails validation. */
export function claimDatasetGroup(tracker: IConstruct, datasetGroup: IConstruct, datasetGroupArn: string): void {
  const root = tracker.node.root;
  let trackersByDatasetGroup = trackersByApp.get(root);
  if (!trackersByDatasetGroup) {
    trackersByDatasetGroup = new Map();
    trackersByApp.set(root, trackersByDatasetGroup);
  }
  const claimants = trackersByDatasetGroup.get(datasetGroupArn) ?? [];
  claimants.push(tracker);
  trackersByDatasetGroup.set(datasetGroupArn, claimants);

  tracker.node.addValidation({
    validate: () => {
      const first = claimants[0];
      if (first === tracker) {
        return [];
      }
      return [
        `Two EventTrackers use dataset group ${datasetGroup.node.path}: ${first.node.path} and ${tracker.node.path}. `
        + 'Personalize allows one event tracker per dataset group. Keep one and share it (pass it to the other stack, '
        + 'or import it there with EventTracker.fromEventTrackerArn), or give the other its own dataset group.',
      ];
    },
  });
}
