// The B2C marketplace paid through the escrow agent (担保交易): products, search, cart, checkout,
// the order lifecycle, settlement and reviews. Pure functions over plain rows; each command returns
// new rows plus effects (effects.ts) for the app layer to carry out in one transaction.
export * from './category.ts';
export * from './config.ts';
export * from './effects.ts';
export * from './product.ts';
export * from './search.ts';
export * from './cart.ts';
export * from './order.ts';
export * from './stock.ts';
export * from './settlement.ts';
export * from './transition.ts';
export * from './review.ts';
export * from './demo.ts';
