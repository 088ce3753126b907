import { awscdk, javascript } from 'projen';

// Environment every task runs with: no phone-home, no banners. Without these, jsii fetches its
// support notice from GitHub (which an offline build cannot reach), the cdk CLI sends telemetry, and
// on Node.js 20 jsii prints an end-of-life banner and the AWS SDK a notice that its releases after
// January 2027 need Node.js 22 (once per test file). Both concern the machine that builds, not users:
// the handler runs on nodejs24.x, with the SDK bundled.
const offlineEnv = {
  JSII_SILENCE_SUPPORT_WARNING: '1',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

// The package each jsii language would be published under. The names follow the
// repository (github.com/example/cdk-personalize-event-tracker) the way cdklabs libraries do.
// Only JavaScript can be packaged here; CI generates the other bindings (package:bindings).
const jsiiTargets = {
  publishToPypi: {
    distName: 'cdk-personalize-event-tracker',
    module: 'cdk_personalize_event_tracker',
  },
  publishToMaven: {
    mavenGroupId: 'io.github.example',
    mavenArtifactId: 'cdk-personalize-event-tracker',
    javaPackage: 'io.github.example.cdk.personalize.eventtracker',
  },
  publishToNuget: {
    // Not "...EventTracker": .NET's naming guidelines advise against a namespace named like a type in it.
    dotNetNamespace: 'Example.CdkPersonalizeEventTracker',
    packageId: 'Example.CdkPersonalizeEventTracker',
  },
  publishToGo: {
    moduleName: 'github.com/example/cdk-personalize-event-tracker-go',
    packageName: 'cdkpersonalizeeventtracker',
  },
} satisfies Partial<awscdk.AwsCdkConstructLibraryOptions>;

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-personalize-event-tracker',
  description: 'An AWS CDK L2 construct for Amazon Personalize event trackers, backed by a custom resource that handles replacement, rollback and teardown.',
  author: 'cdk-personalize-event-tracker maintainers',
  authorAddress: 'maintainers@users.noreply.example',
  repositoryUrl: 'https://github.com/example/cdk-personalize-event-tracker.git',
  keywords: ['cdk', 'aws-cdk', 'personalize', 'event-tracker', 'custom-resource'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // The first version in which IDatasetGroupRef has its lasting jsii name
  // (aws-cdk-lib.interfaces.aws_personalize.IDatasetGroupRef).
  cdkVersion: '2.224.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.16.0',

  // The dependencies whose install scripts npm runs (each makes sure its native binary is there).
  // npm 11 runs the scripts of packages not listed too, but warns about each on every install.
  allowScripts: ['esbuild', 'unrs-resolver', '@parcel/watcher'],

  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  buildWorkflow: false,
  ...jsiiTargets,

  devDeps: [
    'typescript@~6.0.0',
    'aws-cdk@^2',
    'esbuild@^0.28',
    '@aws-sdk/client-personalize@^3',
    // The handler reads its stack's status (DescribeStacks). The same release as client-personalize,
    // so that the bundle holds one copy of the SDK's core.
    '@aws-sdk/client-cloudformation@^3.1138.0',
    '@aws-sdk/client-personalize-events@^3',
    '@smithy/core@^3',
    'aws-sdk-client-mock@^4.1',
    '@types/aws-lambda@^8',
    'cdk-nag@~2.38.0',
    '@aws-cdk/integ-tests-alpha@2.214.0-alpha.0',
    'fast-check@^4',
    // The Provider framework's own code runs under the tests (test/driver/): these are the SDK clients
    // its outbound.js requires (the Lambda runtime provides them in AWS), and a States Language interpreter
    // for its waiter state machine.
    '@aws-sdk/client-lambda@^3',
    '@aws-sdk/client-sfn@^3',
    'aws-local-stepfunctions@^3',
  ],

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'lambda', 'examples', 'bench', 'projenrc', '.projenrc.ts'],
  },

  jestOptions: {
    // Snapshots must be able to fail: write them on purpose with `npx projen test:update`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 60_000,
      // Each test file gets its own TMPDIR, which os.tmpdir() and spawned processes really see.
      testEnvironment: '<rootDir>/test/helpers/isolated-tmpdir-environment.ts',
      coveragePathIgnorePatterns: ['/node_modules/', '/test/', '/assets/'],
    },
  },
});

// The base class of test/helpers/isolated-tmpdir-environment.ts; jest itself only brings it in.
project.addDevDeps('jest-environment-node@^30');

// npm ci rejects the lock file without this pin ("Missing: @unrs/resolver-binding-...").
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

for (const [name, value] of Object.entries(offlineEnv)) {
  project.tasks.addEnvironment(name, value);
}

// The handler is bundled once at build time and shipped in the npm package.
const bundleHandler = project.addTask('bundle:handler', {
  description: 'Bundle the custom resource handler (lambda/) into assets/event-tracker/index.js',
  exec: 'esbuild lambda/event-tracker/index.ts --bundle --platform=node --target=node22 --format=cjs --minify --legal-comments=none --outfile=assets/event-tracker/index.js',
});

// esbuild and ts-jest only strip types: type-check everything jsii does not compile.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check lambda/, examples/, test/ and bench/',
  steps: [
    { exec: 'tsc --noEmit -p lambda/tsconfig.json' },
    { exec: 'tsc --noEmit -p test/tsconfig.json' },
    { exec: 'tsc --noEmit -p examples/tsconfig.json' },
    { exec: 'tsc --noEmit -p bench/tsconfig.json' },
  ],
});

project.preCompileTask.spawn(typecheck);
project.preCompileTask.spawn(bundleHandler);
project.testTask.prependSpawn(bundleHandler);

// The main job: synthesize the example app with the real cdk CLI, then deploy it against the emulator.
project.addTask('demo', {
  description: 'Synthesize examples/ with the cdk CLI and deploy its event tracker against the local Personalize emulator',
  steps: [
    { spawn: bundleHandler.name },
    { exec: 'ts-node --transpile-only --project examples/tsconfig.json examples/demo/main.ts' },
  ],
});

project.addTask('bench', {
  description: 'Footprint, synth scaling, handler start-up and deploy latency, side by side with the alternatives',
  steps: [
    { spawn: bundleHandler.name },
    { exec: 'ts-node --transpile-only --project bench/tsconfig.json bench/main.ts' },
  ],
});

// Only JavaScript can be packaged here, in CI or not: building the other packages needs PyPI,
// Maven Central, NuGet or the Go proxy. package-all stays for a machine that has them.
const packageJs = project.tasks.tryFind('package:js')!;
project.packageTask.reset();
project.packageTask.spawn(packageJs);

// npm pack ships assets/ as it is on disk, and a package without the handler bundle installs, then
// fails at synth ("Cannot find asset"). jsii-pacmak runs npm pack for every language, so every
// package task bundles first; npm's prepack refuses to pack whatever is still missing, naming it.
for (const language of ['js', 'java', 'python', 'dotnet', 'go']) {
  project.tasks.tryFind(`package:${language}`)!.prependSpawn(bundleHandler);
}
project.package.setScript('prepack', 'node projenrc/check-package.js');

// The other four languages' bindings, generated offline from the jsii assembly (run after compile).
// Byte-compiling the Python makes a name that is not valid Python fail here rather than for users.
const bindingsDir = 'dist/bindings';
project.addTask('package:bindings', {
  description: `Generate the Python, Java, .NET and Go bindings (code only) into ${bindingsDir}/ and byte-compile the Python`,
  steps: [
    { exec: `rm -rf ${bindingsDir}` },
    // jsii-pacmak packs the npm package even for code only.
    { spawn: bundleHandler.name },
    { exec: `jsii-pacmak --code-only --targets python java dotnet go --outdir ${bindingsDir}` },
    { exec: `python3 -m compileall -q ${bindingsDir}/python` },
  ],
});

// The packed library in a user's app on the newest aws-cdk-lib, cdk CLI v2 and cdk-nag, and the
// contract suite on the handler runtime's Node.js (test/compat/run.js; README "Supported aws-cdk-lib versions").
project.addTask('test:compat', {
  description: 'Pack the library, install it in test/compat\'s app (own lock file) and check synth, cdk-nag and the contract suite there',
  steps: [
    { spawn: bundleHandler.name },
    { spawn: project.compileTask.name },
    { exec: 'node test/compat/run.js' },
  ],
});

// Random CloudFormation histories checked against a model of the lifecycle (test/model/); the test
// command runs a short version (test/model/lifecycle.model.test.ts).
project.addTask('soak', {
  description: 'Run 1,000 random CloudFormation histories with fresh seeds against the lifecycle model (SOAK_RUNS, SOAK_SEED, SOAK_WORKERS: see test/model/soak.ts)',
  steps: [
    { spawn: bundleHandler.name },
    { exec: 'ts-node --transpile-only --project test/tsconfig.json test/model/soak.ts' },
  ],
});

project.gitignore.addPatterns('/assets/', 'cdk.out/', '*.cdk.out/', '/test/.readme-*/');
project.addPackageIgnore('/lambda/');
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('cdk.out/');

project.synth();
