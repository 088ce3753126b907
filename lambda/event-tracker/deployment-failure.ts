/**
 * A failure for the person deploying. CloudFormation shows the message as the resource's status
 * reason: without a stack trace it stays readable and well under the 4096-byte response limit.
 */
export class DeploymentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentFailure';
    this.stack = `${this.name}: ${message}`;
  }
}
