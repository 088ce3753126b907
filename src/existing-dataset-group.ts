import { Resource, Token } from 'aws-cdk-lib';
import { aws_personalize as personalizeRefs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { datasetGroupArnProblems } from './private/validation-rules';

/**
 * A dataset group that exists outside this app, to give to an EventTracker.
 */
export class ExistingDatasetGroup extends Resource implements personalizeRefs.IDatasetGroupRef {
  /**
   * References an existing dataset group by its ARN,
   * e.g. `arn:aws:personalize:us-east-1:123456789012:dataset-group/my-group`.
   */
  public static fromDatasetGroupArn(scope: Construct, id: string, datasetGroupArn: string): personalizeRefs.IDatasetGroupRef {
    if (!Token.isUnresolved(datasetGroupArn)) {
      const problems = datasetGroupArnProblems(datasetGroupArn);
      if (problems.length > 0) {
        throw new Error(problems.join('\n'));
      }
    }
    return new ExistingDatasetGroup(scope, id, datasetGroupArn);
  }

  public readonly datasetGroupRef: personalizeRefs.DatasetGroupReference;

  private constructor(scope: Construct, id: string, datasetGroupArn: string) {
    super(scope, id, { environmentFromArn: datasetGroupArn });
    this.datasetGroupRef = { datasetGroupArn };
  }
}
