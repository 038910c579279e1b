import { assert } from '../assert.ts';
import type { Money } from './money.ts';

// Chinese capital amounts (中文大写金额) as written on a cheque or settlement voucher, following the
// PBOC's 《支付结算办法》 annex 《正确填写票据和结算凭证的基本规定》. Capitals exist so that a
// written amount cannot be altered by adding a stroke (一 → 二 → 三, 0 → 6 → 8). The rules, and how
// this code follows each:
//
// 1. Digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿, 元角分, and 整 (or 正). Never 一二三…十, 两, 念,
//    毛, 另 or 0. We write the simplified forms (the rules also accept 貳, 陸, 億, 萬, 圓).
// 2. An amount that ends at 元 is followed by 整 (or 正). After 角 the rules PERMIT leaving 整 out
//    (their example ¥1,409.50 → 人民币壹仟肆佰零玖元伍角); we always write it (…伍角整), which the
//    rules also allow and the Ministry of Finance's 《会计基础工作规范》 requires: it closes the amount,
//    so nobody can append a 分. Never 整 after 分.
// 3. The amount starts with 人民币, with no gap before the first digit.
// 4. Zeros in the Arabic amount are written as the language reads them and so that nothing can be
//    slipped in:
//    (1) a 0 in the middle is written 零: ¥1,409.50 → 人民币壹仟肆佰零玖元伍角(整);
//    (2) a run of several 0s in the middle may be written with a single 零: ¥6,007.14 →
//        人民币陆仟零柒元壹角肆分. We always write exactly one 零 per run.
//    (3) when the 万 digit or the 元 digit is 0 (alone or ending a run of zeros) but the 仟 digit or
//        the 角 digit is not, one 零 or none may be written: ¥1,680.32 → 人民币壹仟陆佰捌拾元零叁角贰分
//        or …元叁角贰分; ¥107,000.53 → 人民币壹拾万柒仟元零伍角叁分 or 人民币壹拾万零柒仟元伍角叁分.
//        We write the form the rules give first (the standard one): no 零 after 万 when the 仟
//        digit is not 0 (that is how the number is read aloud), and 零 after 元 when the 元 digit is
//        0 and the 角 digit is not.
//    (4) when the 角 digit is 0 and the 分 digit is not, 零 MUST follow 元: ¥16,409.02 →
//        人民币壹万陆仟肆佰零玖元零贰分; ¥325.04 → 人民币叁佰贰拾伍元零肆分.
// 5. A leading ten is 壹拾 (¥10.00 → 人民币壹拾元整, ¥107,000.53 → 人民币壹拾万…): every unit has
//    its digit, so 拾 cannot be turned into 贰拾 by adding a character in front.
// Amounts below one yuan start at 角 or 分 (¥0.05 → 人民币伍分); zero is 人民币零元整.
//
// Reading the integer part: it is split into groups of four digits from the right (个, 万, 亿). Within
// a group each non-zero digit gets its unit (仟佰拾); a run of zeros followed by a non-zero digit in
// the same group, or a run reaching back into earlier groups (a group that starts with 0, or an
// all-zero group in between), is one 零; zeros at the end of a group write nothing, and an all-zero
// group does not write its 万.

const capitalDigits = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
const positionUnits = ['仟', '佰', '拾', ''] as const;
const groupUnits = ['亿', '万', ''] as const;

/** Integer digits supported: up to 9999亿 (three groups of four), far above moneyInputMax. */
export const capitalIntegerDigitsMax = 12;

function digitOf(char: string): string {
  const d = capitalDigits[Number.parseInt(char, 10)];
  assert(d !== undefined && /^\d$/.test(char), `not a digit: ${char}`);
  return d;
}

function integerCapitals(integerDigits: string): string {
  assert(/^[1-9]\d*$/.test(integerDigits), 'integer part has no leading zeros and is not zero');
  assert(integerDigits.length <= capitalIntegerDigitsMax, `amount too large for capitals: ${integerDigits}`);
  const padded = integerDigits.padStart(capitalIntegerDigitsMax, '0');
  let out = '';
  let started = false; // a non-zero digit has been written
  let zeroPending = false; // zeros since the last written digit, to be written as one 零
  for (let g = 0; g < groupUnits.length; g++) {
    const group = padded.slice(g * 4, g * 4 + 4);
    if (group === '0000') {
      if (started) zeroPending = true;
      continue;
    }
    for (let p = 0; p < 4; p++) {
      const char = group.charAt(p);
      if (char === '0') {
        if (started) zeroPending = true;
        continue;
      }
      if (zeroPending) out += '零';
      zeroPending = false;
      out += digitOf(char) + positionUnits[p];
      started = true;
    }
    out += groupUnits[g];
    // Zeros closing a group are not read before the next group's 仟 (rule 4(3), first form).
    zeroPending = false;
  }
  assert(started, 'a non-zero integer writes at least one digit');
  return out;
}

/**
 * 人民币 capitals for a CNY amount, as on a PBOC cheque: 1004.05 → 人民币壹仟零肆元零伍分.
 * Assertions: the currency is CNY, the amount is not negative (cheques never are), and it is below
 * 10^12 yuan.
 */
export function toChineseCapital(m: Money): string {
  assert(m.currency === 'CNY', `Chinese capitals are for CNY, not ${m.currency}`);
  assert(!(m.amount.isNegative() && !m.amount.isZero()), 'a cheque amount is never negative');
  assert(m.amount.decimalPlaces() <= 2, 'CNY has two decimals');
  const [integerDigits = '', fractionDigits = ''] = m.amount.abs().toFixed(2).split('.');
  assert(/^\d+$/.test(integerDigits) && /^\d\d$/.test(fractionDigits), 'toFixed writes plain digits');
  const jiao = fractionDigits.charAt(0);
  const fen = fractionDigits.charAt(1);
  const hasYuan = integerDigits !== '0';

  if (jiao === '0' && fen === '0') {
    return `人民币${hasYuan ? integerCapitals(integerDigits) : '零'}元整`;
  }
  let out = '人民币';
  if (hasYuan) {
    out += `${integerCapitals(integerDigits)}元`;
    // Rule 4(4) (角 is 0, 分 is not: 零 is required) and 4(3) (元 digit is 0, 角 is not: the
    // standard form writes 零). Either way one 零, never two.
    if (integerDigits.endsWith('0') || jiao === '0') out += '零';
  }
  if (jiao !== '0') out += `${digitOf(jiao)}角`;
  out += fen === '0' ? '整' : `${digitOf(fen)}分`;
  return out;
}
