import { expectEveryInvariantKept } from './exhaustive-world';

// Every Update, in two halves that jest runs side by side.
test('the decision function keeps every invariant for every Update over the small world (half 1 of 2)', () => {
  expectEveryInvariantKept('Update', { index: 0, of: 2 });
}, 600_000);
