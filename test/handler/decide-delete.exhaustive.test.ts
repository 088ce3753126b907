import { expectEveryInvariantKept } from './exhaustive-world';

test('the decision function keeps every invariant for every Delete over the small world', () => {
  expectEveryInvariantKept('Delete');
}, 600_000);
