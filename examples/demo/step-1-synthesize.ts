import * as path from 'path';
import { SynthesizedApp } from './cloud-assembly';
import { Story, seconds } from './story';
import { REPO_ROOT, synthesizeExample } from './synth';
import { summarizeTemplate } from './template-summary';

/** Step 1: `cdk synth` of examples/app, and what its templates hold. */
export async function synthesize(story: Story): Promise<SynthesizedApp> {
  story.step(1, 'Synthesize the example CDK app with the cdk CLI',
    'examples/app defines two stacks: EventTrackerExample-Personalize (dataset group, Interactions dataset,',
    'event tracker) and EventTrackerExample-Ingest (a Lambda function that records interactions, an alarm).');
  const synth = await synthesizeExample();
  story.say(`cdk ${synth.cliVersion}: synth --no-notices, no AWS credentials, cdk-nag AwsSolutions checks on, ${seconds(synth.durationMs)}`);
  synth.warnings.forEach((warning) => story.say(`CLI warning: ${warning}`));

  const app = new SynthesizedApp(synth.outdir);
  for (const stack of app.stacks) {
    story.say(`${stack.name}.template.json: ${Object.keys(stack.template.Resources).length} resources`);
    summarizeTemplate(stack).forEach((line) => story.detail(line));
  }
  story.done(`${app.stacks.length} templates in ${path.relative(REPO_ROOT, synth.outdir)}`);
  return app;
}
