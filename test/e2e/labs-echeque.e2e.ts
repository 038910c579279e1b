import { afterEach, describe, expect, it } from 'vitest';
import { launchProfile, type Profile } from './browser.ts';
import { go, signInAsTeacher } from './flows.ts';
import { allTicked, answer, labUserPassword, openFromPanel, refusedWithHint, signInHere, startLab, stepDone, waitTick } from './lab-steps.ts';

// The e-cheque lab end to end (issue #14), through the UI only: from its card in the start page's
// catalogue, the drawer writes and later stops a cheque, the payee endorses and deposits both, the
// payee's bank presents them through clearing and the drawer's bank pays the first and returns the
// stopped one, then the teacher's lab tool alters a third cheque's amount and it is returned as altered;
// every step ticks from the world, a cheque for ¥0.00 is refused with the step's hint in the lab panel,
// a wrong answer shows the question's hint.

const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

describe('the e-cheque lab', () => {
  it('write → endorse → deposit → present through clearing → paid; a stopped cheque returned as payment_stopped with its fee; an altered amount returned; questions from the world', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const { page: drawer, worldId } = await startLab(p, 'echeque');
    const drawerId = 'u-lab_drawer';
    const payeeId = 'u-lab_payee';
    await expect.poll(() => drawer.getByTestId('lab-step-write').getAttribute('data-current')).toBe('true');
    // The tab that started the lab is the world's teacher: it shows the banks' passwords.
    const collectingPassword = (await drawer.getByTestId('lab-password-collecting-bank').textContent())!;
    const payingPassword = (await drawer.getByTestId('lab-password-paying-bank').textContent())!;
    await go(drawer, worldId, drawerId, 'chequebook');
    await signInHere(drawer, labUserPassword);
    const writeCheque = async (amount: string) => {
      await drawer.getByTestId('cheque-payee-select').selectOption(payeeId);
      await drawer.getByTestId('cheque-amount').fill(amount);
      await drawer.getByTestId('cheque-write-submit').click();
    };
    // A wrong action: a cheque for nothing, refused by the page before any command runs.
    await writeCheque('0');
    await drawer.getByTestId('cheque-write-error').waitFor();
    await refusedWithHint(drawer, 'write', 'amount_invalid', 'such as 200.00');
    await writeCheque('200.00');
    await waitTick(drawer, 'write');
    await expect.poll(() => drawer.getByTestId('lab-failure').count()).toBe(0);

    const payee = await openFromPanel(p.context, drawer, 'lab-tab-payee');
    await go(payee, worldId, payeeId, 'cheques');
    await signInHere(payee, labUserPassword);
    /** The payee opens the cheque, runs the checklist, endorses it and deposits it. */
    const endorseAndDeposit = async (number: string) => {
      const row = payee.locator(`[data-testid="inbox-row"][data-number="${number}"]`);
      await row.getByTestId('inbox-open').click();
      const detail = payee.getByTestId('inbox-detail');
      await detail.getByTestId('inbox-verify').click();
      await detail.getByTestId('checklist-summary').waitFor();
      await detail.getByTestId('inbox-endorse').click();
      await detail.getByTestId('inbox-deposit').click();
      await expect.poll(() => row.getAttribute('data-status')).toBe('deposited');
    };
    const firstNumber = (await payee.getByTestId('inbox-row').first().getAttribute('data-number'))!;
    await endorseAndDeposit(firstNumber);
    await waitTick(payee, 'endorse');
    await waitTick(payee, 'deposit');

    const collecting = await openFromPanel(p.context, drawer, 'lab-tab-collecting-bank');
    await go(collecting, worldId, 'bank-b', 'cheque-desk');
    await signInHere(collecting, collectingPassword);
    const present = async (number: string) => collecting.locator(`[data-testid="present-row"][data-number="${number}"]`).getByTestId('desk-present').click();
    await present(firstNumber);
    await waitTick(collecting, 'present');

    const paying = await openFromPanel(p.context, drawer, 'lab-tab-paying-bank');
    await go(paying, worldId, 'bank-a', 'cheque-desk');
    await signInHere(paying, payingPassword);
    const decide = async (number: string) => paying.locator(`[data-testid="decide-row"][data-number="${number}"]`).getByTestId('desk-decide').click();
    await decide(firstNumber);
    await waitTick(paying, 'pay');
    await paying.locator(`[data-testid="decided-row"][data-number="${firstNumber}"][data-outcome="paid"]`).waitFor();

    // The second cheque, stopped by the drawer before the payee deposits it.
    expect(await stepDone(drawer, 'stop')).toBe('false');
    await writeCheque('80.00');
    await expect.poll(() => drawer.getByTestId('written-row').count()).toBe(2);
    await drawer.getByTestId('written-stop').click();
    await drawer.getByTestId('stop-reason').fill('货物未到');
    await drawer.getByTestId('stop-submit').click();
    await waitTick(drawer, 'stop');

    const secondNumber = (await payee.locator(`[data-testid="inbox-row"]:not([data-number="${firstNumber}"])`).getAttribute('data-number'))!;
    await endorseAndDeposit(secondNumber);
    await waitTick(payee, 'deposit-stopped');
    await present(secondNumber);
    await waitTick(collecting, 'present-stopped');
    await decide(secondNumber);
    await waitTick(paying, 'return');
    const returned = paying.locator(`[data-testid="decided-row"][data-number="${secondNumber}"]`);
    expect(await returned.getAttribute('data-reason')).toBe('payment_stopped');
    expect(await returned.textContent()).toContain('20.00');

    // The third cheque: the teacher signs in in the payee's tab and alters its amount after signing.
    await writeCheque('50.00');
    await waitTick(drawer, 'write-third');
    const teacherLine = (await drawer.getByTestId('lab-teacher-password').textContent())!;
    const teacherPassword = teacherLine.slice(teacherLine.lastIndexOf(': ') + 2);
    await signInAsTeacher(payee, worldId, { password: teacherPassword });
    const thirdNumber = (await payee.locator(`[data-testid="inbox-row"]:not([data-number="${firstNumber}"]):not([data-number="${secondNumber}"])`).getAttribute('data-number'))!;
    const thirdRow = payee.locator(`[data-testid="inbox-row"][data-number="${thirdNumber}"]`);
    await thirdRow.getByTestId('inbox-open').click();
    const detail = payee.getByTestId('inbox-detail');
    await detail.getByTestId('cheque-lab').locator('summary').click();
    await detail.getByTestId('lab-amount').fill('500.00');
    await detail.getByTestId('lab-alter').click();
    await waitTick(payee, 'alter');
    await detail.getByTestId('cheque-altered').waitFor();
    // The checklist flags it; the lab lets the payee endorse and deposit it anyway.
    await detail.getByTestId('inbox-verify').click();
    await expect.poll(() => detail.getByTestId('checklist-summary').getAttribute('data-passed')).toBe('false');
    await detail.getByTestId('inbox-endorse').click();
    await detail.getByTestId('inbox-deposit').click();
    await waitTick(payee, 'deposit-altered');
    await present(thirdNumber);
    await waitTick(collecting, 'present-altered');
    await decide(thirdNumber);
    await waitTick(paying, 'return-altered');
    expect(await paying.locator(`[data-testid="decided-row"][data-number="${thirdNumber}"]`).getAttribute('data-reason')).toBe('altered_or_fictitious');
    await allTicked(
      [drawer, payee, collecting, paying],
      ['write', 'endorse', 'deposit', 'present', 'pay', 'stop', 'deposit-stopped', 'present-stopped', 'return', 'write-third', 'alter', 'deposit-altered', 'present-altered', 'return-altered'],
    );

    await answer(drawer, 'number', secondNumber, firstNumber, 'The cheque number is on the cheque');
    await answer(payee, 'amount', '280.00', '200.00', 'amount in figures');
    await answer(paying, 'fee', '80.00', '20.00', 'names the fee');
    await answer(payee, 'signed-amount', '500.00', '50.00', 'says what it was signed for');
  });
});
