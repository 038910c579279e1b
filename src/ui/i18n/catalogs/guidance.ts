// Messages that guide a user from a refusal to its remedy (issue 14, item 4: src/ui/common/remedies.ts
// maps a result code to the page that fixes it), the notice a customer without a bank account
// reads before anything needs one, and the receipt confirmation's "what you sign" step.

export const en = {
  'remedy.topUp': 'Top up your wallet',
  'remedy.applyBank': 'Apply for a bank account (My bank)',
  'remedy.applyCertificate': 'Apply for a certificate (Login & certificates)',
  'remedy.onlineBanking': 'Log in to online banking',
  'remedy.signIn': 'Sign in (Login & certificates)',
  'remedy.lead': 'What to do:',
  'error.bank_account_required': 'You have no bank account yet: apply for one at a bank first.',
  'guidance.noBank.buyer': 'You have no bank account yet. A wallet is topped up from a bank account, so apply for one at a bank first.',
  'guidance.noBank.seller':
    'You have no bank account yet. Buyers who pay by online banking, card, remittance or cash on delivery pay into your bank account, and your wallet’s sales money is withdrawn to it: open one before your first sale.',
  'receipt.sign.title': 'Confirm receipt: what you sign',
  'receipt.sign.intro': 'Your signature is an instruction to the escrow agent. Check it before you sign; once accepted it cannot be taken back.',
  'receipt.sign.document': 'Document',
  'receipt.sign.documentText': 'Receipt confirmation for order {orderId}: the goods of this order have arrived.',
  'receipt.sign.amount': 'Amount',
  'receipt.sign.seller': 'Seller (store)',
  'receipt.sign.signer': 'Signed by',
  'receipt.sign.signerText': '{buyer} (the buyer), with the key of certificate no. {serial}',
  'receipt.sign.fingerprint': 'Certificate fingerprint (SHA-256)',
  'receipt.sign.noCertificate': 'none: you have no certificate, so you cannot sign yet',
  'receipt.sign.effect': 'Then the escrow agent releases {amount} to {store}, less the platform’s commission; the seller can withdraw it after the settlement period (T+N).',
  'receipt.sign.submit': 'Sign and confirm receipt',
  'receipt.sign.cancel': 'Not yet',
} as const;

export const zh: Record<keyof typeof en, string> = {
  'remedy.topUp': '去给钱包充值',
  'remedy.applyBank': '去申请银行账户（我的银行）',
  'remedy.applyCertificate': '去申请数字证书（登录与证书）',
  'remedy.onlineBanking': '去登录网上银行',
  'remedy.signIn': '去登录（登录与证书）',
  'remedy.lead': '怎么办：',
  'error.bank_account_required': '你还没有银行账户：请先到银行申请开户。',
  'guidance.noBank.buyer': '你还没有银行账户。钱包要从银行账户充值，请先到银行申请开户。',
  'guidance.noBank.seller': '你还没有银行账户。买家用网上银行、银行卡、汇款或货到付款支付的货款会进入你的银行账户，钱包里的货款也要提现到银行账户：请在第一笔交易之前开户。',
  'receipt.sign.title': '确认收货：你要签名的内容',
  'receipt.sign.intro': '你的签名是给第三方支付机构的指令。签名前请核对；一经接受便不能撤回。',
  'receipt.sign.document': '文件',
  'receipt.sign.documentText': '订单 {orderId} 的确认收货书：本订单的货物已收到。',
  'receipt.sign.amount': '金额',
  'receipt.sign.seller': '卖家（店铺）',
  'receipt.sign.signer': '签名人',
  'receipt.sign.signerText': '{buyer}（买家），使用第 {serial} 号证书的密钥',
  'receipt.sign.fingerprint': '证书指纹（SHA-256）',
  'receipt.sign.noCertificate': '无：你还没有证书，暂时不能签名',
  'receipt.sign.effect': '随后第三方支付机构把 {amount} 扣除平台佣金后付给{store}；卖家在结算期（T+N）后可以提现。',
  'receipt.sign.submit': '签名并确认收货',
  'receipt.sign.cancel': '暂不确认',
};
