// aws-local-stepfunctions 3 declares Node.js >= 22 for one reason found: its Task state calls
// Promise.withResolvers (Node.js 22). This machine runs Node.js 20; the rest of it runs there as is.
const promise = Promise as unknown as { withResolvers?: () => unknown };
promise.withResolvers ??= function withResolvers<T>() {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const created = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise: created, resolve, reject };
};
export {};
