// Assertions state what must be true for the program to be correct. A failed assertion is a bug:
// it throws AssertionError, which nothing catches on purpose (TigerBeetle style).

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${JSON.stringify(value)}`);
}
