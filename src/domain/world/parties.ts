// The parties of a world. Institutions are seeded with every new world; buyers and sellers register
// later (identity issue). Ids of institutions are fixed per world so signed documents, accounts and
// routes can name them before anything else exists.

export const partyKinds = [
  'operator', // 平台经营者: runs the trading platform, takes commission, arbitrates
  'bank', // 银行: deposit accounts, debit cards, online banking, acquiring
  'card_company', // 信用卡公司: credit and charge cards, statements
  'escrow', // 第三方支付: holds the buyer's money until receipt is confirmed (担保交易)
  'logistics', // 物流公司: ships, tracks, delivers, collects cash on delivery
  'clearing', // 清算系统: nets and settles positions between banks
  'ca', // 认证中心: certifies identities and public keys
  'buyer', // 买家
  'seller', // 卖家 (站内经营者)
] as const;
export type PartyKind = (typeof partyKinds)[number];

export function isPartyKind(value: unknown): value is PartyKind {
  return typeof value === 'string' && (partyKinds as readonly string[]).includes(value);
}

export type LocalizedName = { readonly zh: string; readonly en: string };

export type Party = {
  readonly id: string;
  readonly kind: PartyKind;
  readonly name: LocalizedName;
  /** World time the party joined the world. */
  readonly createdAt: number;
  readonly institution: boolean;
};

/** Institutions every new world starts with, in the order the start page lists them. */
export const institutionSeeds: readonly Omit<Party, 'createdAt'>[] = [
  { id: 'platform', kind: 'operator', institution: true, name: { zh: '易购交易平台', en: 'EasyMall Platform' } },
  { id: 'bank-a', kind: 'bank', institution: true, name: { zh: '华信银行', en: 'Huaxin Bank' } },
  { id: 'bank-b', kind: 'bank', institution: true, name: { zh: '东方商业银行', en: 'Eastern Commercial Bank' } },
  { id: 'card', kind: 'card_company', institution: true, name: { zh: '长城信用卡公司', en: 'Great Wall Card Company' } },
  { id: 'escrow', kind: 'escrow', institution: true, name: { zh: '安付宝（第三方支付）', en: 'SafePay (escrow agent)' } },
  { id: 'logistics', kind: 'logistics', institution: true, name: { zh: '速达物流', en: 'Swift Logistics' } },
  { id: 'clearing', kind: 'clearing', institution: true, name: { zh: '支付清算中心', en: 'Payment Clearing House' } },
  { id: 'ca', kind: 'ca', institution: true, name: { zh: '网证认证中心', en: 'NetCert Certificate Authority' } },
];

export function seedInstitutions(now: number): Party[] {
  return institutionSeeds.map((p) => ({ ...p, createdAt: now }));
}
