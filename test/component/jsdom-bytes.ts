// Under jsdom, TextEncoder hands back Node's Uint8Array while the test's global Uint8Array is
// another realm's, so the domain's `instanceof Uint8Array` checks refuse the bytes. A component
// test that builds a real world (password seals, hashes) imports this first.
const NodeTextEncoder = globalThis.TextEncoder;
class SameRealmTextEncoder extends NodeTextEncoder {
  override encode(input?: string): Uint8Array<ArrayBuffer> {
    return new Uint8Array(super.encode(input));
  }
}
globalThis.TextEncoder = SameRealmTextEncoder;
