// The marketplace's app layer. Importing this module registers its job handlers (pay timeout,
// auto-confirm, seller response timeout, T+N availability) and its signed-document source.
import './orders.ts';
import './wallet.ts';
import './receipt.ts';
import './shipping.ts';
