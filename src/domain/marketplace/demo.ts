// A demo catalogue so a new seller's shop is not empty in a lesson: realistic products in every
// category, Chinese names as a Chinese shop would write them plus English names, prices from ¥0.10
// (a single news article, for the micro-payment lessons) to a few hundred yuan.

import { assert } from '../assert.ts';
import { worldEpochMs } from '../world/clock.ts';
import { createProduct, type ProductInput, type ProductRow } from './product.ts';

type DemoItem = Omit<ProductInput, 'number'> & { readonly code: string };

const demoItems: readonly DemoItem[] = [
  { code: 'BK', name: '《电子商务概论》教材', nameEn: 'Introduction to E-Commerce (textbook)', category: 'books', spec: '第5版 · 平装 · 16开', unitPrice: '45.00', stock: 60, description: '高等院校电子商务专业核心课程教材，含案例与习题。' },
  { code: 'BK', name: '《网上支付与结算》', nameEn: 'Online Payment and Settlement', category: 'books', spec: '第3版 · 平装', unitPrice: '39.80', stock: 40, description: '讲解第三方支付、网上银行、电子支票等结算方式。' },
  { code: 'DG', name: '蓝牙耳机', nameEn: 'Bluetooth earphones', category: 'digital', spec: '白色 · 降噪版', unitPrice: '199.00', stock: 30, description: '蓝牙5.3，续航24小时，附充电盒。' },
  { code: 'DG', name: '移动电源 10000mAh', nameEn: 'Power bank 10000mAh', category: 'digital', spec: '黑色 · 双USB', unitPrice: '89.00', stock: 50, description: '支持快充，可随身携带登机。' },
  { code: 'FD', name: '新疆红枣 500g', nameEn: 'Xinjiang red dates 500g', category: 'food', spec: '500g · 袋装', unitPrice: '29.90', stock: 120, description: '和田骏枣，自然晾晒，个大肉厚。' },
  { code: 'FD', name: '西湖龙井茶 250g', nameEn: 'West Lake Longjing tea 250g', category: 'food', spec: '250g · 罐装 · 明前', unitPrice: '168.00', stock: 25, description: '杭州西湖产区明前茶，礼盒包装。' },
  { code: 'CL', name: '纯棉短袖T恤', nameEn: 'Cotton T-shirt', category: 'clothing', spec: 'L码 · 藏青色', unitPrice: '59.00', stock: 80, description: '100%精梳棉，透气舒适。' },
  { code: 'AP', name: '电热水壶 1.5L', nameEn: 'Electric kettle 1.5L', category: 'appliances', spec: '1.5L · 304不锈钢', unitPrice: '129.00', stock: 20, description: '1800W快速烧水，自动断电。' },
  { code: 'HM', name: '真空保温杯 500ml', nameEn: 'Vacuum flask 500ml', category: 'home', spec: '500ml · 银色', unitPrice: '79.00', stock: 45, description: '保温12小时，保冷24小时。' },
  { code: 'SP', name: '加厚瑜伽垫', nameEn: 'Thick yoga mat', category: 'sports', spec: '183×61cm · 10mm', unitPrice: '99.00', stock: 35, description: 'NBR材质，防滑耐磨，附背带。' },
  { code: 'BT', name: '玫瑰护手霜', nameEn: 'Rose hand cream', category: 'beauty', spec: '50g × 2支', unitPrice: '35.00', stock: 70, description: '滋润不油腻，秋冬必备。' },
  { code: 'CT', name: '今日财经快讯（单篇）', nameEn: "Today's finance news (single article)", category: 'content', spec: '电子版 · 单篇', unitPrice: '0.10', stock: 100_000, description: '按篇付费的新闻稿，适合演示小额支付（微支付）。' },
  { code: 'CT', name: '民乐《茉莉花》MP3', nameEn: 'Folk song "Jasmine Flower" (MP3)', category: 'content', spec: 'MP3 · 320kbps · 单曲', unitPrice: '0.50', stock: 100_000, description: '数字音乐单曲下载。' },
];

/** The seller-specific part of demo numbers: the last up-to-8 letters/digits of the seller id. */
export function demoNumberTag(sellerId: string): string {
  const alnum = sellerId.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '');
  return alnum === '' ? 'DEMO' : alnum.slice(-8);
}

/**
 * ~12 listed demo products for `sellerId`. Ids are `${sellerId}-demo-01`..., numbers
 * `<category code>-<tag>-<nn>` (BK-SELLER1-01), where tag is `options.tag` or demoNumberTag(sellerId):
 * two demo sellers' numbers differ as long as their tags do (the app passes a tag of its own when
 * two seller ids share their last eight letters and digits). Every row is built through
 * createProduct, so it passes the same validation as a seller's form.
 */
export function demoCatalogue(sellerId: string, options: { readonly now?: number; readonly tag?: string } = {}): ProductRow[] {
  assert(sellerId.length > 0, 'seller id required');
  const now = options.now ?? worldEpochMs;
  const tag = options.tag ?? demoNumberTag(sellerId);
  assert(/^[A-Z0-9]{1,12}$/.test(tag), `demo tag must be 1-12 letters/digits: ${tag}`);
  return demoItems.map((item, i) => {
    const seq = String(i + 1).padStart(2, '0');
    const { code, ...fields } = item;
    const created = createProduct({ ...fields, number: `${code}-${tag}-${seq}` }, { id: `${sellerId}-demo-${seq}`, sellerId, now, currency: 'CNY' });
    assert(created.ok, `demo product ${seq} is valid`);
    return created.value;
  });
}
