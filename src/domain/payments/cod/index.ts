// Cash on delivery (货到付款, issue 6 item 8): the offline channel, the courier's parcel states and the
// logistics company's daily remittance to sellers less the COD fee.
export * from './config.ts';
export * from './channel.ts';
export * from './shipment.ts';
export * from './batch.ts';
