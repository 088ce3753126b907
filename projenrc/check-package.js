// npm's prepack script: runs before npm pack and npm publish pack this folder (jsii-pacmak runs
// npm pack for every language it packages). npm ships the built files as they are on disk, and a
// fresh clone has none: refuse to pack a package that would install, then fail for its users.
'use strict';
const fs = require('fs');

const BUILT = [
  { file: 'lib/index.js', what: 'the compiled library', command: 'npx projen compile' },
  { file: '.jsii', what: 'the jsii assembly', command: 'npx projen compile' },
  {
    file: 'assets/event-tracker/index.js',
    what: 'the bundled handler; without it, apps fail at synth with "Cannot find asset"',
    command: 'npx projen bundle:handler',
  },
];

const missing = BUILT.filter(({ file }) => !fs.existsSync(file));
for (const { file, what, command } of missing) {
  console.error(`Cannot pack: ${file} is missing (${what}). Build it with ${command}.`);
}
if (missing.length > 0) {
  console.error('To build and pack: npx projen compile, then npx projen package (the tarball lands in dist/js/).');
  process.exitCode = 1;
}
