import { expectEveryInvariantKept } from './exhaustive-world';

test('the decision function keeps every invariant for every Create over the small world', () => {
  expectEveryInvariantKept('Create');
}, 600_000);
