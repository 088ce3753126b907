import { Stack, StackProps } from 'aws-cdk-lib';
import { CfnDataset, CfnDatasetGroup, CfnSchema } from 'aws-cdk-lib/aws-personalize';
import { Construct } from 'constructs';
import { INTERACTIONS_SCHEMA } from './interactions-schema';
import { EventTracker, IEventTracker } from '../../src';

/**
 * The Personalize side: a dataset group with an Interactions dataset, and the event tracker that
 * records live interactions into it.
 */
export class PersonalizeStack extends Stack {
  /** Where applications send interactions (its trackingId goes into PutEvents calls). */
  public readonly tracker: IEventTracker;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Personalize names are unique per account and region: the stack name keeps them apart.
    const schema = new CfnSchema(this, 'InteractionsSchema', {
      name: `${this.stackName}-interactions`,
      schema: JSON.stringify(INTERACTIONS_SCHEMA),
    });
    const datasetGroup = new CfnDatasetGroup(this, 'DatasetGroup', { name: this.stackName });
    const interactions = new CfnDataset(this, 'Interactions', {
      name: `${this.stackName}-interactions`,
      datasetType: 'Interactions',
      datasetGroupArn: datasetGroup.attrDatasetGroupArn,
      schemaArn: schema.attrSchemaArn,
    });

    const tracker = new EventTracker(this, 'Tracker', {
      datasetGroup,
      tags: { team: 'recommendations' },
    });
    // Recorded events land in the Interactions dataset: create it before the tracker, delete it after.
    tracker.node.addDependency(interactions);
    this.tracker = tracker;
  }
}
