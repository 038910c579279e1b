import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseMessage } from '../../src/sync/protocol.ts';
import { WorldChannel } from '../../src/sync/channel.ts';

const from = { tabId: 'tab-1', partyId: 'bank-a', leader: false };

describe('channel protocol', () => {
  afterEach(() => vi.restoreAllMocks());

  it('accepts well-formed messages', () => {
    expect(parseMessage({ v: 1, type: 'hello', from })).toMatchObject({ ok: true });
    expect(parseMessage({ v: 1, type: 'clock.moved', from, at: 123 })).toMatchObject({ ok: true });
    expect(parseMessage({ v: 1, type: 'notice', from, to: ['seller-1'], kind: 'order.paid', ref: 'o-1' })).toMatchObject({ ok: true });
  });

  it.each([
    ['not an object', 'hello'],
    ['null', null],
    ['wrong version', { v: 2, type: 'hello', from }],
    ['unknown type', { v: 1, type: 'launch', from }],
    ['missing sender', { v: 1, type: 'hello' }],
    ['bad sender id', { v: 1, type: 'hello', from: { tabId: '<script>', partyId: null, leader: false } }],
    ['leader not boolean', { v: 1, type: 'hello', from: { tabId: 't', partyId: null, leader: 'yes' } }],
    ['clock time not a number', { v: 1, type: 'clock.moved', from, at: '5' }],
    ['clock time fractional', { v: 1, type: 'clock.moved', from, at: 1.5 }],
    ['notice without recipients', { v: 1, type: 'notice', from, to: [], kind: 'x' }],
    ['notice recipients not strings', { v: 1, type: 'notice', from, to: [1], kind: 'x' }],
    ['notice kind malformed', { v: 1, type: 'notice', from, to: ['a'], kind: 'DROP TABLE' }],
    ['notice ref too long', { v: 1, type: 'notice', from, to: ['a'], kind: 'x', ref: 'r'.repeat(201) }],
  ])('rejects a malformed message: %s', (_label, data) => {
    expect(parseMessage(data).ok).toBe(false);
  });

  it('a channel ignores malformed messages with a console warning and delivers good ones', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const channel = new WorldChannel('protocol-test');
    const got: string[] = [];
    channel.subscribe((m) => got.push(m.type));
    channel.receive({ v: 1, type: 'clock.moved', from, at: 'soon' });
    channel.receive({ v: 1, type: 'hello', from });
    expect(got).toEqual(['hello']);
    expect(warn).toHaveBeenCalledTimes(1);
    channel.close();
  });
});
