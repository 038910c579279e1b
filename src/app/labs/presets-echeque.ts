import { bankingAccountIds } from '../../domain/index.ts';
import { enableChequeAccount, issueChequebookAtBank } from '../echeque/chequebooks.ts';
import { caKeyRing, certifiedCustomer, markLab } from './presets-identity.ts';
import { metaOf, must, type Preset } from './presets.ts';

// The preset of the e-cheque lab (电子支票): a drawer at Huaxin Bank (bank-a, ¥1,000.00 paid in)
// whose deposit account the bank enabled for cheques and gave a chequebook of 10, and a payee at
// Eastern Commercial Bank (bank-b, ¥100.00), both with certificates (the drawer signs the cheque
// and the stop order, the payee its endorsement). Writing, endorsing, presenting and the returns
// are the lab. Built by the app's real commands.

/** Leaves in the lab's chequebook: the lab writes two, a student may spoil a few. */
export const echequeLabBookSize = 10;

const echeque: Preset = async (db, ctx) => {
  const id = 'echeque';
  const caKeys = await caKeyRing(db, id, ctx);
  const drawer = await certifiedCustomer(db, id, ctx, caKeys, { loginName: 'lab_drawer', realName: '赵敏', bankId: 'bank-a', deposit: '1000.00' });
  await certifiedCustomer(db, id, ctx, caKeys, { loginName: 'lab_payee', realName: '周强', bankId: 'bank-b', deposit: '100.00' });
  caKeys.forgetWorld(ctx.worldId);
  const accountId = bankingAccountIds.deposit('bank-a', drawer);
  must(await enableChequeAccount(db, metaOf(id, 'cheque-account', 'bank-a'), { accountId }), 'enable the cheque account');
  must(await issueChequebookAtBank(db, metaOf(id, 'chequebook', 'bank-a'), { accountId, count: echequeLabBookSize }), 'issue the chequebook');
  await markLab(db, id);
};

export const echequePresets: Readonly<Record<string, Preset>> = { echeque };
