import type { Certificate, JsonValue } from '../src/domain/index.ts';

// What a simulated student does in the class rows (bench/class-bench.ts), the same in Node (signed
// and published) and in the page (the local baseline): the lab's seller lists a product, or the
// lab's buyer sets a quantity in the cart, alternately. Both are real pipeline commands that write
// the world (a product and its event; the cart).

/** A certified party of the class world whose key the simulated students sign with. */
export type LessonParty = { readonly partyId: string; readonly role: 'seller' | 'buyer'; readonly seedHex: string; readonly certificate: Certificate };

export type LessonCommand = { readonly name: string; readonly commandId: string; readonly actor: string; readonly input: JsonValue };

/** Run once before the lesson: the buyer's cart line that the lesson's quantity changes need. */
export function lessonSetup(parties: readonly LessonParty[], productId: string, prefix: string): LessonCommand {
  const buyer = parties.find((p) => p.role === 'buyer')!;
  return { name: 'addToCart', commandId: `${prefix}-setup`, actor: buyer.partyId, input: { productId, quantity: 1 } };
}

/** The nth lesson command: ids and product numbers unique by (prefix, n). */
export function lessonCommand(parties: readonly LessonParty[], productId: string, prefix: string, n: number): LessonCommand {
  const commandId = `${prefix}-${n}`;
  if (n % 2 === 0) {
    const seller = parties.find((p) => p.role === 'seller')!;
    // 商品编号: 4-20 of A-Z, digits and single hyphens.
    const number = `BN-${n.toString(36).toUpperCase().padStart(4, '0')}`;
    return { name: 'listProduct', commandId, actor: seller.partyId, input: { product: { number, name: `《课本》${n}`, category: 'books', spec: '平装', unitPrice: '40.00', stock: 5 }, pictures: [] } };
  }
  const buyer = parties.find((p) => p.role === 'buyer')!;
  return { name: 'setCartQuantity', commandId, actor: buyer.partyId, input: { productId, quantity: 1 + (n % 3) } };
}

export type ServerLink = { readonly server: string; readonly teacherPass: string; readonly studentPass: string; readonly runId: string };

/** What bench/class-page.ts offers bench/class-bench.ts (page.evaluate). */
export type ClassBenchApi = {
  open(link: ServerLink): Promise<{ parties: LessonParty[]; productId: string; snapshotEvery: number }>;
  /** Joins the class (latest snapshot, then the tail) and follows it; ms until settled at the stream's last sequence. */
  join(link: ServerLink & { replicaId: string }): Promise<{ ms: number; importMs: number; seq: number; snapshotSeq: number }>;
  /**
   * joinClass's parts, one by one, on the class's latest snapshot again (a world of its own, deleted
   * after): reading it from the server, importing the world file (written and checked in the import
   * worker), the imported world's digest, and checkWorld again (the import's own check) in the page.
   */
  joinParts(link: ServerLink): Promise<{ bytes: number; readMs: number; importMs: number; digestMs: number; checkMs: number }>;
  settled(): number;
  appliedAt(ids: readonly string[]): (number | null)[];
  /** Stops following the stream (the world and connection stay). */
  pause(): Promise<void>;
  /** Follows again; ms until settled at `toSeq`. */
  catchUp(toSeq: number): Promise<number>;
  snapshotAt(seq: number): void;
  /** ms to run `count` lesson commands locally through the pipeline (a world copy of this page's own). */
  local(parties: readonly LessonParty[], productId: string, count: number, runId: string): Promise<number>;
  /** How this replica's stream commands came out: 'ok', or the command's or the replica's refusal code, with counts. */
  outcomes(): Record<string, number>;
  digest(): Promise<string>;
  close(): Promise<void>;
};
